"""Crash safety and concurrent writers, with real processes and real files."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from labeler.core.geometry import Box
from labeler.core.store import Project

pytestmark = pytest.mark.slow

WRITER = textwrap.dedent("""
    import sys
    from labeler.core.geometry import Box
    from labeler.core.store import Project
    path, name, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    project = Project.open(path)
    person = project.ensure_person(name)
    for i in range(count):
        x = float(i % 100)
        annotation = project.add_annotation(1, 1, Box(x, 1, x + 10, 11), person.id)
        # Printed only after the commit returned: an acknowledged write.
        print(annotation.id, flush=True)
    project.close()
""")


@pytest.fixture
def one_image_project(tmp_path: Path) -> Path:
    from labeler.core.importing import import_images
    from tests.core.conftest import write_image

    path = tmp_path / "p.labeler"
    with Project.create(path, ["scratch"]) as project:
        import_images(project, [write_image(tmp_path / "a.png", 200, 200)])
    return path


def _start_writer(path: Path, name: str, count: int) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", WRITER, str(path), name, str(count)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


@pytest.mark.parametrize("kill_after", [1, 57, 400])
def test_sigkill_mid_write_loses_no_acknowledged_edit(one_image_project: Path,
                                                      kill_after: int) -> None:
    acknowledged: list[int] = []
    with _start_writer(one_image_project, "crashy", 100_000) as writer:
        assert writer.stdout is not None and writer.stderr is not None
        while len(acknowledged) < kill_after:
            line = writer.stdout.readline()
            assert line, writer.stderr.read()
            acknowledged.append(int(line))
        os.kill(writer.pid, signal.SIGKILL)
        writer.wait(timeout=30)
        # Anything already in the pipe was acknowledged too.
        acknowledged.extend(int(line) for line in writer.stdout.read().split())
    with Project.open(one_image_project) as project:
        assert project.integrity_check() == "ok"
        stored = {a.id for a in project.annotations()}
        assert set(acknowledged) <= stored
        # The kill can only lose the one write in flight, never more.
        assert len(stored) <= len(acknowledged) + 1
        # The file still takes writes.
        person = project.ensure_person("after")
        project.add_annotation(1, 1, Box(1, 1, 5, 5), person.id)


def test_two_processes_write_at_once_without_lock_errors(one_image_project: Path) -> None:
    count = 300
    writers = [_start_writer(one_image_project, name, count) for name in ("gui", "cli")]
    deadline = time.monotonic() + 120
    for writer in writers:
        with writer:
            out, err = writer.communicate(timeout=max(1, deadline - time.monotonic()))
        assert writer.returncode == 0, err
        assert "locked" not in err
        assert len(out.split()) == count
    with Project.open(one_image_project) as project:
        assert len(project.annotations()) == 2 * count
        by_person = {p.name: len(project.annotations(annotator_id=p.id))
                     for p in project.people()}
        assert by_person == {"gui": count, "cli": count}
        assert project.integrity_check() == "ok"
