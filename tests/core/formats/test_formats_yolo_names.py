from __future__ import annotations

from pathlib import Path

import pytest

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats import yolo_classes
from labeler.core.formats.yolo_classes import read_class_file

P = Path("data.yaml")

SAMPLES = [
    (
        "names: [person, 'traffic light', \"stop sign\"]  # comment\n",
        ["person", "traffic light", "stop sign"],
    ),
    ("nc: 2\nnames:\n  - cat  # a comment\n  - 'it''s'\ntrain: images/train\n", ["cat", "it's"]),
    ("names:\n- a\n- b\nval: x\n", ["a", "b"]),
    ("path: ../d\nnames:\n  0: person\n  1: 'a # b'\n\n  2: car\n", ["person", "a # b", "car"]),
    ("names: {0: x, 1: y}\n", ["x", "y"]),
    ("names: [\n  one,\n  two,\n]\n", ["one", "two"]),
]


@pytest.mark.parametrize(("text", "expected"), SAMPLES)
def test_names_as_ultralytics_reads_them(text: str, expected: list[str]) -> None:
    assert yolo_classes.parse_names_yaml(P, text) == expected


@pytest.mark.parametrize(
    ("text", "location", "fragment"),
    [
        ("nc: 3\n", "names", "no top-level 'names:'"),
        ("names: [a, b\n", "line 2", "invalid YAML"),
        ("names: classes.txt\n", "names", "expected a list of class names or a mapping"),
        ("names:\n  0: a\n  2: b\n", "names", "class index 1 is missing"),
        ("names:\n  0: a\n  x: b\n", "names.x", "is not a class index"),
    ],
)
def test_names_errors_name_the_place(text: str, location: str, fragment: str) -> None:
    with pytest.raises(AnnotationFormatError) as info:
        yolo_classes.parse_names_yaml(P, text)
    assert info.value.location.startswith(location)
    assert fragment in info.value.reason


def test_pyyaml_booleans_need_quotes() -> None:
    with pytest.raises(AnnotationFormatError) as info:
        yolo_classes.parse_names_yaml(P, "names: [person, no]\n")
    assert info.value.location == "names[1]"
    assert "quotes" in info.value.reason


def test_pyyaml_syntax_error_has_line() -> None:
    with pytest.raises(AnnotationFormatError) as info:
        yolo_classes.parse_names_yaml(P, "names:\n  - a\n - b: [\n")
    assert info.value.location.startswith("line ")


def test_dataset_yaml_in_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "dataset.yaml").write_text("names: [a, b]\n", encoding="utf-8")
    labels = tmp_path / "train" / "labels"
    labels.mkdir(parents=True)
    resolver = yolo_classes.ClassListResolver(None)
    assert resolver.classes_for(labels / "x.txt") == (["a", "b"], tmp_path / "dataset.yaml")


def test_classes_txt_trailing_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "classes.txt"
    path.write_text(" a \nb\n\n\n", encoding="utf-8")
    assert read_class_file(path) == ["a", "b"]
