from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats import ParsedFile, iter_annotation_files
from labeler.core.geometry import Box, Polygon


def _coco(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "images": [
            {"id": 1, "file_name": "a.jpg", "width": 200, "height": 100},
            {"id": 2, "file_name": "sub/b.jpg", "width": 50, "height": 50},
        ],
        "categories": [{"id": 7, "name": "cat"}, {"id": 3, "name": "dog"}],
        "annotations": [
            {"id": 1, "image_id": 1, "category_id": 7, "bbox": [10, 20, 30, 40], "iscrowd": 0},
            {
                "id": 2,
                "image_id": 1,
                "category_id": 3,
                "bbox": [0, 0, 10, 10],
                "segmentation": [[0, 0, 10, 0, 10, 10, 0, 10]],
                "score": 0.9,
            },
        ],
    }
    data.update(overrides)
    return data


def _write(tmp_path: Path, data: object, name: str = "instances.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _parse(path: Path) -> ParsedFile:
    results = list(iter_annotation_files(path, "coco"))
    assert len(results) == 1
    result = results[0]
    assert isinstance(result, ParsedFile), result
    return result


def _error(path: Path) -> AnnotationFormatError:
    results = list(iter_annotation_files(path, "coco"))
    assert len(results) == 1
    assert isinstance(results[0], AnnotationFormatError), results[0]
    return results[0]


def test_good_file_boxes_polygons_and_classes(tmp_path: Path) -> None:
    parsed = _parse(_write(tmp_path, _coco()))
    assert parsed.format == "coco"
    assert parsed.classes == ["cat", "dog"]
    assert [i.image_ref for i in parsed.images] == ["a.jpg", "sub/b.jpg"]
    first = parsed.images[0]
    assert (first.width, first.height) == (200, 100)
    assert first.shapes[0].class_name == "cat"
    assert first.shapes[0].geometry == Box(10, 20, 40, 60)
    assert first.shapes[0].attributes == {"iscrowd": False}
    assert first.shapes[1].class_name == "dog"
    assert isinstance(first.shapes[1].geometry, Polygon)
    assert first.shapes[1].geometry.points == ((0, 0), (10, 0), (10, 10), (0, 10))
    assert first.shapes[1].attributes == {"score": 0.9}
    assert parsed.images[1].shapes == []
    assert parsed.warnings == []


def test_rle_segmentation_imported_as_bbox_and_counted(tmp_path: Path) -> None:
    rle = {"counts": [0, 5, 10], "size": [100, 200]}
    ann = {"image_id": 1, "category_id": 7, "bbox": [1, 2, 3, 4], "segmentation": rle}
    parsed = _parse(_write(tmp_path, _coco(annotations=[ann, ann])))
    assert [s.geometry for s in parsed.images[0].shapes] == [Box(1, 2, 4, 6)] * 2
    assert any(w.startswith("rle_as_box: 2") for w in parsed.warnings)


def test_zero_area_box_skipped_with_warning(tmp_path: Path) -> None:
    anns = [
        {"image_id": 1, "category_id": 7, "bbox": [10, 10, 0, 5]},
        {"image_id": 1, "category_id": 7, "bbox": [10, 10, 5, 5]},
    ]
    parsed = _parse(_write(tmp_path, _coco(annotations=anns)))
    assert len(parsed.images[0].shapes) == 1
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].startswith("annotations[0]:")
    assert "no area" in parsed.warnings[0]


def test_self_intersecting_polygon_repaired(tmp_path: Path) -> None:
    bowtie = [0, 0, 20, 20, 20, 0, 0, 20]  # crosses itself at (10, 10)
    ann = {"image_id": 1, "category_id": 7, "bbox": [0, 0, 20, 20], "segmentation": [bowtie]}
    parsed = _parse(_write(tmp_path, _coco(annotations=[ann])))
    geometry = parsed.images[0].shapes[0].geometry
    assert isinstance(geometry, Polygon)
    assert geometry.area == pytest.approx(100.0)


def test_multi_part_polygon_keeps_largest(tmp_path: Path) -> None:
    small = [0, 0, 2, 0, 2, 2, 0, 2]
    big = [10, 10, 30, 10, 30, 30, 10, 30]
    ann = {"image_id": 1, "category_id": 7, "bbox": [0, 0, 30, 30], "segmentation": [small, big]}
    parsed = _parse(_write(tmp_path, _coco(annotations=[ann])))
    assert parsed.images[0].shapes[0].geometry.bounds() == (10, 10, 30, 30)
    assert any("2 polygon parts" in w for w in parsed.warnings)


def test_invalid_json_reports_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "bad.json"
    path.write_text('{\n  "images": [\n    {"id": 1,,}\n  ]\n}\n', encoding="utf-8")
    error = _error(path)
    assert error.location == "line 3 column 14"
    assert "invalid JSON" in error.reason


@pytest.mark.parametrize(
    ("overrides", "location", "fragment"),
    [
        ({"categories": None}, "categories", "expected a list, got null"),
        ({"images": [{"id": 1}]}, "images[0].file_name", "missing required key 'file_name'"),
        ({"images": [{"id": 1, "file_name": 5}]}, "images[0].file_name", "expected a string"),
        (
            {"images": [{"id": 1, "file_name": "a", "width": "wide"}]},
            "images[0].width",
            "expected a number",
        ),
        (
            {"annotations": [{"image_id": 1, "category_id": 7, "bbox": [1, 2, "3", 4]}]},
            "annotations[0].bbox[2]",
            "expected a number, got a string",
        ),
        (
            {"annotations": [{"image_id": 1, "category_id": 7, "bbox": [1, 2, 3]}]},
            "annotations[0].bbox",
            "expected 4 numbers",
        ),
        (
            {"annotations": [{"image_id": 9, "category_id": 7, "bbox": [1, 2, 3, 4]}]},
            "annotations[0].image_id",
            "does not match",
        ),
        (
            {"annotations": [{"image_id": 1, "category_id": 99, "bbox": [1, 2, 3, 4]}]},
            "annotations[0].category_id",
            "categories",
        ),
        (
            {"annotations": [{"image_id": 1, "category_id": 7}]},
            "annotations[0].bbox",
            "missing required key 'bbox'",
        ),
        (
            {"annotations": [{"image_id": 1, "category_id": 7, "segmentation": [[1, 2, 3]]}]},
            "annotations[0].segmentation[0]",
            "even number",
        ),
        (
            {"categories": [{"id": 1, "name": "a"}, {"id": 1, "name": "b"}]},
            "categories[1].id",
            "already used",
        ),
    ],
)
def test_structural_errors_name_the_field(
    tmp_path: Path, overrides: dict[str, object], location: str, fragment: str
) -> None:
    error = _error(_write(tmp_path, _coco(**overrides)))
    assert error.location == location
    assert fragment in error.reason


def test_missing_images_key(tmp_path: Path) -> None:
    data = _coco()
    del data["images"]
    error = _error(_write(tmp_path, data))
    assert error.location == "images"
    assert "missing required key 'images'" in error.reason


def test_top_level_not_an_object(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, [1, 2]))
    assert error.location == "top level"


def test_folder_keeps_only_coco_json(tmp_path: Path) -> None:
    _write(tmp_path, _coco(), "a.json")
    _write(tmp_path, {"shapes": [], "imagePath": "x.jpg"}, "labelme.json")
    (tmp_path / "deep").mkdir()
    _write(tmp_path / "deep", _coco(), "b.json")
    results = list(iter_annotation_files(tmp_path, "coco"))
    assert [r.path.name for r in results if isinstance(r, ParsedFile)] == ["a.json", "b.json"]
