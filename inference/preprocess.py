"""Image decoding for a model (reduced-resolution JPEG decode) and letterboxing.

Every decode path here applies the EXIF orientation as OpenCV does, so all coordinates are
in the *oriented* frame, the one a user sees. JPEGs go through ``inference.jpeg_decode``
(OpenCV's pixels bit for bit, in about half the time). ``decode_for_model`` decodes large
JPEGs at 1/2, 1/4 or 1/8 scale when that still leaves at least the model's input size and
the run allows it, and returns the scale back to full size.

A reduced decode is not free of consequences: the letterbox resize (INTER_LINEAR, as every
YOLO pipeline does it) samples a few source pixels per output pixel, so from a full decode
it keeps pixel-level texture and noise that a reduced decode has already averaged away.
On noisy 12 MP JPEGs that changed about 10 % of a trained detector's boxes even at 1/2
scale; on softer ones (most phone photos) 1/2 scale changed none. ``inference.decode_choice``
therefore lets the model decide per run: a reduction is used
only if, on the run's first images, the model input it gives stays within
:data:`DECODE_TOLERANCE` of a full decode's and the model finds the same objects on it.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from inference.errors import ImageDecodeError
from inference.jpeg_decode import DecodeBuffer, decode_bgr, is_jpeg, read_jpeg_header

PAD_VALUE = 114
_REDUCTIONS = (8, 4, 2)
_HEADER_BYTES = 1 << 18

Scale = tuple[float, float]


@dataclass(frozen=True)
class Frame:
    """How model-input pixels map back to the original oriented image.

    ``x_original = (x_input - pad_x) * gain_x`` where the gain undoes both the letterbox
    resize and any reduced-resolution decode.
    """

    width: int
    height: int
    pad_x: float
    pad_y: float
    gain_x: float
    gain_y: float

    def boxes_to_original(self, boxes: np.ndarray) -> np.ndarray:
        """Map ``(N, 4)`` xyxy boxes from model-input pixels to clipped original pixels."""
        out = np.empty_like(boxes, dtype=np.float64)
        out[:, [0, 2]] = (boxes[:, [0, 2]] - self.pad_x) * self.gain_x
        out[:, [1, 3]] = (boxes[:, [1, 3]] - self.pad_y) * self.gain_y
        out[:, [0, 2]] = out[:, [0, 2]].clip(0, self.width)
        out[:, [1, 3]] = out[:, [1, 3]].clip(0, self.height)
        return out


def input_hw(size: int | tuple[int, int]) -> tuple[int, int]:
    """Normalise a model input size to ``(height, width)``."""
    return (size, size) if isinstance(size, int) else (int(size[0]), int(size[1]))


def letterbox(
    image: np.ndarray, input_size: tuple[int, int], scale: Scale = (1.0, 1.0)
) -> tuple[np.ndarray, Frame]:
    """Resize keeping aspect ratio and pad with grey 114 to ``input_size`` (height, width).

    ``scale`` maps ``image`` pixels to the original image (from a reduced decode); returns
    the BGR uint8 canvas and the :class:`Frame` that maps model coordinates back.
    """
    in_h, in_w = input_size
    h, w = image.shape[:2]
    ratio = min(in_h / h, in_w / w)
    new_w, new_h = max(1, round(w * ratio)), max(1, round(h * ratio))
    if (new_w, new_h) != (w, h):
        image = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    left, top = (in_w - new_w) // 2, (in_h - new_h) // 2
    canvas = cv2.copyMakeBorder(
        image,
        top,
        in_h - new_h - top,
        left,
        in_w - new_w - left,
        cv2.BORDER_CONSTANT,
        value=(PAD_VALUE, PAD_VALUE, PAD_VALUE),
    )
    frame = Frame(
        width=round(w * scale[0]),
        height=round(h * scale[1]),
        pad_x=float(left),
        pad_y=float(top),
        gain_x=(w / new_w) * scale[0],
        gain_y=(h / new_h) * scale[1],
    )
    return canvas, frame


def center_crop(
    image: np.ndarray, input_size: tuple[int, int], scale: Scale = (1.0, 1.0)
) -> tuple[np.ndarray, Frame]:
    """Resize so the image covers ``input_size`` (height, width), then crop the centre.

    How classifiers are usually fed (Ultralytics ``classify``); the frame maps back as usual.
    """
    in_h, in_w = input_size
    h, w = image.shape[:2]
    ratio = max(in_h / h, in_w / w)
    new_w, new_h = max(in_w, round(w * ratio)), max(in_h, round(h * ratio))
    resized = cv2.resize(image, (new_w, new_h), interpolation=cv2.INTER_LINEAR)
    left, top = (new_w - in_w) // 2, (new_h - in_h) // 2
    canvas = np.ascontiguousarray(resized[top : top + in_h, left : left + in_w])
    frame = Frame(
        width=round(w * scale[0]),
        height=round(h * scale[1]),
        pad_x=float(-left),
        pad_y=float(-top),
        gain_x=(w / new_w) * scale[0],
        gain_y=(h / new_h) * scale[1],
    )
    return canvas, frame


def to_blob(canvases: list[np.ndarray], dtype: type = np.float32) -> np.ndarray:
    """Stack BGR uint8 canvases into an RGB, /255, NCHW array of ``dtype``."""
    batch = np.stack(canvases)[..., ::-1].transpose(0, 3, 1, 2)
    blob = np.empty(batch.shape, dtype=np.float32)
    np.multiply(batch, np.float32(1 / 255), out=blob, casting="unsafe")
    return blob if dtype == np.float32 else blob.astype(dtype)


# A reduced JPEG decode keeps at least this multiple of the model input: the final resize
# then still averages several source pixels, as it does from a full decode.
DECODE_MARGIN = 2.0
# Largest mean absolute difference (0-255 per channel value) between the model input made
# from a reduced decode and the one made from a full decode for that reduction to be used.
# Measured with the demo detector on 4000x3000 JPEGs: 0.26 kept 100 % of its detections,
# 0.58 kept 97.2 %, 1.7 (noisy images, 1/2 scale) kept 89 %.
DECODE_TOLERANCE = 0.35
MAX_FACTOR = 8


def decode_for_model(
    path: str | os.PathLike[str],
    model_input_size: int | tuple[int, int],
    oriented_size: tuple[int, int] | None = None,
    max_factor: int = MAX_FACTOR,
    buffer: DecodeBuffer | None = None,
) -> tuple[np.ndarray, Scale]:
    """Decode ``path`` (EXIF-oriented, BGR) small enough for the model but no smaller.

    Large JPEGs are decoded at the largest 1/2, 1/4 or 1/8 reduction, at most
    ``max_factor`` (1: always in full; see ``inference.decode_choice``), whose long side
    is still >= :data:`DECODE_MARGIN` times the model input's long side. ``oriented_size``
    is the known oriented ``(width, height)`` (the project store has it); without it the
    JPEG header is read. JPEGs are decoded by :func:`inference.jpeg_decode.decode_bgr`
    (OpenCV's pixels, faster); with ``buffer`` the image may live in its memory.
    Returns the image and ``(sx, sy)`` mapping decoded pixels to the full oriented image.
    Raises :class:`ImageDecodeError` naming the file when it cannot be decoded.
    """
    path = Path(path)
    data = _read_bytes(path)
    return _decode_data(data, path, model_input_size, oriented_size, max_factor, buffer)


def _reduction(
    data: np.ndarray,
    full: tuple[int, int] | None,
    model_input_size: int | tuple[int, int],
    max_factor: int,
) -> int:
    """The decode factor for ``data`` (1: in full)."""
    if full is None or not is_jpeg(data):
        return 1
    in_h, in_w = input_hw(model_input_size)
    long_side = max(full)
    for f in _REDUCTIONS:
        if f <= max_factor and math.ceil(long_side / f) >= DECODE_MARGIN * max(in_h, in_w):
            return f
    return 1


def _decode_data(
    data: np.ndarray,
    path: Path,
    model_input_size: int | tuple[int, int],
    oriented_size: tuple[int, int] | None,
    max_factor: int,
    buffer: DecodeBuffer | None = None,
) -> tuple[np.ndarray, Scale]:
    header_size = jpeg_oriented_size(data) if is_jpeg(data) else None
    if oriented_size and header_size and tuple(oriented_size) != header_size:
        raise ImageDecodeError(  # before a decode of whatever size the header now claims
            path,
            f"its header says {header_size[0]}x{header_size[1]} but its oriented size is "
            f"known as {oriented_size[0]}x{oriented_size[1]} (the file changed since?)",
        )
    full = oriented_size or header_size
    factor = _reduction(data, full, model_input_size, max_factor)
    image = _decode(data, factor, path, buffer)
    if image is None and factor != 1:
        factor, image = 1, _decode(data, 1, path, buffer)
    if image is None:
        raise ImageDecodeError(path, "not an image OpenCV can decode (corrupt or unsupported)")
    dh, dw = image.shape[:2]
    if full is None:
        return image, (1.0, 1.0)
    width, height = full
    if abs(dw - width / factor) > 1.5 or abs(dh - height / factor) > 1.5:
        raise ImageDecodeError(
            path,
            f"decoded as {dw * factor}x{dh * factor} but its oriented size is known as "
            f"{width}x{height} (EXIF orientation handled differently?)",
        )
    return image, (width / dw, height / dh)


def decode_candidates(
    path: str | os.PathLike[str],
    model_input_size: int | tuple[int, int],
    oriented_size: tuple[int, int] | None = None,
    buffer: DecodeBuffer | None = None,
    max_factor: int = MAX_FACTOR,
) -> Iterator[tuple[int, np.ndarray, Scale]]:
    """``(factor, image, scale)`` for a full decode, then each reduction the size allows.

    Reductions come smallest first (2, 4, 8), each at most as far as :func:`decode_for_model`
    would go and at most ``max_factor``, so a caller can stop at the first one that changes
    too much. The file is read once. With ``buffer``, each image is valid only until the
    next one is asked for. Raises :class:`ImageDecodeError` when it cannot be decoded.
    """
    path = Path(path)
    data = _read_bytes(path)
    image, scale = _decode_data(data, path, model_input_size, oriented_size, 1, buffer)
    yield 1, image, scale
    full = oriented_size or (jpeg_oriented_size(data) if is_jpeg(data) else None)
    for factor in reversed(_REDUCTIONS):
        if factor > max_factor or _reduction(data, full, model_input_size, factor) != factor:
            return
        image, scale = _decode_data(data, path, model_input_size, oriented_size, factor, buffer)
        yield factor, image, scale


def _read_bytes(path: Path) -> np.ndarray:
    try:
        data = np.fromfile(path, dtype=np.uint8)  # unlike cv2.imread, works with any path
    except FileNotFoundError as exc:
        raise ImageDecodeError(path, "file not found") from exc
    except OSError as exc:
        raise ImageDecodeError(path, f"cannot read file ({exc.strerror or exc})") from exc
    if data.size == 0:
        raise ImageDecodeError(path, "empty file (0 bytes)")
    return data


def _decode(
    data: np.ndarray, factor: int, path: Path, buffer: DecodeBuffer | None
) -> np.ndarray | None:
    try:
        return decode_bgr(data, factor, buffer)
    except cv2.error as exc:
        raise ImageDecodeError(path, f"OpenCV cannot decode it ({exc.err})") from exc


def jpeg_oriented_size(data: np.ndarray | bytes) -> tuple[int, int] | None:
    """``(width, height)`` after EXIF orientation from a JPEG header, or None if unreadable."""
    header = read_jpeg_header(data, limit=_HEADER_BYTES)
    return None if header is None else header.oriented_size
