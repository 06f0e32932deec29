"""JPEG decoding that gives exactly OpenCV's pixels in about half its time.

``cv2.imdecode`` of a 12 MP camera JPEG costs 60-70 ms on one core here; the same
libjpeg-turbo (3.1) called through its TurboJPEG API by ``simplejpeg`` decodes straight into
BGR in 35-40 ms, and in 30-35 ms into a buffer that is reused, because a fresh 36 MB array
is page-faulted in every time (OpenCV's ``Mat`` takes about 8,900 page faults per image).
The pixels are the same bit for bit: both run libjpeg-turbo's default decoder (accurate
integer IDCT, fancy upsampling), in full and at 1/2, 1/4 and 1/8 scale.
``tests/inference/test_jpeg_decode.py`` checks that on baseline, progressive, 4:4:4,
4:2:2, greyscale, CMYK and restart-marker files and on every EXIF orientation.

What OpenCV adds is the EXIF orientation, which is applied here the way OpenCV applies it
(``ExifTransform``: flips and a transpose). Whenever this module is not sure it would give
OpenCV's answer (not a JPEG, a header it cannot walk to the scan, more than one EXIF block,
more pixels than OpenCV accepts, anything TurboJPEG refuses or warns about), it returns
OpenCV's own decode instead.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass
from typing import Literal

import cv2
import numpy as np

try:  # a declared dependency; without it every decode is OpenCV's own
    import simplejpeg
except ImportError:  # pragma: no cover - exercised only on a broken install
    simplejpeg = None

_SOF_MARKERS = frozenset(
    {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}
)
# OpenCV refuses images larger than this (its OPENCV_IO_MAX_IMAGE_PIXELS, default 2**30);
# such a header goes to OpenCV for the same refusal instead of a 3 GB allocation here.
_MAX_PIXELS = int(os.environ.get("OPENCV_IO_MAX_IMAGE_PIXELS", 1 << 30))
_REDUCED_COLOR = {
    1: cv2.IMREAD_COLOR,
    2: cv2.IMREAD_REDUCED_COLOR_2,
    4: cv2.IMREAD_REDUCED_COLOR_4,
    8: cv2.IMREAD_REDUCED_COLOR_8,
}


@dataclass(frozen=True)
class JpegHeader:
    """What a JPEG's markers say before its first scan."""

    width: int
    """Stored width (before the EXIF orientation)."""
    height: int
    orientation: int
    """EXIF orientation of the first EXIF block, 1-8 (1 without one or when unreadable)."""
    exif_blocks: int
    reaches_scan: bool
    """The walk met the start of scan: every marker before it was seen."""

    @property
    def oriented_size(self) -> tuple[int, int]:
        """``(width, height)`` as the image is shown (after the EXIF orientation)."""
        if self.orientation in (5, 6, 7, 8):
            return self.height, self.width
        return self.width, self.height


class DecodeBuffer:
    """Reusable output memory for one thread's decodes.

    An image decoded into it is valid until the next decode with the same buffer: use it
    (resize it, copy it) before decoding again. Keeps the largest image's size.
    """

    def __init__(self) -> None:
        self._decoded = np.empty(0, np.uint8)
        self._oriented = np.empty(0, np.uint8)

    def decoded(self, size: int) -> np.ndarray:
        """Flat memory of at least ``size`` bytes for the decoder's output."""
        if self._decoded.size < size:
            self._decoded = np.empty(size, np.uint8)
        return self._decoded

    def oriented(self, shape: tuple[int, int, int]) -> np.ndarray:
        """An array of ``shape`` for the EXIF-oriented copy of a decode."""
        size = math.prod(shape)
        if self._oriented.size < size:
            self._oriented = np.empty(size, np.uint8)
        return self._oriented[:size].reshape(shape)

    def holds(self, array: np.ndarray) -> bool:
        """True when ``array`` may live in this buffer's memory."""
        return np.may_share_memory(array, self._decoded) or np.may_share_memory(
            array, self._oriented
        )


def is_jpeg(data: np.ndarray | bytes) -> bool:
    """True when ``data`` starts with a JPEG's start-of-image marker."""
    return len(data) > 3 and data[0] == 0xFF and data[1] == 0xD8 and data[2] == 0xFF


