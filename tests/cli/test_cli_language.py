"""The CLI in Korean and English (``LABELER_LANG``), in real subprocesses on a small project.

Messages, help (ours and argparse's own words) and errors follow the language; ``--json``
output is byte-identical in both; user text (names, paths) prints literally.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.agreement.labeled import DENT, SCRATCH, label_project
from tests.core.conftest import write_image

HANGUL = re.compile(r"[\uac00-\ud7a3]")
ODD_CLASS = "찍힘[/]<b>"  # Korean and markup-like user text: shown as it is


def labeler(language: str, *args: str | Path) -> subprocess.CompletedProcess[str]:
    """Run ``labeler ARGS`` in a fresh interpreter speaking ``language``."""
    env = {**os.environ, "LABELER_LANG": language, "COLUMNS": "200"}
    return subprocess.run(
        [sys.executable, "-m", "labeler.cli", *map(str, args)],
        capture_output=True, text=True, timeout=120, env=env,
    )  # fmt: skip


@pytest.fixture(scope="module")
def project_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("language")
    for i in range(3):
        write_image(folder / "images" / f"img{i}.png", seed=i)
    with Project.create(folder / "p.labeler", ["scratch", "crack", "dent"]) as project:
        assert import_images(project, [folder / "images"]).added == 3
        labeled = label_project(project)
        project.add_class(ODD_CLASS, "box")
        run = project.start_model_run("0" * 64, "detector", {}, "cpu")
        predictions = [(SCRATCH, Box(20, 20, 60, 60), 0.9), (DENT, Box(100, 0, 140, 30), 0.7)]
        project.add_predictions(run.id, labeled.images[1], predictions)
        project.finish_model_run(run.id)
        return project.path


def test_info_speaks_korean_and_prints_user_text_literally(project_file: Path) -> None:
    ko, en = labeler("ko", "info", project_file), labeler("en", "info", project_file)
    assert ko.returncode == en.returncode == 0, ko.stderr + en.stderr
    assert "이미지: 3" in ko.stdout and "클래스:" in ko.stdout and "가이드라인 버전:" in ko.stdout
    assert "Images: 3" in en.stdout and "Guideline versions:" in en.stdout
    assert "Images:" not in ko.stdout
    assert f"{ODD_CLASS} (박스)" in ko.stdout and f"{ODD_CLASS} (box)" in en.stdout
    assert "alice" in ko.stdout and "acme" in ko.stdout


def test_cli_error_is_korean_and_exits_2(project_file: Path) -> None:
    ko = labeler("ko", "classes", project_file, "rename", "nosuch", "other")
    en = labeler("en", "classes", project_file, "rename", "nosuch", "other")
    assert ko.returncode == en.returncode == 2
    assert "Traceback" not in ko.stderr
    assert "오류:" in ko.stderr and "'nosuch'(이)라는 클래스가 없습니다" in ko.stderr
    assert ODD_CLASS in ko.stderr  # the known classes, named literally
    assert "error:" in en.stderr and "no class named 'nosuch'" in en.stderr


def test_argparse_errors_are_korean(tmp_path: Path) -> None:
    missing = labeler("ko", "init", tmp_path / "x.labeler")
    assert missing.returncode == 2
    assert "사용법: labeler init" in missing.stderr
    assert "labeler init: 오류: 다음 인수가 필요합니다: --classes" in missing.stderr
    choice = labeler("ko", "init", tmp_path / "x.labeler", "--classes", "a", "--kind", "circle")
    assert choice.returncode == 2
    assert "인수 --kind: 잘못된 선택: 'circle'" in choice.stderr
    assert "중에서 고르세요" in choice.stderr
    own_check = labeler("ko", "diagnose", tmp_path / "x.labeler", "--iou", "2")
    assert own_check.returncode == 2
    assert "오류: 인수 --iou: 2은(는) (0, 1] 범위가 아닙니다" in own_check.stderr
    english = labeler("en", "init", tmp_path / "x.labeler")
    assert "error: the following arguments are required: --classes" in english.stderr
    assert not (tmp_path / "x.labeler").exists()


def test_top_level_help_is_korean() -> None:
    ko, en = labeler("ko", "--help"), labeler("en", "--help")
    assert ko.returncode == en.returncode == 0
    assert ko.stdout.startswith("사용법: labeler")
    assert "위치 인수:" in ko.stdout and "옵션:" in ko.stdout
    assert "이 도움말을 보여 주고 종료" in ko.stdout
    assert "새 프로젝트 파일 만들기" in ko.stdout and "프로젝트 요약" in ko.stdout
    assert "usage:" not in ko.stdout and "create a new project file" not in ko.stdout
    assert en.stdout.startswith("usage: labeler") and "show this help message and exit" in en.stdout
    assert "create a new project file" in en.stdout


def test_subcommand_help_is_korean() -> None:
    ko = labeler("ko", "export", "--help")
    assert ko.returncode == 0
    assert ko.stdout.startswith("사용법: labeler export")
    assert "정제된 데이터셋" in ko.stdout and "프로젝트 파일" in ko.stdout
    assert "데이터셋 형식" in ko.stdout
    assert "the project file" not in ko.stdout


def test_plural_follows_the_count_in_english_and_reads_naturally_in_korean(
    project_file: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "p.labeler"
    shutil.copy(project_file, copy)
    one = labeler("en", "slice", copy, "save", "one", "--images", "1")
    two = labeler("en", "slice", copy, "save", "two", "--images", "1,2")
    korean = labeler("ko", "slice", copy, "save", "three", "--images", "1,2,3")
    assert one.returncode == two.returncode == korean.returncode == 0, one.stderr + two.stderr
    assert "Saved slice 'one': 1 image (" in one.stdout
    assert "Saved slice 'two': 2 images (" in two.stdout
    assert "슬라이스 'three'을(를) 저장했습니다: 이미지 3개" in korean.stdout


@pytest.mark.parametrize(
    "args",
    [
        ("info", "{p}", "--json"),
        ("agreement", "{p}", "--json"),
        ("diagnose", "{p}", "--json"),
        ("rereview", "{p}", "--count", "--json"),
        ("models", "list", "--json"),
        ("export", "{p}", "{out}", "--format", "coco", "--json"),
    ],
    ids=lambda args: args[0],
)
def test_json_is_identical_in_korean_and_english(
    project_file: Path, tmp_path: Path, args: tuple[str, ...]
) -> None:
    out = tmp_path / "export"
    argv = [a.format(p=project_file, out=out) for a in args]
    results = []
    for language in ("ko", "en"):
        shutil.rmtree(out, ignore_errors=True)
        result = labeler(language, *argv)
        assert result.returncode == 0, result.stderr
        results.append(result.stdout)
    ko, en = results
    assert ko and ko == en
    readable = json.dumps(json.loads(ko), ensure_ascii=False).replace(ODD_CLASS, "")
    assert not HANGUL.search(readable)  # no key or value was translated


def test_argparse_messages_translate_by_pattern_and_keep_unknown_wording() -> None:
    from labeler.cli.parsing import translate_argparse_message
    from labeler.core import i18n

    try:
        i18n.set_language("ko")
        assert translate_argparse_message("argument --x: expected one argument") == (
            "인수 --x: 인수가 하나 필요합니다"
        )
        assert translate_argparse_message("unrecognized arguments: --nope a[/]b") == (
            "알 수 없는 인수: --nope a[/]b"
        )
        assert translate_argparse_message("a wording of another Python") == (
            "a wording of another Python"
        )
        i18n.set_language("en")  # English keeps argparse's own words, plural and all
        assert translate_argparse_message("argument --x: expected 1 argument") == (
            "argument --x: expected 1 argument"
        )
    finally:
        i18n.set_language(None)


def test_stored_words_are_translated_but_names_are_not() -> None:
    from labeler.cli.words import truth_word, word
    from labeler.core import i18n

    try:
        i18n.set_language("ko")
        assert word("needs_review") == "검수 필요" and word("box") == "박스"
        assert word("Quinn") == "Quinn" and word(ODD_CLASS) == ODD_CLASS
        assert truth_word("reviewed or consensus") == "검수 또는 합의"
        assert truth_word("bob") == "bob"
        i18n.set_language("en")
        assert word("needs_review") == "needs_review"  # English shows the stored value
    finally:
        i18n.set_language(None)


def test_every_help_text_of_every_command_is_korean() -> None:
    """Each parser's description, each option's help and each sub-command's line."""
    import argparse

    import labeler.cli
    from labeler.core import i18n

    untranslated: list[str] = []

    def walk(parser: argparse.ArgumentParser, path: str) -> None:
        parser.format_help()  # a translation that breaks argparse's %-formatting raises here
        texts = [("description", parser.description)]
        for action in parser._actions:
            texts.append((str(action.option_strings or action.dest), action.help))
            if isinstance(action, argparse._SubParsersAction):
                texts += [(choice.dest, choice.help) for choice in action._choices_actions]
                for name, sub in action.choices.items():
                    walk(sub, f"{path} {name}")
        for where, text in texts:
            words = text and text != argparse.SUPPRESS and re.search("[a-z]{3}", text)
            if words and not HANGUL.search(text):  # "#RRGGBB" has no words to translate
                untranslated.append(f"{path} {where}: {text}")

    try:
        i18n.set_language("ko")
        walk(labeler.cli.build_parser(), "labeler")
    finally:
        i18n.set_language(None)
    assert not untranslated, untranslated[:10]


