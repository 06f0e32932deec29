"""Nothing is lost: a real app process killed right after an edit keeps the edit."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

from labeler.app import run_app
from labeler.core.geometry import Box
from tests.app.conftest import stored

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]

# Runs the real app on the project, draws a box with simulated mouse events, says so,
# then keeps running until it is killed.
APP_SCRIPT = textwrap.dedent(
    """
    import sys
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest
    from labeler.app.launch import application
    from labeler.app.main_window import MainWindow
    from labeler.core.store import Project

    app = application()
    project = Project.open(sys.argv[1])
    window = MainWindow(project, project.person_by_name("alice"))
    window.resize(1000, 700)
    window.show()
    while not window.is_image_displayed():
        app.processEvents()
    viewport = window.canvas_view.viewport()
    QTest.keyClick(window.canvas_view, Qt.Key.Key_W)
    left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    QTest.mousePress(viewport, left, none, window.map_image_to_view(30, 40))
    QTest.mouseMove(viewport, window.map_image_to_view(80, 90))
    QTest.mouseMove(viewport, window.map_image_to_view(130, 140))
    QTest.mouseRelease(viewport, left, none, window.map_image_to_view(130, 140))
    print("EDITED", flush=True)
    app.exec()
    """
)


def test_sigkill_after_an_edit_keeps_it(project_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    process = subprocess.Popen(
        [sys.executable, "-c", APP_SCRIPT, str(project_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=ROOT,
    )
    try:
        assert process.stdout is not None
        deadline = time.monotonic() + 60
        line = ""
        while time.monotonic() < deadline and "EDITED" not in line:
            line = process.stdout.readline()
            if not line and process.poll() is not None:
                break
        assert "EDITED" in line, process.stderr.read() if process.stderr else ""
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
        for stream in (process.stdout, process.stderr):
            if stream is not None:
                stream.close()
    assert process.returncode == -signal.SIGKILL
    with stored(project_path) as project:
        assert project.integrity_check() == "ok"
        [annotation] = [a for i in project.images() for a in project.annotations(i.id)]
        assert isinstance(annotation.geometry, Box)
        assert abs(annotation.geometry.x1 - 30) <= 1.5 and abs(annotation.geometry.y2 - 140) <= 1.5


def test_run_app_screenshot_renders_the_window(tmp_path: Path, project_path: Path) -> None:
    shot = tmp_path / "shot.png"
    assert run_app(project_path, screenshot=shot, person="alice") == 0
    image = QImage(str(shot))
    assert not image.isNull() and image.width() >= 1200


def test_run_app_reports_a_bad_project_without_a_dialog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bogus = tmp_path / "not-a-project.labeler"
    bogus.write_text("hello")
    assert run_app(bogus, screenshot=tmp_path / "x.png") == 1
    assert "not a labeler project" in capsys.readouterr().err
