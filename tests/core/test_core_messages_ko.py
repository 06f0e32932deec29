"""The core's error messages speak the chosen language and keep the file and the names.

Real errors raised through the public API (a file that is no project, an unknown
class, a write refused on a read-only project, a damaged package) come out in Korean
with ``set_language("ko")`` and in the exact English with ``"en"``; the CLI prints the
core's Korean message with ``LABELER_LANG=ko`` (exit 2).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from labeler.core.errors import (
    LabelerError,
    NotAProjectError,
    ProjectReadOnlyError,
    UnknownEntityError,
)
from labeler.core.i18n import set_language
from labeler.core.packages import import_package
from labeler.core.slices import evaluate_rule, parse_rule
from labeler.core.store import Project
from labeler.core.store.exchange_checks import PackageError
from tests.core.store.test_probe import _make_read_only, read_only_folder  # noqa: F401

_HANGUL = range(0xAC00, 0xD7A4)


def _has_korean(text: str) -> bool:
    return any(ord(c) in _HANGUL for c in text)


@pytest.fixture()
def language() -> Iterator[None]:
    """Each test chooses its language; afterwards LABELER_LANG (en) applies again."""
    yield
    set_language(None)


def _raised(call: object, error: type[LabelerError] = LabelerError) -> str:
    assert callable(call)
    with pytest.raises(error) as info:
        call()
    return str(info.value)


def test_opening_a_file_that_is_no_project(tmp_path: Path, language: None) -> None:
    path = tmp_path / "메모 notes.labeler"
    path.write_text("hello")
    set_language("ko")
    korean = _raised(lambda: Project.open(path), NotAProjectError)
    assert korean == f"{path}: labeler 프로젝트가 아닙니다 (SQLite 데이터베이스가 아님)"
    set_language("en")
    english = _raised(lambda: Project.open(path), NotAProjectError)
    assert english == f"{path}: not a labeler project (not a SQLite database)"


def test_an_unknown_class(tmp_path: Path, language: None) -> None:
    with Project.create(tmp_path / "p.labeler", ["scratch", "dent"]) as project:
        set_language("ko")
        by_id = _raised(lambda: project.label_class(99), UnknownEntityError)
        assert by_id == "ID가 99인 클래스가 없습니다"
        by_name = _raised(lambda: evaluate_rule(project, parse_rule("class:녹")))
        assert by_name == "class:녹: '녹' 클래스가 없습니다 (클래스: scratch, dent)"
        set_language("en")
        assert _raised(lambda: project.label_class(99)) == "no class with id 99"
        assert _raised(lambda: evaluate_rule(project, parse_rule("class:녹"))) == (
            "class:녹: no class named '녹' (classes: scratch, dent)"
        )


def test_a_write_refused_on_a_read_only_project(
    read_only_folder: Path,  # noqa: F811
    language: None,
) -> None:
    path = read_only_folder / "검수.labeler"
    Project.create(path, ["scratch"]).close()
    _make_read_only(read_only_folder)
    with Project.open(path) as project:
        set_language("ko")
        korean = _raised(lambda: project.add_class("crack", "box"), ProjectReadOnlyError)
        assert korean.startswith(f"{path}: 여기서는 프로젝트가 읽기 전용입니다")
        assert "아무것도 바뀌지 않았습니다" in korean and "\n" not in korean
        set_language("en")
        english = _raised(lambda: project.add_class("crack", "box"), ProjectReadOnlyError)
        assert english == (
            f"{path}: the project is read-only here (the file or its folder cannot be "
            "written); nothing was changed. Copy it somewhere writable to edit it"
        )


def test_a_package_that_is_not_one(tmp_path: Path, language: None) -> None:
    package = tmp_path / "업체 A.lbpkg"
    package.write_text("hello")
    with Project.create(tmp_path / "p.labeler", ["scratch"]) as project:
        set_language("ko")
        korean = _raised(lambda: import_package(project, package), PackageError)
        assert korean.startswith("업체 A.lbpkg: ") and _has_korean(korean)
        assert "labeler 패키지가 아니거나 손상되었습니다" in korean
        set_language("en")
        english = _raised(lambda: import_package(project, package), PackageError)
        assert english.startswith("업체 A.lbpkg: not a labeler package or damaged (")


def test_the_cli_prints_the_core_message_in_korean(tmp_path: Path) -> None:
    path = tmp_path / "not-a-project.labeler"
    path.write_text("hello")
    env = {**os.environ, "LABELER_LANG": "ko"}
    result = subprocess.run(
        [sys.executable, "-m", "labeler.cli", "info", str(path)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert result.returncode == 2, result.stderr
    assert f"{path}: labeler 프로젝트가 아닙니다 (SQLite 데이터베이스가 아님)" in result.stderr
    assert "Traceback" not in result.stderr
