"""Mask -> polygon/box: pixel-edge vertices, parts, holes, specks, simplification."""

from __future__ import annotations

import cv2
import numpy as np
import pytest
from shapely.geometry import Polygon as ShapelyPolygon

from labeler.core.geometry import Polygon, validate_geometry
from labeler.core.mask_polygons import hole_area, mask_to_box, mask_to_polygons


def _area(ring) -> float:
    return ShapelyPolygon(ring).area


def test_block_of_pixels_becomes_its_exact_square():
    mask = np.zeros((50, 60), bool)
    mask[10:20, 5:15] = True
    (ring,) = mask_to_polygons(mask, tolerance=0.5)
    assert sorted(ring) == [(5.0, 10.0), (5.0, 20.0), (15.0, 10.0), (15.0, 20.0)]
    assert mask_to_box(mask) == (5.0, 10.0, 15.0, 20.0)


def test_empty_mask_is_nothing_segmented():
    assert mask_to_polygons(np.zeros((8, 8), bool), 1.0) == []
    assert mask_to_box(np.zeros((8, 8), bool)) is None


def test_specks_are_dropped_and_parts_ordered_largest_first():
    mask = np.zeros((60, 60), np.uint8)
    mask[30:40, 10:50] = 1  # 400 px
    mask[5:15, 5:15] = 1  # 100 px
    mask[55, 55] = 1  # a speck
    assert len(mask_to_polygons(mask, 1.0, "largest")) == 1
    rings = mask_to_polygons(mask, 1.0, "all")
    assert [round(_area(r)) for r in rings] == [400, 100]
    assert mask_to_polygons(mask, 1.0, "all", min_area=0.5)[-1] is not None
    assert len(mask_to_polygons(mask, 1.0, "all", min_area=0.5)) == 3


def test_holes_are_covered_by_the_outer_ring_and_measured():
    mask = np.zeros((40, 40), bool)
    mask[5:35, 5:35] = True
    mask[15:25, 15:25] = False
    (ring,) = mask_to_polygons(mask, 0.0)
    assert _area(ring) == pytest.approx(900)
    assert hole_area(mask) == 100


def test_tolerance_trades_vertices_for_fidelity():
    disk = np.zeros((200, 200), np.uint8)
    cv2.circle(disk, (100, 100), 50, 1, -1)
    counts = []
    for tolerance in (0.0, 0.5, 1.0, 2.0, 4.0):
        (ring,) = mask_to_polygons(disk, tolerance)
        counts.append(len(ring))
        assert abs(_area(ring) - disk.sum()) / disk.sum() < 0.04
        validate_geometry(Polygon(tuple(ring)), (200, 200))
    assert counts == sorted(counts, reverse=True) and counts[0] > counts[-1] >= 8


def test_thin_line_and_edge_touching_masks_give_valid_polygons():
    mask = np.zeros((20, 30), bool)
    mask[0, :] = True  # one-pixel line along the top edge
    (ring,) = mask_to_polygons(mask, 0.0)
    assert _area(ring) == pytest.approx(30)
    (simplified,) = mask_to_polygons(mask, 0.5)
    assert _area(simplified) == pytest.approx(30, rel=0.05)
    assert min(y for _x, y in ring) == 0.0 and max(x for x, _y in ring) == 30.0


def test_bad_arguments():
    with pytest.raises(ValueError, match="largest, all"):
        mask_to_polygons(np.ones((3, 3)), 1.0, "biggest")
    with pytest.raises(ValueError, match="2-D"):
        mask_to_polygons(np.ones((3, 3, 3)), 1.0)
    with pytest.raises(ValueError, match=">= 0"):
        mask_to_polygons(np.ones((3, 3)), -1.0)
