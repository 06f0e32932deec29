"""``labeler agreement`` and ``labeler disagreements`` on a real project file."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from labeler.cli import analysis_commands
from labeler.core.errors import LabelerError
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.agreement.labeled import DENT, SCRATCH, label_project
from tests.core.conftest import write_image


def run(argv: list[str]) -> int:
    """Parse and run like ``labeler`` does (the analysis commands registered alone)."""
    parser = argparse.ArgumentParser(prog="labeler")
    analysis_commands.register(parser.add_subparsers(dest="command", required=True))
    args = parser.parse_args(argv)
    return int(args.handler(args) or 0)


@pytest.fixture
def project_file(tmp_path: Path) -> str:
    for i in range(3):
        write_image(tmp_path / "images" / f"img{i}.png", seed=i)
    with Project.create(tmp_path / "p.labeler", ["scratch", "crack", "dent"]) as project:
        assert import_images(project, [tmp_path / "images"]).added == 3
        labeled = label_project(project)
        run_ = project.start_model_run("0" * 64, "detector", {}, "cpu")
        predictions = [(SCRATCH, Box(20, 20, 60, 60), 0.9), (DENT, Box(100, 0, 140, 30), 0.7)]
        project.add_predictions(run_.id, labeled.images[1], predictions)
        project.finish_model_run(run_.id)
        return str(project.path)


def test_agreement_json(project_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agreement", project_file, "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["annotators"] == ["alice", "bob", "carol"]
    assert data["iou_threshold"] == 0.5 and data["images_compared"] == 2
    assert data["objects"]["pairs"][0]["f1"]["value"] == pytest.approx(6 / 7, abs=1e-6)
    assert {p["name"] for p in data["people"]} == {"alice", "bob", "carol"}
    assert [v["guideline_version"] for v in data["guideline_versions"]] == ["v1", "v2"]
    assert data["tags"]["per_class"][0]["class"] == "blurry"
    carol = next(p for p in data["people"] if p["name"] == "carol")
    assert carol["median_seconds_per_image"]["value"] is None


def test_agreement_table(project_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["agreement", project_file, "--iou", "0.3"]) == 0
    out = capsys.readouterr().out
    assert "Fleiss' kappa" in out and "Objects" in out and "alice / bob" in out
    assert "n/a" in out  # carol's speed (no timed images); tables wrap on narrow terminals


def test_disagreements_between_json(project_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["disagreements", project_file, "--between", "alice", "carol", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["comparison"] == {"kind": "annotators", "a": "alice", "b": "carol"}
    assert data["total"] == 4 == len(data["disagreements"])
    assert data["by_type"] == {"class_mismatch": 1, "tag_mismatch": 1, "missing": 1, "extra": 1}
    first = data["disagreements"][0]
    assert first["image"].endswith(".png") and first["a"] == "alice"


def test_disagreements_with_model(project_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["disagreements", project_file, "--model", "1", "--json", "--limit", "1"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["comparison"]["kind"] == "model" and data["comparison"]["a"] == "consensus"
    assert data["total"] == 2 and len(data["disagreements"]) == 1
    worst = data["disagreements"][0]
    assert (worst["type"], worst["a_class"], worst["b_class"]) == (
        "class_mismatch",
        "dent",
        "scratch",
    )
    assert worst["score"] == 0.9 == worst["severity"]
    assert run(["disagreements", project_file, "--model", "1"]) == 0
    assert "2 disagreements (class_mismatch 1, extra 1)" in capsys.readouterr().out


def test_disagreements_all_pairs_table(
    project_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["disagreements", project_file, "--limit", "2"]) == 0
    out = capsys.readouterr().out
    assert "10 disagreements" in out and "8 more (use --limit or --json)" in out


def test_user_errors_name_the_problem(project_file: str, tmp_path: Path) -> None:
    with pytest.raises(LabelerError, match="no person named 'zed'"):
        run(["disagreements", project_file, "--between", "alice", "zed"])
    with pytest.raises(LabelerError, match="no model run with id 7"):
        run(["disagreements", project_file, "--model", "7"])
    with pytest.raises(LabelerError, match="--annotator goes with --model"):
        run(["disagreements", project_file, "--annotator", "alice"])
    with pytest.raises(LabelerError, match="no such project file"):
        run(["agreement", str(tmp_path / "missing.labeler")])
    with pytest.raises(SystemExit):
        run(["agreement", project_file, "--iou", "1.5"])


def test_disagreements_with_consensus(
    project_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["disagreements", project_file, "--consensus", "carol", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["comparison"] == {"kind": "consensus", "a": "carol", "b": "consensus of others"}
    assert data["total"] == 5


def test_diagnose_json(project_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diagnose", project_file, "--model", "1", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["run"]["id"] == 1 and data["truth"] == "reviewed or consensus"
    assert data["images"] == 1 and data["predictions"] == 2
    assert set(data["metrics"]) >= {"AP", "AP50", "AP75", "AR100"}
    assert data["confusion_matrix"]["labels"] == ["scratch", "crack", "dent", "background"]
    assert data["false_positives"]["total"] == len(data["false_positives"]["items"]) == 2
    worst = data["false_positives"]["items"][0]
    assert (worst["reason"], worst["class"], worst["other_class"]) == (
        "wrong_class",
        "scratch",
        "dent",
    )
    assert data["false_positives"]["items"][1]["reason"] == "background"


def test_diagnose_table_and_truth(project_file: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["diagnose", project_file, "--model", "1", "--truth", "carol"]) == 0
    out = capsys.readouterr().out
    assert "against annotator carol labels" in out and "mAP@[.5:.95]" in out
    assert "Confusion matrix" in out and "False negatives" in out


def test_diagnose_errors(project_file: str) -> None:
    with pytest.raises(LabelerError, match=r"no model run with id 7 \(runs: 1 \(detector\)\)"):
        run(["diagnose", project_file, "--model", "7"])
    with pytest.raises(LabelerError, match="no person named 'zed'"):
        run(["diagnose", project_file, "--model", "1", "--truth", "zed"])
    with pytest.raises(LabelerError, match="--limit"):
        run(["diagnose", project_file, "--model", "1", "--limit", "-1"])



def test_diagnose_defaults_to_the_latest_complete_run(
    project_file: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["diagnose", project_file]) == 0
    assert "Using run 1, the latest complete run" in capsys.readouterr().out
    with Project.open(project_file) as project:
        project.start_model_run("1" * 64, "detector", {}, "cpu")  # interrupted: never default
    assert run(["diagnose", project_file, "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["run"]["id"] == 1


def test_diagnose_without_a_complete_run_says_so(tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    with Project.create(path, ["scratch"]) as project:
        project.start_model_run("1" * 64, "detector", {}, "cpu")
    with pytest.raises(LabelerError, match=r"no complete model run.*did not finish"):
        run(["diagnose", str(path)])


def test_report_writes_one_html_file(
    project_file: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "report.html"
    assert run(["report", project_file, str(out)]) == 0
    assert "Report written" in capsys.readouterr().out
    document = out.read_text(encoding="utf-8")
    assert document.startswith("<!DOCTYPE html>") and "Model diagnosis: run 1" in document
    with pytest.raises(LabelerError, match="already exists"):
        run(["report", project_file, str(out)])
    assert run(["report", project_file, str(out), "--force", "--truth", "alice"]) == 0
    assert "Against annotator alice labels" in out.read_text(encoding="utf-8")
