"""pycocotools' COCOeval on an ObjectSet pair: the reference our evaluator must equal."""

from __future__ import annotations

import contextlib
import io
from typing import Any

import pytest

from labeler.core.diagnosis.cocoeval import ObjectSet


def reference(gt: ObjectSet, dt: ObjectSet, images: list[int], categories: list[int]) -> Any:
    """pycocotools on all images and classes present, evaluated on ``images``/``categories``.

    Skips the calling test when pycocotools (a test-only dependency) is missing.
    """
    pytest.importorskip("pycocotools")
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    all_images = sorted({*images, *map(int, gt.image), *map(int, dt.image)})
    coco_gt = COCO()
    coco_gt.dataset = {
        "images": [{"id": i} for i in all_images],
        "categories": [{"id": c} for c in categories],
        "annotations": [
            {
                "id": n + 1,
                "image_id": int(gt.image[n]),
                "category_id": int(gt.category[n]),
                "bbox": [float(v) for v in gt.boxes[n]],
                "area": float(gt.area[n]),
                "iscrowd": 0,
            }
            for n in range(len(gt))
        ],
    }
    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt.createIndex()
        results = [
            {
                "image_id": int(dt.image[n]),
                "category_id": int(dt.category[n]),
                "bbox": [float(v) for v in dt.boxes[n]],
                "score": float(dt.score[n]),
            }
            for n in range(len(dt))
        ]
        coco_dt = coco_gt.loadRes(results) if results else COCO()
        evaluator = COCOeval(coco_gt, coco_dt, "bbox")
        evaluator.params.imgIds = sorted(images)
        evaluator.params.catIds = sorted(categories)
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return evaluator
