"""Render docs/screenshots/ai_polygon.png: the demo with an AI polygon accepted on a dent.

A new annotator opens the demo project, picks the AI polygon tool (S) and the dent
class, clicks once on a dent (the demo model's pre-label tells where one is) and
presses Enter; a second click on another dent shows the live preview beside it.
Uses the shipped demo segmenter. Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/ai_polygon.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import cv2

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHOT = ROOT / "docs" / "screenshots" / "ai_polygon.png"


def _wait(app: object, done: Callable[[], bool], timeout: float = 120.0) -> None:
    deadline = time.monotonic() + timeout
    while not done():
        app.processEvents()  # type: ignore[attr-defined]
        if time.monotonic() > deadline:
            raise TimeoutError("the window did not get there in time")
        time.sleep(0.01)


def _dent_image(project: object) -> tuple[int, list[tuple[float, float]]]:
    """An image with two or more confident dent pre-labels, and their centres."""
    dent = project.class_by_name("dent")  # type: ignore[attr-defined]
    for image in project.images():  # type: ignore[attr-defined]
        centres = []
        for p in project.predictions(image.id):  # type: ignore[attr-defined]
            if p.class_id == dent.id and p.score >= 0.8:
                x1, y1, x2, y2 = p.geometry.bounds()
                centre = ((x1 + x2) / 2, (y1 + y2) / 2)
                if all(abs(centre[0] - c[0]) + abs(centre[1] - c[1]) > 120 for c in centres):
                    centres.append(centre)  # dents well apart (two boxes on one count once)
        pixels = cv2.imread(str(project.image_path(image)))  # type: ignore[attr-defined]
        if len(centres) >= 2 and pixels is not None and pixels.mean() > 90:
            return image.id, centres  # a well-lit phone with two dents well apart
    raise RuntimeError("no demo image with two dents")


def main() -> int:
    """Build the demo, make the picture, print what it shows."""
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from labeler.app.launch import application, wait_until_painted
    from labeler.app.main_window import MainWindow
    from labeler.core.domain import Role
    from labeler.core.store import Project
    from labeler.demo.build import build_demo

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build_demo(folder / "demo", 16, log=lambda _m: None)
        project = Project.open(path)
        sam = project.add_person("Sam", Role.ANNOTATOR)
        image_id, centres = _dent_image(project)
        print("dents at", [(round(x), round(y)) for x, y in centres])
        window = MainWindow(project, sam, thumbnail_dir=folder / "thumbs")
        window.resize(1500, 950)
        window.show()
        wait_until_painted(app, window, 30)
        window.image_browser.select_image(image_id)
        _wait(app, window.is_image_displayed)
        window.prelabel_panel.show_box.setChecked(False)  # the picture is about the AI tool
        window.trigger("tool.ai_polygon")
        dent = project.class_by_name("dent")
        window.controller.set_class(dent.id)
        tool = window.ai_polygon
        _wait(app, lambda: tool.service.has_embedding(image_id))
        viewport = window.canvas_view.viewport()
        for index, (x, y) in enumerate(centres[:2]):
            shown: list = []
            tool.previewPainted.connect(shown.append)
            QTest.mouseClick(viewport, Qt.MouseButton.LeftButton,
                             Qt.KeyboardModifier.NoModifier, window.map_image_to_view(x, y))
            _wait(app, lambda s=shown: any(not r.request.tentative for r in s))
            tool.previewPainted.disconnect(shown.append)
            if index == 0:
                accepted: list = []
                tool.shapesAccepted.connect(accepted.append)
                QTest.keyClick(window.canvas_view, Qt.Key.Key_Return)
                _wait(app, lambda a=accepted: bool(a))
                [ids] = accepted
                annotation = next(a for a in project.annotations(image_id) if a.id in ids)
                print(f"accepted {annotation.source.value} polygon of "
                      f"{len(annotation.geometry.points)} vertices at {x:.0f},{y:.0f}")
        QTest.mouseMove(viewport, window.map_image_to_view(*centres[1]))
        for _ in range(60):
            app.processEvents()
            time.sleep(0.02)
        window.grab().save(str(SHOT))
        print(tool.options.vertex_label.text(), "|", tool.status_label.text())
        window.close()
        project.close()
    print(f"wrote {SHOT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
