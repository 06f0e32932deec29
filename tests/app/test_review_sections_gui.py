"""Each review decision records the guideline section chosen for it, never a leftover one."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.core.domain import ReviewDecision
from tests.app.conftest import Mouse, stored
from tests.app.test_review_gui import _pick_section, review_path, rita_window  # noqa: F401

pytestmark = pytest.mark.gui


def _click(qtbot: QtBot, button: object) -> None:
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_a_later_fix_needs_its_own_section(
    qtbot: QtBot,
    rita_window: MainWindow,  # noqa: F811
    review_path: Path,  # noqa: F811
) -> None:
    panel = rita_window.review_panel
    queue = panel.show_list("queue")
    assert queue.select_row(0)
    qtbot.waitUntil(lambda: rita_window.current_image_id() == queue.rows()[0].image_id)
    first = rita_window.controller.annotations[0].id
    panel.image_annotations.setCurrentRow(0)
    _pick_section(rita_window, "3.1")
    _click(qtbot, panel.reject_button)
    assert panel.section_picker.currentData() is None  # reset after the decision
    _pick_section(rita_window, "3.2")  # chosen, then the reviewer moves on undecided
    assert queue.select_row(1)
    qtbot.waitUntil(lambda: rita_window.current_image_id() == queue.rows()[1].image_id)
    assert panel.section_picker.currentData() is None  # a new image starts without one
    target = rita_window.controller.annotations[0]
    mouse = Mouse(rita_window)
    mouse.click(60, 60)
    assert panel.selected_annotation_id() == target.id
    mouse.drag((60, 60), (70, 70))
    assert panel.pending_fix(target.id) is not None
    _click(qtbot, panel.fix_button)  # no section for this decision: refused, nothing stored
    assert "section" in panel.message.text()
    with stored(review_path) as project:
        assert project.reviews("annotation", target.id) == []
    _pick_section(rita_window, "1.1")
    _click(qtbot, panel.fix_button)
    with stored(review_path) as project:
        [fix] = project.reviews("annotation", target.id)
        assert fix.decision is ReviewDecision.FIX
        assert project.review_details(fix.id)["section"] == "1.1"
        [reject] = project.reviews("annotation", first)
        assert project.review_details(reject.id)["section"] == "3.1"