def read_jpeg_header(data: np.ndarray | bytes, limit: int | None = None) -> JpegHeader | None:
    """Walk the markers of a JPEG up to its first scan; None when there is no frame header.

    ``limit`` bounds the bytes looked at (the walk then may stop before the scan).
    """
    head = memoryview(data if isinstance(data, bytes) else data.data).cast("B")
    if limit is not None:
        head = head[:limit]
    i, orientation, exif_blocks, size = 2, 1, 0, None
    while i + 4 <= len(head):
        if head[i] != 0xFF:
            break
        marker = head[i + 1]
        if marker == 0xFF:
            i += 1
            continue
        if marker == 0x01 or 0xD0 <= marker <= 0xD8:
            i += 2
            continue
        if marker == 0xDA:
            return _header(size, orientation, exif_blocks, reaches_scan=True)
        length = int.from_bytes(head[i + 2 : i + 4], "big")
        segment = bytes(head[i + 4 : i + 2 + length])
        if marker == 0xE1 and segment.startswith(b"Exif\x00\x00"):
            exif_blocks += 1
            if exif_blocks == 1:  # OpenCV reads the first
                orientation = _exif_orientation(segment[6:])
        elif marker in _SOF_MARKERS and len(segment) >= 5 and size is None:
            size = int.from_bytes(segment[3:5], "big"), int.from_bytes(segment[1:3], "big")
        i += 2 + length
    return _header(size, orientation, exif_blocks, reaches_scan=False)


def _header(
    size: tuple[int, int] | None, orientation: int, exif_blocks: int, reaches_scan: bool
) -> JpegHeader | None:
    if size is None or 0 in size:
        return None
    return JpegHeader(size[0], size[1], orientation, exif_blocks, reaches_scan)


def _exif_orientation(tiff: bytes) -> int:
    """The Orientation tag (0x0112) of IFD0 in a TIFF/EXIF block, 1 when absent or broken."""
    if len(tiff) < 8 or tiff[:2] not in (b"II", b"MM"):
        return 1
    order: Literal["little", "big"] = "little" if tiff[:2] == b"II" else "big"
    offset = int.from_bytes(tiff[4:8], order)
    if offset + 2 > len(tiff):
        return 1
    count = int.from_bytes(tiff[offset : offset + 2], order)
    for n in range(count):
        entry = offset + 2 + 12 * n
        if entry + 12 > len(tiff):
            break
        if int.from_bytes(tiff[entry : entry + 2], order) == 0x0112:
            value = int.from_bytes(tiff[entry + 8 : entry + 10], order)
            return value if 1 <= value <= 8 else 1
    return 1


def decode_bgr(
    data: np.ndarray, factor: int = 1, buffer: DecodeBuffer | None = None
) -> np.ndarray | None:
    """Decode image bytes to EXIF-oriented BGR uint8, as ``cv2.imdecode`` would.

    ``factor`` 2, 4 or 8 decodes a JPEG at that fraction of its size (OpenCV's
    ``IMREAD_REDUCED_COLOR_*``). With ``buffer`` the result may live in its memory (see
    :class:`DecodeBuffer`). Returns None, or raises ``cv2.error``, where OpenCV does.
    """
    if factor not in _REDUCED_COLOR:
        raise ValueError(f"factor must be 1, 2, 4 or 8, not {factor}")
    image = _turbo_decode(data, factor, buffer) if simplejpeg is not None else None
    if image is None:
        return cv2.imdecode(data, _REDUCED_COLOR[factor])
    return image


def _turbo_decode(
    data: np.ndarray, factor: int, buffer: DecodeBuffer | None
) -> np.ndarray | None:
    """TurboJPEG's decode, oriented as OpenCV does; None where OpenCV must decide."""
    if not is_jpeg(data):
        return None
    header = read_jpeg_header(data)
    if header is None or not header.reaches_scan or header.exif_blocks > 1:
        return None
    if header.width * header.height > _MAX_PIXELS:
        return None
    height, width = -(-header.height // factor), -(-header.width // factor)
    out = None if buffer is None else buffer.decoded(height * width * 3)
    try:
        image = simplejpeg.decode_jpeg(
            data, "BGR", min_height=height, min_width=width, buffer=out
        )
    except ValueError:  # refused, or a warning (strict): OpenCV's answer is the reference
        return None
    if image.shape != (height, width, 3):
        return None
    return _orient(image, header.orientation, buffer)


def _orient(image: np.ndarray, orientation: int, buffer: DecodeBuffer | None) -> np.ndarray:
    """Apply an EXIF orientation as OpenCV's ``ExifTransform`` does."""
    if orientation == 1:
        return image
    if orientation in (2, 3, 4):
        flip = {2: 1, 3: -1, 4: 0}[orientation]
        if buffer is None:
            return cv2.flip(image, flip)
        return cv2.flip(image, flip, dst=buffer.oriented(image.shape))
    h, w = image.shape[:2]
    turned = None if buffer is None else buffer.oriented((w, h, 3))
    turned = cv2.transpose(image, dst=turned)
    if orientation == 5:
        return turned
    return cv2.flip(turned, {6: 1, 7: -1, 8: 0}[orientation], dst=image.reshape(w, h, 3))
