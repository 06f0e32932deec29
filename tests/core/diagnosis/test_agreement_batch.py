"""The batched agreement report equals the image-by-image reference on a random project."""

from __future__ import annotations

from collections import defaultdict
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from labeler.core.agreement import agreement_report
from labeler.core.agreement.data import ProjectLabels
from labeler.core.agreement.objects import Counts, cluster_alpha
from labeler.core.consensus import SCORING, cluster_shapes, shape_consensus
from labeler.core.geometry import Box, Polygon, Tag
from labeler.core.images import ImageProbe
from labeler.core.matching import Shape, match_shapes
from labeler.core.store import Project


def build(path: Path, seed: int) -> Project:
    rng = np.random.default_rng(seed)
    project = Project.create(path, ["a", "b"])
    poly = project.add_class("p", "polygon").id
    tag = project.add_class("t", "tag").id
    people = [project.add_person(n).id for n in ("w", "x", "y", "z")]
    probes = [
        ImageProbe(path.parent / f"{i}.png", f"{i:064x}", 300, 300, 1, 1, "PNG") for i in range(60)
    ]
    for n, (record, _) in enumerate(project.add_images(probes)):
        base = []
        for _ in range(int(rng.integers(0, 6))):
            x, y = rng.uniform(0, 200, 2).round()
            w, h = rng.uniform(10, 80, 2).round()
            base.append((int(rng.integers(1, 3)), x, y, w, h))
        for person in people[: int(rng.integers(1, 5))]:
            shapes = []
            for label, x, y, w, h in base:
                if rng.random() < 0.8:
                    dx, dy = rng.integers(-6, 7, 2)
                    if n % 6 == 0:
                        shapes.append((poly, Polygon(((x + dx, y), (x + w, y + dy), (x, y + h)))))
                    else:
                        label = label if rng.random() < 0.85 else 3 - label
                        shapes.append((label, Box(x + dx, y + dy, x + w, y + h)))
            if rng.random() < 0.3:
                shapes.append((tag, Tag()))
            if shapes:
                created = project.add_annotations(record.id, shapes, person)
                for a in created:
                    project.update_annotation(a.id, class_id=a.class_id)  # timestamps move
    return project


def reference(project: Project, iou: float) -> dict[str, object]:
    labels = ProjectLabels.load(project)
    shapes = {
        i: {
            p: [
                Shape.from_annotation(a)
                for a in project.annotations(i, p)
                if not isinstance(a.geometry, Tag)
            ]
            for p in labels.coders(i)
        }
        for i in labels.image_ids()
    }
    overall, pairs = Counts(), defaultdict(Counts)
    per_class: dict[int, Counts] = defaultdict(Counts)
    clusters = []
    for image, by in shapes.items():
        for a, b in combinations(by, 2):
            if by[a] or by[b]:
                result = match_shapes(by[a], by[b], iou)
                overall.add(Counts.of(result))
                pairs[a, b].add(Counts.of(result))
                for c in (1, 2, 3):
                    per_class[c].add(Counts.of(result, c))
        if any(by.values()):
            clusters += cluster_shapes(image, by, SCORING.with_iou(iou))
    coverage = {i: list(by) for i, by in shapes.items()}
    loo = {}
    for person in labels.annotators():
        pool = Counts()
        for by in shapes.values():
            if person in by and len(by) >= 2:
                consensus = shape_consensus(0, by, SCORING.with_iou(iou).left_out(person))
                if by[person] or consensus:
                    pool.add(Counts.of(match_shapes(by[person], consensus, iou)))
        loo[person] = pool
    return {
        "overall": overall,
        "pairs": [c for _, c in sorted(pairs.items())],
        "per_class": [per_class[c] for c in (1, 2, 3)],
        "alpha": cluster_alpha(clusters, coverage),
        "class_alpha": [cluster_alpha(clusters, coverage, c) for c in (1, 2, 3)],
        "loo": [loo[p] for p in labels.annotators()],
    }


def same(counts: Counts, ref: Counts) -> None:
    assert (counts.tp, counts.n_a, counts.n_b, counts.comparisons) == (
        ref.tp,
        ref.n_a,
        ref.n_b,
        ref.comparisons,
    )
    assert counts.iou_sum == pytest.approx(ref.iou_sum, rel=1e-12)


@pytest.mark.parametrize("seed", [0, 1])
def test_report_equals_reference(tmp_path: Path, seed: int) -> None:
    with build(tmp_path / "p.labeler", seed) as project:
        report = agreement_report(project, 0.5)
        ref = reference(project, 0.5)
    objects = report.objects
    assert objects is not None
    same(objects.overall, ref["overall"])
    for (_, _, counts), expected in zip(objects.pairs, ref["pairs"], strict=True):
        same(counts, expected)
    for (_, counts, alpha), expected, expected_alpha in zip(
        objects.per_class, ref["per_class"], ref["class_alpha"], strict=True
    ):
        same(counts, expected)
        assert alpha.value == pytest.approx(expected_alpha.value, rel=1e-9, nan_ok=True)
    assert objects.alpha.value == pytest.approx(ref["alpha"].value, rel=1e-9)
    for person, expected in zip(report.people, ref["loo"], strict=True):
        same(person.vs_consensus, expected)
