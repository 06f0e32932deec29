"""Shared helpers for the demo model's training and evaluation (numpy + OpenCV only)."""

from __future__ import annotations

import cv2
import numpy as np

PAD_VALUE = 114


def letterbox(image: np.ndarray, size: int) -> tuple[np.ndarray, float, tuple[float, float]]:
    """Resize keeping aspect ratio into a size x size canvas padded with grey 114.

    Same geometry as Ultralytics' LetterBox (centred, INTER_LINEAR). Returns the canvas,
    the scale r and the (left, top) padding: input = original * r + pad.
    """
    h, w = image.shape[:2]
    r = min(size / h, size / w)
    nw, nh = round(w * r), round(h * r)
    dw, dh = (size - nw) / 2, (size - nh) / 2
    resized = (
        cv2.resize(image, (nw, nh), interpolation=cv2.INTER_LINEAR) if (nw, nh) != (w, h) else image
    )
    top, bottom = round(dh - 0.1), round(dh + 0.1)
    left, right = round(dw - 0.1), round(dw + 0.1)
    canvas = cv2.copyMakeBorder(
        resized,
        top,
        bottom,
        left,
        right,
        cv2.BORDER_CONSTANT,
        value=(PAD_VALUE, PAD_VALUE, PAD_VALUE),
    )
    return canvas, r, (float(left), float(top))


def to_input(canvases: list[np.ndarray]) -> np.ndarray:
    """BGR uint8 canvases -> float32 (B, 3, S, S) RGB / 255."""
    arr = np.stack([c[:, :, ::-1] for c in canvases]).transpose(0, 3, 1, 2)
    return np.ascontiguousarray(arr, dtype=np.float32) / 255.0
