"""The demo project exports in every format, its problem images handled as configured."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from pycocotools.coco import COCO

from labeler.core.export import ExportOptions, export_dataset
from labeler.core.store import Project
from labeler.demo.build import build_demo

N_IMAGES = 12


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo: two annotators who disagree, and its unsuitable images (duplicates, blurry,
    dark) labeled like the others."""
    folder = tmp_path_factory.mktemp("demo")
    return build_demo(folder, n_images=N_IMAGES, log=lambda _message: None)


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["coco", "yolo", "voc", "csv"])
def test_demo_exports_with_every_exclusion_explained(demo: Path, tmp_path: Path, fmt: str) -> None:
    options = ExportOptions(
        format=fmt, splits={"train": 0.8, "val": 0.2}, dedupe=True, drop_unsuitable=True
    )
    with Project.open(demo) as project:
        result = export_dataset(project, tmp_path / fmt, options)
        total = project.image_count()
    manifest = json.loads((tmp_path / fmt / "manifest.json").read_text())
    codes = {c for e in manifest["excluded"] for c in e["reason_codes"]}
    assert {"blurry", "dark", "near_duplicate"} <= codes
    assert manifest["counts"]["images"] + len(manifest["excluded"]) == total
    for entry in manifest["unresolved"]:
        assert entry["action"] == "image excluded"
        assert entry["image_id"] in {e["image_id"] for e in manifest["excluded"]}
    assert result.summary()["splits"]["train"]["images"] > 0
    if fmt == "coco":
        coco = COCO(str(tmp_path / fmt / "annotations" / "instances_train.json"))
        assert coco.getAnnIds()
