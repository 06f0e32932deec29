"""A wheel works from any folder: its data files (demo models, guides) are package data.

The wheel is built from this checkout, installed into a fresh virtual environment (which
sees the already-installed dependencies, so no download beyond the build backend), and
run from a folder outside the checkout: ``labeler --version`` and ``labeler demo
--screenshot`` must work, and ``labeler`` must be the wheel's, not the checkout's.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
pytestmark = pytest.mark.slow


def _run(command: list[str | Path], cwd: Path, timeout: float = 300) -> str:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": ""}
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, env=env, capture_output=True, text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"{command}\n{done.stdout}\n{done.stderr}"
    return done.stdout + done.stderr


def test_the_wheel_runs_the_demo_from_any_folder(tmp_path: Path) -> None:
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "pip", "wheel", ROOT, "--no-deps", "-q", "-w", dist], tmp_path)
    [wheel] = dist.glob("labeler-*.whl")
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--system-site-packages", venv], tmp_path)
    python, labeler = venv / "bin" / "python", venv / "bin" / "labeler"
    _run([python, "-m", "pip", "install", "--no-deps", "--no-index", "-q", wheel], tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    where = _run([python, "-c", "import labeler.data as d; print(d.data_path())"], elsewhere)
    assert Path(where.strip()).is_relative_to(venv), where  # the wheel's copy, not ROOT's
    assert "labeler 0." in _run([labeler, "--version"], elsewhere)
    shot = elsewhere / "demo.png"
    _run([labeler, "demo", "demo", "--images", "6", "--lang", "ko", "--screenshot", shot],
         elsewhere)
    assert shot.stat().st_size > 10_000
    assert (elsewhere / "demo" / "demo.labeler").exists()
