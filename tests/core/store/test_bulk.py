"""Bulk reads of the store: one query each, the same facts as the per-record API."""

from __future__ import annotations

import numpy as np

from labeler.core.geometry import Box, Polygon, Tag
from labeler.core.store import Project

SCRATCH, CRACK, DENT = 1, 2, 3


def fill(project: Project) -> dict[str, int]:
    images = [i.id for i in project.images()]
    alice = project.add_person("alice").id
    bob = project.add_person("bob").id
    blurry = project.add_class("blurry", "tag").id
    poly = project.add_class("hole", "polygon").id
    a1 = project.add_annotation(images[0], SCRATCH, Box(1, 2, 30, 40), alice, seconds_spent=4).id
    a2 = project.add_annotation(images[0], poly, Polygon(((10, 10), (50, 10), (30, 40))), bob).id
    a3 = project.add_annotation(images[1], blurry, Tag(), bob).id
    gone = project.add_annotation(images[1], DENT, Box(5, 5, 20, 20), alice).id
    project.delete_annotation(gone)
    project.add_image_time(images[0], alice, 12.5)
    run = project.start_model_run("0" * 64, "m", {}, "cpu").id
    project.add_predictions(
        run,
        images[0],
        [(CRACK, Box(0, 0, 10, 10), 0.4), (poly, Polygon(((0, 0), (9, 0), (0, 9))), 0.9)],
    )
    project.add_predictions(run, images[2], [])  # covered, found nothing
    return {
        "alice": alice,
        "bob": bob,
        "a1": a1,
        "a2": a2,
        "a3": a3,
        "gone": gone,
        "run": run,
        "img0": images[0],
        "img1": images[1],
        "img2": images[2],
        "poly": poly,
    }


def test_annotation_rows_and_columns(project_with_images: Project) -> None:
    ids = fill(project_with_images)
    rows = project_with_images.live_annotation_rows()
    assert [r.id for r in rows] == [a.id for a in project_with_images.annotations()]
    assert rows[0].geometry == Box(1, 2, 30, 40) and rows[0].seconds_spent == 4
    assert isinstance(rows[2].geometry, Tag)
    columns = project_with_images.object_columns()
    assert columns.id.tolist() == [ids["a1"], ids["a2"]]  # tags and deleted ones are out
    assert columns.owner.tolist() == [ids["alice"], ids["bob"]]
    assert columns.boxes[1].tolist() == [10, 10, 50, 40]
    assert columns.geometry(1) == Polygon(((10, 10), (50, 10), (30, 40)))
    assert columns.geometry(0) == Box(1, 2, 30, 40)
    picked = columns.take(np.array([1]))
    assert picked.id.tolist() == [ids["a2"]] and 0 in picked.polygons
    assert project_with_images.coverage() == [
        (ids["img0"], ids["alice"]),
        (ids["img0"], ids["bob"]),
        (ids["img1"], ids["bob"]),
    ]


def test_predictions_and_run_coverage(project_with_images: Project) -> None:
    ids = fill(project_with_images)
    rows = project_with_images.run_prediction_rows(ids["run"])
    assert [r.score for r in rows] == [0.4, 0.9]
    columns = project_with_images.prediction_columns(ids["run"])
    assert columns.score.tolist() == [0.4, 0.9] and list(columns.polygons) == [1]
    assert project_with_images.run_image_ids(ids["run"]) == {ids["img0"], ids["img2"]}
    assert project_with_images.run_image_ids(99) == set()


def test_reviewed_annotations_follow_the_latest_review(project_with_images: Project) -> None:
    ids = fill(project_with_images)
    project = project_with_images
    reviewer = project.add_person("rita", "reviewer").id
    assert project.reviewed_annotation_ids() == set()
    project.add_review("annotation", ids["a1"], reviewer, "accept")
    project.add_review("annotation", ids["a2"], reviewer, "accept")
    project.add_review("annotation", ids["a2"], reviewer, "reject")
    assert project.reviewed_annotation_ids() == {ids["a1"]}
    fixed = project.add_annotation(
        ids["img0"], CRACK, Box(3, 3, 9, 9), reviewer, replaces_id=ids["a2"]
    ).id
    project.add_review("annotation", ids["a2"], reviewer, "fix", fix_annotation_id=fixed)
    assert project.reviewed_annotation_ids() == {ids["a1"], fixed}
    project.delete_annotation(ids["a1"])
    assert project.reviewed_annotation_ids() == {fixed}


def test_images_times_and_paths(project_with_images: Project) -> None:
    ids = fill(project_with_images)
    project = project_with_images
    project.set_image_status(ids["img1"], "done")
    assert project.image_ids_with_status(["done", "rejected"]) == {ids["img1"]}
    assert project.image_ids_with_status([]) == set()
    assert project.image_times() == {(ids["img0"], ids["alice"]): 12.5}
    paths = project.image_paths()
    assert paths == {i.id: i.path for i in project.images()}
