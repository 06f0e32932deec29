"""Answers on generated data with known answers: agreement, diagnose, disagreements, export.

The reference numbers are computed here from the same files, independently of
labeler: pair F1 by optimal assignment (scipy's ``linear_sum_assignment``) over
every image each pair answered, COCO metrics by pycocotools.
"""

from __future__ import annotations

import contextlib
import io
import json
from itertools import combinations
from pathlib import Path

import numpy as np
import pytest

from labeler.core.agreement import agreement_report
from labeler.core.diagnosis import diagnose
from labeler.core.geometry import Box
from labeler.core.importing import import_annotations, import_images
from labeler.core.store import Project
from tests.core.answers.generated import CLASSES, Generated, generate


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Generated:
    return generate(tmp_path_factory.mktemp("gen"), n_images=40, negatives=16)


def _project(tmp_path: Path, generated: Generated, who: list[str]) -> Project:
    project = Project.create(tmp_path / "p.labeler", [])
    import_images(project, [generated.images])
    for name in who:
        path = generated.truth if name == "truth" else generated.annotators[name]
        report = import_annotations(project, path, "coco", name)
        assert not report.skipped
    return project


def _iou(a: list[int], b: list[int]) -> float:
    ax2, ay2, bx2, by2 = a[0] + a[2], a[1] + a[3], b[0] + b[2], b[1] + b[3]
    iw = max(0, min(ax2, bx2) - max(a[0], b[0]))
    ih = max(0, min(ay2, by2) - max(a[1], b[1]))
    inter = iw * ih
    return inter / (a[2] * a[3] + b[2] * b[3] - inter)


def _hungarian_tp(a: list[tuple[int, list[int]]], b: list[tuple[int, list[int]]]) -> int:
    from scipy.optimize import linear_sum_assignment

    if not a or not b:
        return 0
    weight = np.array(
        [[_iou(x, y) if cx == cy and _iou(x, y) >= 0.5 else 0.0 for cy, y in b] for cx, x in a]
    )
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return int(np.sum(weight[rows, cols] >= 0.5))


def test_agreement_equals_hungarian_over_every_answered_image(
    tmp_path: Path, generated: Generated
) -> None:
    pytest.importorskip("scipy")
    people = ["Ana", "Bo", "Cy"]
    with _project(tmp_path, generated, people) as project:
        report = agreement_report(project)
    assert report.images_compared == len(generated.names)  # empty answers are compared too
    found = {(p["a"], p["b"]): p for p in report.to_dict()["objects"]["pairs"]}
    one_empty = 0
    for a, b in combinations(people, 2):
        tp = n_a = n_b = 0
        for name in generated.names:  # every file lists every image: all answered
            sa, sb = generated.boxes[a][name], generated.boxes[b][name]
            one_empty += bool(sa) != bool(sb)
            tp += _hungarian_tp(sa, sb)
            n_a, n_b = n_a + len(sa), n_b + len(sb)
        pair = found[a, b]
        assert (pair["matched"], pair["objects_a"], pair["objects_b"]) == (tp, n_a, n_b)
        assert pair["f1"]["value"] == pytest.approx(round(2 * tp / (n_a + n_b), 6))
        assert pair["comparisons"] == len(generated.names)
    assert one_empty > 0  # the data has images one side answered empty: they count


def _pycocotools(generated: Generated) -> tuple[np.ndarray, dict[int, float]]:
    pytest.importorskip("pycocotools")
    from pycocotools.coco import COCO
    from pycocotools.cocoeval import COCOeval

    with contextlib.redirect_stdout(io.StringIO()):
        gt = COCO(str(generated.truth))
        dt = gt.loadRes(str(generated.results))
        evaluator = COCOeval(gt, dt, "bbox")
        evaluator.evaluate()
        evaluator.accumulate()
        evaluator.summarize()
    precision = evaluator.eval["precision"]  # [iou, recall, class, area, max dets]
    per_class = {}
    for k, category in enumerate(evaluator.params.catIds):
        values = precision[:, :, k, 0, -1]
        per_class[category] = float(np.mean(values[values > -1])) if (values > -1).any() else -1
    return np.array(evaluator.stats), per_class


def _model_run(project: Project, generated: Generated) -> int:
    """The results file as a complete model run over every image (detections or not)."""
    by_name = {Path(i.path).name: i.id for i in project.images()}
    classes = {c.name: c.id for c in project.classes()}
    ids = {n + 1: by_name[name] for n, name in enumerate(generated.names)}
    run = project.start_model_run("f" * 64, "generated", {}, "cpu")
    results = json.loads(generated.results.read_text())
    for coco_id, image_id in ids.items():
        mine = [r for r in results if r["image_id"] == coco_id]
        project.add_predictions(
            run.id,
            image_id,
            [
                (
                    classes[["dent", "scratch"][r["category_id"] - 1]],
                    Box(r["bbox"][0], r["bbox"][1], r["bbox"][0] + r["bbox"][2],
                        r["bbox"][1] + r["bbox"][3]),
                    r["score"],
                )
                for r in mine
            ],
        )
    project.finish_model_run(run.id)
    return run.id


@pytest.mark.parametrize("truth_name", [None, "truth"])
def test_diagnose_with_negatives_equals_pycocotools(
    tmp_path: Path, generated: Generated, truth_name: str | None
) -> None:
    stats, per_class = _pycocotools(generated)
    with _project(tmp_path, generated, ["truth"]) as project:
        run_id = _model_run(project, generated)
        result = diagnose(project, run_id, truth_name)
        data = result.to_dict()
    assert data["images_evaluated"] == 40 and data["images_left_out"] == {}
    expected_sources = {"empty": 16} if truth_name is None else {}
    for source, n in expected_sources.items():
        assert data["truth_sources"][source] == n
    names = list(data["metrics"])
    assert len(names) == 12 and names[:3] == ["AP", "AP50", "AP75"]
    for name, value in zip(names, stats.tolist(), strict=True):
        expected = None if value < 0 else round(value, 6)
        assert data["metrics"][name] == pytest.approx(expected), name
    for row in data["per_class"]:
        category = CLASSES.index(row["class"]) + 1  # the COCO files' category ids
        assert row["ap"] == pytest.approx(round(per_class[category], 6)), row["class"]
    fps = data["false_positives"]["total"]
    assert fps > 0


def test_diagnose_counts_images_left_out(tmp_path: Path, generated: Generated) -> None:
    with _project(tmp_path, generated, ["truth"]) as project:
        run_id = _model_run(project, generated)
        negatives = sorted(project.answered_empty_image_ids())[:5]
        truth = project.person_by_name("truth")
        assert truth is not None
        for image_id in negatives:
            project.unmark_answered(image_id, truth.id)
        data = diagnose(project, run_id).to_dict()
        named = diagnose(project, run_id, "truth").to_dict()
    assert data["images_evaluated"] == 35
    assert data["images_left_out"] == {"not answered by anyone": 5}
    assert named["images_left_out"] == {"not answered by truth": 5}
