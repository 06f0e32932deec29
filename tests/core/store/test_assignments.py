"""Assignments with overlap, blind mode, roles, reviewer queues and audit samples."""

from __future__ import annotations

from collections import Counter

import pytest

from labeler.core.domain import AssignmentTask
from labeler.core.errors import LabelerError
from labeler.core.geometry import Box
from labeler.core.store import Project
from labeler.core.store.assignments import RoleError


def test_overlap_spreads_each_image_over_k_people(project_with_images: Project) -> None:
    project = project_with_images
    people = [project.add_person(n).id for n in ("a", "b", "c")]
    image_ids = [i.id for i in project.images()]
    created = project.assign_images(image_ids, people, overlap=2, batch="round 1")
    assert len(created) == 6
    per_image = Counter(a.image_id for a in created)
    assert set(per_image.values()) == {2}
    for image_id in image_ids:
        assert len({a.person_id for a in project.assignments(image_id=image_id)}) == 2
    assert sorted(Counter(a.person_id for a in created).values()) == [2, 2, 2]
    assert project.assign_images(image_ids, people, overlap=2) == []  # nothing twice
    assert project.info()["assignments_open"] == 6
    with pytest.raises(LabelerError, match="overlap"):
        project.assign_images(image_ids, people, overlap=4)
    with pytest.raises(LabelerError, match="at least one"):
        project.assign_images(image_ids, [])


def test_roles_and_work_lists(project_with_images: Project) -> None:
    project = project_with_images
    ana = project.add_person("ana")
    rita = project.add_person("rita", "reviewer")
    quinn = project.add_person("quinn", "qa_lead")
    assert project.can(quinn.id, "audit") and not project.can(rita.id, "audit")
    assert project.can(rita.id, "review") and not project.can(ana.id, "review")
    with pytest.raises(RoleError, match="annotator cannot review"):
        project.assign_images([1], [ana.id], AssignmentTask.REVIEW)
    [mine] = project.assign_images([1], [ana.id])
    assert project.assignments_for(ana.id) == [mine]
    project.complete_assignment(mine.id)
    assert project.assignments_for(ana.id) == []
    assert project.assignments_for(ana.id, open_only=False)[0].done_at is not None
    project.complete_assignment(mine.id, done=False)
    assert project.assignments_for(ana.id) == [mine]
    project.remove_assignment(mine.id)
    assert project.assignments() == []


def test_blind_assignment_hides_others_work_and_prelabels(project_with_images: Project) -> None:
    project = project_with_images
    ana, vik = project.add_person("ana"), project.add_person("vik", organization="Vendor A")
    rita = project.add_person("rita", "reviewer")
    image_id = project.images()[0].id
    project.assign_images([image_id], [ana.id, vik.id], overlap=2, blind=True, hide_prelabels=True)
    mine = project.add_annotation(image_id, 1, Box(1, 1, 30, 30), ana.id)
    theirs = project.add_annotation(image_id, 1, Box(2, 2, 30, 30), vik.id)
    assert project.visible_annotations(image_id, ana.id) == [mine]
    assert project.visible_annotations(image_id, vik.id) == [theirs]
    assert project.visible_annotations(image_id, rita.id) == [mine, theirs]
    assert not project.prelabels_visible(image_id, ana.id)
    assert project.prelabels_visible(image_id, rita.id)
    other = project.images()[1].id
    project.assign_images([other], [ana.id])  # not blind
    project.add_annotation(other, 1, Box(1, 1, 30, 30), vik.id)
    assert len(project.visible_annotations(other, ana.id)) == 1
    assert project.prelabels_visible(other, ana.id)


def test_review_queue_and_audit_sample(project_with_images: Project) -> None:
    project = project_with_images
    ana, vik = project.add_person("ana"), project.add_person("vik", organization="Vendor A")
    rita = project.add_person("rita", "reviewer")
    image_ids = [i.id for i in project.images()]
    made = [
        project.add_annotation(i, 1, Box(1, 1, 30 + i, 30), p.id)
        for i in image_ids
        for p in (ana, vik)
    ]
    project.assign_images(image_ids[:2], [rita.id], AssignmentTask.REVIEW)
    queue = project.review_queue(rita.id)
    assert [q.image_id for q in queue] == image_ids[:2]
    assert queue[0].annotation_ids == (made[0].id, made[1].id)
    project.review_annotation(made[0].id, rita.id, "accept")  # no guideline yet: no ack needed
    assert project.review_queue(rita.id)[0].annotation_ids == (made[1].id,)
    sample = project.audit_sample(2, seed=1)
    assert set(sample) == {"ana", "vik"} and all(len(v) == 2 for v in sample.values())
    assert set(sample["ana"]) <= {a.id for a in made if a.annotator_id == ana.id}
    assert project.audit_sample(2, seed=1) == sample
    by_vendor = project.audit_sample(10, per="organization")
    assert {k: len(v) for k, v in by_vendor.items()} == {"(in-house)": 3, "Vendor A": 3}
    with pytest.raises(LabelerError):
        project.audit_sample(1, per="image")


def test_assigning_unknown_image_rolls_back(project_with_images: Project) -> None:
    project = project_with_images
    ana = project.add_person("ana")
    with pytest.raises(LabelerError, match="no image"):
        project.assign_images([1, 999], [ana.id])
    assert project.assignments() == []
