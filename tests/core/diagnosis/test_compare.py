"""``compare_runs``: two runs on the same images and truth, deltas checked by hand."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from labeler.core.diagnosis.cocoeval import ObjectSet
from labeler.core.diagnosis.compare import (
    IMPROVED,
    REGRESSED,
    STAYED_WRONG,
    SameRunError,
    compare_runs,
)
from labeler.core.diagnosis.diagnose import Diagnosis
from labeler.core.errors import LabelerError
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.core.diagnosis.reference import reference
from tests.core.diagnosis.two_runs import CRACK, DENT, SCRATCH, TwoRuns, make_two_runs

# Run B by hand (images 0-3; 3 scratches, 1 crack, 2 dents as truth):
# scratch: hits on img0 and img2, a 0.8 false positive between them, img3's missed:
#   recall reaches 2/3 at precision 1 -> 67 of the 101 recall points, at every IoU.
# crack: never found -> 0.  dent: img1's at IoU 0.833 (a match at 7 of the 10 IoU
#   thresholds), img3's missed -> recall 1/2 -> 51 of 101 points, 7 thresholds of 10.
B_SCRATCH = 67 / 101
B_DENT = 0.7 * 51 / 101
B_DENT_50 = 51 / 101


@pytest.fixture
def two(tmp_path: Path) -> TwoRuns:
    return make_two_runs(tmp_path)


def _reference_ap(project: Project, diagnosis: Diagnosis) -> list[float]:
    """pycocotools' twelve numbers for one run on the images it was evaluated on."""
    truth = diagnosis.truth
    shapes = [(i, s) for i in sorted(truth.shapes) for s in truth.shapes[i]]
    gt = ObjectSet.from_geometries(
        [i for i, _ in shapes], [s.label for _, s in shapes], [s.geometry for _, s in shapes]
    )
    preds = [
        p
        for i in truth.images
        for p in sorted(project.predictions(i, diagnosis.run.id), key=lambda p: p.id)
    ]
    dt = ObjectSet.from_geometries(
        [p.image_id for p in preds],
        [p.class_id for p in preds],
        [p.geometry for p in preds],
        [p.score for p in preds],
    )  # type: ignore[misc]
    ref = reference(gt, dt, truth.images, [SCRATCH, CRACK, DENT])
    np.testing.assert_array_equal(diagnosis.coco.precision, ref.eval["precision"])
    return [float(v) for v in ref.stats]


def test_both_runs_on_the_common_images_equal_pycocotools(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        result = compare_runs(project, two.strong, two.weak)
        assert (result.covered_a, result.covered_b, result.covered_both) == (5, 4, 4)
        assert result.images_compared == 4
        assert result.a.truth.images == result.b.truth.images == two.images[:4]
        ref_a = _reference_ap(project, result.a)
        ref_b = _reference_ap(project, result.b)
    metrics = {row["metric"]: row for row in result.metric_deltas()}
    assert metrics["AP"]["a"] == pytest.approx(round(ref_a[0], 6)) == 1.0
    assert metrics["AP"]["b"] == pytest.approx(round(ref_b[0], 6))
    assert metrics["AP"]["b"] == pytest.approx((B_SCRATCH + 0 + B_DENT) / 3, abs=1e-6)
    assert metrics["AP50"]["b"] == pytest.approx(round(ref_b[1], 6))
    assert metrics["AP"]["delta"] == pytest.approx(1 - (B_SCRATCH + B_DENT) / 3, abs=1e-6)


def test_per_class_deltas_by_hand(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        rows = {r["class"]: r for r in compare_runs(project, two.strong, two.weak).class_deltas()}
    assert [rows[c]["truth"] for c in ("scratch", "crack", "dent")] == [3, 1, 2]
    assert rows["scratch"]["ap_a"] == 1.0
    assert rows["scratch"]["ap_delta"] == pytest.approx(1 - B_SCRATCH, abs=1e-6)
    assert rows["crack"]["ap_b"] == 0.0 and rows["crack"]["ap_delta"] == 1.0
    assert rows["dent"]["ap_b"] == pytest.approx(B_DENT, abs=1e-6)
    assert rows["dent"]["ap50_delta"] == pytest.approx(1 - B_DENT_50, abs=1e-6)
    assert rows["dent"]["ap75_b"] == pytest.approx(B_DENT_50, abs=1e-6)  # IoU .833 >= .75
    assert (rows["dent"]["predictions_a"], rows["dent"]["predictions_b"]) == (3, 1)


def test_confusion_matrices_and_their_difference(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        matrices = compare_runs(project, two.strong, two.weak).confusion()
    assert matrices["labels"] == ["scratch", "crack", "dent", "background"]
    assert matrices["a"] == [[2, 0, 0, 1], [0, 1, 0, 0], [0, 0, 2, 0], [0, 0, 1, 0]]
    assert matrices["b"] == [[2, 0, 0, 1], [0, 0, 0, 1], [0, 0, 1, 1], [1, 0, 0, 0]]
    assert matrices["difference"] == [
        [0, 0, 0, 0],
        [0, 1, 0, -1],
        [0, 0, 1, -1],
        [-1, 0, 1, 0],
    ]


def test_improved_regressed_and_stayed_wrong_worst_first(two: TwoRuns) -> None:
    img0, img1, img2, img3, _ = two.images
    with Project.open(two.path) as project:
        result = compare_runs(project, two.strong, two.weak)
    improved = result.of_kind(IMPROVED)
    assert [c.image_id for c in improved] == [img3, img0]  # 2 errors fixed, then 1
    assert (improved[0].errors_a, improved[0].errors_b) == (0, 2)
    assert improved[1].line() == f"{img0}  images/img0.png  errors 1 → 0; fixed: FN crack missed"
    [regressed] = result.of_kind(REGRESSED)
    assert regressed.image_id == img2
    assert regressed.what_changed() == "errors 0 → 1; new: FN scratch missed"
    [stayed] = result.of_kind(STAYED_WRONG)
    assert stayed.image_id == img1
    assert stayed.what_changed() == (
        "errors 1 → 1; fixed: FP scratch background; new: FP dent background"
    )
    data = result.to_dict(limit=1)
    assert data["image_changes"][IMPROVED]["total"] == 2
    assert len(data["image_changes"][IMPROVED]["items"]) == 1
    assert data["images"]["covered_by_a"] == 5 and data["images"]["compared"] == 4
    assert {c["run"] for c in data["pr_curves"]} == {"a", "b"}
    json.dumps(data)


def test_reversed_comparison_mirrors(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        result = compare_runs(project, two.weak, two.strong)
    assert [c.image_id for c in result.of_kind(REGRESSED)] == [two.images[3], two.images[0]]
    assert next(r for r in result.metric_deltas() if r["metric"] == "AP")["delta"] < 0


def test_a_slice_narrows_the_images(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        result = compare_runs(project, two.strong, two.weak, images=two.images[:2])
    assert result.images_compared == 2 and result.scope == 2
    assert {c.image_id for c in result.changes} == set(two.images[:2])


def test_same_run_and_disjoint_runs_are_refused(two: TwoRuns) -> None:
    with Project.open(two.path) as project:
        with pytest.raises(SameRunError, match="both name run"):
            compare_runs(project, two.strong, two.strong)
        lone = project.start_model_run("c" * 64, "lone", {}, "cpu")
        project.add_predictions(lone.id, two.images[4], [(SCRATCH, Box(0, 0, 9, 9), 0.5)])
        project.finish_model_run(lone.id)
        with pytest.raises(LabelerError, match="no image in common"):
            compare_runs(project, two.weak, lone.id)
