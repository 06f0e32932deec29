from __future__ import annotations

from pathlib import Path

import pytest

from labeler.core.domain import AnnotationSource, ImageStatus, Role
from labeler.core.errors import (
    GeometryError,
    LabelerError,
    NotAProjectError,
    ProjectError,
    UnknownEntityError,
)
from labeler.core.events import Change
from labeler.core.geometry import Box, Polygon, Tag
from labeler.core.store import SCHEMA_VERSION, Project


def test_create_and_reopen_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    with Project.create(path, ["scratch", "crack"], "box") as project:
        alice = project.add_person("alice", Role.ANNOTATOR, "Vendor A")
        project.add_class("blurry", "tag")
    with Project.open(path) as project:
        assert [c.name for c in project.classes()] == ["scratch", "crack", "blurry"]
        assert [c.kind.value for c in project.classes()] == ["box", "box", "tag"]
        assert project.person(alice.id).organization == "Vendor A"
        assert project.schema_version == SCHEMA_VERSION
        assert project.integrity_check() == "ok"
        assert len(project.meta()["project_id"]) == 32


def test_create_refuses_to_overwrite(tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    path.write_text("precious")
    with pytest.raises(ProjectError, match="already exists"):
        Project.create(path, ["a"])
    assert path.read_text() == "precious"


def test_open_refuses_non_projects(tmp_path: Path) -> None:
    text = tmp_path / "notes.labeler"
    text.write_text("hello, this is not a database at all")
    with pytest.raises(NotAProjectError, match="not a SQLite"):
        Project.open(text)
    import sqlite3

    other = tmp_path / "other.labeler"
    sqlite3.connect(other).execute("CREATE TABLE t(x)").connection.close()
    with pytest.raises(NotAProjectError, match="not a labeler project"):
        Project.open(other)
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "missing.labeler")


def test_annotation_round_trip_and_provenance(project_with_images: Project) -> None:
    project = project_with_images
    alice = project.add_person("alice")
    version = project.publish_guideline("# Rules\nBox every scratch.", "first version")
    image = project.images()[0]
    scratch = project.class_by_name("scratch")
    assert scratch is not None
    box = project.add_annotation(image.id, scratch.id, Box(10, 20, 50, 60), alice.id,
                                 seconds_spent=4.5)
    polygon = project.add_annotation(
        image.id, scratch.id, Polygon(((1, 1), (30, 2), (25, 40))), alice.id,
        source=AnnotationSource.PRELABEL_EDITED)
    stored = {a.id: a for a in project.annotations(image_id=image.id)}
    assert stored[box.id].geometry == Box(10, 20, 50, 60)
    assert stored[box.id].guideline_version_id == version.id
    assert stored[box.id].seconds_spent == 4.5
    assert stored[polygon.id].geometry == Polygon(((1, 1), (30, 2), (25, 40)))
    assert stored[polygon.id].source is AnnotationSource.PRELABEL_EDITED
    assert project.image(image.id).status is ImageStatus.IN_PROGRESS


def test_geometry_is_validated_against_the_image(project_with_images: Project) -> None:
    project = project_with_images
    alice = project.add_person("alice")
    image = project.images()[0]  # 160x120
    crack = project.class_by_name("crack")
    assert crack is not None
    clipped = project.add_annotation(image.id, crack.id, Box(-10, -10, 500, 50), alice.id)
    assert clipped.geometry == Box(0, 0, 160, 50)
    with pytest.raises(GeometryError, match="outside"):
        project.add_annotation(image.id, crack.id, Box(200, 200, 300, 300), alice.id)
    with pytest.raises(GeometryError, match="no area"):
        project.add_annotation(image.id, crack.id, Box(5, 5, 5, 90), alice.id)
    bowtie = Polygon(((0, 0), (40, 40), (40, 0), (0, 40)))
    repaired = project.add_annotation(image.id, crack.id, bowtie, alice.id)
    assert repaired.geometry.area == pytest.approx(400)
    with pytest.raises(GeometryError, match="cannot carry"):
        project.add_annotation(image.id, crack.id, Tag(), alice.id)
    assert len(project.annotations(image_id=image.id)) == 2


