"""``labeler questions PROJECT list|ask|answer|promote``."""

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
from labeler.data import data_path, demo_guideline
from tests.core.conftest import write_image

HOSTILE = "[/] <b>긴 균열</b> [bold red]이거[/bold red]?"
SAME_TEXT = data_path("guides", "demo", "en", "v1.md")  # only the edge case changes


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.labeler"
    write_image(tmp_path / "img.png")
    write_image(tmp_path / "other.png", seed=1)
    with Project.create(path, ["scratch", "crack", "dent"]) as proj:
        import_images(proj, [tmp_path / "img.png", tmp_path / "other.png"])
        ana = proj.add_person("Ana")
        quinn = proj.add_person("Quinn", "qa_lead")
        proj.publish_guideline(demo_guideline(1), "first", quinn.id)
        proj.add_annotation(1, 2, Box(1, 1, 30, 30), ana.id)  # a crack
        proj.add_annotation(1, 1, Box(40, 40, 90, 90), ana.id)  # a scratch
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ask_answer_promote_and_list(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    q = ["questions", project]
    asked = run_json(capsys, *q, "ask", "img.png", "--as", "Ana", "--text", HOSTILE, "--shape", "1")
    assert (asked["state"], asked["class"], asked["asker"]) == ("open", "crack", "Ana")
    assert asked["text"] == HOSTILE and asked["guideline_version"] == 1
    region = run_json(
        capsys, *q, "ask", "id:2", "--as", "Ana", "--text", "dust?", "--region", "0,0,50,40"
    )
    assert region["region"] == [0.0, 0.0, 50.0, 40.0] and region["image"].endswith("other.png")

    open_ = run_json(capsys, *q, "list", "--state", "open")
    assert [r["id"] for r in open_["questions"]] == [asked["id"], region["id"]]

    answered = run_json(
        capsys, *q, "answer", str(asked["id"]), "--as", "Quinn", "--text", "가장자리까지면 균열"
    )
    assert (answered["state"], answered["answerer"]) == ("answered", "Quinn")
    promoted = run_json(capsys, *q, "promote", str(asked["id"]), "--as", "Quinn")
    assert promoted["state"] == "promoted" and promoted["example_id"] is not None
    assert [r["id"] for r in run_json(capsys, *q, "list", "--state", "promoted")["questions"]] == [
        asked["id"]
    ]
    assert [r["id"] for r in run_json(capsys, *q, "list", "--asker", "Ana")["questions"]] == [
        asked["id"],
        region["id"],
    ]

    with Project.open(project) as proj:
        draft = proj.draft_guideline()
        assert draft is not None
        [example] = proj.guideline_examples(draft.id)
        assert example.class_name == "crack" and [s.annotator for s in example.shapes] == [None]
        version = proj.publish_draft("v2", author_id=proj.person_by_name("Quinn").id)  # type: ignore[union-attr]
        assert proj.changed_classes(version.id) == ["crack"] and proj.rereview_count() == 1

    capsys.readouterr()
    assert main(["questions", str(project), "list"]) == 0
    table = capsys.readouterr().out
    assert "[/]" in table and "<b>긴" in table and "promoted" in table  # literal, no markup


def test_promote_into_another_class_section(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    q = ["questions", project]
    asked = run_json(capsys, *q, "ask", "img", "--as", "Ana", "--text", "which?")
    run_json(capsys, *q, "answer", str(asked["id"]), "--as", "Quinn", "--text", "scratch")
    run_json(capsys, *q, "promote", str(asked["id"]), "--as", "Quinn", "--section", "scratch")
    with Project.open(project) as proj:
        draft = proj.draft_guideline()
        assert draft is not None
        [example] = proj.guideline_examples(draft.id)
        assert example.class_name == "scratch" and len(example.shapes) == 2


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["ask", "img.png", "--as", "Nobody", "--text", "x"], "no person named 'Nobody'"),
        (["ask", "nope.png", "--as", "Ana", "--text", "x"], "no single image matches"),
        (["ask", "img.png", "--as", "Ana", "--text", "x", "--region", "1,2"], "four numbers"),
        (["ask", "img.png", "--as", "Ana", "--text", "  "], "needs some text"),
        (["answer", "1", "--as", "Ana", "--text", "x"], "annotator cannot review"),
        (["answer", "99", "--as", "Quinn", "--text", "x"], "no question with id 99"),
        (["promote", "1", "--as", "Quinn"], "only an answered question"),
    ],
)
def test_user_errors_print_a_message_and_exit_2(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    assert main(["questions", str(project), "ask", "img.png", "--as", "Ana", "--text", "q"]) == 0
    capsys.readouterr()
    assert main(["questions", str(project), *args]) == 2
    err = capsys.readouterr().err
    assert message in " ".join(err.split()) and "Traceback" not in err


def test_the_command_runs_as_a_program(project: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "labeler", "questions", str(project), "list", "--json"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {"questions": []}


def test_a_vendor_asks_in_a_package_and_the_next_package_carries_the_answer(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Project.open(project) as proj:
        proj.add_person("Vik", organization="Vendor A")
    first = project.parent / "va.lbpkg"
    run_json(
        capsys, "package", "export", project, "--to", first, "--for", "Vendor A", "--images", "all"
    )
    inner = run_json(capsys, "package", "open", first)["project"]
    asked = run_json(capsys, "questions", inner, "ask", "id:1", "--as", "Vik", "--text", HOSTILE)
    assert asked["state"] == "open"
    assert main(["package", "save", str(first)]) == 0
    capsys.readouterr()
    assert main(["package", "import", str(project), str(first)]) == 0
    assert "1 questions" in capsys.readouterr().out
    [back] = run_json(capsys, "questions", project, "list", "--asker", "Vik")["questions"]
    assert (back["uid"], back["text"]) == (asked["uid"], HOSTILE)
    run_json(
        capsys,
        "questions",
        project,
        "answer",
        str(back["id"]),
        "--as",
        "Quinn",
        "--text",
        "스크래치",
    )
    promoted = run_json(
        capsys,
        "questions",
        project,
        "promote",
        str(back["id"]),
        "--as",
        "Quinn",
        "--section",
        "crack",
    )
    assert promoted["state"] == "promoted"
    v2 = run_json(
        capsys,
        "guideline",
        "publish",
        project,
        SAME_TEXT,
        "--changes",
        "long cracks",
        "--author",
        "Quinn",
    )
    assert v2["number"] == 2 and v2["changed_classes"] == ["crack"] and v2["examples"] == 1
    assert v2["rereview_queued"] == 1  # Ana's crack, made under v1
    second = project.parent / "va2.lbpkg"
    summary = run_json(
        capsys, "package", "export", project, "--to", second, "--for", "Vendor A", "--images", "all"
    )
    assert summary["guideline"] == 2
    inner = run_json(capsys, "package", "open", second)["project"]
    [carried] = run_json(capsys, "questions", inner, "list")["questions"]
    assert (carried["uid"], carried["answer"], carried["answerer"], carried["state"]) == (
        asked["uid"],
        "스크래치",
        None,
        "promoted",
    )
    shown = run_json(capsys, "guideline", "show", inner)
    assert shown["number"] == 2 and any("스크래치" in e["note"] for e in shown["examples"])
