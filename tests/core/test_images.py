"""The bad-image corpus: every kind of broken file is refused with a reason."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from labeler.core.errors import BadImageError
from labeler.core.images import decode_image, file_sha256, probe_image, reduction_for
from tests.core.conftest import write_image


def png_claiming(width: int, height: int) -> bytes:
    """A tiny, well-formed PNG whose header claims a huge size (a decompression bomb)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    idat = zlib.compress(b"\x00" * 64)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND",
                                                                                     b"")


def exif_rotated_jpeg(path: Path, width: int, height: int, orientation: int) -> Path:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = image.getexif()
    exif[0x0112] = orientation
    image.save(path, exif=exif, quality=95)
    return path


@pytest.fixture
def corpus(tmp_path: Path) -> dict[str, Path]:
    good = write_image(tmp_path / "good.jpg", 640, 480)
    data = good.read_bytes()
    files = {
        "empty": tmp_path / "empty.png",
        "text": tmp_path / "notes.jpg",
        "truncated_jpeg": tmp_path / "cut.jpg",
        "truncated_png": tmp_path / "cut.png",
        "garbage": tmp_path / "noise.png",
        "bomb": tmp_path / "bomb.png",
    }
    files["empty"].write_bytes(b"")
    files["text"].write_text("this is a shopping list, not a photo")
    files["truncated_jpeg"].write_bytes(data[: len(data) // 2])
    png = write_image(tmp_path / "good.png", 300, 200).read_bytes()
    files["truncated_png"].write_bytes(png[: len(png) // 2])
    files["garbage"].write_bytes(np.random.default_rng(1).bytes(5000))
    files["bomb"].write_bytes(png_claiming(20_000, 10_000))
    return files


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("empty", "empty file"),
        ("text", "not an image"),
        ("truncated_jpeg", "truncated"),
        ("truncated_png", "corrupt PNG"),
        ("garbage", "not an image"),
        ("bomb", "too large: 20000x10000 = 200 megapixels"),
    ],
)
def test_bad_files_are_refused_with_a_reason(corpus: dict[str, Path], name: str,
                                             reason: str) -> None:
    with pytest.raises(BadImageError, match=reason) as info:
        probe_image(corpus[name])
    assert str(corpus[name]) in str(info.value)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(BadImageError, match="cannot read"):
        probe_image(tmp_path / "gone.jpg")


def test_good_image_probe(tmp_path: Path) -> None:
    path = write_image(tmp_path / "a.png", 320, 200)
    probe = probe_image(path)
    assert (probe.width, probe.height, probe.orientation) == (320, 200, 1)
    assert probe.file_size == path.stat().st_size and len(probe.sha256) == 64


@pytest.mark.parametrize("orientation", [6, 8])
def test_exif_orientation_is_applied_once(tmp_path: Path, orientation: int) -> None:
    path = exif_rotated_jpeg(tmp_path / "phone.jpg", 400, 300, orientation)
    probe = probe_image(path)
    # Stored size is the size the user sees: rotated by 90 degrees.
    assert (probe.width, probe.height, probe.orientation) == (300, 400, orientation)
    for reduce in (1, 2):
        decoded = decode_image(path, reduce)
        assert decoded.shape[:2] == (400 // reduce, 300 // reduce)


def test_reduced_decode_and_choice(tmp_path: Path) -> None:
    path = write_image(tmp_path / "big.jpg", 1600, 1200)
    assert decode_image(path, 4).shape == (300, 400, 3)
    assert reduction_for(4000, 3000, 640) == 4
    assert reduction_for(4000, 3000, 1200) == 2
    assert reduction_for(800, 600, 640) == 1
    with pytest.raises(ValueError):
        decode_image(path, 3)


def test_non_ascii_paths(tmp_path: Path) -> None:
    path = tmp_path / "téléphone écran.png"
    ok, buffer = cv2.imencode(".png", np.zeros((20, 30, 3), np.uint8))
    assert ok
    path.write_bytes(buffer.tobytes())
    assert probe_image(path).width == 30
    assert decode_image(path).shape == (20, 30, 3)


# TIFF is left out: OpenCV writes its directory last, so a cut TIFF fails in the header
# read (Pillow warns "Corrupt EXIF data", which this suite turns into an error).
@pytest.mark.parametrize("suffix", [".jpg", ".png", ".webp", ".bmp"])
@pytest.mark.parametrize("missing", ["half", "last bytes"])
def test_truncated_files_of_every_format_are_refused(tmp_path: Path, suffix: str,
                                                     missing: str) -> None:
    # The probe decodes once, with OpenCV, and relies on OpenCV 5 refusing truncated data.
    image = cv2.GaussianBlur(
        np.random.default_rng(1).integers(0, 255, (96, 128, 3), dtype=np.uint8), (0, 0), 2
    )
    good = tmp_path / f"good{suffix}"
    cv2.imwrite(str(good), image)
    data = good.read_bytes()
    assert probe_image(good).sha256 == file_sha256(good)
    cut = tmp_path / f"cut{suffix}"
    cut.write_bytes(data[: len(data) // 2] if missing == "half" else data[:-4])
    with pytest.raises(BadImageError):
        probe_image(cut)
