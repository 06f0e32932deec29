from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from labeler.app.actions import ACTIONS, ActionRegistry, ShortcutsDialog
from labeler.app.main_window import MainWindow
from labeler.app.sign_in import SignInDialog, remembered_person
from labeler.app.workers import JobRunner, ProgressDialog, format_eta
from labeler.core.commands import AddAnnotation
from labeler.core.geometry import Box, Tag
from labeler.core.progress import Progress
from labeler.core.store import Project
from tests.app.conftest import stored

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def test_tags_panel_toggles_an_undoable_tag(
    qtbot: QtBot, window: MainWindow, keys: Callable[..., None], project_path: Path
) -> None:
    image_id = window.current_image_id()
    checkbox = next(iter(window.tags_panel.checkboxes().values()))
    qtbot.mouseClick(checkbox, Qt.MouseButton.LeftButton, pos=QPoint(8, checkbox.height() // 2))
    with stored(project_path) as project:
        [tag] = project.annotations(image_id)
        assert isinstance(tag.geometry, Tag)
    keys((Qt.Key.Key_Z, CTRL))
    assert not checkbox.isChecked()
    with stored(project_path) as project:
        assert project.annotations(image_id) == []


def test_guideline_follows_the_class(window: MainWindow, keys: Callable[..., None]) -> None:
    keys(Qt.Key.Key_2)
    panel = window.guideline_panel
    assert "crack" in panel.title.text() and "v1" in panel.title.text()
    assert "Branching" in panel.browser.toPlainText()
    keys(Qt.Key.Key_3)  # dent has no section: the whole guideline is shown
    assert "no section" in panel.title.text()
    assert "Box it end to end" in panel.browser.toPlainText()


def test_shortcuts_are_listed_and_configurable(window: MainWindow, qtbot: QtBot) -> None:
    dialog = ShortcutsDialog(window.action_registry, window)
    qtbot.addWidget(dialog)
    assert dialog.table.rowCount() == len(ACTIONS)
    assert dialog.keys_text("image.next") == "D, Right"
    window.action_registry.set_shortcuts("image.next", [QKeySequence("N")])
    assert window.action_registry["image.next"].shortcut().toString() == "N"
    assert ActionRegistry(window).shortcuts("image.next") == [QKeySequence("N")]  # remembered
    assert QSettings().value("shortcuts/image.next") == "N"
    window.action_registry.reset()
    assert window.action_registry["image.next"].shortcut().toString() == "D"
    assert window.action_registry.conflicts() == {}


def test_a_refused_edit_is_a_message_not_a_traceback(window: MainWindow, qtbot: QtBot) -> None:
    image_id = window.current_image_id()
    assert image_id is not None
    tag_class = window.workspace.tag_classes()[0]
    bad = AddAnnotation(image_id, tag_class.id, Box(1, 1, 20, 20), window.workspace.person.id)
    with qtbot.waitSignal(window.workspace.errorRaised) as blocker:
        assert window.workspace.execute(bad) is None
    assert "cannot carry" in blocker.args[0]
    assert "Not saved" in window.status.save_label.text()
    assert window.undo_stack.count() == 0


def test_sign_in_creates_and_remembers_a_person(qtbot: QtBot, project_path: Path) -> None:
    with Project.open(project_path) as project:
        dialog = SignInDialog(project)
        qtbot.addWidget(dialog)
        dialog.new_name.setText("zoe")
        dialog.new_role.setCurrentIndex(1)  # reviewer
        dialog.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok).click()
        assert dialog.person is not None and dialog.person.role.value == "reviewer"
        assert project.person_by_name("zoe") is not None
        remembered = remembered_person(project)
        assert remembered is not None and remembered.name == "zoe"
        again = SignInDialog(project)
        qtbot.addWidget(again)
        assert again.people.currentItem().text().startswith("zoe")


def test_worker_reports_progress_and_cancels(qtbot: QtBot, window: MainWindow) -> None:
    def slow(progress: Progress) -> int:
        progress.start(1000, "counting")
        for _ in range(1000):
            progress.check()
            time.sleep(0.002)
            progress.advance()
        return 1000

    runner = JobRunner(window)
    job = runner.run(slow, "counting")
    dialog = ProgressDialog(job, "Counting", window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: dialog.bar.value() > 20, timeout=5000)
    with qtbot.waitSignal(job.signals.cancelled, timeout=5000):
        dialog.reject()  # Escape / Cancel
    assert format_eta(75) == "1 min 15 s"
    runner.shutdown()
