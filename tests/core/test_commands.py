from __future__ import annotations

import pytest

from labeler.core.commands import (
    AcceptPrediction,
    AddAnnotation,
    CompositeCommand,
    DeleteAnnotation,
    RejectPrediction,
    SetImageStatus,
    UpdateAnnotation,
    accept_predictions,
    paste_shapes,
)
from labeler.core.domain import AnnotationSource, ImageStatus
from labeler.core.errors import GeometryError
from labeler.core.geometry import Box, Polygon
from labeler.core.store import Project


def _predictions(project: Project, image_id: int, class_id: int) -> list[int]:
    run = project.start_model_run("sha", "demo.onnx", {"conf": 0.25}, "CPUExecutionProvider")
    project.add_predictions(
        run.id,
        image_id,
        [(class_id, Box(10, 10, 40, 40), 0.9), (class_id, Box(50, 50, 90, 80), 0.3)],
    )
    project.finish_model_run(run.id)
    return [p.id for p in project.predictions(image_id)]


def test_add_undo_redo_keeps_the_same_record(setup: tuple[Project, int, int, int]) -> None:
    project, image_id, class_id, person = setup
    undo = AddAnnotation(image_id, class_id, Box(1, 2, 30, 40), person).apply(project)
    [created] = project.annotations(image_id)
    assert created.source == AnnotationSource.MANUAL
    assert isinstance(undo, DeleteAnnotation)
    redo = undo.apply(project)
    assert project.annotations(image_id) == []
    again = redo.apply(project)
    assert [a.id for a in project.annotations(image_id)] == [created.id]
    again.apply(project)
    assert project.annotations(image_id) == []


def test_update_inverse_restores_geometry_and_class(setup: tuple[Project, int, int, int]) -> None:
    project, image_id, class_id, person = setup
    crack = project.class_by_name("crack")
    assert crack is not None
    AddAnnotation(image_id, class_id, Box(1, 2, 30, 40), person).apply(project)
    [a] = project.annotations(image_id)
    undo = UpdateAnnotation(image_id, a.id, geometry=Box(5, 5, 50, 50), person_id=person).apply(
        project
    )
    assert project.annotation(a.id).geometry == Box(5, 5, 50, 50)
    redo = undo.apply(project)
    assert project.annotation(a.id).geometry == Box(1, 2, 30, 40)
    redo.apply(project)
    assert project.annotation(a.id).geometry == Box(5, 5, 50, 50)
    undo_class = UpdateAnnotation(image_id, a.id, class_id=crack.id).apply(project)
    assert project.annotation(a.id).class_id == crack.id
    undo_class.apply(project)
    assert project.annotation(a.id).class_id == class_id
    assert project.annotation(a.id).geometry == Box(5, 5, 50, 50)


def test_accept_unchanged_and_edited(setup: tuple[Project, int, int, int]) -> None:
    project, image_id, class_id, person = setup
    high, low = _predictions(project, image_id, class_id)
    undo = AcceptPrediction(image_id, high, person).apply(project)
    [accepted] = project.annotations(image_id)
    assert accepted.source == AnnotationSource.PRELABEL_ACCEPTED
    assert accepted.prediction_id == high
    assert accepted.geometry == Box(10, 10, 40, 40)
    AcceptPrediction(image_id, low, person, geometry=Box(52, 50, 95, 85)).apply(project)
    edited = project.annotations(image_id)[-1]
    assert edited.source == AnnotationSource.PRELABEL_EDITED
    assert edited.prediction_id == low
    redo = undo.apply(project)
    assert [a.id for a in project.annotations(image_id)] == [edited.id]
    assert high not in project.rejected_prediction_ids(image_id)  # undoing an accept re-offers it
    redo.apply(project)
    assert {a.id for a in project.annotations(image_id)} == {accepted.id, edited.id}


