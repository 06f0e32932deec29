"""Starting the app: the QApplication, the project, the person, and screenshot mode."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QApplication, QMessageBox

from labeler.app.main_window import MainWindow
from labeler.app.sign_in import SignInDialog, remember_person
from labeler.app.start_screen import StartScreen, add_recent_project
from labeler.app.theme import apply_theme
from labeler.core.domain import Person, Role
from labeler.core.errors import LabelerError
from labeler.core.store import Project

SCREENSHOT_SIZE = (1600, 1000)
SCREENSHOT_TIMEOUT_S = 20.0
DEMO_PERSON = "demo annotator"


def application() -> QApplication:
    """The QApplication (created once, themed, with settings under "labeler")."""
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        # Decode threads run Python between C calls; hand the GIL back to the GUI thread
        # within 1 ms (default 5 ms) so painting never waits on them.
        sys.setswitchinterval(0.001)
        QCoreApplication.setOrganizationName("labeler")
        QCoreApplication.setApplicationName("labeler")
        app = QApplication(sys.argv[:1])
        apply_theme(app)
    return app


def choose_person(project: Project, name: str | None, interactive: bool) -> Person | None:
    """Who works: ``name`` (added as annotator if new), else ask, else a default."""
    if name:
        return project.ensure_person(name, Role.ANNOTATOR)
    if interactive:
        dialog = SignInDialog(project)
        return dialog.person if dialog.exec() else None
    people = project.people()
    return people[0] if people else project.ensure_person(DEMO_PERSON, Role.ANNOTATOR)


def run(project_path: Path | None, *, screenshot: Path | None, person: str | None) -> int:
    """See :func:`labeler.app.run_app`."""
    app = application()
    interactive = screenshot is None
    if project_path is None:
        if not interactive:
            return _grab_start_screen(app, screenshot)
        start = StartScreen()
        if not start.exec() or start.project_path is None:
            return 0
        project_path = start.project_path
    try:
        project = Project.open(project_path)
        chosen = choose_person(project, person, interactive)
    except LabelerError as exc:
        return _fail(str(exc), interactive)
    if chosen is None:
        project.close()
        return 0
    if person:
        remember_person(project, chosen)
    window = MainWindow(project, chosen)
    if screenshot is not None:
        return _grab_window(app, window, screenshot)
    add_recent_project(Path(project_path))
    window.show()
    window.guideline_ui.require()  # no labeling or review before the version in force is read
    return app.exec()


def _fail(message: str, interactive: bool) -> int:
    if interactive:
        QMessageBox.critical(None, "Cannot open the project", message)
    else:
        print(f"error: {message}", file=sys.stderr)
    return 1


def wait_until_painted(app: QApplication, window: MainWindow, timeout: float) -> bool:
    """Process events until the image is on the canvas and thumbnails had a moment."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not window.is_image_displayed():
        app.processEvents()
        time.sleep(0.01)
    settle = time.monotonic() + 1.0  # thumbnails of the visible rows, full-res upgrade
    while time.monotonic() < min(settle, deadline):
        app.processEvents()
        time.sleep(0.01)
    return window.is_image_displayed()


def _grab_window(app: QApplication, window: MainWindow, path: Path) -> int:
    window.resize(*SCREENSHOT_SIZE)
    window.show()
    painted = wait_until_painted(app, window, SCREENSHOT_TIMEOUT_S)
    ok = window.grab().save(str(path))
    window.close()
    window.deleteLater()
    app.processEvents()
    if not ok:
        print(f"error: could not write the screenshot to {path}", file=sys.stderr)
        return 1
    if not painted:
        print(
            "warning: the image was not decoded in time; screenshot shows a placeholder",
            file=sys.stderr,
        )
    return 0


def _grab_start_screen(app: QApplication, path: Path) -> int:
    start = StartScreen()
    start.resize(640, 420)
    start.show()
    app.processEvents()
    ok = start.grab().save(str(path))
    start.close()
    return 0 if ok else 1
