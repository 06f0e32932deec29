from __future__ import annotations

from pathlib import Path

import pytest

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats import ParsedFile, iter_annotation_files
from labeler.core.geometry import Box

GOOD = """<?xml version="1.0" encoding="utf-8"?>
<annotation>
  <folder>VOC2012</folder>
  <filename>2007_000027.jpg</filename>
  <size><width>486</width><height>500</height><depth>3</depth></size>
  <object>
    <name>person</name>
    <pose>Frontal</pose>
    <truncated>0</truncated>
    <difficult>1</difficult>
    <bndbox><xmin>174</xmin><ymin>101</ymin><xmax>349</xmax><ymax>351</ymax></bndbox>
    <part><name>head</name><bndbox><xmin>1</xmin><ymin>1</ymin><xmax>2</xmax><ymax>2</ymax></bndbox></part>
  </object>
  <object>
    <name>dog</name>
    <bndbox><xmin>1</xmin><ymin>1</ymin><xmax>486</xmax><ymax>500.0</ymax></bndbox>
  </object>
</annotation>
"""


def _write(tmp_path: Path, text: str, name: str = "a.xml", encoding: str = "utf-8") -> Path:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def _one(path: Path) -> ParsedFile | AnnotationFormatError:
    results = list(iter_annotation_files(path, "voc"))
    assert len(results) == 1
    return results[0]


def _error(path: Path) -> AnnotationFormatError:
    result = _one(path)
    assert isinstance(result, AnnotationFormatError), result
    return result


def test_good_file_one_based_conversion(tmp_path: Path) -> None:
    parsed = _one(_write(tmp_path, GOOD))
    assert isinstance(parsed, ParsedFile)
    assert parsed.format == "voc"
    assert parsed.classes == ["person", "dog"]
    (image,) = parsed.images
    assert (image.image_ref, image.width, image.height) == ("2007_000027.jpg", 486, 500)
    person, dog = image.shapes
    assert person.class_name == "person"
    assert person.geometry == Box(173, 100, 349, 351)
    assert person.attributes == {"truncated": False, "difficult": True, "pose": "Frontal"}
    assert dog.geometry == Box(0, 0, 486, 500)  # the whole image
    assert parsed.warnings == []


def test_latin1_declared_encoding(tmp_path: Path) -> None:
    text = GOOD.replace("utf-8", "ISO-8859-1").replace("<name>dog</name>", "<name>chat_é</name>")
    parsed = _one(_write(tmp_path, text, encoding="latin-1"))
    assert isinstance(parsed, ParsedFile)
    assert parsed.classes == ["person", "chat_é"]


def test_zero_area_box_skipped_with_warning(tmp_path: Path) -> None:
    text = GOOD.replace("<xmax>349</xmax>", "<xmax>173</xmax>")
    parsed = _one(_write(tmp_path, text))
    assert isinstance(parsed, ParsedFile)
    assert [s.class_name for s in parsed.images[0].shapes] == ["dog"]
    assert parsed.warnings[0].startswith("object[1]:")


def test_doctype_refused(tmp_path: Path) -> None:
    bomb = (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
        '<!ENTITY lol2 "&lol;&lol;&lol;">]>\n<annotation><filename>&lol2;</filename></annotation>'
    )
    error = _error(_write(tmp_path, bomb))
    assert error.location == "line 2 column 1"
    assert "<!DOCTYPE" in error.reason


def test_truncated_xml(tmp_path: Path) -> None:
    error = _error(_write(tmp_path, GOOD[: GOOD.index("<object>", 300)]))
    assert error.location.startswith("line ")
    assert "invalid XML" in error.reason


@pytest.mark.parametrize(
    ("old", "new", "location", "fragment"),
    [
        ("<xmax>349</xmax>", "<xmax>abc</xmax>", "object[1]/bndbox/xmax", "expected a number"),
        ("<ymax>500.0</ymax>", "", "object[2]/bndbox/ymax", "missing required element <ymax>"),
        ("<name>dog</name>", "<name> </name>", "object[2]/name", "empty"),
        ("<filename>2007_000027.jpg</filename>", "", "filename", "missing"),
        ("<width>486</width>", "<width>-4</width>", "size/width", "whole number"),
        ("<annotation>\n", "<annotations>\n", "annotations", "expected <annotation>"),
    ],
)
def test_structural_errors_name_the_element(
    tmp_path: Path, old: str, new: str, location: str, fragment: str
) -> None:
    text = GOOD.replace(old, new)
    if new == "<annotations>\n":
        text = text.replace("</annotation>", "</annotations>")
    error = _error(_write(tmp_path, text))
    assert error.location == location
    assert fragment in error.reason


def test_non_utf8_text(tmp_path: Path) -> None:
    text = GOOD.replace('encoding="utf-8"', "").replace("<name>dog</name>", "<name>chat_é</name>")
    error = _error(_write(tmp_path, text, encoding="latin-1"))
    assert error.location == "line 15 column 16"
    assert "not valid UTF-8" in error.reason


def test_size_zero_means_unknown(tmp_path: Path) -> None:
    text = GOOD.replace("<width>486</width>", "<width>0</width>")
    parsed = _one(_write(tmp_path, text))
    assert isinstance(parsed, ParsedFile)
    assert parsed.images[0].width is None
    assert any("size/width is 0" in w for w in parsed.warnings)