def test_editing_an_accepted_prelabel_marks_it_edited(
    setup: tuple[Project, int, int, int],
) -> None:
    project, image_id, class_id, person = setup
    high, _ = _predictions(project, image_id, class_id)
    AcceptPrediction(image_id, high, person).apply(project)
    [a] = project.annotations(image_id)
    undo = UpdateAnnotation(image_id, a.id, geometry=Box(12, 12, 44, 44)).apply(project)
    assert project.annotation(a.id).source == AnnotationSource.PRELABEL_EDITED
    undo.apply(project)
    assert project.annotation(a.id).source == AnnotationSource.PRELABEL_ACCEPTED


def test_reject_and_delete_of_accepted_rejects_prediction(
    setup: tuple[Project, int, int, int],
) -> None:
    project, image_id, class_id, person = setup
    high, low = _predictions(project, image_id, class_id)
    undo_reject = RejectPrediction(image_id, low, person).apply(project)
    assert project.rejected_prediction_ids(image_id) == {low}
    undo_reject.apply(project)
    assert project.rejected_prediction_ids(image_id) == frozenset()
    AcceptPrediction(image_id, high, person).apply(project)
    [a] = project.annotations(image_id)
    undo_delete = DeleteAnnotation(image_id, a.id, person).apply(project)
    assert project.annotations(image_id) == []
    assert project.rejected_prediction_ids(image_id) == {high}
    redo = undo_delete.apply(project)
    assert [x.id for x in project.annotations(image_id)] == [a.id]
    assert project.rejected_prediction_ids(image_id) == frozenset()
    redo.apply(project)
    assert project.rejected_prediction_ids(image_id) == {high}


def test_accept_all_is_one_step(setup: tuple[Project, int, int, int]) -> None:
    project, image_id, class_id, person = setup
    ids = _predictions(project, image_id, class_id)
    command = accept_predictions(image_id, ids, person)
    assert command is not None
    undo = command.apply(project)
    assert {a.prediction_id for a in project.annotations(image_id)} == set(ids)
    undo.apply(project)
    assert project.annotations(image_id) == []
    assert accept_predictions(image_id, [], person) is None


def test_composite_is_atomic(setup: tuple[Project, int, int, int]) -> None:
    project, image_id, class_id, person = setup
    good = AddAnnotation(image_id, class_id, Box(1, 1, 20, 20), person)
    bad = AddAnnotation(image_id, class_id, Box(500, 500, 600, 600), person)  # off the image
    with pytest.raises(GeometryError):
        CompositeCommand((good, bad), "Paste").apply(project)
    assert project.annotations(image_id) == []


def test_paste_and_status(setup: tuple[Project, int, int, int]) -> None:
    project, image_id, class_id, person = setup
    shapes = [(class_id, Box(1, 1, 20, 20)), (class_id, Polygon(((0, 0), (30, 0), (0, 30))))]
    command = paste_shapes(image_id, shapes, person)
    assert command is not None and command.text == "Paste 2 shapes"
    undo = command.apply(project)
    assert len(project.annotations(image_id)) == 2
    assert project.image(image_id).status == ImageStatus.IN_PROGRESS
    undo.apply(project)
    assert project.annotations(image_id) == []
    status_undo = SetImageStatus(image_id, ImageStatus.DONE, person).apply(project)
    assert project.image(image_id).status == ImageStatus.DONE
    assert status_undo.text == "Mark done"
    status_undo.apply(project)
    assert project.image(image_id).status == ImageStatus.IN_PROGRESS


def test_each_command_is_one_transaction(setup: tuple[Project, int, int, int]) -> None:
    project, image_id, class_id, person = setup
    seen: list[str] = []
    project.changes.subscribe(lambda change: seen.append(f"{change.entity}:{change.action}"))
    command = paste_shapes(image_id, [(class_id, Box(1, 1, 20, 20))] * 3, person)
    assert command is not None
    command.apply(project)
    assert seen == ["annotation:create"] * 3  # published together after the one commit


