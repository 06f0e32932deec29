"""Temporary entries left by a killed process are swept; live ones are kept."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from labeler.core.scratch import scratch_dir, scratch_file, sweep_stale

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
