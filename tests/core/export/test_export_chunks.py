"""Reading, clustering and writing images a run at a time exports exactly what one pass does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.core.domain import Role
from labeler.core.export import ExportOptions, export_dataset, pipeline
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.core.export.helpers import label_with_truth, synth_project


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file()}


def test_chunked_export_is_byte_identical(tmp_path: Path, monkeypatch) -> None:
    project, samples = synth_project(tmp_path, n=9)
    label_with_truth(project, samples[2:], annotator="Vik")  # two annotators on 7 images
    with project:
        options = ExportOptions(format="coco", splits={"train": 0.7, "val": 0.3})
        export_dataset(project, tmp_path / "whole", options)
        monkeypatch.setattr(pipeline, "SELECT_CHUNK", 2)  # runs of two images
        export_dataset(project, tmp_path / "chunks", options)
    assert _files(tmp_path / "whole") == _files(tmp_path / "chunks")


@pytest.fixture(scope="module")
def busy(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Two annotators, a model run, reviews, a negative, an unanswered image, a name clash."""
    tmp_path = tmp_path_factory.mktemp("busy")
    project, samples = synth_project(tmp_path, n=12)
    label_with_truth(project, samples[3:], annotator="Vik", organization="Vendor A")
    images = project.images()
    ana = project.person_by_name("Ana")
    vik = project.person_by_name("Vik")
    assert ana is not None and vik is not None
    for a in project.annotations(image_id=images[0].id):  # answered with nothing drawn
        project.delete_annotation(a.id)
    project.mark_answered(images[0].id, ana.id)
    for a in project.annotations(image_id=images[1].id):  # nobody's answer: excluded
        project.delete_annotation(a.id)
    reviewer = project.add_person("Rita", Role.REVIEWER)
    project.add_review("image", images[4].id, reviewer.id, "accept")
    project.add_review("image", images[5].id, reviewer.id, "reject", "blurry")
    first = project.annotations(image_id=images[6].id)
    project.add_review("annotation", first[0].id, reviewer.id, "reject", "<b>loose</b> [/]")
    project.add_review("annotation", first[-1].id, reviewer.id, "accept")
    run = project.start_model_run("e" * 64, "demo", {"conf": 0.25}, "cpu")
    for record in images[:9]:
        shapes = [(a.class_id, a.geometry, 0.9) for a in project.annotations(image_id=record.id)]
        other = project.classes()[1].id
        project.add_predictions(run.id, record.id, [*shapes[1:], (other, Box(1, 1, 40, 30), 0.96)])
    project.finish_model_run(run.id)
    return project


@pytest.mark.parametrize(
    "settings",
    [
        {"format": "coco"},
        {"format": "yolo", "splits": {"train": 0.6, "val": 0.2, "test": 0.2}},
        {"format": "voc", "only": "consensus", "unresolved": "drop"},
        {"format": "csv", "unresolved": "keep"},
        {"format": "csv", "only": "reviewed", "splits": {"train": 0.5, "val": 0.5}},
    ],
)
def test_every_format_is_byte_identical_in_runs_of_images(
    busy: Project, tmp_path: Path, monkeypatch, settings: dict
) -> None:
    options = ExportOptions(**settings)
    whole = export_dataset(busy, tmp_path / "whole", options)
    monkeypatch.setattr(pipeline, "SELECT_CHUNK", 2)
    export_dataset(busy, tmp_path / "runs", options)
    assert _files(tmp_path / "whole") == _files(tmp_path / "runs")
    manifest = whole.manifest
    assert manifest == json.loads((tmp_path / "whole" / "manifest.json").read_text("utf-8"))
    if settings.get("only", "all") == "all":
        assert manifest["label_issues"]["images_checked"] >= 7
        assert manifest["label_issues"]["counts"]
        reasons = {e["image_id"]: e["reason_codes"] for e in manifest["excluded"]}
        assert ["not_answered"] in reasons.values()
    assert manifest["counts"]["images"] == sum(
        c["images"] for c in manifest["splits"]["counts"].values()
    )
