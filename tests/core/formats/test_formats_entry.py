from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats import (
    AnnotationArgumentError,
    ParsedFile,
    ParsedShape,
    _common,
    iter_annotation_files,
)
from labeler.core.geometry import Box


def _labelme(tmp_path: Path, name: str = "a.json") -> Path:
    path = tmp_path / name
    doc = {
        "imagePath": "a.jpg",
        "shapes": [{"label": "x", "points": [[0, 0], [5, 5]], "shape_type": "rectangle"}],
    }
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_unknown_format_raises_value_error_at_call(tmp_path: Path) -> None:
    with pytest.raises(AnnotationArgumentError) as info:
        iter_annotation_files(tmp_path, "COCO")
    assert isinstance(info.value, ValueError)
    assert isinstance(info.value, AnnotationFormatError)
    assert "expected one of coco, yolo, voc, labelme" in info.value.reason


def test_missing_path_raises(tmp_path: Path) -> None:
    with pytest.raises(AnnotationArgumentError, match="no such file"):
        iter_annotation_files(tmp_path / "nope.json", "coco")


def test_file_size_cap(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _labelme(tmp_path)
    monkeypatch.setattr(_common, "MAX_FILE_BYTES", 10)
    (error,) = iter_annotation_files(path, "labelme")
    assert isinstance(error, AnnotationFormatError)
    assert "refused" in error.reason


def test_non_utf8_json_and_bom(tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_bytes(b'{"imagePath": "caf\xe9.jpg",\n "shapes": []}')
    (error,) = iter_annotation_files(bad, "labelme")
    assert isinstance(error, AnnotationFormatError)
    assert error.location == "line 1 column 19"
    assert "not valid UTF-8" in error.reason
    bom = tmp_path / "bom.json"
    bom.write_bytes(b"\xef\xbb\xbf" + _labelme(tmp_path).read_bytes())
    (parsed,) = iter_annotation_files(bom, "labelme")
    assert isinstance(parsed, ParsedFile)


def test_errors_do_not_stop_the_folder(tmp_path: Path) -> None:
    _labelme(tmp_path, "a.json")
    (tmp_path / "b.json").write_text("{", encoding="utf-8")
    _labelme(tmp_path, "c.json")
    results = list(iter_annotation_files(tmp_path, "labelme"))
    assert [(r.path.name, isinstance(r, ParsedFile)) for r in results] == [
        ("a.json", True),
        ("b.json", False),
        ("c.json", True),
    ]


def test_parsed_shape_is_hashable_with_default_attributes() -> None:
    shape = ParsedShape("a", Box(0, 0, 1, 1))
    assert shape.attributes == {}
    assert hash(shape) == hash(ParsedShape("a", Box(0, 0, 1, 1), {"x": 1}))
