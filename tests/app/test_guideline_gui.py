"""Guideline acknowledgement, the version in the status bar, and the version comparison."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labeler.app.acknowledge import AcknowledgeDialog
from labeler.app.guideline_diff import GuidelineDiffDialog
from labeler.app.main_window import MainWindow
from tests.app.conftest import Mouse, stored

pytestmark = pytest.mark.gui

V2 = (
    "# Guideline\n\n## scratch\n\nA thin line. Box it end to end, tight.\n\n"
    "## crack\n\nBranching lines from an impact point.\n"
)


def _open_dialog(qtbot: QtBot, window: MainWindow) -> AcknowledgeDialog:
    qtbot.waitUntil(lambda: window.guideline_ui.dialog is not None)
    dialog = window.guideline_ui.dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def test_edits_wait_for_the_acknowledgement(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    status = window.status.guideline_label
    assert status.text() == "Guideline v1 · not acknowledged"
    window.guideline_ui.require()  # as the app does after sign-in
    dialog = _open_dialog(qtbot, window)
    assert "Box it end to end" in dialog.text_browser.toPlainText()
    qtbot.mouseClick(dialog.later_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.guideline_ui.dialog is None)
    window.tool_box()
    Mouse(window).drag((40, 30), (120, 90))  # refused, with a message and the dialog again
    image_id = window.current_image_id()
    with stored(project_path) as project:
        assert project.annotations(image_id) == []
    assert "acknowledge guideline version 1" in window.status.save_label.toolTip()
    dialog = _open_dialog(qtbot, window)
    qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: status.text() == "Guideline v1")
    person = window.workspace.person.id
    with stored(project_path) as project:
        [ack] = project.acknowledgements()
        assert ack.person_id == person and ack.at
    window.tool_box()
    Mouse(window).drag((40, 30), (120, 90))
    with stored(project_path) as project:
        assert len(project.annotations(image_id)) == 1


def test_a_newer_version_asks_again(qtbot: QtBot, window: MainWindow) -> None:
    project, person = window.workspace.project, window.workspace.person
    project.acknowledge(person.id)
    window.guideline_ui.require()
    assert window.guideline_ui.dialog is None
    assert window.status.guideline_label.text() == "Guideline v1"
    project.publish_guideline(V2, "Tight scratch boxes")
    dialog = _open_dialog(qtbot, window)
    assert dialog.version.number == 2 and "Tight scratch boxes" in dialog.changelog.text()
    assert window.status.guideline_label.text() == "Guideline v2 · not acknowledged"


def test_guideline_diff_dialog_colours_text_and_rules(qtbot: QtBot, window: MainWindow) -> None:
    window.workspace.project.publish_guideline(V2, "Tight scratch boxes")
    dialog = window.guideline_ui.show_diff()
    assert isinstance(dialog, GuidelineDiffDialog)
    qtbot.addWidget(dialog)
    dialog.set_versions(1, 2)
    html = dialog.browser.toHtml()
    text = dialog.browser.toPlainText()
    assert "v1 → v2" in text and "Rule: scratch" in text
    assert "+A thin line. Box it end to end, tight." in text
    assert "#7ee787" in html and "#ff9b95" in html  # added green, removed red
    dialog.set_versions(2, 2)
    assert "The text is the same" in dialog.browser.toPlainText()


def test_undo_waits_for_a_newer_version_and_keeps_its_step(
    qtbot: QtBot, window: MainWindow, project_path: Path
) -> None:
    """The core refuses the undo of a label change under an unread version; the step stays."""
    project, person = window.workspace.project, window.workspace.person
    project.acknowledge(person.id)
    window.guideline_ui.require()
    window.tool_box()
    Mouse(window).drag((40, 30), (120, 90))
    image_id = window.current_image_id()
    assert len(project.annotations(image_id)) == 1
    with stored(project_path) as other:  # published in a terminal beside the window
        other.publish_guideline(V2, "Tight scratch boxes")
    window.undo()  # refused by the core: the box stays, the step stays, the dialog comes
    assert "acknowledge guideline version 2" in window.status.save_label.toolTip()
    assert len(project.annotations(image_id)) == 1
    assert window.undo_stack.canUndo() and window.undo_stack.index() == 1
    dialog = _open_dialog(qtbot, window)
    assert dialog.version.number == 2
    qtbot.mouseClick(dialog.acknowledge_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: window.guideline_ui.dialog is None)
    window.undo()
    assert project.annotations(image_id) == []
