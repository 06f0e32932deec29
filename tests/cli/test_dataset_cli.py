"""``labeler export``, ``curate``, ``suggest`` and ``consensus`` through ``labeler.cli.main``."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import pytest

import labeler.cli
from labeler.cli import dataset_commands
from labeler.core.domain import Role
from tests.core.export.helpers import label_with_truth, synth_project


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Callable[..., int]:
    """``labeler.cli.main`` with the dataset commands registered (if the lead has not yet)."""
    original = labeler.cli.build_parser

    def build() -> argparse.ArgumentParser:
        parser = original()
        action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
        if "export" not in action.choices:
            dataset_commands.register(action)
        return parser

    monkeypatch.setattr(labeler.cli, "build_parser", build)
    return lambda *args: labeler.cli.main([str(a) for a in args])


@pytest.fixture
def project_file(tmp_path: Path) -> Path:
    project, samples = synth_project(tmp_path, n=8, unsuitable=True)
    label_with_truth(project, samples[:3], annotator="Vik", organization="Vendor A")
    project.add_person("Rita", Role.REVIEWER)
    path = project.path
    project.close()
    return path


def test_export_json_summary_and_manifest(
    cli: Callable[..., int], project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ds"
    code = cli(
        "export",
        project_file,
        out,
        "--format",
        "yolo",
        "--split",
        "train=0.75,val=0.25",
        "--dedupe",
        "--drop-unsuitable",
        "--copy-images",
        "--json",
    )
    assert code == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["format"] == "yolo"
    assert set(summary["splits"]) == {"train", "val"}
    assert summary["excluded_by_reason"] == {"blurry": 1, "dark": 1, "near_duplicate": 1}
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["vendors"] == ["Vendor A"]
    assert (out / "data.yaml").is_file()


def test_export_human_output_and_errors(
    cli: Callable[..., int], project_file: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "ds"
    assert cli("export", project_file, out, "--format", "coco") == 0
    assert "Exported COCO" in capsys.readouterr().out
    assert cli("export", project_file, out, "--format", "coco") == 2
    assert "not empty" in capsys.readouterr().err
    assert cli("export", project_file, tmp_path / "x", "--format", "voc", "--split", "a=b") == 2
    assert "not a number" in capsys.readouterr().err
    assert not (tmp_path / "x").exists()


def test_export_help_documents_the_default_labels(
    cli: Callable[..., int], capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit):
        cli("export", "--help")
    text = " ".join(capsys.readouterr().out.split())
    assert "--only omitted exports every live annotation" in text


def test_curate_suggest_and_consensus_json(
    cli: Callable[..., int], project_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli("curate", project_file, "--json") == 0
    report = json.loads(capsys.readouterr().out)
    assert report["quality"]["counts"] == {"blurry": 1, "dark": 1}
    assert cli("suggest", project_file, "--n", "5", "--json") == 0
    assert json.loads(capsys.readouterr().out)["suggestions"] == []  # everything is labeled
    assert cli("consensus", project_file, "--json") == 0
    consensus = json.loads(capsys.readouterr().out)
    assert consensus["images_with_several_annotators"] == 3
    assert consensus["unresolved"] == []
    assert cli("curate", project_file) == 0
    assert "Duplicate clusters" in capsys.readouterr().out
