"""Importing a model run made elsewhere: COCO scored files, COCO results lists, YOLO with conf."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from labeler.core.errors import AnnotationFormatError
from labeler.core.geometry import Box
from labeler.core.prediction_import import (
    PredictionImportError,
    folder_sha256,
    import_predictions,
)
from labeler.core.store import Project

CATEGORIES = [{"id": 1, "name": "scratch"}, {"id": 2, "name": "crack"}, {"id": 7, "name": "rust"}]


def coco_images(names: list[str], size: tuple[int, int] = (160, 120)) -> list[dict[str, object]]:
    return [
        {"id": 10 + i, "file_name": name, "width": size[0], "height": size[1]}
        for i, name in enumerate(names)
    ]


def write_json(path: Path, data: object) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def scored_coco(tmp_path: Path) -> Path:
    """img0: two detections (one of an unknown class), img1: none, ghost.png: not in project."""
    return write_json(
        tmp_path / "preds.json",
        {
            "images": coco_images(["img0.png", "img1.png", "ghost.png"]),
            "categories": CATEGORIES,
            "annotations": [
                {"id": 1, "image_id": 10, "category_id": 1, "bbox": [10, 20, 30, 40], "score": 0.9},
                {"id": 2, "image_id": 10, "category_id": 7, "bbox": [50, 50, 10, 10], "score": 0.8},
                {"id": 3, "image_id": 12, "category_id": 2, "bbox": [1, 1, 5, 5], "score": 0.7},
            ],
        },
    )


def predictions_by_image(
    project: Project, run_id: int
) -> dict[str, list[tuple[str, tuple, float]]]:
    names = {c.id: c.name for c in project.classes()}
    found = {}
    for image in project.images():
        if project.latest_run_for_image(image.id) != run_id:
            continue
        found[image.path.rsplit("/", 1)[-1]] = [
            (names[p.class_id], p.geometry.bounds(), round(p.score, 6))
            for p in project.predictions(image.id, run_id)
        ]
    return found


def test_scored_coco_file_becomes_a_complete_run(
    tmp_path: Path, project_with_images: Project
) -> None:
    project = project_with_images
    path = scored_coco(tmp_path)
    report = import_predictions(project, path, "coco", "detector-v3")
    run = project.model_run(report.run_id)
    assert run.finished_at is not None and run.model_name == "detector-v3"
    assert run.provider == "imported"
    assert run.model_sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert run.image_count == 2  # img0 and img1 (seen, no detections); ghost is not here
    assert predictions_by_image(project, run.id) == {
        "img0.png": [("scratch", (10.0, 20.0, 40.0, 60.0), 0.9)],
        "img1.png": [],
    }
    assert report.predictions == 1 and report.images_with_predictions == 1
    assert report.images_in_files == 3 and report.images_covered == 2
    assert report.predictions_by_class == {"scratch": 1}
    (entry,) = report.files
    assert entry["file"] == str(path)
    assert entry["unmatched_images"] == ["ghost.png"]
    assert entry["unknown_classes"] == {"rust": 1}
    data = report.to_dict()
    assert data["unmatched_images"] == 1 and data["unknown_class_predictions"] == 1


def test_results_list_with_images_file(tmp_path: Path, project_with_images: Project) -> None:
    project = project_with_images
    gt = write_json(
        tmp_path / "gt.json",
        {
            "images": coco_images(["img0.png", "img1.png", "img2.png"]),
            "categories": CATEGORIES,
            "annotations": [],
        },
    )
    results = write_json(
        tmp_path / "results.json",
        [
            {"image_id": 11, "category_id": 2, "bbox": [5.5, 6.5, 20, 10], "score": 0.42},
            {"image_id": 11, "category_id": 1, "bbox": [60, 60, 40, 30], "score": 0.99},
        ],
    )
    report = import_predictions(project, results, "coco", "detector", coco_images=gt)
    assert report.images_covered == 3 and report.files == []
    assert predictions_by_image(project, report.run_id) == {
        "img0.png": [],
        "img1.png": [
            ("scratch", (60.0, 60.0, 100.0, 90.0), 0.99),
            ("crack", (5.5, 6.5, 25.5, 16.5), 0.42),
        ],
        "img2.png": [],
    }


def test_results_list_needs_images_file(tmp_path: Path, project_with_images: Project) -> None:
    results = write_json(tmp_path / "results.json", [])
    with pytest.raises(PredictionImportError, match="--coco-images"):
        import_predictions(project_with_images, results, "coco", "m")


def test_results_list_error_names_the_entry(tmp_path: Path, project_with_images: Project) -> None:
    gt = write_json(
        tmp_path / "gt.json", {"images": coco_images(["img0.png"]), "categories": CATEGORIES}
    )
    results = write_json(
        tmp_path / "results.json",
        [{"image_id": 10, "category_id": 1, "bbox": [1, 2, 3], "score": 0.5}],
    )
    with pytest.raises(AnnotationFormatError) as caught:
        import_predictions(project_with_images, results, "coco", "m", coco_images=gt)
    assert caught.value.location == "[0].bbox" and caught.value.path == results
    assert project_with_images.model_runs() == []


@pytest.mark.parametrize(
    ("annotation", "location", "reason"),
    [
        (
            {"image_id": 10, "category_id": 1, "bbox": [1, 1, 5, 5]},
            "annotations[1].score",
            "missing 'score'",
        ),
        (
            {"image_id": 10, "category_id": 1, "bbox": [1, 1, 5, 5], "score": "high"},
            "annotations[1].score",
            "expected a number",
        ),
        (
            {"image_id": 10, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 1.5},
            "annotations[1].score",
            "outside [0, 1]",
        ),
        (
            {"image_id": 99, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 0.5},
            "annotations[1].image_id",
            "does not match",
        ),
    ],
)
def test_bad_field_is_named_and_nothing_is_stored(
    tmp_path: Path, project_with_images: Project, annotation: dict, location: str, reason: str
) -> None:
    good = {"image_id": 10, "category_id": 1, "bbox": [1, 1, 5, 5], "score": 0.5}
    path = write_json(
        tmp_path / "p.json",
        {
            "images": coco_images(["img0.png"]),
            "categories": CATEGORIES,
            "annotations": [good, annotation],
        },
    )
    with pytest.raises(AnnotationFormatError) as caught:
        import_predictions(project_with_images, path, "coco", "m")
    assert caught.value.location == location and reason in caught.value.reason
    assert project_with_images.model_runs() == [] and project_with_images.prediction_count() == 0


def test_nothing_matched_is_an_error(tmp_path: Path, project_with_images: Project) -> None:
    path = write_json(
        tmp_path / "p.json",
        {"images": coco_images(["other.png"]), "categories": CATEGORIES, "annotations": []},
    )
    with pytest.raises(PredictionImportError, match="none of its 1 images is in the project"):
        import_predictions(project_with_images, path, "coco", "m")
    assert project_with_images.model_runs() == []


def test_size_mismatch_is_skipped_and_reported(
    tmp_path: Path, project_with_images: Project
) -> None:
    wrong_size = {"id": 50, "file_name": "img1.png", "width": 320, "height": 240}
    images = [*coco_images(["img0.png"]), wrong_size]
    path = write_json(
        tmp_path / "p.json", {"images": images, "categories": CATEGORIES, "annotations": []}
    )
    report = import_predictions(project_with_images, path, "coco", "m")
    assert report.images_covered == 1
    assert report.files[0]["size_mismatches"] == [
        {"image": "img1.png", "size_in_file": [320, 240], "size_in_project": [160, 120]}
    ]


def test_same_file_twice_is_refused(tmp_path: Path, project_with_images: Project) -> None:
    path = scored_coco(tmp_path)
    first = import_predictions(project_with_images, path, "coco", "m")
    with pytest.raises(
        PredictionImportError, match=f"already imported as model run {first.run_id}"
    ):
        import_predictions(project_with_images, path, "coco", "m")
    second = import_predictions(project_with_images, path, "coco", "m-again")
    assert second.run_id != first.run_id


def test_failure_while_storing_leaves_nothing(
    tmp_path: Path, project_with_images: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    project = project_with_images
    original = project.add_predictions
    calls = []

    def failing(run_id: int, image_id: int, predictions: list) -> int:
        calls.append(image_id)
        if len(calls) == 2:
            raise OSError("disk full")
        return original(run_id, image_id, predictions)

    monkeypatch.setattr(project, "add_predictions", failing)
    with pytest.raises(OSError):
        import_predictions(project, scored_coco(tmp_path), "coco", "m")
    assert project.model_runs() == [] and project.prediction_count() == 0


def write_yolo(
    folder: Path, files: dict[str, str], classes: str | None = "scratch\ncrack\n"
) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    if classes is not None:
        (folder / "classes.txt").write_text(classes, encoding="utf-8")
    return folder


def test_yolo_with_confidence(tmp_path: Path, project_with_images: Project) -> None:
    project = project_with_images
    folder = write_yolo(
        tmp_path / "labels",
        {
            "img0.txt": "1 0.5 0.5 0.25 0.5 0.875\n0 0.125 0.25 0.25 0.5 0.5\n",
            "img1.txt": "",  # seen, no detections
            "elsewhere.txt": "0 0.5 0.5 0.1 0.1 0.9\n",
        },
    )  # img2 has no file: not seen
    report = import_predictions(project, folder, "yolo", "yolo11n")
    run = project.model_run(report.run_id)
    assert run.image_count == 2
    files = sorted(folder.glob("*.txt"))
    labels = [f for f in files if f.name != "classes.txt"]
    assert run.model_sha256 == folder_sha256(folder, labels)
    assert predictions_by_image(project, run.id) == {
        "img0.png": [
            ("crack", (60.0, 30.0, 100.0, 90.0), 0.875),
            ("scratch", (0.0, 0.0, 40.0, 60.0), 0.5),
        ],
        "img1.png": [],
    }
    assert report.files[0]["file"] == str(folder / "elsewhere.txt")
    assert report.files[0]["unmatched_images"] == ["elsewhere"]


def test_yolo_line_without_confidence_is_refused(
    tmp_path: Path, project_with_images: Project
) -> None:
    folder = write_yolo(
        tmp_path / "labels", {"img0.txt": "0 0.5 0.5 0.2 0.2 0.9\n0 0.5 0.5 0.2 0.2\n"}
    )
    with pytest.raises(AnnotationFormatError) as caught:
        import_predictions(project_with_images, folder, "yolo", "m")
    assert caught.value.location == "line 2" and "confidence" in caught.value.reason
    assert project_with_images.model_runs() == []


def test_yolo_needs_a_class_list(tmp_path: Path, project_with_images: Project) -> None:
    folder = write_yolo(tmp_path / "labels", {"img0.txt": ""}, classes=None)
    with pytest.raises(PredictionImportError, match="--yolo-classes"):
        import_predictions(project_with_images, folder, "yolo", "m")
    report = import_predictions(
        project_with_images, folder, "yolo", "m", yolo_classes=["dent", "scratch"]
    )
    assert report.images_covered == 1


def test_unknown_format_and_empty_name(tmp_path: Path, project_with_images: Project) -> None:
    path = scored_coco(tmp_path)
    with pytest.raises(PredictionImportError, match="format 'voc'"):
        import_predictions(project_with_images, path, "voc", "m")
    with pytest.raises(PredictionImportError, match="model-name"):
        import_predictions(project_with_images, path, "coco", "  ")


def test_class_names_match_ignoring_case(tmp_path: Path, project_with_images: Project) -> None:
    path = write_json(
        tmp_path / "p.json",
        {
            "images": coco_images(["img0.png"]),
            "categories": [{"id": 1, "name": "Scratch"}],
            "annotations": [{"image_id": 10, "category_id": 1, "bbox": [0, 0, 9, 9], "score": 1}],
        },
    )
    report = import_predictions(project_with_images, path, "coco", "m")
    assert report.predictions_by_class == {"scratch": 1}
    assert project_with_images.predictions(
        project_with_images.find_image("img0.png").id, report.run_id
    )[0].geometry == Box(0, 0, 9, 9)


def test_results_list_reports_against_the_file_at_fault(
    tmp_path: Path, project_with_images: Project
) -> None:
    gt = write_json(
        tmp_path / "gt.json",
        {"images": coco_images(["img0.png", "ghost.png"]), "categories": CATEGORIES},
    )
    results = write_json(
        tmp_path / "results.json",
        [
            {"image_id": 10, "category_id": 1, "bbox": [5, 5, 20, 20], "score": 0.9},
            {"image_id": 10, "category_id": 1, "bbox": [5, 5, -3, 20], "score": 0.8},
        ],
    )
    report = import_predictions(project_with_images, results, "coco", "m", coco_images=gt)
    files = {entry["file"]: entry for entry in report.files}
    assert files[str(gt)]["unmatched_images"] == ["ghost.png"]  # listed by the images file
    [warning] = files[str(results)]["warnings"]
    assert warning.startswith("[1]: bbox") and "negative width" in warning
    assert report.predictions == 1
