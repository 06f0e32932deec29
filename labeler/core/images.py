"""Reading image files safely: probe, validate and decode, with EXIF orientation applied once.

Every part of labeler decodes through :func:`decode_image` (OpenCV's pixels and EXIF
orientation; JPEGs through ``inference.jpeg_decode``, the same bytes in about half the
time), so boxes drawn on what the user sees line up with what is stored.
:func:`probe_image` checks a file before it enters a project: the header is read first so
a decompression bomb is refused before any pixel is decoded; then the file is read once,
decoded by OpenCV and hashed from the same bytes.
"""

from __future__ import annotations

import hashlib
import os
import struct
import warnings
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PIL import Image, UnidentifiedImageError

from inference.jpeg_decode import decode_bgr
from labeler.core.errors import BadImageError
from labeler.core.i18n import _

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".tif", ".tiff", ".webp"})

# A 24 KB PNG can claim 200 megapixels; refuse anything larger than a big camera frame.
DEFAULT_MAX_PIXELS = 150_000_000

_EXIF_ORIENTATION_TAG = 0x0112
_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# Chunks looked at when searching a PNG for its eXIf chunk (headers only, data skipped).
_PNG_MAX_CHUNKS = 100_000
# OpenCV's reduced decodes (IMREAD_REDUCED_*) assert on images whose short side is
# smaller than about twice the factor; such images are decoded in full.
# 1/8: entropy decoding (where truncation shows) is complete; only the IDCT is cut short.
_REDUCED_DECODE = 8
# Pillow refuses to open images above its own limit; ours is checked explicitly instead.
Image.MAX_IMAGE_PIXELS = None


@dataclass(frozen=True)
class ImageProbe:
    """What a valid image file is: content hash and size after EXIF orientation."""

    path: Path
    sha256: str
    width: int
    height: int
    orientation: int
    file_size: int
    format: str


def is_image_path(path: Path) -> bool:
    """True for file names with a supported image suffix."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def file_sha256(path: Path, chunk_size: int = 1 << 20) -> str:
    """Hex SHA-256 of a file's content."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(chunk_size):
            digest.update(chunk)
    return digest.hexdigest()


def oriented_size(width: int, height: int, orientation: int) -> tuple[int, int]:
    """Size as displayed: EXIF orientations 5-8 swap width and height."""
    return (height, width) if orientation in (5, 6, 7, 8) else (width, height)


