"""Outlines of a crowded image rasterised in one OpenCV call per class colour.

Past a few hundred shapes, QPainter's per-primitive cost dominates a repaint
(about 4 µs per cosmetic box on this machine). For a crowded image the canvas
instead maps every vertex to screen pixels with one numpy expression and draws
all outlines of a colour with a single ``cv2.polylines`` call into a
transparent screen-sized layer, which is blitted once. Lines are 1 px and
aliased, exactly what Qt draws on its fast path, so the look does not change
when the canvas switches between the two paths.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import cast

import cv2
import numpy as np
import numpy.typing as npt
from PySide6.QtGui import QColor, QImage


@dataclass(frozen=True)
class OutlineSet:
    """Outlines of one colour in image pixels.

    ``boxes`` is ``(N, 4)`` x1, y1, x2, y2; ``points`` holds every polygon vertex
    ``(M, 2)``, polygon ``i`` running from ``starts[i]`` to the next start.
    """

    color: QColor
    boxes: np.ndarray
    points: np.ndarray
    starts: np.ndarray

    @classmethod
    def build(cls, color: QColor, boxes: np.ndarray, rings: list[np.ndarray]) -> OutlineSet:
        """Pack boxes and polygon rings for :func:`rasterize_outlines`."""
        lengths = [len(r) for r in rings]
        points = np.concatenate(rings).astype(float) if rings else np.zeros((0, 2))
        starts = np.cumsum([0, *lengths[:-1]]) if rings else np.zeros(0, int)
        return cls(color, boxes.reshape(-1, 4), points, np.asarray(starts, dtype=int))


def _bgra(color: QColor) -> tuple[int, int, int, int]:
    return (color.blue(), color.green(), color.red(), 255)


def _box_contours(
    boxes: np.ndarray, scale: tuple[float, float], offset: tuple[float, float]
) -> np.ndarray:
    """``(N, 4, 2)`` int32 screen-pixel corners of ``(N, 4)`` boxes."""
    x1 = boxes[:, 0] * scale[0] + offset[0]
    y1 = boxes[:, 1] * scale[1] + offset[1]
    x2 = boxes[:, 2] * scale[0] + offset[0]
    y2 = boxes[:, 3] * scale[1] + offset[1]
    corners = np.stack(
        [
            np.stack([x1, y1], 1),
            np.stack([x2, y1], 1),
            np.stack([x2, y2], 1),
            np.stack([x1, y2], 1),
        ],
        axis=1,
    )
    return np.clip(np.rint(corners), -(2**30), 2**30).astype(np.int32)


def rasterize_outlines(
    sets: list[OutlineSet],
    size: tuple[int, int],
    scale: tuple[float, float],
    offset: tuple[float, float],
) -> tuple[QImage, np.ndarray]:
    """A transparent ``size`` (w, h) layer with every outline, mapped by ``scale`` and ``offset``.

    ``offset`` is the screen position of image pixel (0, 0) relative to the layer.
    Returns the image and the buffer it wraps: keep both alive while painting it.
    """
    width, height = size
    layer = np.zeros((height, width, 4), np.uint8)
    for outline in sets:
        color = _bgra(outline.color)
        if len(outline.boxes):
            # an (n, 4, 2) array is n contours to OpenCV (no list of n views needed)
            contours = cast(
                "Sequence[npt.NDArray[np.int32]]", _box_contours(outline.boxes, scale, offset)
            )
            cv2.polylines(layer, contours, True, color, 1, cv2.LINE_8)
        if len(outline.points):
            mapped = outline.points * np.array(scale) + np.array(offset)
            mapped = np.clip(np.rint(mapped), -(2**30), 2**30).astype(np.int32)
            rings: list[npt.NDArray[np.int32]] = np.split(mapped, outline.starts[1:])
            cv2.polylines(layer, rings, True, color, 1, cv2.LINE_8)
    image = QImage(layer.data, width, height, width * 4, QImage.Format.Format_ARGB32_Premultiplied)
    return image, layer
