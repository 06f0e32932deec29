"""The app's import report: tiny images import, bad files are listed literally."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QMessageBox
from pytestqt.qtbot import QtBot

from labeler.core.store import Project
from tests.app.conftest import open_window
from tests.corpus.bad_inputs import encode

pytestmark = pytest.mark.gui


def test_tiny_images_import_and_bad_names_show_literally(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "p.labeler"
    with Project.create(path, ["scratch"]) as project:
        project.add_person("alice")
    window = open_window(qtbot, path)
    folder = tmp_path / "new"
    folder.mkdir()
    (folder / "a_1x1.png").write_bytes(encode(1, 1, "PNG"))
    (folder / "b_2x3.webp").write_bytes(encode(2, 3, "WEBP", seed=1))
    (folder / "c_3x3.bmp").write_bytes(encode(3, 3, "BMP", seed=2))
    (folder / "<b>bad<i> [red]x.png").write_bytes(b"not an image")
    job = window.import_folder(folder)
    with qtbot.waitSignal(job.signals.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: window.image_browser.row_count() == 3, timeout=5000)
    assert "Imported 3 images, 1 skipped" in window.status.currentMessage()
    boxes = window.findChildren(QMessageBox)
    assert boxes, "the skipped file is reported in a message"
    box = boxes[-1]
    assert box.textFormat() == Qt.TextFormat.PlainText
    assert "<b>bad<i> [red]x.png: not an image file" in box.text()
    box.close()
    window.close()
