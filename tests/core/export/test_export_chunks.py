"""Reading and clustering images a run at a time exports exactly what one pass does."""

from __future__ import annotations

from pathlib import Path

from labeler.core.export import ExportOptions, export_dataset, pipeline
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
