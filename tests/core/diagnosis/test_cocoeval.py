"""Our COCO evaluation equals pycocotools' ``COCOeval`` on the same data."""

from __future__ import annotations

import numpy as np
import pytest

from labeler.core.diagnosis.cocoeval import (
    IOU_THRESHOLDS,
    STAT_DEFINITIONS,
    ObjectSet,
    coco_evaluate,
)
from labeler.core.geometry import Box
from tests.core.diagnosis.reference import reference


def random_case(seed: int, n_images: int = 30, n_classes: int = 4) -> tuple[ObjectSet, ObjectSet]:
    rng = np.random.default_rng(seed)
    gt_img, gt_cat, gt_geo = [], [], []
    dt_img, dt_cat, dt_geo, dt_score = [], [], [], []
    for image in range(1, n_images + 1):
        for _ in range(rng.integers(0, 8)):
            x, y = rng.uniform(0, 400, 2)
            w, h = rng.uniform(4, 200, 2)
            cat = int(rng.integers(1, n_classes + 1))
            gt_img.append(image)
            gt_cat.append(cat)
            gt_geo.append(Box(x, y, x + w, y + h))
            for _ in range(rng.integers(0, 3)):  # noisy detections around it
                dx, dy = rng.normal(0, 0.15 * w), rng.normal(0, 0.15 * h)
                c = cat if rng.random() < 0.8 else int(rng.integers(1, n_classes + 1))
                dt_img.append(image)
                dt_cat.append(c)
                dt_geo.append(Box(x + dx, y + dy, x + dx + w * rng.uniform(0.8, 1.2), y + dy + h))
                dt_score.append(float(np.round(rng.uniform(), 2)))  # ties on purpose
        for _ in range(rng.integers(0, 4)):  # detections of nothing
            x, y = rng.uniform(0, 400, 2)
            dt_img.append(image)
            dt_cat.append(int(rng.integers(1, n_classes + 1)))
            dt_geo.append(Box(x, y, x + rng.uniform(4, 150), y + rng.uniform(4, 150)))
            dt_score.append(float(np.round(rng.uniform(), 2)))
    gt = ObjectSet.from_geometries(gt_img, gt_cat, gt_geo)
    dt = ObjectSet.from_geometries(dt_img, dt_cat, dt_geo, dt_score)
    return gt, dt


def assert_equal(gt: ObjectSet, dt: ObjectSet, images: list[int], categories: list[int]) -> None:
    ours = coco_evaluate(gt, dt, images, categories)
    ref = reference(gt, dt, images, categories)
    np.testing.assert_array_equal(ours.precision, ref.eval["precision"])
    np.testing.assert_array_equal(ours.recall, ref.eval["recall"])
    stats = ours.summary()
    assert [stats[name] for name, *_ in STAT_DEFINITIONS] == list(ref.stats)


@pytest.mark.parametrize("seed", range(6))
def test_random_projects_equal_pycocotools(seed: int) -> None:
    gt, dt = random_case(seed)
    assert_equal(gt, dt, list(range(1, 31)), [1, 2, 3, 4])


def test_per_class_ap_equals_precision_slice() -> None:
    gt, dt = random_case(11)
    ours = coco_evaluate(gt, dt, list(range(1, 31)), [1, 2, 3, 4])
    ref = reference(gt, dt, list(range(1, 31)), [1, 2, 3, 4])
    for k, category in enumerate([1, 2, 3, 4]):
        s = ref.eval["precision"][:, :, k, 0, -1]
        assert ours.ap(category=category) == float(np.mean(s[s > -1]))
        s50 = ref.eval["precision"][0, :, k, 0, -1]
        assert ours.ap(0.5, category) == float(np.mean(s50[s50 > -1]))
    assert IOU_THRESHOLDS[5] == 0.75


def test_many_detections_per_image_are_cut_at_100() -> None:
    rng = np.random.default_rng(3)
    boxes = [Box(x, x, x + 30, x + 30) for x in rng.uniform(0, 300, 140)]
    gt = ObjectSet.from_geometries([1] * 40, [1] * 40, boxes[:40])
    dt = ObjectSet.from_geometries([1] * 140, [1] * 140, boxes, rng.uniform(size=140))
    assert_equal(gt, dt, [1, 2], [1])


def test_hand_made_cases() -> None:
    # image 1: perfect hit; image 2: two detections on one truth (one FP), a tiny truth
    # (small area) missed; image 3: only a false positive; image 4: empty; class 3 has no truth
    gt = ObjectSet.from_geometries(
        [1, 2, 2, 5],
        [1, 1, 2, 2],
        [Box(0, 0, 100, 100), Box(10, 10, 60, 60), Box(0, 0, 5, 5), Box(0, 0, 200, 150)],
    )
    dt = ObjectSet.from_geometries(
        [1, 2, 2, 3, 5, 5],
        [1, 1, 1, 3, 2, 2],
        [
            Box(0, 0, 100, 100),
            Box(10, 10, 60, 62),
            Box(12, 12, 60, 60),
            Box(5, 5, 50, 50),
            Box(0, 0, 200, 150),
            Box(0, 0, 200, 150),
        ],
        [0.9, 0.8, 0.8, 0.95, 0.5, 0.5],
    )
    assert_equal(gt, dt, [1, 2, 3, 4, 5], [1, 2, 3])
    ours = coco_evaluate(gt, dt, [1, 2, 3, 4, 5], [1, 2, 3])
    assert ours.ap(category=3) == -1.0  # no truth of class 3: undefined, left out of the mean
    assert ours.ap(0.5, category=1) == pytest.approx(1.0)


def test_detections_outside_the_images_and_classes_are_ignored() -> None:
    gt, dt = random_case(5, n_images=10)
    assert_equal(gt, dt, [1, 2, 3, 4, 5], [1, 2])


def test_no_detections_at_all() -> None:
    gt, _ = random_case(2, n_images=5)
    empty = ObjectSet.from_geometries([], [], [], [])
    ours = coco_evaluate(gt, empty, [1, 2, 3, 4, 5], [1, 2, 3, 4])
    assert ours.summary()["AP"] == 0.0


def test_polygons_use_their_own_overlap() -> None:
    from labeler.core.geometry import Polygon

    triangle = Polygon(((10, 10), (60, 10), (10, 60)))
    mirrored = Polygon(((10, 10), (60, 10), (60, 60)))  # same bounds, IoU 1/3
    gt = ObjectSet.from_geometries([1], [1], [triangle])
    same = coco_evaluate(gt, ObjectSet.from_geometries([1], [1], [triangle], [0.9]), [1], [1])
    assert same.ap() == pytest.approx(1.0)
    off = coco_evaluate(gt, ObjectSet.from_geometries([1], [1], [mirrored], [0.9]), [1], [1])
    assert off.ap() == 0.0  # the bounding boxes alone would say IoU 1
    assert gt.area[0] == triangle.area == 1250.0
