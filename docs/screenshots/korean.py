"""Render the Korean screenshots: the workspace, the review and the QA views in Korean.

The demo project is built with its Korean guideline (``--lang ko``) and the app runs with
``LABELER_LANG=ko``: Ana (annotator) in the workspace, Rita (reviewer) with the review
panel, Quinn (QA lead) with the QA dashboard. Needs a Korean font (Debian:
fonts-noto-cjk, which ``.ci/run`` installs). Run from the repository root:

    QT_QPA_PLATFORM=offscreen python docs/screenshots/korean.py
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
SHOTS = ROOT / "docs" / "screenshots"
os.environ["LABELER_LANG"] = "ko"
# the windows' remembered layouts and overlay choices stay out of the user's settings
os.environ["XDG_CONFIG_HOME"] = tempfile.mkdtemp(prefix="labeler-shots-")


def _settle(app: object, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        app.processEvents()  # type: ignore[attr-defined]
        time.sleep(0.02)


def main() -> int:
    """Build the Korean demo and save the three pictures."""
    from labeler.app.launch import application, wait_until_painted
    from labeler.app.main_window import MainWindow
    from labeler.core.store import Project
    from labeler.demo.build import build_demo

    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        path = build_demo(folder / "demo", 16, log=lambda _m: None, language="ko")
        for person, name, docks in (
            ("Ana", "workspace_ko.png", ()),
            ("Rita", "review_ko.png", ("review",)),
            ("Quinn", "qa_ko.png", ("qa_dashboard",)),
        ):
            project = Project.open(path)
            chosen = project.person_by_name(person)
            assert chosen is not None
            project.acknowledge(chosen.id)  # the guideline dialog would cover the window
            window = MainWindow(project, chosen, thumbnail_dir=folder / "thumbs")
            window.resize(1600, 1000)
            window.show()
            wait_until_painted(app, window, 30)
            for dock in docks:  # after the first show, which restores the role's layout
                window.docks[dock].show()
                window.docks[dock].raise_()
            _settle(app, 4)  # the panels' first pages and the QA charts come from workers
            window.grab().save(str(SHOTS / name))
            window.close()
            window.shutdown()
            project.close()
            print(f"wrote {SHOTS / name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
