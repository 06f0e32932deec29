from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from labeler.core.geometry import Box, Polygon
from labeler.core.importing import import_annotations, import_images
from labeler.core.progress import Progress
from labeler.core.store import Project
from tests.core.conftest import write_image
from tests.core.test_images import png_claiming


def test_folder_with_good_duplicate_and_broken_files(project: Project, tmp_path: Path) -> None:
    folder = tmp_path / "shoot"
    for i in range(4):
        write_image(folder / f"ok{i}.jpg", seed=i)
    shutil.copy(folder / "ok0.jpg", folder / "sub" / "copy_of_ok0.jpg") if (
        (folder / "sub").mkdir() or True) else None
    (folder / "zero.jpg").write_bytes(b"")
    (folder / "cut.jpg").write_bytes((folder / "ok1.jpg").read_bytes()[:300])
    (folder / "bomb.png").write_bytes(png_claiming(30_000, 30_000))
    (folder / "readme.txt").write_text("not an image type: ignored in folders")
    report = import_images(project, [folder])
    assert report.added == 4 and report.duplicates == 1
    reasons = {Path(p).name: r for p, r in report.skipped}
    assert set(reasons) == {"zero.jpg", "cut.jpg", "bomb.png"}
    assert "too large" in reasons["bomb.png"]
    assert project.image_count() == 4
    again = import_images(project, [folder])
    assert again.added == 0 and again.already_present == 4


def test_cancel_keeps_committed_batches(project: Project, tmp_path: Path,
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    import labeler.core.importing as importing

    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    folder = tmp_path / "many"
    for i in range(10):
        write_image(folder / f"{i:02}.png", 40, 30, seed=i)
    progress = Progress(lambda done, total, _m: progress.cancel() if done == 5 else None)
    report = import_images(project, [folder], progress)
    assert report.cancelled
    assert report.added == project.image_count() == 4  # two whole batches, none half-done
    assert project.integrity_check() == "ok"


def coco_file(path: Path, file_name: str) -> Path:
    data = {
        "images": [{"id": 1, "file_name": file_name, "width": 160, "height": 120}],
        "categories": [{"id": 7, "name": "scratch"}, {"id": 8, "name": "rust"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 7, "bbox": [10, 20, 30, 40]},
            {"id": 2, "image_id": 1, "category_id": 8, "bbox": [0, 0, 5, 5],
             "segmentation": [[1, 1, 40, 1, 40, 30, 1, 30]]},
        ],
    }
    path.write_text(json.dumps(data))
    return path


def test_coco_import_attributes_and_is_idempotent(project_with_images: Project,
                                                  tmp_path: Path) -> None:
    project = project_with_images
    source = coco_file(tmp_path / "coco.json", "img1.png")
    report = import_annotations(project, source, "coco", "vendor bob", organization="Vendor B")
    assert report.annotations == 2 and report.skipped == []
    bob = project.person_by_name("vendor bob")
    assert bob is not None and bob.organization == "Vendor B"
    shapes = {(project.label_class(a.class_id).name, a.geometry, a.source.value)
              for a in project.annotations(annotator_id=bob.id)}
    assert shapes == {("scratch", Box(10, 20, 40, 60), "imported"),
                      ("rust", Polygon(((1, 1), (40, 1), (40, 30), (1, 30))), "imported")}
    assert project.class_by_name("rust") is not None  # new classes are created
    again = import_annotations(project, source, "coco", "vendor bob")
    assert again.annotations == 0
    assert len(project.annotations(annotator_id=bob.id)) == 2


def test_malformed_file_leaves_nothing_and_others_import(project_with_images: Project,
                                                         tmp_path: Path) -> None:
    project = project_with_images
    folder = tmp_path / "labels"
    folder.mkdir()
    coco_file(folder / "good.json", "img0.png")
    (folder / "broken.json").write_text('{"images": [1, 2,, 3]}')
    report = import_annotations(project, folder, "coco", "carol")
    assert report.annotations == 2
    [(path, reason)] = report.skipped
    assert path.endswith("broken.json") and "line 1" in reason


def test_unknown_images_are_reported(project_with_images: Project, tmp_path: Path) -> None:
    source = coco_file(tmp_path / "coco.json", "not_in_project.png")
    report = import_annotations(project_with_images, source, "coco", "dave")
    assert report.annotations == 0
    assert "not in the project; 2 shapes" in report.skipped[0][1]


def test_yolo_import_uses_image_sizes(project_with_images: Project, tmp_path: Path) -> None:
    labels = tmp_path / "yolo"
    labels.mkdir()
    (labels / "classes.txt").write_text("scratch\ncrack\n")
    (labels / "img2.txt").write_text("1 0.5 0.5 0.25 0.5\n")
    report = import_annotations(project_with_images, labels, "yolo", "erin")
    assert report.annotations == 1, report.skipped
    [annotation] = project_with_images.annotations()
    assert annotation.geometry == Box(60, 30, 100, 90)  # on the 160x120 image
