"""Temporary entries left by a killed process are swept; live ones are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from labeler.core.scratch import discard, scratch_dir, scratch_file, sweep_stale, wait_for_discards

LEAVE_BEHIND = (
    "import os, sys; from pathlib import Path; from labeler.core.scratch import scratch_dir, "
    "scratch_file; d = scratch_dir(Path(sys.argv[1]), 'export'); "
    "(d / 'half.json').write_text('{'); "
    "scratch_file(Path(sys.argv[1]), 'report', '.html'); os._exit(0)"
)


def test_entries_of_ended_processes_are_swept(tmp_path: Path) -> None:
    subprocess.run([sys.executable, "-c", LEAVE_BEHIND, str(tmp_path)], check=True)
    mine = scratch_dir(tmp_path, "package_save")
    mine_file = scratch_file(tmp_path, "report", ".html")
    unrelated = tmp_path / ".hidden-user-file"
    unrelated.write_text("keep")
    assert len(list(tmp_path.iterdir())) == 5
    removed = sweep_stale(tmp_path)
    assert len(removed) == 2 and all(".labeler-tmp-" in p.name for p in removed)
    assert sorted(tmp_path.iterdir()) == sorted([mine, mine_file, unrelated])
    assert oct(mine_file.stat().st_mode & 0o777) == "0o644"


def test_sweep_never_raises(tmp_path: Path) -> None:
    assert sweep_stale(tmp_path / "missing") == []


KILLED_WHILE_DISCARDING = (
    "import os, sys; from pathlib import Path; from labeler.core.scratch import discard; "
    "discard(Path(sys.argv[1]), wait_s=0); os._exit(0)"
)


def _folder_of_files(parent: Path, count: int) -> Path:
    folder = parent / "labels"
    (folder / "train").mkdir(parents=True)
    for i in range(count):
        (folder / "train" / f"{i}.txt").write_text("0 0.5 0.5 0.1 0.1\n")
    return folder


def test_discard_frees_the_name_at_once_and_deletes_in_the_background(tmp_path: Path) -> None:
    folder = _folder_of_files(tmp_path, 2_000)
    discard(folder, wait_s=0)
    assert not folder.exists()  # renamed away before anything is deleted
    assert wait_for_discards(30)
    assert list(tmp_path.iterdir()) == []


def test_a_discard_cut_short_by_the_process_end_is_finished_by_the_next_sweep(
    tmp_path: Path,
) -> None:
    folder = _folder_of_files(tmp_path, 3_000)
    subprocess.run([sys.executable, "-c", KILLED_WHILE_DISCARDING, str(folder)], check=True)
    left = list(tmp_path.iterdir())
    assert len(left) == 1 and left[0].name.startswith(".labeler-tmp-trash-")
    assert sweep_stale(tmp_path) == left
    assert wait_for_discards(30)
    assert list(tmp_path.iterdir()) == []
