"""Exported files do not depend on the language of the person who exported them.

The same export made while labeler speaks Korean and while it speaks English is
byte-identical, manifest included: quality reasons (a blurry and a dark image dropped as
unsuitable) are written with their stable code and the English reason; the screen shows
the reason in the reader's language (``text``).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from labeler.core.curation.quality import QualityConfig, check_quality
from labeler.core.curation.stats import ImageRef
from labeler.core.export import ExportOptions, export_dataset
from labeler.core.geometry import Box
from labeler.core.i18n import set_language
from labeler.core.store import Project
from tests.core.export.helpers import label_with_truth, synth_project


@pytest.fixture
def language() -> Iterator[None]:
    """Each test chooses its language; afterwards LABELER_LANG (en) applies again."""
    yield
    set_language(None)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _project(tmp_path: Path) -> Project:
    """Unsuitable images (blurry, dark, duplicates), two annotators, a model run."""
    project, samples = synth_project(tmp_path, n=10, unsuitable=True)
    label_with_truth(project, samples[3:], annotator="Vik")
    run = project.start_model_run("e" * 64, "demo", {"conf": 0.25}, "cpu")
    other = project.classes()[1].id
    for record in project.images()[:8]:
        shapes = [(a.class_id, a.geometry, 0.9) for a in project.annotations(image_id=record.id)]
        project.add_predictions(run.id, record.id, [*shapes[1:], (other, Box(1, 1, 40, 30), 0.96)])
    project.finish_model_run(run.id)
    return project


@pytest.mark.parametrize("fmt", ["coco", "yolo", "voc", "csv"])
def test_an_export_in_korean_is_byte_identical_to_english(
    tmp_path: Path, language: None, fmt: str
) -> None:
    project = _project(tmp_path)
    options = ExportOptions(
        format=fmt,
        splits={"train": 0.7, "val": 0.3},
        dedupe=True,
        drop_unsuitable=True,
        quality=QualityConfig(max_aspect=1.2),  # the 320x240 images' 1.3:1 is "odd" here
    )
    with project:
        set_language("en")
        export_dataset(project, tmp_path / "en", options)
        set_language("ko")
        export_dataset(project, tmp_path / "ko", options)
    english, korean = _files(tmp_path / "en"), _files(tmp_path / "ko")
    assert english.keys() == korean.keys()
    for name in english:
        assert english[name] == korean[name], name
    text = english["manifest.json"].decode("utf-8")
    assert "odd aspect ratio 1.3:1 (limit 1.2:1)" in text  # the reasons, in English
    assert "blurry: variance of Laplacian" in text and "too dark: 95% of pixels" in text
    assert not any(0xAC00 <= ord(c) <= 0xD7A3 for c in text)
    manifest = json.loads(text)
    assert manifest  # a real manifest, not an empty file


def test_a_quality_issue_has_an_english_message_and_a_translated_text(language: None) -> None:
    set_language("ko")
    ref = ImageRef(3, Path("tiny.png"), "0" * 64, 20, 16)
    report = check_quality([ref], None, QualityConfig(max_aspect=None))
    [issue] = report.issues
    english = "too small: 20x16, shorter side under 32 px"
    assert issue.message == english and issue.text != english
    assert any(0xAC00 <= ord(c) <= 0xD7A3 for c in issue.text)  # the screen's text: Korean
    assert issue.to_dict() == {
        "image_id": 3,
        "check": "too_small",
        "value": 16.0,
        "limit": 32.0,
        "message": english,
    }
    [shown] = report.to_dict()["issues"]  # what the app, the CLI and the report show
    assert shown["message"] == english and shown["text"] == issue.text
