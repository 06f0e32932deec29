from __future__ import annotations

from pathlib import Path

import pytest

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats import (
    AnnotationArgumentError,
    ParsedFile,
    iter_annotation_files,
)
from labeler.core.geometry import Box, Polygon

SIZES = {"img1": (200, 100), "img2": (10, 10)}


def _size(stem: str) -> tuple[int, int] | None:
    return SIZES.get(stem)


def _run(path: Path, **kwargs: object) -> list[ParsedFile | AnnotationFormatError]:
    kwargs.setdefault("image_size", _size)
    return list(iter_annotation_files(path, "yolo", **kwargs))  # type: ignore[arg-type]


def _one(path: Path, **kwargs: object) -> ParsedFile | AnnotationFormatError:
    results = _run(path, **kwargs)
    assert len(results) == 1
    return results[0]


def _labels(tmp_path: Path, text: str, stem: str = "img1") -> Path:
    path = tmp_path / f"{stem}.txt"
    path.write_text(text, encoding="utf-8")
    return path


def test_box_and_polygon_to_pixels_with_classes_txt(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("cat\ndog\n", encoding="utf-8")
    path = _labels(tmp_path, "0 0.5 0.5 0.2 0.4\n\n1 0.1 0.1 0.5 0.1 0.5 0.9\n")
    parsed = _one(path)
    assert isinstance(parsed, ParsedFile)
    assert parsed.format == "yolo"
    assert parsed.classes == ["cat", "dog"]
    image = parsed.images[0]
    assert (image.image_ref, image.width, image.height) == ("img1", 200, 100)
    box, poly = image.shapes
    assert box.class_name == "cat"
    assert box.geometry == Box(80, 30, 120, 70)
    assert poly.class_name == "dog"
    assert isinstance(poly.geometry, Polygon)
    flat = [c for point in poly.geometry.points for c in point]
    assert flat == pytest.approx([20, 10, 100, 10, 100, 90])
    assert parsed.warnings == []


def test_confidence_column_becomes_score(tmp_path: Path) -> None:
    parsed = _one(_labels(tmp_path, "0 0.5 0.5 0.2 0.4 0.75\n"), yolo_classes=["a"])
    assert isinstance(parsed, ParsedFile)
    assert parsed.images[0].shapes[0].attributes == {"score": 0.75}


def test_explicit_classes_win_and_data_yaml_dict(tmp_path: Path) -> None:
    (tmp_path / "data.yaml").write_text("path: .\nnames:\n  0: person\n  1: car\n", "utf-8")
    labels = tmp_path / "labels" / "train"
    labels.mkdir(parents=True)
    path = _labels(labels, "1 0.5 0.5 0.5 0.5\n")
    parsed = _one(path)
    assert isinstance(parsed, ParsedFile)
    assert parsed.classes == ["person", "car"]
    assert parsed.images[0].shapes[0].class_name == "car"
    explicit = _one(path, yolo_classes=["x", "y"])
    assert isinstance(explicit, ParsedFile)
    assert explicit.images[0].shapes[0].class_name == "y"


def test_obj_names_and_no_class_list(tmp_path: Path) -> None:
    path = _labels(tmp_path, "2 0.5 0.5 0.5 0.5\n")
    parsed = _one(path)
    assert isinstance(parsed, ParsedFile)
    assert parsed.images[0].shapes[0].class_name == "2"
    assert parsed.classes == ["2"]
    assert any("no class list" in w for w in parsed.warnings)
    (tmp_path / "obj.names").write_text("a\nb\nc\n", encoding="utf-8")
    parsed = _one(path)
    assert isinstance(parsed, ParsedFile)
    assert parsed.images[0].shapes[0].class_name == "c"


def test_empty_label_file_is_an_image_without_shapes(tmp_path: Path) -> None:
    parsed = _one(_labels(tmp_path, ""), yolo_classes=["a"])
    assert isinstance(parsed, ParsedFile)
    assert parsed.images[0].shapes == []


@pytest.mark.parametrize(
    ("text", "location", "fragment"),
    [
        ("0 0.5 0.5 0.2 0.2\n0 0.5 0.5 0.2\n", "line 2", "4 fields"),
        ("0 0.1 0.1 0.2 0.2 0.3 0.3 0.4\n", "line 1", "8 fields"),
        ("\n\n0 0.5 abc 0.2 0.2\n", "line 3", "field 3 'abc' is not a number"),
        ("cat 0.5 0.5 0.2 0.2\n", "line 1", "class index 'cat'"),
        ("0 0.5 0.5 0.2 0.2\n5 0.5 0.5 0.2 0.2\n", "line 2", "class index 5 is out of range"),
        ("0 1.5 0.5 0.2 0.2\n", "line 1", "x_center = 1.5 is outside [0, 1]"),
        ("0 0.5 0.5 0.2 nan\n", "line 1", "is not a number"),
    ],
)
def test_bad_lines_name_their_line(tmp_path: Path, text: str, location: str, fragment: str) -> None:
    (tmp_path / "classes.txt").write_text("a\nb\n", encoding="utf-8")
    error = _one(_labels(tmp_path, text))
    assert isinstance(error, AnnotationFormatError)
    assert error.location == location
    assert fragment in error.reason


def test_small_overshoot_is_clipped(tmp_path: Path) -> None:
    parsed = _one(_labels(tmp_path, "0 0.5 0.5 1.005 1.0\n"), yolo_classes=["a"])
    assert isinstance(parsed, ParsedFile)
    assert parsed.images[0].shapes[0].geometry == Box(0, 0, 200, 100)


def test_zero_area_box_skipped_and_bowtie_repaired(tmp_path: Path) -> None:
    text = "0 0.5 0.5 0 0.2\n0 0 0 1 1 1 0 0 1\n"
    parsed = _one(_labels(tmp_path, text, "img2"), yolo_classes=["a"])
    assert isinstance(parsed, ParsedFile)
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].startswith("line 1:")
    (shape,) = parsed.images[0].shapes
    assert isinstance(shape.geometry, Polygon)
    assert shape.geometry.area == pytest.approx(25.0)


def test_missing_image_is_an_error(tmp_path: Path) -> None:
    error = _one(_labels(tmp_path, "0 0.5 0.5 0.2 0.2\n", "unknown"), yolo_classes=["a"])
    assert isinstance(error, AnnotationFormatError)
    assert "'unknown' is not in the project" in error.reason


def test_image_size_is_required(tmp_path: Path) -> None:
    with pytest.raises(AnnotationArgumentError):
        iter_annotation_files(_labels(tmp_path, ""), "yolo")


def test_folder_skips_class_files_and_reports_each_file(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("a\n", encoding="utf-8")
    _labels(tmp_path, "0 0.5 0.5 0.2 0.2\n", "img1")
    _labels(tmp_path, "0 0.5 0.5 0.2\n", "img2")
    results = _run(tmp_path)
    assert [type(r).__name__ for r in results] == ["ParsedFile", "AnnotationFormatError"]
    assert results[1].path.name == "img2.txt"


def test_malformed_class_file_reported_once(tmp_path: Path) -> None:
    (tmp_path / "classes.txt").write_text("a\n\nb\n", encoding="utf-8")
    _labels(tmp_path, "0 0.5 0.5 0.2 0.2\n", "img1")
    _labels(tmp_path, "0 0.5 0.5 0.2 0.2\n", "img2")
    results = _run(tmp_path)
    assert len(results) == 1
    error = results[0]
    assert isinstance(error, AnnotationFormatError)
    assert error.path.name == "classes.txt"
    assert error.location == "line 2"