def test_drags_of_one_shape_merge(setup: tuple[Project, int, int, int]) -> None:
    _, image_id, _, _ = setup
    first = UpdateAnnotation(image_id, 7, geometry=Box(0, 0, 5, 5))
    assert first.merges_with(UpdateAnnotation(image_id, 7, geometry=Box(1, 1, 6, 6)))
    assert not first.merges_with(UpdateAnnotation(image_id, 8, geometry=Box(1, 1, 6, 6)))
    assert not first.merges_with(UpdateAnnotation(image_id, 7, class_id=3))
    assert not first.merges_with(DeleteAnnotation(image_id, 7))


def test_set_answered_is_done_for_one_person_and_undoes_exactly(
    project_with_images: Project,
) -> None:
    from labeler.core.commands import SetAnswered
    from labeler.core.domain import Role

    project = project_with_images
    ann = project.add_person("Ann", Role.ANNOTATOR).id
    image_id = project.images()[0].id
    before = project.image(image_id).status
    undo = SetAnswered(image_id, ann).apply(project)
    assert project.is_answered(image_id, ann)
    assert project.image(image_id).status == ImageStatus.DONE
    assert undo.text == "Mark not done"
    redo = undo.apply(project)
    assert not project.is_answered(image_id, ann)
    assert project.image(image_id).status == before
    redo.apply(project)
    assert project.is_answered(image_id, ann)


def test_a_failing_listener_neither_stops_the_others_nor_undoes_the_edit(
    project_with_images: Project,
) -> None:
    from labeler.core.events import Change

    project = project_with_images
    failures: list[tuple[str, str]] = []
    project.changes.on_failure = lambda change, _listener, error: failures.append(
        (change.entity, str(error))
    )
    heard: list[Change] = []

    def broken(change: Change) -> None:
        raise RuntimeError("view bug")

    project.changes.subscribe(broken)
    project.changes.subscribe(heard.append)
    person = project.add_person("Ana")
    assert [c.entity for c in heard] == ["person"]
    assert failures == [("person", "view bug")]
    assert project.person_by_name("Ana") == person  # committed all the same


def test_review_decisions_are_undoable_commands(project_with_images: Project) -> None:
    from labeler.core.commands import ReviewAnnotation, WithdrawReview

    project = project_with_images
    image = project.images()[0]
    ana = project.add_person("Ana")
    rita = project.add_person("Rita", "reviewer")
    target = project.add_annotation(image.id, 1, Box(10, 10, 50, 40), ana.id)
    project.publish_guideline("# G\n\n## 1.1 scratch\nBox it.\n", "first")
    project.acknowledge(rita.id)
    project.publish_guideline("# G\n\n## 1.1 scratch\nBox it tightly.\n", "tighter",
                              changed_classes=["scratch"])
    project.acknowledge(rita.id)
    queued = {item.annotation_id for item in project.rereview_queue()}
    assert target.id in queued  # v2 changed the class: the label waits for re-review

    undo = ReviewAnnotation(image.id, target.id, rita.id, "fix", reason="tighter",
                            section="1.1", fix_geometry=Box(12, 12, 48, 38)).apply(project)
    assert isinstance(undo, WithdrawReview) and undo.text == "Fix #" + str(target.id)
    [review] = project.reviews("annotation", target.id)
    fix_id = project.review_details(review.id)["fix_annotation_id"]
    assert [a.id for a in project.annotations(image.id)] == [fix_id]
    assert target.id not in {item.annotation_id for item in project.rereview_queue()}

    redo = undo.apply(project)
    assert project.reviews("annotation", target.id) == []
    assert [a.id for a in project.annotations(image.id)] == [target.id]
    assert {item.annotation_id for item in project.rereview_queue()} == queued
    redo.apply(project)
    [again] = project.reviews("annotation", target.id)
    details = project.review_details(again.id)
    assert details["section"] == "1.1" and details["reason"] == "tighter"
    assert project.annotation(details["fix_annotation_id"]).geometry == Box(12, 12, 48, 38)