def probe_image(path: Path | str, max_pixels: int = DEFAULT_MAX_PIXELS) -> ImageProbe:
    """Validate an image file and describe it, or raise :class:`BadImageError`.

    Refuses missing, empty, non-image, oversized (by header, before decoding),
    truncated and undecodable files, each with a reason a person can act on.
    """
    path = Path(path)
    try:
        file_size = path.stat().st_size
    except OSError as exc:
        raise BadImageError(
            path, _("cannot read file ({strerror})").format(strerror=exc.strerror or exc)
        ) from exc
    if file_size == 0:
        raise BadImageError(path, _("empty file (0 bytes)"))
    try:
        width, height, orientation, fmt = _read_header(path, max_pixels)
        data = _read_bytes(path)  # read once: the decode check and the hash
        decoded = _decode_small(data, width, height)
        if decoded is None:
            _check_complete(path, fmt)  # names the reason when it is a truncated file
    except BadImageError:
        raise
    except (cv2.error, OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
        # No decoder error of one file may stop an import: it becomes a reason.
        raise BadImageError(
            path, _("cannot decode image ({type}: {exc})").format(type=type(exc).__name__, exc=exc)
        ) from exc
    if decoded is None:
        raise BadImageError(path, _("OpenCV cannot decode this {fmt} file").format(fmt=fmt))
    ow, oh = oriented_size(width, height, orientation)
    sha256 = hashlib.sha256(data.data).hexdigest()
    return ImageProbe(path, sha256, ow, oh, orientation, file_size, fmt)


def _read_header(path: Path, max_pixels: int) -> tuple[int, int, int, str]:
    """Size, EXIF orientation and format, read without decoding any pixels.

    The size is checked against ``max_pixels`` before anything else is read, so
    a decompression bomb is refused at the cost of reading its header.
    """
    try:
        with Image.open(path) as im:
            width, height = im.size
            fmt = im.format or "image"
            _check_size(path, width, height, max_pixels)
            orientation = _orientation(path, im, fmt)
    except UnidentifiedImageError as exc:
        raise BadImageError(path, _("not an image file (unrecognised format)")) from exc
    except (OSError, ValueError, SyntaxError, EOFError, struct.error) as exc:
        raise BadImageError(path, _("unreadable image header ({exc})").format(exc=exc)) from exc
    return width, height, orientation, fmt


def _check_size(path: Path, width: int, height: int, max_pixels: int) -> None:
    if width <= 0 or height <= 0:
        raise BadImageError(
            path,
            _("image header claims an empty size {width}x{height}").format(
                width=width, height=height
            ),
        )
    if width * height > max_pixels:
        raise BadImageError(
            path,
            _(
                "image is too large: {width}x{height} = {megapixels:.0f} megapixels (limit "
                "{max_pixels:.0f}); refused to protect memory"
            ).format(
                width=width,
                height=height,
                megapixels=width * height / 1e6,
                max_pixels=max_pixels / 1e6,
            ),
        )


def _orientation(path: Path, im: Image.Image, fmt: str) -> int:
    """EXIF orientation 1-8 (1 when absent or broken), without decoding pixels.

    JPEG, TIFF and WebP keep EXIF in their headers, which Pillow has already read.
    Pillow's ``getexif()`` on a PNG decodes the whole image when the eXIf chunk
    comes after the pixel data, so PNG chunks are searched directly instead.
    """
    try:
        if fmt == "PNG":
            data = _png_exif_chunk(path)
            if data is None:
                return 1
            exif = Image.Exif()
            exif.load(data)
        else:
            exif = im.getexif()
        orientation = int(exif.get(_EXIF_ORIENTATION_TAG, 1) or 1)
    except Exception:  # a broken EXIF block must not hide a good image
        return 1
    return orientation if orientation in range(1, 9) else 1


def _png_exif_chunk(path: Path) -> bytes | None:
    """The data of a PNG's eXIf chunk, found by reading chunk headers only."""
    with path.open("rb") as handle:
        if handle.read(8) != _PNG_SIGNATURE:
            return None
        for _ in range(_PNG_MAX_CHUNKS):
            header = handle.read(8)
            if len(header) < 8:
                return None
            length, kind = struct.unpack(">I4s", header)
            if kind == b"eXIf":
                return handle.read(length)
            if kind == b"IEND":
                return None
            handle.seek(length + 4, os.SEEK_CUR)  # chunk data and CRC
    return None


def _check_complete(path: Path, fmt: str) -> None:
    """Decode the whole stream with Pillow at reduced cost; raise if it is truncated or corrupt.

    Only called once OpenCV has refused the file, to say why: OpenCV 5 refuses a
    truncated JPEG, PNG, WebP, BMP or TIFF (``tests/core/test_images.py`` checks that it
    still does), but its refusal carries no reason. JPEG uses draft mode (1/8 scale).
    """
    try:
        with Image.open(path) as im, warnings.catch_warnings():
            warnings.simplefilter("ignore")
            if fmt == "JPEG":
                im.draft("L", (max(1, im.size[0] // 8), max(1, im.size[1] // 8)))
            im.load()
    except (OSError, ValueError, SyntaxError, Image.DecompressionBombError) as exc:
        reason = str(exc) or type(exc).__name__
        if "truncated" in reason.lower():
            reason = _("file is truncated (incomplete download or copy?)")
        raise BadImageError(
            path, _("corrupt {fmt} data: {reason}").format(fmt=fmt, reason=reason)
        ) from exc


def _decode_small(data: np.ndarray, width: int, height: int) -> np.ndarray | None:
    """Decode the image cheaply to prove OpenCV can; tiny images are decoded in full.

    None when OpenCV cannot decode it, which includes a truncated file.
    """
    if min(width, height) >= 2 * _REDUCED_DECODE:
        return cv2.imdecode(data, cv2.IMREAD_REDUCED_GRAYSCALE_8)
    return cv2.imdecode(data, cv2.IMREAD_GRAYSCALE)


def _read_bytes(path: Path) -> np.ndarray:
    """File bytes for cv2.imdecode (cv2.imread cannot open some non-ASCII paths)."""
    try:
        return np.fromfile(os.fspath(path), dtype=np.uint8)
    except OSError as exc:
        raise BadImageError(
            path, _("cannot read file ({strerror})").format(strerror=exc.strerror or exc)
        ) from exc


def decode_image(path: Path | str, reduce: int = 1) -> np.ndarray:
    """Decode an image as BGR uint8 with EXIF orientation applied.

    ``reduce`` of 2, 4 or 8 decodes JPEGs at that fraction of their size, far
    faster than decoding in full and resizing. Raises :class:`BadImageError`.
    """
    if reduce not in (1, 2, 4, 8):
        raise ValueError(f"reduce must be 1, 2, 4 or 8, not {reduce}")
    path = Path(path)
    data = _read_bytes(path)
    try:
        image = decode_bgr(data, reduce)
    except cv2.error:
        image = None
    if image is None and reduce > 1:  # reduced decodes fail on images a few pixels wide
        image = _decode_full(path, data)
    if image is None:
        raise BadImageError(path, _("cannot decode image (missing, moved, or corrupt)"))
    return image


def _decode_full(path: Path, data: np.ndarray) -> np.ndarray | None:
    try:
        return decode_bgr(data)
    except cv2.error as exc:
        raise BadImageError(path, _("OpenCV cannot decode it ({exc.err})").format(exc=exc)) from exc


def reduction_for(width: int, height: int, target_long_side: int) -> int:
    """Largest decode reduction (1, 2, 4, 8) that keeps the long side >= the target."""
    long_side = max(width, height)
    best = 1
    for factor in (2, 4, 8):
        if long_side // factor >= target_long_side:
            best = factor
    return best
