"""Ground truth and preprocessing for the demo segmenter (numpy + OpenCV only, no torch).

Shared by ``train_demo_segmenter.py`` and ``evaluate_demo_segmenter.py``.

True masks come from the generator itself: a dent's mask is its ellipse polygon filled; a
scratch's or crack's mask is what ``labeler.demo.synth`` drew, recorded while it draws (the
generator keeps only the box of its lines, so :func:`generate_with_masks` wraps its private
line-drawing function for the duration of one call and rebuilds the very same anti-aliased
mask, with the generator's own threshold: coverage above 64/255). Nothing random is drawn
by the recording, so the pixels are byte-identical to an ordinary ``generate_image`` call.

Preprocessing is the Segment Anything one: RGB, longest side resized to 1024 (bilinear),
normalised with SAM's pixel mean/std, zero-padded at the bottom/right to 1024x1024.
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from labeler.demo import synth

FRAME = 1024
LOW_RES = 256
PIXEL_MEAN = np.array([123.675, 116.28, 103.53], dtype=np.float32)
PIXEL_STD = np.array([58.395, 57.12, 57.375], dtype=np.float32)


@dataclass(frozen=True)
class MaskedObject:
    """One generated object with its true mask at the image's size."""

    class_name: str
    box: tuple[float, float, float, float]
    mask: np.ndarray  # bool (h, w)
    centre: tuple[float, float]  # dents: the ellipse centre; lines: the mask's centroid


@dataclass(frozen=True, eq=False)
class MaskedImage:
    """A generated BGR image and its objects with true masks."""

    image: np.ndarray
    objects: list[MaskedObject]


@contextlib.contextmanager
def _recording_lines() -> Iterator[list[tuple[tuple[float, float, float, float], np.ndarray]]]:
    """Temporarily wrap ``synth._draw_lines`` to record each drawn mask (full image size)."""
    original = synth._draw_lines
    recorded: list[tuple[tuple[float, float, float, float], np.ndarray]] = []

    def recording(img: np.ndarray, polylines, colour, opacity):  # type: ignore[no-untyped-def]
        h, w = img.shape[:2]
        pad = 1 + max(t for _, t in polylines)
        x1, y1, x2, y2 = synth._bounds([p for p, _ in polylines], pad)
        x0, y0 = max(0, int(x1)), max(0, int(y1))
        xe, ye = min(w, math.ceil(x2) + 1), min(h, math.ceil(y2) + 1)
        drawn = original(img, polylines, colour, opacity)
        if drawn is not None:
            local = np.zeros((ye - y0, xe - x0), dtype=np.uint8)
            for pts, thickness in polylines:
                p = np.round((pts - (x0, y0)) * 16).astype(np.int32)
                cv2.polylines(local, [p], False, 255, thickness, cv2.LINE_AA, 4)
            full = np.zeros((h, w), dtype=bool)
            full[y0:ye, x0:xe] = local > 64
            recorded.append((drawn, full))
        return drawn

    synth._draw_lines = recording  # type: ignore[assignment]
    try:
        yield recorded
    finally:
        synth._draw_lines = original  # type: ignore[assignment]


def dent_mask(polygon: list[tuple[float, float]], height: int, width: int) -> np.ndarray:
    """The filled ellipse polygon of a dent as a bool mask (sub-pixel vertices)."""
    mask = np.zeros((height, width), dtype=np.uint8)
    pts = np.round((np.asarray(polygon, dtype=np.float64) - 0.5) * 16).astype(np.int32)
    cv2.fillPoly(mask, [pts], 255, cv2.LINE_8, 4)
    return mask > 0


class _SteeredRng:
    """An rng for one ``synth._dent`` call whose centre draws are replaced by ``place``.

    ``_dent`` draws, in order: the major axis fraction, the minor/major ratio, the angle,
    then the centre x and y (``uniform(a + 3, side - a - 3)``); every other draw, and the
    draws after the centre, come from the wrapped generator unchanged.
    """

    def __init__(self, rng: np.random.Generator, place) -> None:  # type: ignore[no-untyped-def]
        self._rng = rng
        self._place = place
        self._draws: list[float] = []
        self._centre: tuple[float, float] | None = None

    def uniform(self, low: float = 0.0, high: float = 1.0, size: None = None) -> float:
        value = float(self._rng.uniform(low, high))
        index = len(self._draws)
        self._draws.append(value)
        if index == 3:  # centre x: low is a + 3
            a = low - 3
            self._centre = self._place(a, a * self._draws[1])
            return float(np.clip(self._centre[0], low, high))
        if index == 4 and self._centre is not None:
            return float(np.clip(self._centre[1], low, high))
        return value

    def __getattr__(self, name: str):  # type: ignore[no-untyped-def]
        return getattr(self._rng, name)


def _beside(rng: np.random.Generator, polygon: list[tuple[float, float]]):  # type: ignore[no-untyped-def]
    """A ``place(a, b)`` putting a new dent's centre so that it touches ``polygon``'s dent."""
    poly = np.asarray(polygon, dtype=np.float64)
    centre = poly.mean(axis=0)
    theta = rng.uniform(0, 2 * math.pi)
    direction = np.array([math.cos(theta), math.sin(theta)])
    reach = float(((poly - centre) @ direction).max())  # the dent's extent that way
    gap = rng.uniform(0.8, 1.1)

    def place(a: float, b: float) -> tuple[float, float]:
        d = (reach + 0.5 * (a + b)) * gap
        return float(centre[0] + d * direction[0]), float(centre[1] + d * direction[1])

    return place


