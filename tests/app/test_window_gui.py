"""The window itself: its size, layouts per role, docks beside the canvas, toolbar, File menu."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings
from PySide6.QtGui import QGuiApplication, QKeySequence
from PySide6.QtWidgets import QApplication, QToolButton, QWidget
from pytestqt.qtbot import QtBot

from labeler.app import launch
from labeler.app.actions import MenuId
from labeler.app.main_window import MainWindow
from labeler.app.start_screen import OPEN_FILTER, StartScreen, add_recent_project, recent_projects
from labeler.core.domain import Role
from labeler.core.packages import export_package, work_folder
from labeler.core.store import Project
from tests.app.conftest import Mouse, open_window

pytestmark = pytest.mark.gui


def _in_window(window: MainWindow, widget: QWidget) -> QRect:
    return QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())


def test_default_size_fills_most_of_the_screen(qtbot: QtBot, project_path: Path) -> None:
    project = Project.open(project_path)
    alice = project.person_by_name("alice")
    assert alice is not None
    window = MainWindow(project, alice, thumbnail_dir=project_path.parent / "thumbs")
    qtbot.addWidget(window)
    try:
        screen = QGuiApplication.primaryScreen()
        assert screen is not None
        available = screen.availableGeometry()
        size, least = window.geometry().size(), window.minimumSizeHint()
        # 90 % of the screen, unless the panels need more than that (the tiny offscreen screen)
        assert abs(size.width() - max(0.9 * available.width(), least.width())) <= 2
        assert abs(size.height() - max(0.9 * available.height(), least.height())) <= 2
        assert available.contains(window.geometry().center())
    finally:
        window.close()


def test_dock_layout_is_kept_per_role(qtbot: QtBot, project_path: Path) -> None:
    alice = open_window(qtbot, project_path, "alice")
    alice.docks["guideline"].close()  # the annotator wants the room
    alice.close()
    rita = open_window(qtbot, project_path, "rita")  # a reviewer: her own (default) layout
    try:
        assert rita.docks["guideline"].isVisibleTo(rita)
        rita.docks["images"].close()
    finally:
        rita.close()
    again = open_window(qtbot, project_path, "alice")
    try:
        assert not again.docks["guideline"].isVisibleTo(again)
        assert again.docks["images"].isVisibleTo(again)  # rita's change is hers alone
    finally:
        again.close()
    keys = QSettings().allKeys()
    assert "window/annotator/state" in keys and "window/reviewer/state" in keys


def test_qa_dashboard_and_curation_dock_beside_the_canvas(qtbot: QtBot, project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.add_person("quinn", Role.QA_LEAD)
    window = open_window(qtbot, project_path, "quinn")
    window.resize(1600, 1400)  # a tall screen: room for the dashboard's charts
    try:
        for name in ("qa_dashboard", "curation"):
            dock = window.docks[name]
            dock.show()
            dock.raise_()
            qtbot.waitUntil(dock.isVisible, timeout=3000)
            assert not dock.isFloating(), name
            canvas = _in_window(window, window.canvas_view)
            assert not _in_window(window, dock).intersects(canvas), name
            assert canvas.width() >= 320 and canvas.height() >= 240
        qa = window.docks["qa_dashboard"]
        assert qa.height() >= window.height() * 0.25  # room for its charts
    finally:
        window.close()


def test_toolbar_buttons_keep_their_labels_and_places(window: MainWindow, mouse: Mouse) -> None:
    def buttons() -> list[tuple[str, int, int]]:
        return [
            (button.text(), button.x(), button.width())
            for action in window.toolbar.actions()
            if isinstance(button := window.toolbar.widgetForAction(action), QToolButton)
        ]

    before = buttons()
    texts = [text for text, _x, _w in before]
    assert texts[:5] == ["Select (V)", "Box (W)", "Polygon (P)", "Undo", "Redo"] or (
        texts[:3] == ["Select (V)", "Box (W)", "Polygon (P)"] and "Undo" in texts
    )
    window.trigger("tool.box")
    mouse.drag((40, 40), (100, 100))  # Undo's menu text becomes "Undo Add …"
    assert window.action_registry["edit.undo"].text() != "Undo"
    window.undo_stack.undo()  # ...and Redo's
    assert buttons() == before


def test_file_menu_has_open_recent_and_quit(
    qtbot: QtBot, window: MainWindow, project_path: Path, tmp_path: Path
) -> None:
    menu = window.menus[MenuId.FILE]
    texts = [action.text() for action in menu.actions() if not action.isSeparator()]
    assert texts[0] == "Open…" and texts[1] == "Recent" and texts[-1] == "Quit"
    assert window.action_registry["file.open"].shortcut() == QKeySequence("Ctrl+O")
    assert window.action_registry["file.quit"].shortcut() == QKeySequence("Ctrl+Q")
    other = tmp_path / "other.labeler"
    Project.create(other, ["scratch"], "box").close()
    add_recent_project(other)
    add_recent_project(project_path)
    window.recent_menu.aboutToShow.emit()
    entries = [a for a in window.recent_menu.actions() if a.data()]
    assert [Path(a.data()) for a in entries] == [project_path.resolve(), other.resolve()]
    assert not entries[0].isEnabled()  # the project already open
    with qtbot.waitSignal(window.openRequested) as opened:
        entries[1].trigger()
    assert opened.args == [other.resolve()]
    window.trigger("file.quit")
    assert not window.isVisible()


@pytest.fixture
def package(project_path: Path) -> Path:
    """A vendor package of the test project's first two images."""
    with Project.open(project_path) as project:
        summary = export_package(
            project, project_path.parent / "va.lbpkg", "Vendor A", project.images()[:2]
        )
    return summary.path


