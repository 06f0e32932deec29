"""The TurboJPEG decode gives OpenCV's pixels, orientation and failures, or hands over to it."""

from __future__ import annotations

import io

import cv2
import numpy as np
import pytest
from PIL import Image

from inference import jpeg_decode
from inference.jpeg_decode import DecodeBuffer, decode_bgr, read_jpeg_header

FACTORS = (1, 2, 4, 8)


def _picture(h: int = 101, w: int = 133, seed: int = 0) -> np.ndarray:
    """Texture and edges (noise, shapes), so any decoding difference shows in the bytes."""
    rng = np.random.default_rng(seed)
    image = (rng.random((h, w, 3)) * 255).astype(np.uint8)
    image = cv2.GaussianBlur(image, (0, 0), 1.0)
    cv2.circle(image, (w // 3, h // 2), max(1, h // 4), (20, 40, 230), -1)
    return image


def _encoded(image: np.ndarray, *params: int) -> bytes:
    ok, data = cv2.imencode(".jpg", image, list(params))
    assert ok
    return data.tobytes()


def _pillow(image: np.ndarray, mode: str = "RGB", **save: object) -> bytes:
    out = io.BytesIO()
    Image.fromarray(image[..., ::-1]).convert(mode).save(out, "JPEG", **save)
    return out.getvalue()


def _kinds() -> dict[str, bytes]:
    image = _picture()
    return {
        "baseline 4:2:0": _encoded(image, cv2.IMWRITE_JPEG_QUALITY, 90),
        "4:4:4": _encoded(
            image, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_444
        ),
        "4:2:2": _encoded(
            image, cv2.IMWRITE_JPEG_SAMPLING_FACTOR, cv2.IMWRITE_JPEG_SAMPLING_FACTOR_422
        ),
        "progressive": _encoded(image, cv2.IMWRITE_JPEG_PROGRESSIVE, 1),
        "restart markers": _encoded(image, cv2.IMWRITE_JPEG_RST_INTERVAL, 2),
        "greyscale": _encoded(cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)),
        "CMYK (Pillow)": _pillow(image, "CMYK"),
        "optimised Huffman (Pillow)": _pillow(image, optimize=True, subsampling=1),
        "1x1": _encoded(image[:1, :1]),
        "7x5": _encoded(image[:5, :7]),
    }


def _as_array(data: bytes) -> np.ndarray:
    return np.frombuffer(data, np.uint8)


def _opencv(data: bytes, factor: int) -> np.ndarray | None:
    return cv2.imdecode(_as_array(data), jpeg_decode._REDUCED_COLOR[factor])


@pytest.mark.parametrize("kind", list(_kinds()))
@pytest.mark.parametrize("factor", FACTORS)
def test_turbojpeg_gives_opencvs_pixels_bit_for_bit(kind: str, factor: int) -> None:
    data = _as_array(_kinds()[kind])
    fast = jpeg_decode._turbo_decode(data, factor, None)
    assert fast is not None, "the fast path must decode it (not hand it to OpenCV)"
    reference = _opencv(data.tobytes(), factor)
    assert reference is not None
    assert fast.dtype == np.uint8 and fast.shape == reference.shape
    assert np.array_equal(fast, reference)
    assert np.array_equal(decode_bgr(data, factor), reference)


def _tiff(orientation: int, order: str = "MM", value_type: int = 3, offset: int = 8) -> bytes:
    """A TIFF block whose IFD0 holds only the Orientation tag."""
    big = "big" if order == "MM" else "little"

    def u16(v: int) -> bytes:
        return v.to_bytes(2, big)  # type: ignore[arg-type]

    def u32(v: int) -> bytes:
        return v.to_bytes(4, big)  # type: ignore[arg-type]

    entry = u16(0x0112) + u16(value_type) + u32(1) + u16(orientation) + b"\0\0"
    return order.encode() + u16(42) + u32(offset) + u16(1) + entry + u32(0)


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + (len(payload) + 2).to_bytes(2, "big") + payload


def _exif(tiff: bytes) -> bytes:
    return _segment(0xE1, b"Exif\x00\x00" + tiff)


def _with(data: bytes, *segments: bytes, before: int | None = None) -> bytes:
    """``data`` with ``segments`` after SOI, or before the first marker ``before``."""
    at = 2 if before is None else data.index(bytes([0xFF, before]))
    return data[:at] + b"".join(segments) + data[at:]


def _exif_cases() -> dict[str, bytes]:
    base = _encoded(_picture(48, 64))
    cases = {
        f"orientation {o} {order}": _with(base, _exif(_tiff(o, order)))
        for o in range(1, 9)
        for order in ("MM", "II")
    }
    cases |= {
        "after the frame header": _with(base, _exif(_tiff(6)), before=0xC4),
        "just before the scan": _with(base, _exif(_tiff(6)), before=0xDA),
        "after an XMP block": _with(
            base, _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00<x/>"), _exif(_tiff(8))
        ),
        "LONG-typed value": _with(base, _exif(_tiff(6, value_type=4))),
        "IFD offset past the end": _with(base, _exif(_tiff(6, offset=4000))),
        "orientation 9": _with(base, _exif(_tiff(9))),
        "not a TIFF": _with(base, _exif(b"XX" + bytes(20))),
        "two blocks (6, then 3)": _with(base, _exif(_tiff(6)), _exif(_tiff(3))),
    }
    return cases


@pytest.mark.parametrize("case", list(_exif_cases()))
@pytest.mark.parametrize("factor", (1, 2))
def test_exif_orientation_is_applied_as_opencv_applies_it(case: str, factor: int) -> None:
    data = _exif_cases()[case]
    reference = _opencv(data, factor)
    assert reference is not None
    ours = decode_bgr(_as_array(data), factor)
    assert ours is not None and ours.shape == reference.shape
    assert np.array_equal(ours, reference)
    with_buffer = decode_bgr(_as_array(data), factor, DecodeBuffer())
    assert with_buffer is not None and np.array_equal(with_buffer, reference)


def test_the_header_walk_reads_what_the_decode_needs() -> None:
    cases = _exif_cases()
    header = read_jpeg_header(cases["orientation 6 II"])
    assert header is not None
    assert (header.width, header.height, header.orientation) == (64, 48, 6)
    assert header.oriented_size == (48, 64) and header.reaches_scan
    assert read_jpeg_header(cases["after the frame header"]).orientation == 6  # type: ignore[union-attr]
    two = read_jpeg_header(cases["two blocks (6, then 3)"])
    assert two is not None and two.exif_blocks == 2 and two.orientation == 6  # OpenCV's first
    # Two EXIF blocks are left to OpenCV altogether.
    assert jpeg_decode._turbo_decode(_as_array(cases["two blocks (6, then 3)"]), 1, None) is None
    cut = read_jpeg_header(cases["orientation 1 MM"], limit=40)
    assert cut is None or not cut.reaches_scan
    assert read_jpeg_header(b"\xff\xd8\xff\xd9") is None


def _broken() -> dict[str, bytes]:
    good = _encoded(_picture(), cv2.IMWRITE_JPEG_PROGRESSIVE, 1)
    base = _encoded(_picture())
    sof = base.index(b"\xff\xc0")
    huge = bytearray(base)
    huge[sof + 5 : sof + 9] = (60000).to_bytes(2, "big") * 2
    zero = bytearray(base)
    zero[sof + 5 : sof + 7] = b"\0\0"
    return {
        "truncated progressive": good[: len(good) // 2],
        "truncated baseline": base[: len(base) // 2],
        "cut in the header": base[:40],
        "60000x60000 claimed": bytes(huge),
        "height 0": bytes(zero),
        "bytes flipped in the scan": (
            base[:-200] + bytes(b ^ 0x5A for b in base[-200:-2]) + base[-2:]
        ),
        "a PNG": cv2.imencode(".png", _picture())[1].tobytes(),
        "not an image": b"\xff\xd8\xff" + b"hello" * 20,
    }


@pytest.mark.parametrize("case", list(_broken()))
def test_broken_or_foreign_files_get_opencvs_answer(case: str) -> None:
    data = _as_array(_broken()[case])

    def answer(decode):  # the array, or the kind of failure
        try:
            image = decode()
        except cv2.error:
            return "cv2.error"
        return None if image is None else image

    reference = answer(lambda: cv2.imdecode(data, cv2.IMREAD_COLOR))
    ours = answer(lambda: decode_bgr(data, 1, DecodeBuffer()))
    if isinstance(reference, np.ndarray):
        assert isinstance(ours, np.ndarray) and np.array_equal(ours, reference)
    else:
        assert ours == reference


def test_a_buffer_is_reused_and_its_image_lives_until_the_next_decode() -> None:
    first, second = _encoded(_picture(seed=1)), _encoded(_picture(seed=2))
    buffer = DecodeBuffer()
    image = decode_bgr(_as_array(first), 1, buffer)
    assert image is not None and buffer.holds(image)
    assert np.array_equal(image, _opencv(first, 1))
    kept = image.copy()
    again = decode_bgr(_as_array(second), 1, buffer)
    assert again is not None and np.shares_memory(again, image)  # same memory, new pixels
    assert np.array_equal(again, _opencv(second, 1)) and not np.array_equal(image, kept)
    assert not buffer.holds(kept)
    # A larger image grows the buffer; a smaller one fits in it.
    big = _encoded(_picture(300, 400))
    assert np.array_equal(decode_bgr(_as_array(big), 1, buffer), _opencv(big, 1))
    small = _encoded(_picture(10, 12))
    assert np.array_equal(decode_bgr(_as_array(small), 1, buffer), _opencv(small, 1))
    with pytest.raises(ValueError, match="factor"):
        decode_bgr(_as_array(first), 3)


def test_without_simplejpeg_every_decode_is_opencvs(monkeypatch: pytest.MonkeyPatch) -> None:
    data = _as_array(_exif_cases()["orientation 6 MM"])
    reference = _opencv(data.tobytes(), 2)
    monkeypatch.setattr(jpeg_decode, "simplejpeg", None)
    assert np.array_equal(decode_bgr(data, 2), reference)


def test_a_header_past_opencvs_pixel_limit_is_left_to_opencvs_refusal() -> None:
    data = _as_array(_broken()["60000x60000 claimed"])
    buffer = DecodeBuffer()
    assert jpeg_decode._turbo_decode(data, 1, buffer) is None  # nothing allocated for it
    assert buffer.decoded(0).size == 0
    with pytest.raises(cv2.error):
        decode_bgr(data, 1, buffer)
