"""The matching engine: IoU matrices, optimal assignment, class mismatches, tags."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.core.domain import Annotation, AnnotationSource
from labeler.core.geometry import Box, Polygon, Tag, iou
from labeler.core.matching import Shape, compare_tags, iou_matrix, match_shapes


def box(i: int, label: str, x1: float, y1: float, x2: float, y2: float) -> Shape:
    return Shape(i, label, Box(x1, y1, x2, y2))


def random_shapes(rng: np.random.Generator, n: int) -> list[Box | Polygon]:
    shapes: list[Box | Polygon] = []
    for i in range(n):
        x, y = rng.uniform(0, 60, 2)
        w, h = rng.uniform(5, 40, 2)
        if i % 2:
            shapes.append(Box(x, y, x + w, y + h))
        else:  # a quadrilateral (convex, so valid)
            shapes.append(Polygon(((x, y), (x + w, y + h / 3), (x + w, y + h), (x, y + h))))
    return shapes


def test_iou_matrix_equals_pairwise_iou_for_boxes_and_polygons() -> None:
    rng = np.random.default_rng(7)
    a, b = random_shapes(rng, 9), random_shapes(rng, 7)
    expected = np.array([[iou(x, y) for y in b] for x in a])
    assert np.allclose(iou_matrix(a, b), expected)
    boxes = [s for s in a if isinstance(s, Box)]
    assert np.allclose(iou_matrix(boxes, boxes), [[iou(x, y) for y in boxes] for x in boxes])
    assert iou_matrix([], b).shape == (0, 7)


def test_identical_shapes_match_with_iou_one() -> None:
    a = [box(1, "scratch", 0, 0, 10, 10), box(2, "crack", 20, 20, 40, 40)]
    b = [box(11, "crack", 20, 20, 40, 40), box(12, "scratch", 0, 0, 10, 10)]
    result = match_shapes(a, b)
    assert {(m.a.id, m.b.id) for m in result.matches} == {(1, 12), (2, 11)}
    assert all(m.iou == pytest.approx(1.0) for m in result.matches)
    assert result.f1 == 1.0 and result.mean_iou == pytest.approx(1.0)
    assert not result.class_mismatches and not result.unmatched_a and not result.unmatched_b


def test_second_pass_tells_class_mismatch_from_missing() -> None:
    a = [box(1, "scratch", 0, 0, 10, 10), box(2, "crack", 50, 50, 60, 60)]
    b = [box(11, "dent", 0, 0, 10, 10)]
    result = match_shapes(a, b)
    assert not result.matches
    assert [(m.a.id, m.b.id) for m in result.class_mismatches] == [(1, 11)]
    assert not result.class_mismatches[0].same_class
    assert [s.id for s in result.unmatched_a] == [2]
    assert result.unmatched_b == ()
    assert result.f1 == 0.0 and np.isnan(result.mean_iou)


def test_same_class_is_preferred_over_a_better_overlap_of_another_class() -> None:
    a = [box(1, "scratch", 0, 0, 10, 10)]
    b = [box(11, "crack", 0, 0, 10, 10), box(12, "scratch", 0, 0, 10, 12)]
    result = match_shapes(a, b)
    assert [(m.a.id, m.b.id) for m in result.matches] == [(1, 12)]
    assert [s.id for s in result.unmatched_b] == [11]


def test_assignment_is_optimal_not_greedy() -> None:
    # Greedy takes a1-b1 (0.74, the first maximum) and leaves a2, b2 alone; optimal pairs all.
    a = [box(1, "x", 0, 0, 10, 10), box(2, "x", 3, 0, 13, 10)]
    b = [box(11, "x", 1.5, 0, 11.5, 10), box(12, "x", -3, 0, 7, 10)]
    ious = iou_matrix([s.geometry for s in a], [s.geometry for s in b])
    assert ious[0, 0] == ious.max()
    result = match_shapes(a, b)
    assert {(m.a.id, m.b.id) for m in result.matches} == {(1, 12), (2, 11)}


def test_threshold_and_low_overlap() -> None:
    a = [box(1, "x", 0, 0, 10, 10), box(2, "x", 50, 50, 60, 60)]
    b = [box(11, "x", 0, 0, 10, 7), box(12, "x", 50, 50, 60, 54)]  # IoU 0.7 and 0.4
    result = match_shapes(a, b)
    assert [(m.a.id, round(m.iou, 6)) for m in result.matches] == [(1, 0.7)]
    assert [m.a.id for m in result.low_overlap] == [1]
    assert [s.id for s in result.unmatched_a] == [2] and [s.id for s in result.unmatched_b] == [12]
    lenient = match_shapes(a, b, iou_threshold=0.3, low_overlap=0.6)
    assert len(lenient.matches) == 2 and [m.a.id for m in lenient.low_overlap] == [2]


def test_polygons_match_through_shapely() -> None:
    triangle = Polygon(((0, 0), (10, 0), (0, 10)))
    a = [Shape(1, "x", triangle)]
    b = [Shape(2, "x", Box(0, 0, 10, 10)), Shape(3, "x", Polygon(((0, 0), (10, 0), (0, 9))))]
    result = match_shapes(a, b)
    assert [(m.a.id, m.b.id) for m in result.matches] == [(1, 3)]
    assert result.matches[0].iou == pytest.approx(0.9)


def test_empty_sides() -> None:
    result = match_shapes([], [])
    assert result.n_a == result.n_b == 0 and np.isnan(result.f1)
    one = match_shapes([box(1, "x", 0, 0, 5, 5)], [])
    assert [s.id for s in one.unmatched_a] == [1] and one.f1 == 0.0


def test_tags_compare_as_sets() -> None:
    comparison = compare_tags(["blurry", "night"], ["night", "night", "indoor"])
    assert comparison.common == {"night"}
    assert comparison.only_a == {"blurry"} and comparison.only_b == {"indoor"}
    assert not comparison.agree and compare_tags([1], [1]).agree


def test_tag_annotation_is_not_a_shape() -> None:
    tag = Annotation(1, 1, 1, Tag(), 1, None, AnnotationSource.MANUAL, "t", "t")
    with pytest.raises(ValueError, match="is a tag"):
        Shape.from_annotation(tag)