def test_update_delete_restore_and_audit_log(project_with_images: Project) -> None:
    project = project_with_images
    alice = project.add_person("alice")
    image = project.images()[1]
    first = project.add_annotation(image.id, 1, Box(1, 1, 20, 20), alice.id)
    updated = project.update_annotation(first.id, geometry=Box(2, 2, 30, 30), class_id=2,
                                        person_id=alice.id)
    assert updated.class_id == 2 and updated.geometry == Box(2, 2, 30, 30)
    project.delete_annotation(first.id, alice.id)
    assert project.annotations(image_id=image.id) == []
    with pytest.raises(UnknownEntityError):
        project.annotation(first.id)
    project.restore_annotation(first.id, alice.id)
    assert project.annotation(first.id).geometry == Box(2, 2, 30, 30)
    actions = [e.action for e in project.events("annotation", first.id)]
    assert actions == ["create", "update", "delete", "restore"]
    update = project.events("annotation", first.id)[1]
    assert update.before is not None and update.after is not None
    assert update.before["geometry"]["box"] == [1, 1, 20, 20]
    assert update.after["class_id"] == 2 and update.person_id == alice.id


def test_failed_transaction_leaves_nothing(project_with_images: Project) -> None:
    project = project_with_images
    alice = project.add_person("alice")
    image = project.images()[0]
    events_before = len(project.events())
    with pytest.raises(GeometryError), project.transaction():
        project.add_annotation(image.id, 1, Box(1, 1, 20, 20), alice.id)
        project.add_annotation(image.id, 1, Box(900, 900, 901, 901), alice.id)
    assert project.annotations(image_id=image.id) == []
    assert len(project.events()) == events_before


def test_changes_are_published_after_commit_only(project_with_images: Project) -> None:
    project = project_with_images
    alice = project.add_person("alice")
    heard: list[Change] = []
    unsubscribe = project.changes.subscribe(heard.append)
    image = project.images()[0]
    with project.transaction():
        project.add_annotation(image.id, 1, Box(1, 1, 20, 20), alice.id)
        assert heard == []
    assert heard[-1].entity == "annotation" and heard[-1].image_ids == (image.id,)
    heard.clear()
    with pytest.raises(GeometryError), project.transaction():
        project.add_annotation(image.id, 1, Box(2, 2, 20, 20), alice.id)
        project.add_annotation(image.id, 1, Box(0, 0, 0, 0), alice.id)
    assert heard == []
    unsubscribe()
    project.add_annotation(image.id, 1, Box(3, 3, 20, 20), alice.id)
    assert heard == []


def test_people_and_classes_are_unique(project: Project) -> None:
    project.add_person("bob", "reviewer")
    with pytest.raises(LabelerError, match="already exists"):
        project.add_person("bob")
    assert project.ensure_person("bob").role is Role.REVIEWER
    with pytest.raises(LabelerError, match="already exists"):
        project.add_class("crack")
    with pytest.raises(ValueError):
        project.add_person("carol", "boss")


def test_model_runs_and_predictions(project_with_images: Project) -> None:
    project = project_with_images
    first, second, third = project.images()
    settings = {"conf": 0.25, "iou": 0.45}
    run = project.start_model_run("f" * 64, "demo.onnx", settings, "CPUExecutionProvider")
    stored = project.add_predictions(run.id, first.id, [(1, Box(1, 1, 30, 30), 0.9),
                                                         (2, Box(500, 500, 600, 600), 0.8)])
    assert stored == 1  # the box outside the image is dropped
    project.add_predictions(run.id, second.id, [])
    finished = project.finish_model_run(run.id)
    assert finished.image_count == 2 and finished.finished_at is not None
    assert project.images_covered_by("f" * 64, {"iou": 0.45, "conf": 0.25}) == {first.id,
                                                                                 second.id}
    assert project.images_covered_by("f" * 64, {"conf": 0.5, "iou": 0.45}) == set()
    [prediction] = project.predictions(first.id)
    assert prediction.score == pytest.approx(0.9) and prediction.geometry == Box(1, 1, 30, 30)
    assert project.image(first.id).status is ImageStatus.PRELABELED
    assert project.image(third.id).status is ImageStatus.NEW


