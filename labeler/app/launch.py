"""Starting the app: the QApplication, the project, the person, and screenshot mode."""

from __future__ import annotations

import ctypes
import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QEvent, QObject
from PySide6.QtWidgets import QApplication, QMessageBox

from labeler.app.i18n import install_translations
from labeler.app.main_window import MainWindow
from labeler.app.sign_in import SignInDialog, remember_person
from labeler.app.start_screen import StartScreen, add_recent_project
from labeler.app.theme import apply_theme
from labeler.core.domain import Person, Role
from labeler.core.errors import LabelerError
from labeler.core.i18n import translate
from labeler.core.packages import PACKAGE_SUFFIX, open_package, save_package
from labeler.core.store import Project

# Qt >= 6.5's xcb platform plugin links this library; without it Qt aborts with a
# misleading "reinstalling the application may fix this problem".
XCB_CURSOR_LIBRARY = "libxcb-cursor.so.0"
XCB_CURSOR_PACKAGES = "Debian/Ubuntu: sudo apt install libxcb-cursor0; Fedora: xcb-util-cursor"
SCREENSHOT_SIZE = (1600, 1000)
SCREENSHOT_TIMEOUT_S = 20.0
DEMO_PERSON = "demo annotator"


def _(message: str) -> str:
    """A terminal message in the current language: the CLI's catalog (gettext, not Qt's).

    What is printed here is printed before Qt's translator is installed, or without one.
    """
    return translate(message, "cli")


class MissingSystemLibraryError(LabelerError):
    """A system library Qt needs to show windows is not installed."""


def uses_xcb(env: Mapping[str, str]) -> bool:
    """True when Qt will load its xcb (X11) plugin: Linux, X display, no other platform asked."""
    if not sys.platform.startswith("linux") or not env.get("DISPLAY"):
        return False
    platform = env.get("QT_QPA_PLATFORM", "").split(":")[0].strip()
    if platform:
        return platform == "xcb"
    return env.get("XDG_SESSION_TYPE") != "wayland"  # Qt 6 picks wayland in a Wayland session


def check_xcb_libraries(env: Mapping[str, str] | None = None) -> None:
    """Raise :class:`MissingSystemLibraryError` before Qt would abort for a missing xcb library."""
    if not uses_xcb(os.environ if env is None else env):
        return
    try:
        ctypes.CDLL(XCB_CURSOR_LIBRARY)
    except OSError:
        raise MissingSystemLibraryError(
            _(
                "Qt's X11 (xcb) plugin needs the system library {library}, which is not "
                "installed: install it ({packages}) and start labeler again"
            ).format(library=XCB_CURSOR_LIBRARY, packages=XCB_CURSOR_PACKAGES)
        ) from None


def application() -> QApplication:
    """The QApplication (created once, themed, with settings under "labeler").

    Raises :class:`MissingSystemLibraryError` (before Qt starts) when the X11
    plugin's system library is missing.
    """
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        check_xcb_libraries()
        # Decode threads run Python between C calls; hand the GIL back to the GUI thread
        # within 1 ms (default 5 ms) so painting never waits on them.
        sys.setswitchinterval(0.001)
        QCoreApplication.setOrganizationName("labeler")
        QCoreApplication.setApplicationName("labeler")
        app = QApplication(sys.argv[:1])
        apply_theme(app)
        install_translations(app)  # LABELER_LANG, else the system locale
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


def run(
    project_path: Path | None,
    *,
    screenshot: Path | None,
    person: str | None,
    package: Path | None = None,
) -> int:
    """See :func:`labeler.app.run_app`."""
    app = application()
    interactive = screenshot is None
    if project_path is None:
        if screenshot is not None:
            return _grab_start_screen(app, screenshot)
        start = StartScreen()
        if not start.exec() or start.project_path is None:
            return 0
        project_path = start.project_path
    try:
        window = open_workspace(project_path, person, interactive, package)
    except LabelerError as exc:
        return _fail(str(exc), interactive)
    if window is None:
        return 0
    if screenshot is not None:
        return _grab_window(app, window, screenshot)
    window.show()
    window.guideline_ui.require()  # no labeling or review before the version in force is read
    code = app.exec()
    if _WORKSPACES is not None:
        _WORKSPACES.close_all()  # a package whose window never got its close event
    return code


class _OpenWorkspaces(QObject):
    """The windows open in this process: File ▸ Open and Recent replace one with another.

    A window on a vendor package writes the work back into the package when it closes.
    """

    def __init__(self) -> None:
        super().__init__()
        self.packages: dict[MainWindow, Path] = {}

    def watch(self, window: MainWindow, package: Path | None) -> None:
        if package is not None:
            self.packages[window] = package
        window.installEventFilter(self)
        window.openRequested.connect(lambda target: self.replace(window, target))

    def replace(self, window: MainWindow, target: Path) -> None:
        """Open ``target`` (a project or a package) in a new window, then close ``window``."""
        try:
            opened = open_workspace(target, None, True)
        except LabelerError as exc:
            title = QCoreApplication.translate("MainWindow", "Cannot open the project")
            QMessageBox.warning(window, title, str(exc))
            return
        if opened is None:
            return
        window.close()
        opened.show()
        opened.guideline_ui.require()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A closing window on a package: release the project, then save the package."""
        if event.type() == QEvent.Type.Close and isinstance(watched, MainWindow):
            self._release(watched)
        return False

    def close_all(self) -> None:
        """Release every window still holding a package (the event loop has ended)."""
        for window in list(self.packages):
            self._release(window)

    def _release(self, window: MainWindow) -> None:
        window.shutdown()
        package = self.packages.pop(window, None)
        if package is not None:
            save_package(package)
            print(_("Saved your work into {package}").format(package=package), file=sys.stderr)


_WORKSPACES: _OpenWorkspaces | None = None


def open_workspace(
    path: Path, person: str | None, interactive: bool, package: Path | None = None
) -> MainWindow | None:
    """The main window on a project or a ``.lbpkg`` package (extracted beside it).

    None when the person declined to sign in. Interactive windows go first in the
    recent list under the path the person chose: the package, never its working copy.
    """
    global _WORKSPACES
    if package is None and path.suffix == PACKAGE_SUFFIX:
        package, path = path, open_package(path)
        print(
            _("Working on package {name} in {folder}").format(
                name=package.name, folder=path.parent
            ),
            file=sys.stderr,
        )
    project = Project.open(path)
    try:
        chosen = choose_person(project, person, interactive)
    except LabelerError:
        project.close()
        raise
    if chosen is None:
        project.close()
        return None
    if person:
        remember_person(project, chosen)
    window = MainWindow(project, chosen)
    if interactive:
        add_recent_project(package or path)
        if _WORKSPACES is None:
            _WORKSPACES = _OpenWorkspaces()
        _WORKSPACES.watch(window, package)
    return window


def _fail(message: str, interactive: bool) -> int:
    if interactive:
        title = QCoreApplication.translate("MainWindow", "Cannot open the project")
        QMessageBox.critical(None, title, message)
    else:
        print(_("error: {message}").format(message=message), file=sys.stderr)
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
        print(
            _("error: could not write the screenshot to {path}").format(path=path), file=sys.stderr
        )
        return 1
    if not painted:
        print(
            _("warning: the image was not decoded in time; screenshot shows a placeholder"),
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
