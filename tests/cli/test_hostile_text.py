"""User text that looks like rich markup prints literally in every CLI command.

Names of people, classes, organisations, the project, tags, model runs, guideline
changelogs and file names may contain ``[/]`` (which made rich raise
``MarkupError``), ``[bold red]...`` or ``[link=...]`` (which rich rendered, so
output could be spoofed) or ``:emoji:`` codes. Each command runs as a real
subprocess on a project full of such names and must print them exactly, exit 0
and show no traceback; ``--json`` output keeps the exact strings.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from labeler.core.geometry import Box, Tag
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.conftest import write_image

PROJECT_NAME = "[/]shop [bold]x[/bold]"
DENT = "dent[/]"
SCRATCH = "[bold red]scratch[/bold red]"
TAG = "[link=https://evil.example]blurry[/link]"
ANA, ANA_ORG = "ana[/]", "[bold red]Vendor[/bold red]"
BO, BO_ORG = "bo [link=https://evil.example]b[/link]", "acme[/] :smile:"
LEAD = "[i]lead[/i] :warning:"
MODEL = "yolo[/][blink]"
FILES = ("[red]img0.png", "img1 [link=x].png", "img2 :smile:.png")
CHANGELOG = "rule [bold red]changed[/] for [/]"


def run_cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": "400", "NO_COLOR": "1"}
    return subprocess.run(
        [sys.executable, "-m", "labeler.cli", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile")
    for i, name in enumerate(FILES):
        write_image(root / "images" / name, 160, 120, seed=i)
    path = root / "p.labeler"
    with Project.create(path, [DENT, SCRATCH], name=PROJECT_NAME) as project:
        assert import_images(project, [root / "images"]).added == 3
        tag = project.add_class(TAG, "tag").id
        dent, scratch = (project.class_by_name(n).id for n in (DENT, SCRATCH))
        ana = project.add_person(ANA, organization=ANA_ORG)
        bo = project.add_person(BO, organization=BO_ORG)
        lead = project.add_person(LEAD, "qa_lead")
        project.publish_guideline(f"# {DENT}\nmark every {SCRATCH}", CHANGELOG, lead.id)
        images = [image.id for image in project.images()]
        add = project.add_annotation
        add(images[0], dent, Box(10, 10, 50, 50), ana.id, seconds_spent=4)
        add(images[0], scratch, Box(80, 20, 120, 60), ana.id, seconds_spent=4)
        add(images[0], tag, Tag(), ana.id)
        add(images[0], dent, Box(12, 10, 50, 52), bo.id, seconds_spent=3)
        add(images[0], dent, Box(80, 20, 120, 60), bo.id, seconds_spent=3)
        add(images[1], scratch, Box(20, 20, 60, 60), ana.id, seconds_spent=5)
        add(images[1], dent, Box(20, 20, 60, 60), bo.id, seconds_spent=5)
        add(images[1], tag, Tag(), bo.id)
        run = project.start_model_run("0" * 64, MODEL, {}, "cpu")
        project.add_predictions(run.id, images[0], [(dent, Box(10, 10, 50, 50), 0.9)])
        project.add_predictions(run.id, images[1], [(scratch, Box(90, 70, 150, 110), 0.8)])
        project.finish_model_run(run.id)
    return path


def assert_clean(result: subprocess.CompletedProcess[str], *expected: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-3000:]
    assert "Traceback" not in output and "MarkupError" not in output
    for text in expected:
        assert text in output, f"{text!r} not printed literally:\n{output[-3000:]}"


def test_info_prints_names_literally(hostile_project: Path) -> None:
    assert_clean(
        run_cli("info", hostile_project),
        PROJECT_NAME,
        DENT,
        SCRATCH,
        TAG,
        ANA,
        ANA_ORG,
        BO,
        BO_ORG,
        MODEL,
    )


def test_info_json_keeps_exact_names(hostile_project: Path) -> None:
    result = run_cli("info", hostile_project, "--json")
    assert result.returncode == 0, result.stderr
    info = json.loads(result.stdout)
    assert info["name"] == PROJECT_NAME
    assert {p["name"]: p["organization"] for p in info["people"]} == {
        ANA: ANA_ORG,
        BO: BO_ORG,
        LEAD: None,
    }
    assert [c["name"] for c in info["classes"]] == [DENT, SCRATCH, TAG]


def test_agreement_table(hostile_project: Path) -> None:
    assert_clean(run_cli("agreement", hostile_project), ANA, BO, ANA_ORG, BO_ORG, DENT, SCRATCH)


def test_disagreements_tables(hostile_project: Path) -> None:
    assert_clean(run_cli("disagreements", hostile_project), ANA, BO, DENT, SCRATCH, FILES[0])
    assert_clean(run_cli("disagreements", hostile_project, "--between", ANA, BO), ANA, BO)
    assert_clean(run_cli("disagreements", hostile_project, "--model", "1"), FILES[1], TAG)


def test_disagreements_json_keeps_exact_names(hostile_project: Path) -> None:
    result = run_cli("disagreements", hostile_project, "--between", ANA, BO, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["comparison"]["a"] == ANA and data["comparison"]["b"] == BO
    assert {d["a_class"] for d in data["disagreements"]} & {DENT, SCRATCH}


def test_diagnose_and_consensus(hostile_project: Path) -> None:
    assert_clean(run_cli("diagnose", hostile_project, "--model", "1"), MODEL, DENT, SCRATCH)
    assert_clean(run_cli("consensus", hostile_project), FILES[0])


def test_guideline_and_curation_tables(hostile_project: Path) -> None:
    assert_clean(run_cli("guideline", "list", hostile_project), LEAD, CHANGELOG)
    assert_clean(run_cli("guideline", "show", hostile_project), LEAD, CHANGELOG, SCRATCH)
    assert_clean(run_cli("curate", hostile_project), DENT, SCRATCH)
    assert_clean(run_cli("suggest", hostile_project), FILES[2])


def test_import_and_errors_name_files_literally(hostile_project: Path, tmp_path: Path) -> None:
    bad = tmp_path / "[bold red]bad[/bold red] [link=x].png".replace("/", "_")
    bad.write_bytes(b"not a picture")
    result = run_cli("import", hostile_project, bad)
    assert_clean(result, bad.name)
    missing = tmp_path / "[/]missing [bold]x.labeler"
    failed = run_cli("info", missing)
    assert failed.returncode == 2
    assert "[/]missing [bold]x.labeler" in failed.stderr and "Traceback" not in failed.stderr
