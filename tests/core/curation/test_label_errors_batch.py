"""Label errors found in one array pass equal those found image by image."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.core.curation import label_errors
from labeler.core.curation.label_errors import (
    Labeled,
    LabelErrorConfig,
    find_label_errors,
    image_label_errors,
)
from labeler.core.domain import Prediction
from labeler.core.geometry import Box, Polygon, Tag


def _random_case(seed: int, n_images: int, polygon_share: float = 0.0) -> tuple[dict, dict]:
    rng = np.random.default_rng(seed)
    labels: dict[int, list[Labeled]] = {}
    predictions: dict[int, list[Prediction]] = {}
    ident = 0
    for image in range(1, n_images + 1):
        objects = [(int(rng.integers(0, 3)), rng.uniform(0, 300, 2), rng.uniform(8, 80, 2))
                   for _ in range(rng.integers(0, 6))]
        labels[image], predictions[image] = [], []
        for cls, (x, y), (w, h) in objects:
            ident += 1
            if rng.random() < 0.85:  # labeled (sometimes as a polygon)
                geometry = (Polygon(((x, y), (x + w, y), (x + w, y + h), (x, y + h)))
                            if rng.random() < 0.2 else Box(x, y, x + w, y + h))
                labels[image].append(Labeled(ident, cls, geometry))
            if rng.random() < 0.9:  # predicted: shifted, sometimes another class
                dx, dy = rng.normal(0, w / 3), rng.normal(0, h / 3)
                other = cls if rng.random() > 0.2 else (cls + 1) % 3
                box: Box | Polygon = Box(x + dx, y + dy, x + dx + w, y + dy + h)
                if rng.random() < polygon_share:  # a pentagon inside the shifted box
                    x0, y0 = x + dx, y + dy
                    box = Polygon(((x0 + w / 2, y0), (x0 + w, y0 + h / 3), (x0 + w, y0 + h),
                                   (x0, y0 + h), (x0, y0 + h / 3)))
                predictions[image].append(Prediction(ident, 1, image, other, box,
                                                     float(rng.uniform(0.3, 1.0))))
        if rng.random() < 0.1:
            labels[image].append(Labeled(10**6 + image, 7, Tag()))
    return labels, predictions


@pytest.mark.parametrize(("seed", "polygon_share"), [(0, 0.0), (1, 0.0), (2, 0.3), (3, 0.6)])
def test_batched_errors_equal_image_by_image(seed: int, polygon_share: float, monkeypatch) -> None:
    monkeypatch.setattr(label_errors, "CHUNK_IMAGES", 53)  # several passes
    labels, predictions = _random_case(seed, 500, polygon_share)
    config = LabelErrorConfig()
    expected = [
        issue
        for image in sorted(predictions)
        for issue in image_label_errors(image, labels[image], predictions[image], config)
    ]
    report = find_label_errors(labels, predictions, config)
    assert {i.kind for i in expected} == {"overlooked", "swapped", "bad_location"}
    assert report.issues == expected
    assert report.images_checked == len(predictions)
    overlapping = [i for i in expected if i.kind == "overlooked" and i.iou > 0]
    assert overlapping  # the best-overlap arithmetic is exercised, not only its zeros
