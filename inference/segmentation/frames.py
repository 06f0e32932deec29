"""Image pre-processing and prompt coordinate transforms of each segmentation layout.

- ``sam``: resize the longest side to S (1024), normalise with SAM's pixel mean/std (0-255
  scale), pad right and bottom with zeros to S x S. Prompt coordinates scale by
  (new_w / w, new_h / h), as Segment Anything's ``ResizeLongestSide`` does.
- ``sam2``: resize to S x S (aspect not kept, as SAM 2's own transforms do), scale to 0-1,
  normalise with the ImageNet mean/std. Coordinates scale by (S / w, S / h).
- ``efficientsam``: pixels scaled to 0-1, no normalisation; the image goes in at its own
  size unless the encoder fixes one, and coordinates are in that frame's pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

SAM_MEAN = np.array([123.675, 116.28, 103.53], np.float32)
SAM_STD = np.array([58.395, 57.12, 57.375], np.float32)
IMAGENET_MEAN = np.array([0.485, 0.456, 0.406], np.float32)
IMAGENET_STD = np.array([0.229, 0.224, 0.225], np.float32)
DEFAULT_SIDE = 1024


@dataclass(frozen=True)
class Frame:
    """How an original (h, w) image maps to the model's input frame."""

    original_hw: tuple[int, int]
    resized_hw: tuple[int, int]  # the image's size inside the model input (before padding)

    def to_model(self, xy: np.ndarray) -> np.ndarray:
        """Original-pixel (x, y) rows to model-frame coordinates."""
        (h, w), (rh, rw) = self.original_hw, self.resized_hw
        scale = np.array([rw / w, rh / h], np.float32)
        return (np.asarray(xy, np.float32).reshape(-1, 2) * scale).astype(np.float32)


def longest_side_hw(hw: tuple[int, int], side: int) -> tuple[int, int]:
    """Segment Anything's ``ResizeLongestSide.get_preprocess_shape``: (new_h, new_w)."""
    h, w = hw
    scale = side / max(h, w)
    return int(h * scale + 0.5), int(w * scale + 0.5)


def frame_for(layout: str, hw: tuple[int, int], fixed: tuple[int | None, int | None]) -> Frame:
    """The frame an image of size ``hw`` is encoded in for ``layout``."""
    side = fixed[0] or DEFAULT_SIDE
    if layout == "sam":
        return Frame(hw, longest_side_hw(hw, side))
    if layout == "sam2":
        return Frame(hw, (fixed[0] or DEFAULT_SIDE, fixed[1] or DEFAULT_SIDE))
    if fixed[0] and fixed[1]:
        return Frame(hw, (fixed[0], fixed[1]))
    return Frame(hw, hw)


def encoder_input(layout: str, image_rgb: np.ndarray, frame: Frame, side: int) -> np.ndarray:
    """The encoder's input tensor (1, 3, H, W) float32 for an RGB uint8 image."""
    rh, rw = frame.resized_hw
    image = image_rgb
    if (rh, rw) != image.shape[:2]:
        image = cv2.resize(image_rgb, (rw, rh), interpolation=cv2.INTER_LINEAR)
    pixels = image.astype(np.float32)
    if layout == "sam":
        pixels = (pixels - SAM_MEAN) / SAM_STD
        canvas = np.zeros((side, side, 3), np.float32)
        canvas[:rh, :rw] = pixels
        pixels = canvas
    elif layout == "sam2":
        pixels = (pixels / 255.0 - IMAGENET_MEAN) / IMAGENET_STD
    else:
        pixels = pixels / 255.0
    return np.ascontiguousarray(pixels.transpose(2, 0, 1)[None], dtype=np.float32)


Region = tuple[int, int, int, int]  # x0, y0, x1, y1 (exclusive) in original pixels


def logits_to_mask(logits: np.ndarray, frame: Frame, layout: str) -> np.ndarray:
    """A decoder mask (logits, any size) to a boolean mask of the original image's size."""
    return logits_to_mask_region(logits, frame, layout)[0]


def logits_to_mask_region(
    logits: np.ndarray, frame: Frame, layout: str
) -> tuple[np.ndarray, Region | None]:
    """A decoder mask (logits, any size) to a boolean mask of the original size and its region.

    Masks already at the original size are thresholded as they are. SAM-layout masks of
    the padded S x S frame (or 1/4 of it) are cropped to the image first. Smaller masks are
    upsampled bilinearly (OpenCV's ``INTER_LINEAR`` arithmetic) only inside the region where
    an upsampled logit can be positive: the box of the positive logits, one source pixel
    wider. The region (None when nothing is positive) bounds every true pixel of the mask,
    so outlining it need not scan the whole image.
    """
    h, w = frame.original_hw
    logits = np.asarray(logits, np.float32)
    if logits.shape != (h, w) and layout == "sam":
        side = max(logits.shape)  # the mask covers the padded S x S input (or 1/4 of it)
        rh, rw = frame.resized_hw
        crop_h = max(1, round(rh * side / max(rh, rw)))
        crop_w = max(1, round(rw * side / max(rh, rw)))
        logits = logits[:crop_h, :crop_w]
    positive = logits > 0.0
    rows = np.flatnonzero(positive.any(axis=1))
    mask = np.zeros((h, w), dtype=bool)
    if not len(rows):
        return mask, None
    cols = np.flatnonzero(positive.any(axis=0))
    if logits.shape == (h, w):
        mask[:] = positive
        return mask, (int(cols[0]), int(rows[0]), int(cols[-1]) + 1, int(rows[-1]) + 1)
    ys = _span(rows[0], rows[-1], logits.shape[0], h)
    xs = _span(cols[0], cols[-1], logits.shape[1], w)
    y_lo, y_hi, fy = _linear_taps(ys, logits.shape[0], h)
    x_lo, x_hi, fx = _linear_taps(xs, logits.shape[1], w)
    # rows of the source that the region uses, interpolated along x, then along y (the
    # order cv2.resize uses); plain numpy, no BLAS threads to wait for on a busy machine
    used = logits[y_lo.min() : y_hi.max() + 1]
    y_lo, y_hi = y_lo - y_lo.min(), y_hi - y_lo.min()
    across = used[:, x_lo] * (1.0 - fx) + used[:, x_hi] * fx
    part = across[y_lo] * (1.0 - fy)[:, None] + across[y_hi] * fy[:, None]
    mask[ys[0] : ys[1], xs[0] : xs[1]] = part > 0.0
    return mask, (xs[0], ys[0], xs[1], ys[1])


def _span(first: int, last: int, src: int, dst: int) -> tuple[int, int]:
    """Destination pixels [a, b) whose bilinear sources touch source pixels first-1..last+1."""
    scale = src / dst
    a = int(np.floor((first - 1 + 0.5) / scale - 0.5))
    b = int(np.ceil((last + 1 + 0.5) / scale - 0.5)) + 1
    return max(0, a), min(dst, b)


def _linear_taps(
    span: tuple[int, int], src: int, dst: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Bilinear taps for destination pixels ``span`` as cv2.resize computes them.

    Destination pixel d samples the source at ``(d + 0.5) * src / dst - 0.5``, clamped to
    the edge pixels; returns the lower and upper source index and the upper one's weight.
    """
    d = np.arange(span[0], span[1], dtype=np.float64)
    f = (d + 0.5) * (src / dst) - 0.5
    lo = np.floor(f)
    frac = (f - lo).astype(np.float32)
    lo = lo.astype(np.int64)
    frac[lo < 0] = 0.0
    lo = np.clip(lo, 0, src - 1)
    hi = np.minimum(lo + 1, src - 1)
    return lo, hi, frac
