"""The batch matcher finds exactly what ``match_shapes``, ``cluster_shapes`` and
``shape_consensus`` (the SCORING rule) find, problem by problem."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.core.agreement.batch import (
    Ragged,
    ShapeTable,
    cluster_rows,
    match_rows,
)
from labeler.core.consensus import SCORING, cluster_shapes, shape_consensus
from labeler.core.consensus_batch import consensus_many
from labeler.core.geometry import Box, Polygon
from labeler.core.matching import Shape, match_shapes


def random_shapes(rng: np.random.Generator, n: int, start: int, polygons: bool) -> list[Shape]:
    shapes = []
    for i in range(n):
        x, y = rng.uniform(0, 60, 2).round(0)  # coarse: many overlaps and exact ties
        w, h = rng.uniform(8, 40, 2).round(0)
        if polygons and rng.random() < 0.2:
            geometry: Box | Polygon = Polygon(((x, y), (x + w, y), (x + w / 2, y + h)))
        else:
            geometry = Box(x, y, x + w, y + h)
        shapes.append(Shape(start + i, int(rng.integers(1, 4)), geometry, None, start))
    return shapes


def problems(seed: int, polygons: bool) -> list[tuple[list[Shape], list[Shape]]]:
    rng = np.random.default_rng(seed)
    found = []
    for p in range(150):
        a = random_shapes(rng, int(rng.integers(0, 6)), 1000 * p, polygons)
        b = random_shapes(rng, int(rng.integers(0, 6)), 1000 * p + 500, polygons)
        if a and rng.random() < 0.3:  # exact copies of a's shapes
            b += [Shape(s.id + 900, s.label, s.geometry) for s in a[:2]]
        found.append((a, b))
    return found


@pytest.mark.parametrize(
    ("seed", "polygons", "threshold"),
    [
        (0, False, 0.5),
        (1, True, 0.3),
        (2, False, 0.1),
        # polygons: their pairs' IoU comes from one vectorised shapely pass, not per image
        (3, True, 0.5),
        (4, True, 0.1),
        (5, True, 0.7),
    ],
)
def test_match_rows_equals_match_shapes(seed: int, polygons: bool, threshold: float) -> None:
    cases = problems(seed, polygons)
    shapes = [s for a, b in cases for s in (*a, *b)]
    table = ShapeTable.of(shapes)
    row = {id(s): i for i, s in enumerate(shapes)}
    a = Ragged.of([[row[id(s)] for s in x] for x, _ in cases])
    b = Ragged.of([[row[id(s)] for s in y] for _, y in cases])
    pairs = match_rows(table, a, b, threshold)
    first_pass = match_rows(table, a, b, threshold, cross_class=False)
    for p, (x, y) in enumerate(cases):
        expected = match_shapes(x, y, threshold)
        mine = pairs.problem == p
        got = [
            (table.shapes[int(a.rows[i])].id, table.shapes[int(b.rows[j])].id, float(v), bool(same))
            for i, j, v, same in zip(
                pairs.a[mine], pairs.b[mine], pairs.iou[mine], pairs.same[mine], strict=True
            )
        ]
        want = [(m.a.id, m.b.id, m.iou, True) for m in expected.matches]
        same_class = [w for w in want if w[3]]
        want += [(m.a.id, m.b.id, m.iou, False) for m in expected.class_mismatches]
        assert got == want
        mine = first_pass.problem == p
        got = [
            (table.shapes[int(a.rows[i])].id, table.shapes[int(b.rows[j])].id, float(v), bool(s))
            for i, j, v, s in zip(
                first_pass.a[mine],
                first_pass.b[mine],
                first_pass.iou[mine],
                first_pass.same[mine],
                strict=True,
            )
        ]
        assert got == same_class


@pytest.mark.parametrize(("seed", "tie_chunk"), [(3, 50_000), (4, 50_000), (4, 3)])
def test_clusters_and_consensus_equal_the_reference(seed: int, tie_chunk: int, monkeypatch) -> None:
    from labeler.core import consensus_batch

    monkeypatch.setattr(consensus_batch, "TIE_CHUNK", tie_chunk)  # ties settled in runs
    rng = np.random.default_rng(seed)
    images = []
    for image in range(80):
        base = random_shapes(rng, int(rng.integers(0, 5)), 0, polygons=seed == 4)
        coders = {}
        for coder in range(int(rng.integers(1, 5))):
            mine = [
                Shape(
                    10000 * image + 100 * coder + i,
                    s.label if rng.random() < 0.8 else 3,
                    s.geometry
                    if rng.random() < 0.5
                    else Box(*[v + rng.integers(-3, 4) for v in s.geometry.bounds()]),
                )
                for i, s in enumerate(base)
                if rng.random() < 0.85
            ]
            coders[coder] = mine + random_shapes(
                rng, int(rng.integers(0, 2)), 10000 * image + 100 * coder + 50, False
            )
        images.append(coders)
    shapes = [s for coders in images for shapes in coders.values() for s in shapes]
    table = ShapeTable.of(shapes)
    row = {id(s): i for i, s in enumerate(shapes)}
    groups = [[[row[id(s)] for s in c] for c in coders.values()] for coders in images]
    clusters = cluster_rows(table, groups, 0.5)
    n_coders = np.array([len(c) for c in images])
    chosen, share = consensus_many(table, clusters, n_coders[clusters.group], SCORING)
    starts, sizes = clusters.starts(), clusters.sizes()
    for image, coders in enumerate(images):
        expected = cluster_shapes(image, coders, SCORING)
        mine = np.flatnonzero(clusters.group == image)
        got = [
            [
                (int(clusters.member_coder[m]), table.shapes[int(clusters.member_row[m])].id)
                for m in range(starts[c], starts[c] + sizes[c])
            ]
            for c in mine
        ]
        assert got == [[(c, s.id) for c, s in cl.members.items()] for cl in expected]
        want = shape_consensus(image, coders, SCORING)
        got_consensus = [
            (table.shapes[int(chosen[c])].id, float(share[c])) for c in mine if chosen[c] >= 0
        ]
        assert got_consensus == [(s.id, s.score) for s in want]
