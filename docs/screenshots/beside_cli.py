"""Render docs/screenshots/beside_cli.png: the open app after CLI commands ran beside it.

An annotator has the project open (guideline v1 read). In a terminal, someone runs
``labeler guideline publish ... v2.md`` and ``labeler prelabel ...``. The window
picks both up: the acknowledgement prompt for v2 and the new pre-labels on the
canvas. Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/beside_cli.py
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QPoint
from PySide6.QtGui import QPainter
from PySide6.QtWidgets import QApplication

from labeler.data import data_path, demo_guideline

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "screenshots" / "beside_cli.png"
LABELER = [sys.executable, "-m", "labeler.cli"]


def main() -> int:
    """Build the scene, grab the window (and the prompt over it), save the PNG."""
    from labeler.app.launch import application, wait_until_painted
    from labeler.app.main_window import MainWindow
    from labeler.core.importing import import_images
    from labeler.core.store import Project
    from labeler.demo.synth import write_dataset

    app: QApplication = application()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_dataset(folder / "images", 8, seed=11)
        path = folder / "shop.labeler"
        with Project.create(path, ["scratch", "crack", "dent"], name="Phone damage") as project:
            import_images(project, [folder / "images"])
            lead = project.add_person("Quinn", "qa_lead")
            ana = project.add_person("Ana")
            v1 = demo_guideline(1)
            project.publish_guideline(v1, "first version", lead.id)
            project.acknowledge(ana.id)
        project = Project.open(path)
        person = project.person_by_name("Ana")
        assert person is not None
        window = MainWindow(project, person, thumbnail_dir=folder / "thumbs")
        window.resize(1400, 860)
        window.show()
        window.guideline_ui.require()  # as the app does once the window is up
        wait_until_painted(app, window, 20)
        for args in (
            ["guideline", "publish", str(path), str(data_path("guides", "demo", "en", "v2.md")),
             "--changes", "crack vs scratch: branches make a crack"],
            ["prelabel", str(path), "--model", str(ROOT / "labeler/data/models/demo_damage.onnx")],
        ):
            subprocess.run([*LABELER, *args], check=True, capture_output=True, cwd=ROOT)
        window.poll_external_changes()
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and (
            window.guideline_ui.dialog is None or not window.controller.predictions
        ):
            app.processEvents()
            time.sleep(0.02)
        wait_until_painted(app, window, 5)
        picture = window.grab()
        dialog = window.guideline_ui.dialog
        if dialog is not None:
            dialog.resize(560, 520)
            shot = dialog.grab()
            painter = QPainter(picture)
            painter.drawPixmap(QPoint(picture.width() - shot.width() - 40, 90), shot)
            painter.end()
        picture.save(str(OUT))
        print(f"{OUT}: {len(window.controller.predictions)} pre-labels on the canvas, "
              f"prompt for v{dialog.version.number if dialog else '?'}")
        window.close()
        project.close()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
