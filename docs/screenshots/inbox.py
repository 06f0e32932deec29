"""Render docs/screenshots/inbox.png: the QA lead's Inbox beside the image asked about.

The demo project gets three questions: Vik (Vendor A) asks about one of his cracks
and about a region (in Korean, with markup that must show literally), Ana asks
about a dent; Rita answers Ana, Quinn promotes that answer. The window is Quinn's,
on Vik's open question, with an answer being typed. Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/inbox.py
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHOTS = ROOT / "docs" / "screenshots"

LONG_CRACK = (
    "A long straight crack without branches that stops short of the edge: crack or scratch?"
)
KOREAN = "<b>유리 가장자리</b>의 짧은 흠집 [/] 은 균열인가요, 스크래치인가요?"


def _questions(path: Path) -> int:
    """Ask, answer and promote; returns the image of Vik's open question on his crack."""
    from labeler.core.store import Project

    with Project.open(path) as project:
        people = {p.name: p for p in project.people()}
        vik, ana, rita, quinn = (people[n] for n in ("Vik", "Ana", "Rita", "Quinn"))
        crack = project.class_by_name("crack")
        dent = project.class_by_name("dent")
        assert crack is not None and dent is not None
        vik_cracks = [a for a in project.annotations() if a.annotator_id == vik.id]
        shape = next(a for a in vik_cracks if a.class_id == crack.id)
        project.ask_question(shape.image_id, vik.id, LONG_CRACK, annotation_id=shape.id)
        other = next(i for i in project.images() if i.id != shape.image_id)
        project.ask_question(other.id, vik.id, KOREAN, region=(10, 10, 120, 90), section="3.2")
        anas = [a for a in project.annotations() if a.annotator_id == ana.id]
        dented = next(a for a in anas if a.class_id == dent.id)
        asked = project.ask_question(
            dented.image_id,
            ana.id,
            "Is a dent under a sticker still a dent?",
            annotation_id=dented.id,
        )
        project.answer_question(asked.id, rita.id, "Yes, if the shading is visible.")
        project.promote_question(asked.id, quinn.id)
        return shape.image_id


def main() -> int:
    """Build the scene and save the picture."""
    from labeler.app.launch import application, wait_until_painted
    from labeler.app.main_window import MainWindow
    from labeler.core.store import Project
    from labeler.demo.build import build_demo

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build_demo(folder / "demo", 16, log=lambda _m: None)
        image_id = _questions(path)
        project = Project.open(path)
        quinn = project.person_by_name("Quinn")
        assert quinn is not None
        window = MainWindow(project, quinn, thumbnail_dir=folder / "thumbs")
        window.resize(1500, 950)
        window.show()
        wait_until_painted(app, window, 20)
        window.image_browser.select_image(image_id)
        inbox = window.questions_ui.inbox
        assert inbox.dock is not None
        inbox.dock.show()
        inbox.dock.raise_()
        inbox.select_question(project.questions("open")[0].id)
        inbox.answer_edit.setPlainText(
            "Scratch: a crack reaches the edge of the glass (guideline 3.2)."
        )
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            app.processEvents()
            time.sleep(0.02)
        window.grab().save(str(SHOTS / "inbox.png"))
        print(inbox.tabs.tabText(0), inbox.tabs.tabText(1), inbox.tabs.tabText(2))
        print(window.questions_ui.banner.text())
        window.close()
        project.close()
    print(f"wrote {SHOTS / 'inbox.png'}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
