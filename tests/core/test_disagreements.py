"""Disagreements between annotators and between annotators and a model run."""

from __future__ import annotations

import pytest

from labeler.core.disagreements import (
    DisagreementType,
    disagreements_all_pairs,
    disagreements_between,
    disagreements_with_consensus,
    disagreements_with_model,
)
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.geometry import Box, Tag
from labeler.core.store import Project
from tests.core.agreement.labeled import CRACK, DENT, SCRATCH, Labeled, label_project

MISSING, EXTRA = DisagreementType.MISSING, DisagreementType.EXTRA
CLASS, LOW, TAG = (
    DisagreementType.CLASS_MISMATCH,
    DisagreementType.LOW_OVERLAP,
    DisagreementType.TAG_MISMATCH,
)


@pytest.fixture
def labeled(project_with_images: Project) -> Labeled:
    return label_project(project_with_images)


def summary(found) -> list[tuple]:
    return [(d.type, d.image_id, d.a_class, d.b_class) for d in found]


def test_between_two_annotators(labeled: Labeled) -> None:
    img = labeled.images
    found = disagreements_between(labeled.project, "alice", "carol")
    assert sorted(summary(found)) == sorted(
        [
            (CLASS, img[0], "crack", "dent"),
            (TAG, img[0], "blurry", None),
            (MISSING, img[1], "dent", None),
            (EXTRA, img[1], None, "dent"),
        ]
    )
    mismatch = next(d for d in found if d.type == CLASS)
    assert mismatch.iou == pytest.approx(1.0) and mismatch.side_a == "alice"
    assert mismatch.a_id is not None and mismatch.b_id is not None
    assert labeled.project.annotation(mismatch.b_id).annotator_id == labeled.carol.id


def test_low_overlap_is_reported_below_its_threshold(labeled: Labeled) -> None:
    assert disagreements_between(labeled.project, "alice", "bob") == sorted(
        disagreements_between(labeled.project, "alice", "bob"), key=lambda d: -d.severity
    )
    types = [d.type for d in disagreements_between(labeled.project, "alice", "bob")]
    assert types == [EXTRA]  # bob's scratch on image 1
    strict = disagreements_between(labeled.project, "alice", "bob", low_overlap=0.95)
    low = [d for d in strict if d.type == LOW]
    assert sorted(d.a_class for d in low) == ["crack", "scratch"]
    assert all(0 < d.severity < 0.2 for d in low)
    assert strict[0].type == EXTRA  # full disagreements rank above slight overlaps


def test_all_pairs(labeled: Labeled) -> None:
    found = disagreements_all_pairs(labeled.project)
    assert {(d.side_a, d.side_b) for d in found} == {
        ("alice", "bob"),
        ("alice", "carol"),
        ("bob", "carol"),
    }


def test_unknown_person_is_a_user_error(labeled: Labeled) -> None:
    with pytest.raises(UnknownEntityError, match=r"no person named 'zed'.*alice, bob, carol"):
        disagreements_between(labeled.project, "alice", "zed")
    with pytest.raises(LabelerError, match="no model run with id 99"):
        disagreements_with_model(labeled.project, 99)


def model_run(labeled: Labeled) -> int:
    project, img = labeled.project, labeled.images
    run = project.start_model_run("0" * 64, "detector", {"conf": 0.25}, "cpu")
    project.add_predictions(
        run.id,
        img[0],
        [(SCRATCH, Box(10, 10, 50, 50), 0.9), (DENT, Box(0, 80, 30, 115), 0.97)],
    )
    project.add_predictions(
        run.id, img[1], [(SCRATCH, Box(20, 20, 60, 60), 0.8), (labeled.blurry, Tag(), 0.6)]
    )
    project.add_predictions(run.id, img[2], [])  # covered, found nothing
    project.finish_model_run(run.id)
    return run.id


def test_model_against_consensus_is_ranked_by_severity(labeled: Labeled) -> None:
    img = labeled.images
    run = model_run(labeled)
    found = disagreements_with_model(labeled.project, run)
    assert summary(found) == [
        (EXTRA, img[0], None, "dent"),  # a confident prediction nobody labeled
        (CLASS, img[1], "dent", "scratch"),  # a confident different class
        (TAG, img[1], None, "blurry"),
        (MISSING, img[0], "crack", None),  # consensus of alice and bob over carol's dent
        (TAG, img[0], "blurry", None),
        (MISSING, img[2], "scratch", None),  # covered by the run, predicted nothing
    ]
    assert [d.severity for d in found] == [0.97, 0.8, 0.6, 0.5, 0.5, 0.5]
    assert found[0].score == 0.97 and found[0].side_b == f"model run {run}"
    assert found[0].side_a == "consensus"
    assert labeled.project.prediction(found[0].b_id).score == pytest.approx(0.97)


def test_model_against_one_annotator(labeled: Labeled) -> None:
    img = labeled.images
    run = model_run(labeled)
    found = disagreements_with_model(labeled.project, run, annotator="carol")
    assert summary(found) == [
        (EXTRA, img[0], None, "dent"),
        (EXTRA, img[1], None, "scratch"),  # carol's dent is too far off (IoU 0.39) to pair
        (TAG, img[1], None, "blurry"),
        (MISSING, img[0], "dent", None),  # the model said scratch there; carol said dent
        (MISSING, img[1], "dent", None),
    ]
    assert CRACK not in [d.a_class for d in found]


def test_one_annotator_against_the_others_consensus(labeled: Labeled) -> None:
    img = labeled.images
    found = disagreements_with_consensus(labeled.project, "carol")
    assert sorted(summary(found), key=str) == sorted(
        [
            (CLASS, img[0], "dent", "crack"),  # alice and bob agree on a crack
            (TAG, img[0], None, "blurry"),  # both others tagged it
            (MISSING, img[1], "dent", None),  # carol's far-off dent ...
            (EXTRA, img[1], None, "dent"),  # ... and the others' dent do not pair
            (EXTRA, img[1], None, "scratch"),  # bob's scratch: one of two others is half
        ],
        key=str,
    )
    assert {d.side_b for d in found} == {"consensus of others"}
    with pytest.raises(UnknownEntityError, match="no person named 'dave'"):
        disagreements_with_consensus(labeled.project, "dave")
