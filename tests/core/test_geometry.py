from __future__ import annotations

import math

import pytest

from labeler.core.errors import GeometryError
from labeler.core.geometry import (
    Box,
    Polygon,
    Tag,
    geometry_from_json,
    geometry_to_json,
    iou,
    validate_geometry,
)


def test_box_corners_are_ordered_and_clipped() -> None:
    assert validate_geometry(Box(50, 40, 10, 20)) == Box(10, 20, 50, 40)
    assert validate_geometry(Box(-5, -5, 20, 20), (10, 10)) == Box(0, 0, 10, 10)


@pytest.mark.parametrize("bad", [Box(1, 1, 1, 50), Box(0, 0, math.nan, 4), Box(0, 0, math.inf, 4)])
def test_degenerate_boxes_are_refused(bad: Box) -> None:
    with pytest.raises(GeometryError):
        validate_geometry(bad)


def test_polygon_repair_keeps_largest_part() -> None:
    bowtie = Polygon(((0, 0), (10, 10), (10, 0), (0, 10)))
    repaired = validate_geometry(bowtie)
    assert isinstance(repaired, Polygon) and repaired.area == pytest.approx(25)


def test_valid_polygon_keeps_vertex_order() -> None:
    points = ((5.0, 5.0), (50.0, 6.0), (30.0, 40.0))
    assert validate_geometry(Polygon(points), (100, 100)).points == points


def test_polygon_refusals() -> None:
    with pytest.raises(GeometryError, match="at least 3"):
        validate_geometry(Polygon(((0, 0), (1, 1))))
    with pytest.raises(GeometryError, match="no area"):
        validate_geometry(Polygon(((0, 0), (5, 5), (10, 10))))
    with pytest.raises(GeometryError, match="no area inside the image"):
        validate_geometry(Polygon(((200, 200), (300, 200), (300, 300))), (100, 100))


def test_iou_boxes_and_polygons() -> None:
    assert iou(Box(0, 0, 10, 10), Box(5, 0, 15, 10)) == pytest.approx(50 / 150)
    assert iou(Box(0, 0, 10, 10), Box(20, 20, 30, 30)) == 0
    square = Polygon(((0, 0), (10, 0), (10, 10), (0, 10)))
    assert iou(square, Box(0, 0, 10, 10)) == pytest.approx(1.0)


@pytest.mark.parametrize("shape", [Box(1, 2, 3, 4), Polygon(((0, 0), (4, 0), (0, 3))), Tag()])
def test_json_round_trip(shape: Box | Polygon | Tag) -> None:
    assert geometry_from_json(geometry_to_json(shape)) == shape


def test_bad_json_geometry() -> None:
    with pytest.raises(GeometryError):
        geometry_from_json('{"kind": "box", "box": [1, 2]}')
    with pytest.raises(GeometryError):
        geometry_from_json('{"kind": "circle"}')


def test_shapely_array_is_to_shapely_bit_for_bit() -> None:
    import numpy as np
    import shapely

    from labeler.core.geometry import shapely_array, to_shapely

    rng = np.random.default_rng(5)
    shapes: list[Box | Polygon] = []
    for _ in range(400):
        x, y = (float(v) for v in rng.uniform(0, 500, 2))
        if rng.random() < 0.5:
            shapes.append(Box(x, y, x + float(rng.uniform(1, 90)), y + float(rng.uniform(1, 90))))
        else:
            n = int(rng.integers(3, 30))
            angles = np.sort(rng.uniform(0, 2 * np.pi, n))
            radii = rng.uniform(5, 40, n)
            shapes.append(Polygon(tuple(
                (x + float(r * np.cos(t)), y + float(r * np.sin(t)))
                for r, t in zip(radii, angles, strict=True)
            )))
    made = shapely_array(shapes)
    expected = [to_shapely(s) for s in shapes]
    assert [shapely.to_wkb(g) for g in made] == [shapely.to_wkb(g) for g in expected]
    assert shapely_array([]).shape == (0,)
    only_polygons = shapely_array([s for s in shapes if isinstance(s, Polygon)])
    assert all(g.geom_type == "Polygon" and g.exterior.is_closed for g in only_polygons)
