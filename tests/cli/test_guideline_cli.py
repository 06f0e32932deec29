"""``labeler guideline publish|list|show|diff`` and ``labeler rereview``."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from labeler.data import data_path
from tests.core.conftest import write_image

GUIDES = data_path("guides", "demo", "en")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.labeler"
    write_image(tmp_path / "img.png")
    with Project.create(path, ["scratch", "crack", "dent"]) as proj:
        import_images(proj, [tmp_path / "img.png"])
        ana = proj.add_person("Ana")
        proj.add_person("Quinn", "qa_lead")
        proj.add_annotation(1, 2, Box(1, 1, 30, 30), ana.id)
        proj.add_annotation(1, 1, Box(2, 2, 30, 30), ana.id)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_publish_list_show_diff_and_rereview(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    first = run_json(
        capsys,
        "guideline",
        "publish",
        project,
        GUIDES / "v1.md",
        "--changes",
        "First version",
        "--author",
        "Quinn",
    )
    assert (first["number"], first["author"], first["changed_classes"]) == (1, "Quinn", [])
    second = run_json(
        capsys, "guideline", "publish", project, GUIDES / "v2.md", "--changes", "crack vs scratch"
    )
    assert second["changed_classes"] == ["crack", "dent"] and second["rereview_queued"] == 1
    listed = run_json(capsys, "guideline", "list", project)
    assert [v["number"] for v in listed["versions"]] == [1, 2] and listed["draft"] is False
    shown = run_json(capsys, "guideline", "show", project)
    assert shown["number"] == 2 and "new in v2" in shown["rules"]["crack"]
    assert run_json(capsys, "guideline", "show", project, "1")["text"].startswith("# Phone")
    diff = run_json(capsys, "guideline", "diff", project, "1", "2")
    assert diff["changed_classes"] == ["crack", "dent"] and set(diff["rules"]) == {"crack", "dent"}
    queue = run_json(capsys, "rereview", project)
    assert queue["count"] == 1
    [item] = queue["items"]
    assert (item["class"], item["annotator"], item["made_under"], item["queued_by"]) == (
        "crack",
        "Ana",
        None,
        2,
    )
    third = run_json(
        capsys,
        "guideline",
        "publish",
        project,
        GUIDES / "v2.md",
        "--changes",
        "scratch again",
        "--classes",
        "scratch",
    )
    assert third["changed_classes"] == ["scratch"] and third["rereview_queued"] == 1
    assert main(["guideline", "diff", str(project), "2", "3"]) == 0
    assert main(["rereview", str(project)]) == 0
    assert main(["guideline", "list", str(project)]) == 0
    out = capsys.readouterr().out
    assert "scratch again" in out and "annotations to re-review" in out


def test_errors_are_one_line(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["guideline", "publish", str(project), str(tmp_path / "none.md"), "--changes", "x"])
        == 2
    )
    assert "cannot read" in capsys.readouterr().err
    assert main(["guideline", "show", str(project)]) == 2
    assert "no guideline version" in capsys.readouterr().err
    assert main(["guideline", "diff", str(project), "1", "2"]) == 2
    assert "no guideline version 1" in capsys.readouterr().err
    assert (
        main(
            [
                "guideline",
                "publish",
                str(project),
                str(GUIDES / "v1.md"),
                "--changes",
                "x",
                "--classes",
                "chip",
            ]
        )
        == 2
    )
    err = capsys.readouterr().err
    assert "chip" in err and "Traceback" not in err


def test_help_runs_as_installed(capsys: pytest.CaptureFixture[str]) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "labeler.cli", "guideline", "--help"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0 and "publish" in done.stdout
    for args in (
        ["guideline", "publish", "--help"],
        ["rereview", "--help"],
        ["package", "export", "--help"],
        ["package", "import", "--help"],
    ):
        with pytest.raises(SystemExit) as exited:
            main(args)
        assert exited.value.code == 0 and "usage" in capsys.readouterr().out


def test_rereview_counts_and_pages(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with Project.open(project) as proj:
        ana = proj.person_by_name("Ana")
        assert ana is not None
        for i in range(5):
            proj.add_annotation(1, 1, Box(3 + i, 3, 40, 40), ana.id)
    args = ["--changes", "scratch", "--classes", "scratch,crack"]
    run_json(capsys, "guideline", "publish", project, GUIDES / "v1.md", *args)
    whole = run_json(capsys, "rereview", project, "--limit", "0")
    assert whole["count"] == len(whole["items"]) == 7
    assert run_json(capsys, "rereview", project, "--count") == {"count": 7}
    page = run_json(capsys, "rereview", project, "--limit", "3", "--offset", "2")
    assert page["count"] == 7 and (page["offset"], page["limit"]) == (2, 3)
    assert page["items"] == whole["items"][2:5]
    assert run_json(capsys, "rereview", project, "--offset", "7")["items"] == []
    capsys.readouterr()
    assert main(["rereview", str(project), "--limit", "3"]) == 0
    out = capsys.readouterr().out
    assert "1-3 of 7 annotations to re-review" in out and "--after" in out
    cursor = run_json(
        capsys,
        "rereview",
        project,
        "--limit",
        "3",
        "--after",
        str(page["items"][0]["annotation_id"]),
    )
    assert (
        cursor["items"] == whole["items"][3:6]
        and cursor["next_after"] == whole["items"][5]["annotation_id"]
    )
    assert main(["rereview", str(project), "--count"]) == 0
    assert capsys.readouterr().out.strip() == "7 annotations to re-review"
    with pytest.raises(SystemExit) as refused:
        main(["rereview", str(project), "--limit", "-1"])
    assert refused.value.code == 2 and "whole number" in capsys.readouterr().err