def test_a_package_opens_and_recent_keeps_the_package(
    qtbot: QtBot, package: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert "*.lbpkg" in OPEN_FILTER
    before = package.stat().st_mtime_ns
    window = launch.open_workspace(package, "Vik", True)
    assert window is not None
    qtbot.addWidget(window)
    assert window.workspace.project.path.parent == work_folder(package)
    assert recent_projects() == [package.resolve()]  # the package, not its working copy
    window.show()
    window.close()  # the work goes back into the package
    assert package.stat().st_mtime_ns != before
    assert f"Saved your work into {package}" in capsys.readouterr().err
    start = StartScreen()
    qtbot.addWidget(start)
    item = start.recent.item(0)
    assert item is not None and item.text().startswith("va.lbpkg")
    start.recent.itemActivated.emit(item)
    assert start.project_path == package.resolve()


def test_recent_opens_the_other_project_in_place_of_this_one(
    qtbot: QtBot, project_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = tmp_path / "other.labeler"
    Project.create(other, ["scratch"], "box").close()
    signed_in: list[str] = []

    def sign_in(project: Project, name: str | None, interactive: bool) -> object:
        signed_in.append(project.path.name)  # the sign-in dialog would ask here
        return project.ensure_person("alice", Role.ANNOTATOR)

    monkeypatch.setattr(launch, "choose_person", sign_in)
    first = launch.open_workspace(project_path, "alice", True)
    assert first is not None
    qtbot.addWidget(first)
    first.show()
    add_recent_project(other)
    first.recent_menu.aboutToShow.emit()
    entry = next(a for a in first.recent_menu.actions() if a.data() == str(other.resolve()))
    entry.trigger()  # File ▸ Recent ▸ other.labeler
    assert not first.isVisible()  # the first window closed (its project released)
    opened = [
        w
        for w in QApplication.topLevelWidgets()
        if isinstance(w, MainWindow) and w.isVisible() and w is not first
    ]
    assert [w.workspace.project.path.resolve() for w in opened] == [other.resolve()]
    assert signed_in[-1] == "other.labeler"
    assert recent_projects()[0] == other.resolve()
    for window in opened:
        qtbot.addWidget(window)
        window.close()
