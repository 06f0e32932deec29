"""Opening a file: foreign files are never written, read-only projects open for viewing."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from labeler.core.errors import NotAProjectError, ProjectError, ProjectReadOnlyError
from labeler.core.store import Project
from labeler.core.store.database import is_open_in_process, refuse_raw_access
from labeler.core.store.project import probe_project


def _snapshot(folder: Path) -> dict[str, bytes]:
    """Every file in ``folder`` as bytes (only for files no connection of ours holds)."""
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    other = tmp_path / "other_app.sqlite"
    conn = sqlite3.connect(other)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("INSERT INTO t VALUES (1)")
    conn.commit()
    conn.close()
    before = _snapshot(tmp_path)
    with pytest.raises(NotAProjectError, match="a SQLite file, but not a labeler project"):
        Project.open(other)
    assert _snapshot(tmp_path) == before  # no -wal, no -shm, no switch to WAL
    conn = sqlite3.connect(other)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "an empty file, not a labeler project"),
        (b"hello, this is text\n" * 20, "not a SQLite database"),
        (bytes(range(256)) * 8, "not a SQLite database"),
    ],
)
def test_non_project_files_are_refused_untouched(
    tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "x.labeler"
    path.write_bytes(content)
    with pytest.raises(NotAProjectError, match=message):
        Project.open(path)
    assert _snapshot(tmp_path) == {"x.labeler": content}


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project file"):
        Project.open(tmp_path / "nope.labeler")
    with pytest.raises(ProjectError, match="not a file"):
        Project.open(tmp_path)


@pytest.mark.parametrize("value", ["abc", "-3", None])
def test_damaged_schema_record_is_a_message(tmp_path: Path, value: str | None) -> None:
    path = tmp_path / "p.labeler"
    Project.create(path, ["a"]).close()
    conn = sqlite3.connect(path)
    if value is None:
        conn.execute("DELETE FROM meta WHERE key = 'schema_version'")
    else:
        conn.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", (value,))
    conn.commit()
    conn.close()
    before = path.read_bytes()
    with pytest.raises(ProjectError, match="schema record is damaged"):
        Project.open(path)
    # a reader of a WAL file may create its -shm index; the database itself is unchanged
    assert path.read_bytes() == before


def test_registry_knows_which_files_are_open(tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    project = Project.create(path, ["a"])
    second = Project.open(path)
    assert is_open_in_process(path)
    with pytest.raises(ProjectError, match="refusing to copy"):
        refuse_raw_access(path, "copy")
    second.close()
    assert is_open_in_process(path)
    project.close()
    assert not is_open_in_process(path)
    refuse_raw_access(path, "copy")  # closed: allowed


@pytest.fixture()
def read_only_folder(tmp_path: Path) -> Iterator[Path]:
    """A folder on a filesystem mounted read-only (root ignores file modes), or chmod'ed."""
    folder = tmp_path / "ro"
    folder.mkdir()
    if os.geteuid() != 0:
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(folder)], capture_output=True
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=False)


def _make_read_only(folder: Path) -> None:
    if os.geteuid() != 0:
        for p in folder.iterdir():
            p.chmod(0o444)
        folder.chmod(0o555)
        return
    subprocess.run(["mount", "-o", "remount,ro", str(folder)], check=True)


def test_read_only_project_opens_for_viewing(read_only_folder: Path) -> None:
    path = read_only_folder / "p.labeler"
    with Project.create(path, ["scratch", "dent"]) as project:
        project.add_person("Ana")
    _make_read_only(read_only_folder)
    assert not probe_project(path).writable
    with Project.open(path) as project:
        assert project.read_only
        assert [c.name for c in project.classes()] == ["scratch", "dent"]
        assert project.integrity_check() == "ok"
        with pytest.raises(ProjectReadOnlyError, match="read-only here") as info:
            project.add_class("crack", "box")
        assert "\n" not in str(info.value)
    assert sorted(p.name for p in read_only_folder.iterdir()) == ["p.labeler"]


def test_read_only_project_gets_one_line_from_the_cli(
    read_only_folder: Path, tmp_path: Path
) -> None:
    path = read_only_folder / "p.labeler"
    Project.create(path, ["scratch"]).close()
    _make_read_only(read_only_folder)
    images = tmp_path / "images"
    images.mkdir()
    import cv2
    import numpy as np

    cv2.imwrite(str(images / "a.png"), np.full((32, 48, 3), 90, np.uint8))
    run = [sys.executable, "-m", "labeler.cli"]
    info = subprocess.run([*run, "info", str(path)], capture_output=True, text=True)
    assert info.returncode == 0, info.stderr
    assert "scratch" in info.stdout
    write = subprocess.run([*run, "import", str(path), str(images)], capture_output=True,
                           text=True)
    assert write.returncode == 2, write.stderr
    assert "Traceback" not in write.stderr
    assert "read-only here" in write.stderr
    errors = [line for line in write.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "images" not in write.stderr  # refused before any work
