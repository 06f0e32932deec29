"""Render docs/screenshots/scorecard.png: the QA view's Vendors tab on a three-batch project.

The project is the two-batch case of ``tests/core/vendor_case.py`` (Vendor A: an in-house
batch "week 1" and a package "va2.lbpkg", numbers counted by hand there) plus a batch for
Vendor B (named with Korean text and markup that must show literally), with a gold
answer and a price of its own. The dashboard is Quinn's (QA lead), grabbed on its own.
Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/scorecard.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHOTS = ROOT / "docs" / "screenshots"
VENDOR_B = "<b>한빛</b> [/] 라벨링"


def _vendor_b(path: Path) -> None:
    """Bea of Vendor B labels two images in batch "2주차" and answers the gold image."""
    from labeler.core.commands import SetAnswered
    from labeler.core.geometry import Box
    from labeler.core.store import Project

    with Project.open(path) as project:
        quinn = project.person_by_name("Quinn")
        assert quinn is not None
        bea = project.add_person("Bea", organization=VENDOR_B)
        images = [i.id for i in project.images()]
        project.assign_images([images[0], images[1], images[5]], [bea.id], batch="2주차")
        first = project.add_annotation(images[0], 1, Box(12, 12, 52, 50), bea.id)
        project.add_annotation(images[5], 2, Box(25, 22, 66, 52), bea.id)
        for image, seconds in ((images[0], 41.0), (images[1], 12.0), (images[5], 33.0)):
            SetAnswered(image, bea.id).apply(project)
            project.add_image_time(image, bea.id, seconds)
        project.review_annotation(first.id, quinn.id, "accept")
        project.set_vendor_price(VENDOR_B, per_image=90, per_object=40, currency="KRW")


def main() -> int:
    """Build the scene and save the picture."""
    from labeler.app.launch import application, wait_until_painted
    from labeler.app.main_window import MainWindow
    from labeler.core.store import Project
    from tests.core.vendor_case import build_vendor_case

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build_vendor_case(folder)
        _vendor_b(path)
        project = Project.open(path)
        quinn = project.person_by_name("Quinn")
        assert quinn is not None
        window = MainWindow(project, quinn, thumbnail_dir=folder / "thumbs")
        window.resize(1500, 950)
        window.show()
        wait_until_painted(app, window, 20)
        view = window.qa_view
        assert view.dock is not None
        # The dashboard on its own (the main window's right-hand docks leave it no room
        # at a screenshot's size): floated, sized, and grabbed by itself.
        view.dock.setFloating(True)
        view.dock.show()
        view.dock.resize(1400, 640)
        view.tabs.setCurrentWidget(view.vendor_tabs.scorecard)
        tab = view.vendor_tabs.scorecard
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not tab.has_result():
            app.processEvents()
            time.sleep(0.02)
        for _ in range(50):
            app.processEvents()
            time.sleep(0.02)
        view.dock.grab().save(str(SHOTS / "scorecard.png"))
        print(tab.summary.text())
        for row in range(tab.table.rowCount()):
            cells = [tab.table.item(row, c).text() for c in range(tab.table.columnCount())]
            print(" | ".join(cells))
        window.close()
        project.close()
    print(f"wrote {SHOTS / 'scorecard.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
