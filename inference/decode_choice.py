"""Choosing a pre-labeling run's JPEG decode reduction so the model sees what a full decode gives.

A reduced decode (1/2, 1/4, 1/8) is several times cheaper than a full 12 MP decode, but the
letterbox resize samples a few source pixels per model pixel, so from a full decode it keeps
texture and sensor noise that a reduced decode has averaged away. How much that matters
depends on the images (noisy or soft) and on the model (a trained detector shrugs off what
moves a random-weight one). So the run asks both: on each of its first images, the model
must find the same objects on each reduction, smallest first, as on the full decode (same
classes, IoU >= :data:`AGREEMENT_IOU`, one to one), and the model input must stay within
:data:`AGREEMENT_PIXEL_GATE` of the full decode's (mean absolute difference, 0-255); an image
with no detections to compare must stay within the stricter ``DECODE_TOLERANCE``. The run
uses the largest reduction every sampled image passed; a full decode if any passed none.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from inference.adapters import PostParams
from inference.errors import ImageDecodeError
from inference.jpeg_decode import DecodeBuffer
from inference.model import Model
from inference.preprocess import DECODE_TOLERANCE, MAX_FACTOR, Frame, decode_candidates
from inference.results import Detection, ImagePrediction

AGREEMENT_IOU = 0.8
# When the full decode has detections to compare, a reduction may differ this much in
# pixels (mean absolute, 0-255) as long as the detections agree: the trained demo model
# kept all of its boxes on blurred camera JPEGs where one image differed by 0.63 at 1/2.
AGREEMENT_PIXEL_GATE = 1.0
# What reading and decoding one image can raise: the image's own failure, not the run's.
UNREADABLE_ERRORS = (ImageDecodeError, cv2.error, OSError, ValueError, MemoryError)


def run_decode_factor(
    model: Model,
    images: Sequence[tuple[str | os.PathLike[str], tuple[int, int] | None]],
    params: PostParams,
    tolerance: float = DECODE_TOLERANCE,
) -> int:
    """The largest reduction every readable image of ``images`` ((path, oriented size)) allows.

    1 (a full decode) when none is readable. Raises nothing for unreadable images: their
    own results say what is wrong.
    """
    factors = []
    for path, oriented_size in images:
        try:
            factors.append(image_decode_factor(model, path, oriented_size, params, tolerance))
        except UNREADABLE_ERRORS:
            continue
        if factors[-1] == 1:
            break
    return min(factors, default=1)


def image_decode_factor(
    model: Model,
    path: str | os.PathLike[str],
    oriented_size: tuple[int, int] | None,
    params: PostParams,
    tolerance: float = DECODE_TOLERANCE,
) -> int:
    """The largest reduction of ``path`` whose model input and detections match a full decode's."""
    return image_decode_choice(model, path, oriented_size, params, tolerance).factor


@dataclass(frozen=True)
class DecodeChoice:
    """One image's largest allowed reduction, and what the model made of its full decode."""

    factor: int
    frame: Frame
    prediction: ImagePrediction
    """The model's answer on the full decode, with ``params``: the image's own result."""
    infer_s: float
    post_s: float


def image_decode_choice(
    model: Model,
    path: str | os.PathLike[str],
    oriented_size: tuple[int, int] | None,
    params: PostParams,
    tolerance: float = DECODE_TOLERANCE,
    buffer: DecodeBuffer | None = None,
    max_factor: int = MAX_FACTOR,
) -> DecodeChoice:
    """:func:`image_decode_factor`, keeping what the full decode gave (frame and answer).

    A run can use that answer as the image's own result instead of decoding it again.
    Reductions beyond ``max_factor`` are not tried. Raises
    :class:`~inference.errors.ImageDecodeError` when the file cannot be decoded in full;
    a reduction that fails to decode is simply not used.
    """
    size = model.info.input_size
    candidates = decode_candidates(path, size, oriented_size, buffer, max_factor)
    _, image, scale = next(candidates)
    canvas, frame = _canvas(model, image, scale, buffer)
    [prediction], infer_s, post_s = model.run_batch([canvas], [frame], params)
    reference, found = canvas.astype(np.int16), prediction.detections
    # With objects to compare, the model's answer decides and the pixels need only be
    # close; with none, the pixels alone must be as close as ``tolerance``. The pixels are
    # compared first: a reduction they rule out costs no model run.
    gate = max(tolerance, AGREEMENT_PIXEL_GATE) if found else tolerance
    best = 1
    while True:
        try:
            factor, image, scale = next(candidates)
        except (StopIteration, *UNREADABLE_ERRORS):
            break
        reduced, reduced_frame = _canvas(model, image, scale, buffer)
        if float(np.abs(reference - reduced).mean()) > gate:
            break
        answer = model.run_batch([reduced], [reduced_frame], params)[0][0]
        if not detections_agree(found, answer.detections):
            break
        best = factor
    return DecodeChoice(best, frame, prediction, infer_s, post_s)


def _canvas(
    model: Model, image: np.ndarray, scale: tuple[float, float], buffer: DecodeBuffer | None
) -> tuple[np.ndarray, Frame]:
    """The model input of a decode, in memory of its own (the buffer is reused next)."""
    canvas, frame = model.prepare(image, scale)
    if buffer is not None and buffer.holds(canvas):
        canvas = canvas.copy()
    return canvas, frame


def detections_agree(
    a: list[Detection], b: list[Detection], min_iou: float = AGREEMENT_IOU
) -> bool:
    """True when ``a`` and ``b`` pair one to one: same class and box IoU >= ``min_iou``."""
    if len(a) != len(b):
        return False
    free = list(b)
    for det in a:
        match = next((c for c in free if c.class_index == det.class_index
                      and _iou(det.box, c.box) >= min_iou), None)
        if match is None:
            return False
        free.remove(match)
    return True


def _iou(a: tuple[float, float, float, float] | None,
         b: tuple[float, float, float, float] | None) -> float:
    if a is None or b is None:
        return 1.0 if a is b else 0.0
    w = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    h = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0
