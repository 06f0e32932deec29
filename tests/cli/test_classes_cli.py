"""``labeler classes PROJECT list|add|rename|recolour|reorder|merge``."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.conftest import write_image

HOSTILE = "찌그러짐 <b>[/]"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.labeler"
    write_image(tmp_path / "img.png")
    with Project.create(path, ["scratch", "crack", "dent"]) as proj:
        import_images(proj, [tmp_path / "img.png"])
        ana = proj.add_person("Ana")
        proj.add_person("Quinn", "qa_lead")
        proj.add_annotation(1, 2, Box(1, 1, 30, 30), ana.id)
        proj.add_annotation(1, 3, Box(2, 2, 30, 30), ana.id)
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def names(result: dict) -> list[str]:
    return [c["name"] for c in result["classes"]]


def test_list_shows_keys_use_and_earlier_names(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_json(capsys, "classes", project, "list")
    assert names(result) == ["scratch", "crack", "dent"]
    assert [c["key"] for c in result["classes"]] == [1, 2, 3]
    assert [c["annotations"] for c in result["classes"]] == [0, 1, 1]
    run_json(capsys, "classes", project, "add", "rusty", "--kind", "tag")
    result = run_json(capsys, "classes", project, "list")
    assert result["classes"][-1]["key"] is None  # tags have no number key


def test_edits_through_the_cli_are_logged_commands(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    result = run_json(capsys, "classes", project, "rename", "dent", HOSTILE, "--by", "Quinn")
    assert names(result) == ["scratch", "crack", HOSTILE]
    assert result["classes"][2]["aliases"] == ["dent"]
    result = run_json(capsys, "classes", project, "recolour", "crack", "#00ff00")
    assert result["classes"][1]["color"] == "#00FF00"
    result = run_json(capsys, "classes", project, "reorder", HOSTILE, "crack", "scratch")
    assert names(result) == [HOSTILE, "crack", "scratch"]
    result = run_json(capsys, "classes", project, "merge", "crack", HOSTILE)
    assert result["merged"] == {
        "source": "crack",
        "target": HOSTILE,
        "annotations": 1,
        "predictions": 0,
    }
    assert names(result) == [HOSTILE, "scratch"] and result["classes"][0]["annotations"] == 2
    with Project.open(project) as proj:
        events = [(e.action, e.person_id) for e in proj.events("class")][3:]  # after 3 creates
        quinn = proj.person_by_name("Quinn").id
    assert events == [("rename", quinn), ("recolour", None), ("reorder", None), ("merge", None)]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("rename", "dent", "crack"), "a class named 'crack' already exists"),
        (("rename", "nope", "x"), "no class named 'nope' (classes: 'scratch', 'crack', 'dent')"),
        (("rename", "dent", ""), "a class needs a non-empty name"),
        (("merge", "dent", "dent"), "cannot merge class 'dent' into itself"),
        (("recolour", "dent", "blue"), "#RRGGBB"),
        (("reorder", "dent", "crack"), "missing: 'scratch'"),
        (("rename", "dent", "x", "--by", "Ana"), "a annotator cannot edit guideline"),
        (("add", "x", "--by", "Nobody"), "no person named 'Nobody'"),
    ],
)
def test_user_errors_print_a_message_and_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    capsys.readouterr()
    assert main(["classes", str(project), *args]) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split()) and "Traceback" not in err


def test_an_old_name_points_to_the_new_one(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "classes", project, "rename", "dent", "dent-big")
    assert main(["classes", str(project), "recolour", "dent", "#000000"]) == 2
    assert "it became 'dent-big'" in capsys.readouterr().err
    assert main(["classes", str(project), "add", "dent"]) == 2
    assert "earlier name of the class 'dent-big'" in capsys.readouterr().err


def test_human_output_shows_hostile_names_literally(project: Path) -> None:
    env = {**os.environ, "COLUMNS": "200", "PYTHONPATH": str(Path(__file__).parents[2])}
    cli = [sys.executable, "-m", "labeler.cli", "classes", str(project)]
    rename = subprocess.run(
        [*cli, "rename", "dent", HOSTILE], capture_output=True, text=True, env=env, check=False
    )
    assert rename.returncode == 0, rename.stderr
    assert rename.stdout.strip() == f"Renamed class dent to {HOSTILE}"
    listing = subprocess.run([*cli, "list"], capture_output=True, text=True, env=env, check=True)
    assert HOSTILE in listing.stdout and "Traceback" not in listing.stderr
