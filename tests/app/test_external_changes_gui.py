"""The open window shows what the CLI commits beside it: a new guideline and new pre-labels."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from tests.app.conftest import open_window, stored

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
DEMO_MODEL = ROOT / "labeler" / "data" / "models" / "demo_damage.onnx"
V2 = "# Guideline\n\n## scratch\n\nA thin line. Box it tightly.\n\n## crack\n\nBranches.\n"


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run([sys.executable, "-m", "labeler.cli", *args], capture_output=True,
                          text=True, cwd=ROOT, timeout=180)
    assert done.returncode == 0, done.stderr
    return done


def test_cli_publish_and_prelabel_beside_the_open_window(
    qtbot: QtBot, project_path: Path, tmp_path: Path
) -> None:
    window: MainWindow = open_window(qtbot, project_path, "rita")
    try:
        project, person = window.workspace.project, window.workspace.person
        project.acknowledge(person.id)
        window.guideline_ui.require()
        assert window.guideline_ui.dialog is None
        guide = tmp_path / "v2.md"
        guide.write_text(V2, encoding="utf-8")
        _cli("guideline", "publish", str(project_path), str(guide), "--changes",
             "tight scratch boxes")
        assert window.poll_external_changes() > 0
        qtbot.waitUntil(lambda: window.guideline_ui.dialog is not None, timeout=5000)
        dialog = window.guideline_ui.dialog
        assert dialog is not None and dialog.version.number == 2
        assert "tight scratch boxes" in dialog.changelog.text()
        dialog.reject()

        assert window.controller.predictions == []
        # conf 0.01: the demo model proposes something on these textures
        _cli("prelabel", str(project_path), "--model", str(DEMO_MODEL), "--conf", "0.01")
        window.poll_external_changes()
        qtbot.waitUntil(lambda: bool(window.controller.predictions), timeout=5000)
        with stored(project_path) as saved:
            image_id = window.current_image_id()
            assert image_id is not None
            assert {p.id for p in saved.predictions(image_id)} == {
                p.id for p in window.controller.predictions
            }
            assert saved.integrity_check() == "ok"
    finally:
        window.close()
