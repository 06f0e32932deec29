"""``diagnose``: truth by review or consensus, COCO numbers, confusion matrix, slices."""

from __future__ import annotations

import json

import numpy as np
import pytest

from labeler.core.diagnosis import diagnose
from labeler.core.diagnosis.cocoeval import ObjectSet
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.geometry import Box, Tag
from labeler.core.store import Project
from tests.core.agreement.labeled import CRACK, DENT, SCRATCH, Labeled, label_project
from tests.core.diagnosis.reference import reference


@pytest.fixture
def labeled(project_with_images: Project) -> Labeled:
    """The shared three-annotator project plus a model run over images 0 and 1."""
    labeled = label_project(project_with_images)
    project = labeled.project
    run = project.start_model_run("0" * 64, "detector", {}, "cpu")
    img0, img1, _ = labeled.images
    project.add_predictions(
        run.id,
        img0,
        [
            (SCRATCH, Box(10, 10, 50, 50), 0.95),  # hit
            (SCRATCH, Box(11, 10, 50, 51), 0.6),  # duplicate of the same scratch
            (DENT, Box(80, 20, 120, 60), 0.8),  # the crack, called a dent
            (CRACK, Box(130, 90, 150, 110), 0.3),  # low-score background
            (labeled.blurry, Tag(), 0.9),  # tags are not evaluated
        ],
    )
    project.add_predictions(run.id, img1, [(DENT, Box(100, 70, 150, 110), 0.7)])  # background
    project.finish_model_run(run.id)
    return labeled


def test_consensus_truth_and_coco_numbers(labeled: Labeled) -> None:
    result = diagnose(labeled.project, 1)
    img0, img1, _ = labeled.images
    assert set(result.truth.shapes) == {img0, img1}  # image 2: the run did not cover it
    assert result.truth.source_counts() == {"consensus": 2}
    assert sorted(s.label for s in result.truth.shapes[img0]) == [SCRATCH, CRACK]
    assert [s.label for s in result.truth.shapes[img1]] == [DENT]  # bob's lone scratch is out
    assert result.predictions == 5
    # the same data through pycocotools
    shapes = [(i, s) for i in sorted(result.truth.shapes) for s in result.truth.shapes[i]]
    gt = ObjectSet.from_geometries(
        [i for i, _ in shapes], [s.label for _, s in shapes], [s.geometry for _, s in shapes]
    )
    preds = [
        p
        for i in (img0, img1)
        for p in sorted(labeled.project.predictions(i, 1), key=lambda p: p.id)
        if not isinstance(p.geometry, Tag)
    ]
    dt = ObjectSet.from_geometries(
        [p.image_id for p in preds],
        [p.class_id for p in preds],
        [p.geometry for p in preds],
        [p.score for p in preds],
    )  # type: ignore[misc]
    ref = reference(gt, dt, [img0, img1], [SCRATCH, CRACK, DENT])
    np.testing.assert_array_equal(result.coco.precision, ref.eval["precision"])
    metrics = result.metrics()
    assert metrics["AP"] == pytest.approx(round(ref.stats[0], 6))
    assert metrics["AP50"] == pytest.approx(round(ref.stats[1], 6))


def test_confusion_matrix_and_slices(labeled: Labeled) -> None:
    result = diagnose(labeled.project, 1)
    data = result.to_dict()
    matrix = data["confusion_matrix"]
    assert matrix["labels"] == ["scratch", "crack", "dent", "background"]
    m = np.array(matrix["matrix"])
    assert m[0, 0] == 1  # the scratch
    assert m[1, 2] == 1  # a crack predicted as dent
    assert m[3, 0] == 1 and m[3, 2] == 1  # the duplicate scratch; the dent on image 1
    assert m[2, 3] == 1  # the dent of image 1 was missed (the prediction is elsewhere)
    assert m.sum() == 5  # the 0.3 crack is below min_score
    fps = data["false_positives"]
    reasons = sorted(i["reason"] for i in fps["items"])
    assert reasons == ["background", "duplicate", "wrong_class"]
    assert fps["items"][0]["score"] == 0.8 and fps["items"][0]["other_class"] == "crack"
    assert all(i["prediction_id"] and i["image"].endswith(".png") for i in fps["items"])
    fns = data["false_negatives"]["items"]
    assert sorted((i["class"], i["reason"]) for i in fns) == [
        ("crack", "wrong_class"),
        ("dent", "missed"),
    ]
    assert all(isinstance(i["annotation_id"], int) for i in fns)
    json.dumps(data)  # JSON-ready


def test_reviewed_labels_win_over_consensus(labeled: Labeled) -> None:
    project = labeled.project
    img1 = labeled.images[1]
    reviewer = project.add_person("rita", "reviewer")
    scratch = next(a for a in project.annotations(img1) if a.class_id == SCRATCH)
    project.add_review("annotation", scratch.id, reviewer.id, "accept")
    result = diagnose(project, 1)
    assert result.truth.sources[img1] == "reviewed"
    assert [s.id for s in result.truth.shapes[img1]] == [scratch.id]
    # a later rejection withdraws it
    project.add_review("annotation", scratch.id, reviewer.id, "reject")
    assert diagnose(project, 1).truth.sources[img1] == "consensus"


def test_one_annotator_as_truth(labeled: Labeled) -> None:
    result = diagnose(labeled.project, 1, truth_annotator="carol")
    assert result.truth.description == "annotator carol"
    img0 = labeled.images[0]
    assert sorted(s.label for s in result.truth.shapes[img0]) == [SCRATCH, DENT]
    assert result.metrics()["AP50"] is not None
    with pytest.raises(UnknownEntityError, match="alice"):
        diagnose(labeled.project, 1, truth_annotator="nobody")


def test_unknown_run_lists_the_runs(labeled: Labeled) -> None:
    with pytest.raises(LabelerError, match=r"no model run with id 7 \(runs: 1 \(detector\)\)"):
        diagnose(labeled.project, 7)


def test_finished_empty_image_is_empty_truth(labeled: Labeled) -> None:
    project = labeled.project
    img2 = labeled.images[2]
    for a in project.annotations(img2):
        project.delete_annotation(a.id)
    project.set_image_status(img2, "done")
    project.add_predictions(1, img2, [(SCRATCH, Box(0, 0, 30, 30), 0.9)])
    result = diagnose(project, 1)
    assert result.truth.sources[img2] == "empty"
    assert result.to_dict()["confusion_matrix"]["matrix"][3][0] == 2  # + the duplicate
