from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats import ParsedFile, iter_annotation_files
from labeler.core.geometry import Box, Polygon


def _doc(*shapes: dict[str, object]) -> dict[str, object]:
    return {
        "version": "5.4.1",
        "flags": {},
        "shapes": list(shapes),
        "imagePath": "../images/0001.jpg",
        "imageData": None,
        "imageHeight": 100,
        "imageWidth": 200,
    }


def _shape(label: str, kind: str | None, points: object, **extra: object) -> dict[str, object]:
    shape: dict[str, object] = {"label": label, "points": points, "group_id": None, "flags": {}}
    if kind is not None:
        shape["shape_type"] = kind
    shape.update(extra)
    return shape


def _write(tmp_path: Path, data: object, name: str = "0001.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _one(path: Path) -> ParsedFile | AnnotationFormatError:
    results = list(iter_annotation_files(path, "labelme"))
    assert len(results) == 1
    return results[0]


def test_rectangles_and_polygons(tmp_path: Path) -> None:
    doc = _doc(
        _shape("car", "rectangle", [[50, 40], [10, 20]], group_id=3),
        _shape("road", "polygon", [[0, 0], [100, 0], [100, 50]]),
        _shape("tree", None, [[0, 0], [10, 0], [10, 10]], flags={"occluded": True}),
    )
    parsed = _one(_write(tmp_path, doc))
    assert isinstance(parsed, ParsedFile)
    assert parsed.format == "labelme"
    assert parsed.classes == ["car", "road", "tree"]
    (image,) = parsed.images
    assert (image.image_ref, image.width, image.height) == ("../images/0001.jpg", 200, 100)
    car, road, tree = image.shapes
    assert car.geometry == Box(10, 20, 50, 40)
    assert car.attributes == {"group_id": 3}
    assert road.geometry == Polygon(((0, 0), (100, 0), (100, 50)))
    assert isinstance(tree.geometry, Polygon)
    assert tree.attributes == {"flags": {"occluded": True}}
    assert parsed.warnings == []


def test_unsupported_types_dropped_and_circles_converted(tmp_path: Path) -> None:
    doc = _doc(
        _shape("car", "rectangle", [[10, 20], [50, 40]]),
        _shape("nose", "point", [[5, 5]]),
        _shape("lane", "line", [[0, 0], [5, 5]]),
        _shape("wheel", "circle", [[20, 20], [25, 20]]),
        _shape("hub", "linestrip", [[0, 0], [5, 5], [9, 2]]),
    )
    parsed = _one(_write(tmp_path, doc))
    assert isinstance(parsed, ParsedFile)
    assert [s.class_name for s in parsed.images[0].shapes] == ["car", "wheel"]
    assert parsed.classes == ["car", "wheel"]
    wheel = parsed.images[0].shapes[1].geometry
    assert isinstance(wheel, Polygon) and len(wheel.points) == 32
    assert wheel.bounds() == pytest.approx((15, 15, 25, 25))
    assert wheel.area == pytest.approx(3.14159 * 25, rel=0.01)
    assert "labelme shape 1 of type 'point' skipped (shapes[1])" in parsed.warnings
    assert parsed.warnings[-1] == (
        "skipped shape types: 1 line, 1 linestrip, 1 point "
        "(only rectangle, polygon and circle are imported)"
    )
    issues = [(i.location, i.action) for i in parsed.shape_issues]
    assert issues == [
        ("shapes[1]", "dropped"),
        ("shapes[2]", "dropped"),
        ("shapes[3]", "altered"),
        ("shapes[4]", "dropped"),
    ]
    assert "'line' is not imported" in parsed.shape_issues[1].reason
    assert "circle imported as a 32-point polygon" in parsed.shape_issues[2].reason


def test_degenerate_and_self_intersecting(tmp_path: Path) -> None:
    doc = _doc(
        _shape("flat", "rectangle", [[10, 10], [10, 50]]),
        _shape("bowtie", "polygon", [[0, 0], [20, 20], [20, 0], [0, 20]]),
    )
    parsed = _one(_write(tmp_path, doc))
    assert isinstance(parsed, ParsedFile)
    (bowtie,) = parsed.images[0].shapes
    assert bowtie.geometry.area == pytest.approx(100.0)
    assert len(parsed.warnings) == 1
    assert parsed.warnings[0].startswith("shapes[0]: shape of class 'flat' skipped")
    assert [(i.location, i.action) for i in parsed.shape_issues] == [
        ("shapes[0]", "dropped"),
        ("shapes[1]", "altered"),
    ]
    assert "no area" in parsed.shape_issues[0].reason
    assert "self-intersecting" in parsed.shape_issues[1].reason


@pytest.mark.parametrize(
    ("shape", "location", "fragment"),
    [
        (_shape("a", "polygon", [[0, 0], [1], [2, 2]]), "shapes[0].points[1]", "[x, y] pair"),
        (_shape("a", "polygon", [[0, 0], [1, "y"], [2, 2]]), "shapes[0].points[1][1]", "number"),
        (_shape("a", "polygon", "0,0 1,1"), "shapes[0].points", "expected a list"),
        ({"points": [[0, 0], [5, 5]], "shape_type": "rectangle"}, "shapes[0].label", "missing"),
        (_shape("a", "rectangle", None), "shapes[0].points", "got null"),
    ],
)
def test_structural_errors_name_the_field(
    tmp_path: Path, shape: dict[str, object], location: str, fragment: str
) -> None:
    error = _one(_write(tmp_path, _doc(shape)))
    assert isinstance(error, AnnotationFormatError)
    assert error.location == location
    assert fragment in error.reason


def test_missing_image_path_and_bad_json(tmp_path: Path) -> None:
    doc = _doc()
    del doc["imagePath"]
    error = _one(_write(tmp_path, doc))
    assert isinstance(error, AnnotationFormatError)
    assert error.location == "imagePath"
    bad = tmp_path / "bad.json"
    bad.write_text('{"shapes": [}', encoding="utf-8")
    error = _one(bad)
    assert isinstance(error, AnnotationFormatError)
    assert error.location == "line 1 column 13"


def test_folder_skips_non_labelme_json(tmp_path: Path) -> None:
    _write(tmp_path, _doc(_shape("car", "rectangle", [[10, 20], [50, 40]])), "a.json")
    _write(tmp_path, {"images": [], "annotations": []}, "coco.json")
    (tmp_path / ".hidden").mkdir()
    _write(tmp_path / ".hidden", _doc(), "c.json")
    results = list(iter_annotation_files(tmp_path, "labelme"))
    assert [r.path.name for r in results] == ["a.json"]
