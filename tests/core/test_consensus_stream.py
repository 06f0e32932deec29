"""The consensus read a run of images at a time is the consensus of each image read alone."""

from __future__ import annotations

import pytest

from labeler.core.consensus import (
    FINAL_LABELS,
    SCORING,
    ConsensusConfig,
    consensus_stream,
    image_consensus,
    labeled_answers,
    latest_decisions,
    project_consensus,
)
from labeler.core.domain import Role
from labeler.core.geometry import Box
from labeler.core.gold_filter import GoldExclusions
from labeler.core.store import Project
from tests.core.export.helpers import label_with_truth, synth_project


@pytest.fixture(scope="module")
def disputed(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Two or three annotators, class ties, a fix, a rejection, an empty answer, no answer."""
    tmp_path = tmp_path_factory.mktemp("disputed")
    project, samples = synth_project(tmp_path, n=11)
    label_with_truth(project, samples[2:], annotator="Vik")
    label_with_truth(project, samples[6:], annotator="Sol")  # three people on five images
    images = project.images()
    ana, vik = project.person_by_name("Ana"), project.person_by_name("Vik")
    assert ana is not None and vik is not None
    classes = project.classes()
    for a in project.annotations(image_id=images[0].id):  # answered with nothing drawn
        project.delete_annotation(a.id)
    project.mark_answered(images[0].id, ana.id)
    for record in images[2:5]:  # Vik calls Ana's first object something else: a tie
        theirs = [a for a in project.annotations(image_id=record.id) if a.annotator_id == vik.id]
        other = next(c.id for c in classes if c.id != theirs[0].class_id)
        project.update_annotation(theirs[0].id, class_id=other)
    reviewer = project.add_person("Rita", Role.REVIEWER)
    mine = [a for a in project.annotations(image_id=images[5].id) if a.annotator_id == ana.id]
    project.add_review("annotation", mine[0].id, reviewer.id, "reject", "loose")
    project.add_annotation(images[7].id, classes[0].id, Box(5, 5, 60, 50), reviewer.id,
                           replaces_id=mine[-1].id if len(mine) > 1 else None)
    project.add_annotation(images[8].id, classes[1].id, Box(200, 150, 260, 200), vik.id)
    return project


def _one_by_one(project: Project, config: ConsensusConfig) -> dict[int, object]:
    """The consensus of every covered image, each image decided alone from every annotation."""
    from labeler.core.consensus import credited_annotations

    answered = labeled_answers(project)
    decisions = latest_decisions(project.reviews("annotation"), "annotation")
    by_image: dict[int, list] = {}
    for a in credited_annotations(project):
        by_image.setdefault(a.image_id, []).append(a)
    covered = sorted(set(by_image) | set(answered))
    return {
        i: image_consensus(i, by_image.get(i, ()), decisions, config, answered.get(i, ()))
        for i in covered
    }


@pytest.mark.parametrize("config", [FINAL_LABELS, SCORING, ConsensusConfig(0.3, 0.7)])
def test_stream_in_runs_equals_each_image_alone(disputed: Project, config) -> None:
    expected = _one_by_one(disputed, config)
    if config.tie != "first_seen":  # scoring breaks ties; the others leave them open
        assert any(c.unresolved for c in expected.values())
    assert any(not c.labels and not c.unresolved for c in expected.values())  # a negative
    for chunk in (1, 2, 3, 50):
        assert dict(consensus_stream(disputed, config, chunk=chunk)) == expected
    assert project_consensus(disputed, config) == expected


def test_stream_of_some_images(disputed: Project) -> None:
    ids = [r.id for r in disputed.images()][::3]
    found = dict(consensus_stream(disputed, FINAL_LABELS, ids, chunk=2))
    expected = _one_by_one(disputed, FINAL_LABELS)
    assert found == {i: c for i, c in expected.items() if i in set(ids)}
    assert not GoldExclusions.load(disputed)  # no gold here: nothing else left out
