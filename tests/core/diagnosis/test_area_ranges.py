"""Area ranges judge a box by its width x height as the files give it (not recomputed corners).

End to end on real files: a COCO ground-truth file imported as annotations, a COCO
results list imported as a model run, ``diagnose`` against pycocotools on the
same two files.
"""

from __future__ import annotations

import contextlib
import io
import json
from pathlib import Path

import numpy as np
import pytest

from labeler.core.diagnosis import diagnose
from labeler.core.diagnosis.cocoeval import STAT_DEFINITIONS, ObjectSet, box_area
from labeler.core.geometry import Box
from labeler.core.importing import import_annotations, import_images
from labeler.core.prediction_import import import_predictions
from labeler.core.store import Project
from tests.core.conftest import write_image

# Boxes on the area-range boundaries, at fractional positions (x + w is not exact).
TRUTH = {
    1: [[32.2, 32.7, 96, 96], [0.3, 200.8, 32, 32]],  # exactly large, exactly 32**2
    2: [[0.7, 0.3, 95.9, 96], [200.2, 10.6, 96, 97.3]],  # just medium, large
    3: [[5.1, 5.1, 31.9, 32], [100.35, 100.35, 64, 64]],
}
RESULTS = [
    (1, 1, [32.2, 32.7, 96, 96], 0.9),
    (1, 1, [0.3, 200.8, 32, 32], 0.8),
    (1, 1, [150.7, 100.7, 96, 96], 0.7),  # background, large
    (2, 1, [0.7, 1.3, 95.9, 95], 0.95),
    (2, 1, [201.2, 12.6, 96, 96], 0.4),
    (3, 1, [5.1, 5.1, 31.9, 32], 0.6),
    (3, 1, [110.35, 105.35, 60, 64], 0.85),
    (3, 1, [200.3, 200.8, 32, 32], 0.3),  # background, medium boundary
]


def _files(tmp_path: Path) -> tuple[Path, Path]:
    images = [{"id": i, "file_name": f"img{i}.png", "width": 320, "height": 300} for i in TRUTH]
    annotations = [
        {
            "id": n,
            "image_id": image_id,
            "category_id": 1,
            "bbox": bbox,
            "area": bbox[2] * bbox[3],
            "iscrowd": 0,
        }
        for n, (image_id, bbox) in enumerate(
            ((i, b) for i, boxes in TRUTH.items() for b in boxes), start=1
        )
    ]
    gt = tmp_path / "gt.json"
    gt.write_text(
        json.dumps(
            {
                "images": images,
                "categories": [{"id": 1, "name": "dent"}],
                "annotations": annotations,
            }
        )
    )
    results = tmp_path / "results.json"
    results.write_text(
        json.dumps(
            [{"image_id": i, "category_id": c, "bbox": b, "score": s} for i, c, b, s in RESULTS]
        )
    )
    return gt, results


def _pycocotools(gt: Path, results: Path) -> list[float]:
    pytest.importorskip("pycocotools")
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        coco_gt = COCO(str(gt))
        evaluator = COCOeval(coco_gt, coco_gt.loadRes(str(results)), "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    return [float(v) for v in evaluator.stats]


def test_diagnose_equals_pycocotools_on_boundary_areas(tmp_path: Path) -> None:
    for i in TRUTH:
        write_image(tmp_path / "images" / f"img{i}.png", 320, 300, seed=i)
    gt, results = _files(tmp_path)
    with Project.create(tmp_path / "p.labeler", ["dent"]) as project:
        assert import_images(project, [tmp_path / "images"]).added == 3
        assert import_annotations(project, gt, "coco", "ana").annotations == 6
        run = import_predictions(project, results, "coco", "det", coco_images=gt).run_id
        metrics = diagnose(project, run).metrics()
    expected = _pycocotools(gt, results)
    for (name, *_rest), value in zip(STAT_DEFINITIONS, expected, strict=True):
        assert metrics[name] == pytest.approx(round(value, 6), abs=1e-6), name
    assert expected[5] > 0  # AP_large is defined: the 96 x 96 boxes count as large


def test_box_area_rounds_the_sides() -> None:
    box = Box(32.2, 32.7, 32.2 + 96, 32.7 + 96)
    assert (box.x2 - box.x1) * (box.y2 - box.y1) < 96**2  # the float trap
    objects = ObjectSet.from_geometries([1], [1], [box])
    assert objects.area[0] == 96**2
    np.testing.assert_array_equal(box_area(np.array([31.9996]), np.array([2.0])), [64.0])
