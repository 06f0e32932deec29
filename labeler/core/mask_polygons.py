"""Masks from promptable segmentation turned into polygons and boxes (image pixel coordinates).

A pixel ``(col, row)`` of the mask covers ``[col, col + 1) x [row, row + 1)``: polygon
vertices lie on pixel edges, so a 10 x 10 block of pixels becomes a 10 x 10 square (area
100), and polygons fit the image frame ``0..w x 0..h`` that annotations are validated in.

- Parts: ``"largest"`` keeps the part with the largest area, ``"all"`` gives one polygon per
  part, largest first. Parts smaller than ``min_area`` square pixels (specks) are dropped.
- Holes: labeler's polygons are simple rings, so a hole cannot be represented; the outer
  ring is kept and the hole is covered by it (only outer contours are traced). Use
  :func:`hole_area` to tell the user how much area that adds.
- Simplification: ``tolerance`` is the largest distance, in pixels, that the simplified ring
  may stray from the traced outline (Douglas-Peucker, topology kept); 0 keeps every corner.
- An empty mask (or only specks) gives ``[]``: "nothing segmented".
"""

from __future__ import annotations

import cv2
import numpy as np

DEFAULT_TOLERANCE = 1.0
DEFAULT_MIN_AREA = 9.0
PARTS = ("largest", "all")

Ring = list[tuple[float, float]]


def mask_to_polygons(
    mask: np.ndarray,
    tolerance: float = DEFAULT_TOLERANCE,
    parts: str = "largest",
    *,
    min_area: float = DEFAULT_MIN_AREA,
) -> list[Ring]:
    """Polygons (each a ring of ``(x, y)`` vertices, not closed) outlining ``mask``."""
    if parts not in PARTS:
        raise ValueError(f"parts is one of {', '.join(PARTS)}, got {parts!r}")
    if tolerance < 0:
        raise ValueError(f"tolerance is a distance in pixels (>= 0), got {tolerance}")
    shapes = _part_shapes(_binary(mask), min_area)
    if not shapes:
        return []
    shapes.sort(key=lambda s: s.area, reverse=True)
    if parts == "largest":
        shapes = shapes[:1]
    rings = []
    for shape in shapes:
        simple = shape.simplify(tolerance, preserve_topology=True) if tolerance > 0 else shape
        coords = list(simple.exterior.coords)[:-1]
        if len(coords) >= 3:
            rings.append([(float(x), float(y)) for x, y in coords])
    return rings


def mask_to_box(mask: np.ndarray) -> tuple[float, float, float, float] | None:
    """The box ``(x1, y1, x2, y2)`` enclosing the mask's pixels; None for an empty mask."""
    binary = _binary(mask)
    rows = np.flatnonzero(binary.any(axis=1))
    cols = np.flatnonzero(binary.any(axis=0))
    if not len(rows):
        return None
    return float(cols[0]), float(rows[0]), float(cols[-1] + 1), float(rows[-1] + 1)


def hole_area(mask: np.ndarray) -> float:
    """Square pixels inside the mask's outer outlines that the mask leaves out (its holes)."""
    binary = _binary(mask)
    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_NONE)
    filled = np.zeros_like(binary)
    cv2.drawContours(filled, contours, -1, 1, thickness=cv2.FILLED)
    return float(filled.sum() - binary.sum())


def _binary(mask: np.ndarray) -> np.ndarray:
    array = np.asarray(mask)
    if array.ndim != 2:
        raise ValueError(f"a mask is a 2-D array (height x width), got shape {array.shape}")
    return np.ascontiguousarray(array > 0, dtype=np.uint8)


def _part_shapes(binary: np.ndarray, min_area: float) -> list:
    """One shapely polygon per outer contour, grown to pixel edges; specks dropped."""
    from shapely.geometry import Polygon as ShapelyPolygon

    contours, _ = cv2.findContours(binary, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    shapes = []
    for contour in contours:
        centres = contour.reshape(-1, 2).astype(np.float64) + 0.5
        if len(centres) >= 3:
            outline = ShapelyPolygon(centres).buffer(0)
        else:
            from shapely.geometry import LineString, Point

            outline = LineString(centres) if len(centres) == 2 else Point(centres[0])
        grown = outline.buffer(0.5, join_style="mitre", cap_style="square")
        if grown.geom_type == "MultiPolygon":
            grown = max(grown.geoms, key=lambda g: g.area)
        if grown.geom_type == "Polygon" and grown.area >= min_area:
            shapes.append(ShapelyPolygon(grown.exterior))
    return shapes
