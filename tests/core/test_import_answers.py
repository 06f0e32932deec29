"""Every image an imported annotation file lists is answered by its annotator, objects or not."""

from __future__ import annotations

import json
from pathlib import Path

from labeler.core.importing import import_annotations
from labeler.core.store import Project


def _names(project: Project, person: str) -> tuple[set[str], set[str]]:
    """(answered, answered empty) image file names of a person."""
    who = project.person_by_name(person)
    assert who is not None
    answers = project.answers_by(who.id)
    name = {i.id: Path(i.path).name for i in project.images()}
    return {name[a.image_id] for a in answers}, {name[a.image_id] for a in answers if a.empty}


def test_coco_images_without_annotations_are_answered_empty(
    tmp_path: Path, project_with_images: Project
) -> None:
    data = {
        "images": [
            {"id": 1, "file_name": "img0.png", "width": 160, "height": 120},
            {"id": 2, "file_name": "img1.png", "width": 160, "height": 120},
        ],
        "categories": [{"id": 1, "name": "dent"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 1, "bbox": [1, 1, 20, 20], "area": 400}
        ],
    }
    path = tmp_path / "coco.json"
    path.write_text(json.dumps(data))
    import_annotations(project_with_images, path, "coco", "Ann")
    assert _names(project_with_images, "Ann") == ({"img0.png", "img1.png"}, {"img1.png"})
    import_annotations(project_with_images, path, "coco", "Ann")  # again: nothing changes
    assert len(project_with_images.answer_pairs()) == 2


def test_labelme_and_voc_files_with_no_shapes_are_answered_empty(
    tmp_path: Path, project_with_images: Project
) -> None:
    labelme = tmp_path / "labelme"
    labelme.mkdir()
    for stem, shapes in (("img0", []), ("img1", [[[1, 1], [30, 30]]])):
        (labelme / f"{stem}.json").write_text(json.dumps({
            "imagePath": f"{stem}.png", "imageWidth": 160, "imageHeight": 120,
            "shapes": [{"label": "dent", "shape_type": "rectangle", "points": p} for p in shapes],
        }))
    import_annotations(project_with_images, labelme, "labelme", "Lee")
    assert _names(project_with_images, "Lee") == ({"img0.png", "img1.png"}, {"img0.png"})
    voc = tmp_path / "voc"
    voc.mkdir()
    (voc / "img2.xml").write_text(
        "<annotation><filename>img2.png</filename><size><width>160</width>"
        "<height>120</height><depth>3</depth></size></annotation>"
    )
    import_annotations(project_with_images, voc, "voc", "Vic")
    assert _names(project_with_images, "Vic") == ({"img2.png"}, {"img2.png"})


def test_yolo_empty_txt_is_answered_and_a_missing_txt_is_not(
    tmp_path: Path, project_with_images: Project
) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "classes.txt").write_text("dent\n")
    (labels / "img0.txt").write_text("")
    (labels / "img1.txt").write_text("0 0.5 0.5 0.2 0.2\n")
    import_annotations(project_with_images, labels, "yolo", "Yu")  # no img2.txt
    assert _names(project_with_images, "Yu") == ({"img0.png", "img1.png"}, {"img0.png"})



def test_the_report_counts_the_images_answered(
    tmp_path: Path, project_with_images: Project
) -> None:
    data = {
        "images": [{"id": n, "file_name": f"img{n}.png", "width": 160, "height": 120}
                   for n in range(3)],
        "categories": [{"id": 1, "name": "dent"}],
        "annotations": [],
    }
    path = tmp_path / "coco.json"
    path.write_text(json.dumps(data))
    first = import_annotations(project_with_images, path, "coco", "Ann")
    assert first.answered == 3 and first.to_dict()["answered"] == 3 and first.annotations == 0
    assert import_annotations(project_with_images, path, "coco", "Ann").answered == 0


def test_a_labelme_file_whose_every_shape_was_dropped_is_not_an_empty_answer(
    tmp_path: Path, project_with_images: Project
) -> None:
    folder = tmp_path / "labelme"
    folder.mkdir()
    (folder / "img0.json").write_text(json.dumps({
        "imagePath": "img0.png", "imageWidth": 160, "imageHeight": 120,
        "shapes": [{"label": "crack", "shape_type": "line", "points": [[1, 1], [50, 50]]}],
    }))
    report = import_annotations(project_with_images, folder, "labelme", "Lee")
    assert report.shapes("dropped") == 1
    assert project_with_images.answer_pairs() == []  # Lee drew something unreadable
