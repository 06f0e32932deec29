"""Disagreements of many images matched at once equal those of each image matched alone."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.core import disagreements
from labeler.core.agreement.data import ProjectLabels
from labeler.core.disagreements import _Sides, compare_image, compare_images
from labeler.core.domain import GeometryKind, LabelClass
from labeler.core.geometry import Box, Polygon
from labeler.core.matching import Shape


def _labels() -> ProjectLabels:
    classes = {i: LabelClass(i, f"c{i}", "#fff", GeometryKind.BOX) for i in range(1, 4)}
    return ProjectLabels(classes, {})


def _images(seed: int, n: int, model: bool) -> list:
    rng = np.random.default_rng(seed)
    items, ident = [], 0
    for image in range(1, n + 1):
        a, b = [], []
        for _ in range(int(rng.integers(0, 6))):
            x, y = rng.uniform(0, 300, 2)
            w, h = rng.uniform(8, 80, 2)
            cls = int(rng.integers(1, 4))
            ident += 1
            if rng.random() < 0.85:
                shape = (Polygon(((x, y), (x + w, y), (x + w, y + h), (x, y + h)))
                         if rng.random() < 0.2 else Box(x, y, x + w, y + h))
                a.append(Shape(ident, cls, shape, None, 1))
            if rng.random() < 0.85:
                dx, dy = rng.normal(0, w / 4), rng.normal(0, h / 4)
                other = cls if rng.random() > 0.2 else cls % 3 + 1
                score = float(rng.uniform(0.2, 1.0)) if model else None
                b.append(Shape(ident + 10_000, other, Box(x + dx, y + dy, x + dx + w, y + dy + h),
                               score, 2))
        tags_a = {int(c) for c in rng.integers(1, 4, int(rng.integers(0, 3)))}
        tags_b = ([(int(c), float(rng.uniform(0.2, 1))) for c in rng.integers(1, 4, 2)]
                  if model else {int(c) for c in rng.integers(1, 4, int(rng.integers(0, 3)))})
        items.append((image, (a, b), (tags_a, tags_b)))
    return items


@pytest.mark.parametrize(("seed", "model"), [(0, False), (1, True), (2, False)])
def test_batched_disagreements_equal_image_by_image(seed: int, model: bool, monkeypatch) -> None:
    labels = _labels()
    sides = _Sides("a", "b", model=model)
    items = _images(seed, 400, model)
    expected = [d for image, shapes, tags in items
                for d in compare_image(labels, image, shapes, tags, sides, 0.5, 0.8)]
    kinds = {d.type.value for d in expected}
    assert kinds == {"missing", "extra", "class_mismatch", "low_overlap", "tag_mismatch"}
    assert compare_images(labels, items, sides, 0.5, 0.8) == expected
    monkeypatch.setattr(disagreements, "BATCH_IMAGES", 7)  # the project passes' runs
    batches = disagreements._Batches(labels, sides, 0.5, 0.8)
    for item in items:
        batches.add(*item)
    assert batches.ranked() == disagreements._ranked(expected)