_SPEAKING_CALLS = {"print", "styled", "fail", "Table", "add_column", "progress_bar",
                   "add_argument_group", "ArgumentTypeError"}
_MARKERS = {"_", "ngettext", "N_"}
_SENTENCE = re.compile(r"\b[a-z]{3,} [a-z]{3,}\b")


def _unmarked_sentences(path: Path) -> list[str]:
    """English words written straight into a print, an error or a table (not through _())."""
    import ast

    found: list[str] = []

    def visit(node: ast.AST, calls: list[str]) -> None:
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in _MARKERS:
                return  # marked: the catalogs' tests take it from here
            calls = [*calls, name]
        if isinstance(node, (ast.Constant, ast.JoinedStr)) and calls:
            parts = node.values if isinstance(node, ast.JoinedStr) else [node]
            text = " ".join(p.value for p in parts if isinstance(p, ast.Constant)
                            and isinstance(p.value, str))  # fmt: skip
            speaking = calls[-1] in _SPEAKING_CALLS or calls[-1].endswith(("Error", "Problem"))
            if speaking and _SENTENCE.search(re.sub(r"\[[^\]]*\]", "", text)):  # not markup
                found.append(f"{path.name}:{node.lineno}: {text!r}")
            return
        for child in ast.iter_child_nodes(node):
            visit(child, calls)

    visit(ast.parse(path.read_text(encoding="utf-8")), [])
    return found


def test_the_cli_prints_no_unmarked_sentence() -> None:
    root = Path(__file__).resolve().parents[2]
    files = [*sorted((root / "labeler" / "cli").glob("*.py")), root / "labeler/demo/build.py"]
    found = [line for path in files for line in _unmarked_sentences(path)]
    assert not found, found
