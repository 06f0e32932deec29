"""Answers: who finished which image, empty or not, and the image status they imply."""

from __future__ import annotations

from labeler.core.domain import ImageStatus, Role
from labeler.core.geometry import Box
from labeler.core.store import Project


def _people(project: Project) -> tuple[int, int]:
    ann = project.add_person("Ann", Role.ANNOTATOR).id
    bo = project.add_person("보라", Role.ANNOTATOR).id
    return ann, bo


def test_an_answer_with_nothing_drawn_is_empty_and_drawing_makes_it_not(
    project_with_images: Project,
) -> None:
    project = project_with_images
    ann, bo = _people(project)
    assert project.mark_answered(1, ann)
    assert not project.mark_answered(1, ann)  # already answered
    assert project.answered_empty_image_ids(ann) == {1}
    assert project.answered_empty_image_ids() == {1}
    [answer] = project.answers_for_image(1)
    assert (answer.person_id, answer.empty, answer.source) == (ann, True, "workspace")
    project.add_annotation(1, 1, Box(1, 1, 20, 20), ann)
    assert project.answered_empty_image_ids(ann) == set()
    assert project.answer(1, ann).empty is False  # type: ignore[union-attr]
    assert project.answer(1, bo) is None
    assert project.answer_pairs() == [(1, ann)]


def test_status_follows_the_assigned_people(project_with_images: Project) -> None:
    project = project_with_images
    ann, bo = _people(project)
    project.assign_images([1], [ann, bo], overlap=2, blind=True)
    project.mark_answered(1, ann)
    assert project.image(1).status == ImageStatus.IN_PROGRESS  # 보라 has not answered
    assert [a.done_at is not None for a in project.assignments() if a.person_id == ann] == [True]
    project.mark_answered(1, bo)
    assert project.image(1).status == ImageStatus.DONE
    assert all(a.done_at for a in project.assignments())
    assert project.unmark_answered(1, bo)
    assert project.image(1).status == ImageStatus.IN_PROGRESS
    assert [a.done_at for a in project.assignments() if a.person_id == bo] == [None]
    assert not project.unmark_answered(1, bo)


def test_without_assignments_anyone_answering_makes_it_done(project_with_images: Project) -> None:
    project = project_with_images
    ann, _ = _people(project)
    project.mark_answered(2, ann)
    assert project.image(2).status == ImageStatus.DONE
    project.unmark_answered(2, ann)
    assert project.image(2).status == ImageStatus.IN_PROGRESS


def test_bulk_answers_in_one_transaction(project_with_images: Project) -> None:
    project = project_with_images
    ann, bo = _people(project)
    heard = []
    project.changes.subscribe(heard.append)
    assert project.mark_answered_many([(1, ann), (2, ann), (2, bo), (1, ann)]) == 3
    assert project.answers_by_image() == {1: {ann}, 2: {ann, bo}}
    assert [c.entity for c in heard].count("answer") == 1
    counts = project.answer_counts()
    assert counts["answered"] == 3 and counts["answered_empty"] == 3
    assert counts["images_answered"] == 2


def test_a_fix_stays_what_the_annotator_made(project_with_images: Project) -> None:
    project = project_with_images
    ann, _ = _people(project)
    rita = project.add_person("Rita", Role.REVIEWER).id
    original = project.add_annotation(1, 1, Box(1, 1, 20, 20), ann)
    project.mark_answered(1, ann)
    fix = project.add_annotation(1, 2, Box(1, 1, 22, 22), rita, replaces_id=original.id)
    project.delete_annotation(original.id, rita)
    assert project.fix_owners() == {fix.id: ann}
    made = project.made_object_columns()
    assert made.id.tolist() == [original.id] and made.owner.tolist() == [ann]
    assert project.answered_coverage() == [(1, ann)]
    assert project.answered_empty_image_ids(ann) == set()  # the fix does not empty her answer