def test_reviews_and_status(project_with_images: Project) -> None:
    project = project_with_images
    alice = project.add_person("alice")
    rita = project.add_person("rita", "reviewer")
    image = project.images()[0]
    annotation = project.add_annotation(image.id, 1, Box(1, 1, 30, 30), alice.id)
    review = project.add_review("annotation", annotation.id, rita.id, "reject", "2.1 too loose")
    assert project.reviews("annotation", annotation.id) == [review]
    with pytest.raises(UnknownEntityError):
        project.add_review("annotation", 999, rita.id, "accept")
    project.set_image_status(image.id, ImageStatus.DONE, alice.id)
    assert project.status_counts()[ImageStatus.DONE.value] == 1
    project.add_image_time(image.id, alice.id, 12.5)
    project.add_image_time(image.id, alice.id, 2.5)
    assert project.image_time(image.id, alice.id) == 15.0


def test_find_image_by_other_tools_references(project_with_images: Project) -> None:
    project = project_with_images
    assert project.find_image("img1.png") is not None
    assert project.find_image("some/where/img1.png") == project.find_image("img1.png")
    assert project.find_image("img1") == project.find_image("img1.png")
    assert project.find_image("nope.png") is None


def test_image_paths_are_relative_inside_the_project_folder(project_with_images: Project,
                                                            tmp_path: Path) -> None:
    project = project_with_images
    image = project.images()[0]
    assert image.path == "images/img0.png"
    assert project.image_path(image) == (tmp_path / "images" / "img0.png").resolve()


def test_backup_is_a_consistent_project(project_with_images: Project, tmp_path: Path) -> None:
    project = project_with_images
    project.add_person("alice")
    copy = tmp_path / "backup.labeler"
    project.backup(copy)
    with Project.open(copy) as restored:
        assert restored.image_count() == 3
        assert restored.person_by_name("alice") is not None


def test_rejecting_and_restoring_prelabels(project_with_images: Project) -> None:
    project = project_with_images
    image = project.images()[0]
    rita = project.add_person("rita")
    run = project.start_model_run("a" * 64, "m.onnx", {}, "CPUExecutionProvider")
    project.add_predictions(run.id, image.id, [(1, Box(1, 1, 30, 30), 0.9),
                                               (2, Box(40, 40, 90, 90), 0.7)])
    first, second = project.predictions(image.id)
    assert project.set_prediction_rejected(first.id, True, rita.id) is False
    assert project.set_prediction_rejected(first.id, True, rita.id) is True  # idempotent
    assert project.rejected_prediction_ids(image.id) == {first.id}
    assert project.set_prediction_rejected(first.id, False, rita.id) is True
    assert project.rejected_prediction_ids(image.id) == frozenset()
    actions = [e.action for e in project.events("prediction", first.id)]
    assert actions == ["reject", "restore"]
    assert second.id not in project.rejected_prediction_ids(image.id)


def test_image_id_queries_filter_in_sql(project_with_images: Project) -> None:
    project = project_with_images
    first, second, third = project.images()
    ann = project.add_person("ann")
    bob = project.add_person("bob")
    project.add_annotation(first.id, 1, Box(1, 1, 20, 20), ann.id)
    project.add_annotation(second.id, 2, Box(1, 1, 20, 20), bob.id)
    deleted = project.add_annotation(third.id, 1, Box(1, 1, 20, 20), bob.id)
    project.delete_annotation(deleted.id)
    assert project.image_ids() == [first.id, second.id, third.id]
    assert project.image_ids(class_id=1) == [first.id]
    assert project.image_ids(annotator_id=bob.id) == [second.id]
    assert project.image_ids(class_id=2, annotator_id=ann.id) == []
    assert project.image_ids(path_contains="IMG2") == [third.id]
    project.set_image_status(second.id, "done")
    assert project.image_ids(status="done") == [second.id]
    records = project.images_by_ids([third.id, 999, first.id])
    assert [r.id for r in records] == [third.id, first.id]