@contextlib.contextmanager
def _touching_dents(rng: np.random.Generator, chance: float) -> Iterator[list[synth.SynthObject]]:
    """Temporarily wrap ``synth._dent``: after a dent, with ``chance``, draw one touching it.

    The hard case of one-click segmentation is a dent that touches another (the mask takes
    both); the generator makes them only when two boxes happen to overlap a little. The
    extra dents are drawn by the generator's own ``_dent`` (same shading), collected in
    the yielded list, and their boxes join the generator's so later objects avoid them.
    """
    original = synth._dent
    extra: list[synth.SynthObject] = []

    def with_neighbour(rng_, img, width, height, sf, boxes):  # type: ignore[no-untyped-def]
        obj = original(rng_, img, width, height, sf, boxes)
        if chance > 0 and obj is not None and obj.polygon and rng.random() < chance:
            steered = _SteeredRng(rng, _beside(rng, obj.polygon))
            near = original(steered, img, width, height, sf, [])
            if near is not None:
                extra.append(near)
                boxes.append(near.box)
        return obj

    synth._dent = with_neighbour  # type: ignore[assignment]
    try:
        yield extra
    finally:
        synth._dent = original  # type: ignore[assignment]


def generate_with_masks(
    rng: np.random.Generator, width: int, height: int, touching: float = 0.0
) -> MaskedImage:
    """``synth.generate_image`` plus a true mask for every object (same pixels, same rng use).

    ``touching`` > 0 (training only) adds, after each dent with that chance, a second dent
    touching it (see :func:`_touching_dents`); the pixels then differ from the generator's.
    """
    with _recording_lines() as recorded, _touching_dents(rng, touching) as extra:
        sample = synth.generate_image(rng, width, height)
    by_box = {box: mask for box, mask in recorded}
    objects = []
    for obj in [*sample.objects, *extra]:
        if obj.class_name == "dent":
            assert obj.polygon is not None
            mask = dent_mask(obj.polygon, height, width)
            poly = np.asarray(obj.polygon)
            centre = (float(poly[:, 0].mean()), float(poly[:, 1].mean()))
        else:
            mask = by_box[obj.box]
            ys, xs = np.nonzero(mask)
            centre = (float(xs.mean()), float(ys.mean()))
        if mask.any():
            objects.append(MaskedObject(obj.class_name, obj.box, mask, centre))
    return MaskedImage(sample.image, objects)


def frame_scale(height: int, width: int) -> float:
    """Factor from original pixels to the 1024 frame (SAM's ResizeLongestSide)."""
    return FRAME / max(height, width)


def frame_size(height: int, width: int) -> tuple[int, int]:
    """(h, w) of the resized image inside the 1024 frame, as SAM rounds it."""
    s = frame_scale(height, width)
    return int(height * s + 0.5), int(width * s + 0.5)


def preprocess(image_bgr: np.ndarray) -> np.ndarray:
    """BGR uint8 (h, w, 3) -> float32 (1, 3, 1024, 1024), the SAM encoder input."""
    h, w = image_bgr.shape[:2]
    nh, nw = frame_size(h, w)
    rgb = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2RGB)
    resized = cv2.resize(rgb, (nw, nh), interpolation=cv2.INTER_LINEAR)
    out = np.zeros((FRAME, FRAME, 3), dtype=np.float32)
    out[:nh, :nw] = (resized.astype(np.float32) - PIXEL_MEAN) / PIXEL_STD
    return np.ascontiguousarray(out.transpose(2, 0, 1)[None])


def low_res_target(mask: np.ndarray) -> np.ndarray:
    """A bool mask at the original size -> float32 (256, 256) coverage in the low-res grid."""
    h, w = mask.shape
    nh, nw = frame_size(h, w)
    lh, lw = max(1, round(nh / 4)), max(1, round(nw / 4))
    small = cv2.resize(mask.astype(np.float32), (lw, lh), interpolation=cv2.INTER_AREA)
    out = np.zeros((LOW_RES, LOW_RES), dtype=np.float32)
    out[:lh, :lw] = small
    return out


def iou(a: np.ndarray, b: np.ndarray) -> float:
    """Intersection over union of two bool masks (1.0 when both are empty)."""
    union = np.logical_or(a, b).sum()
    return float(np.logical_and(a, b).sum() / union) if union else 1.0


def mask_box(mask: np.ndarray) -> tuple[float, float, float, float] | None:
    """The (x1, y1, x2, y2) box of a bool mask, exclusive right/bottom; None when empty."""
    ys, xs = np.nonzero(mask)
    if xs.size == 0:
        return None
    return float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1)


def box_iou(a: tuple[float, ...] | None, b: tuple[float, ...]) -> float:
    """IoU of two (x1, y1, x2, y2) boxes; 0 when ``a`` is None."""
    if a is None:
        return 0.0
    ix = max(0.0, min(a[2], b[2]) - max(a[0], b[0]))
    iy = max(0.0, min(a[3], b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return inter / union if union > 0 else 0.0
