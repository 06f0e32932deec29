"""Every label change the window makes goes through a core command (a spy on the store).

The spy wraps the store's one write path (``Database.write``) and records, for
each write made on the GUI thread, which command was being applied. The flows
below (draw, mark done, review accept and fix, edge case, undo, redo) may only
write inside commands, except the session's own bookkeeping named here.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.core.commands import command_in_progress
from labeler.core.store.database import Database
from tests.app.conftest import Mouse
from tests.app.test_review_gui import _click, _pick_section, review_path, rita_window  # noqa: F401

pytestmark = pytest.mark.gui

# Writes that are not label changes: reading a guideline, the time spent on an image.
BOOKKEEPING = ("acknowledge", "add_image_time", "flush_time")


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[tuple[str | None, str]]]:
    seen: list[tuple[str | None, str]] = []
    original = Database.write
    gui_thread = threading.main_thread()

    @contextmanager
    def spying(self: Database) -> Iterator[object]:
        if threading.current_thread() is gui_thread and not self.in_write:
            callers = " ".join(frame.name for frame in traceback.extract_stack(limit=14))
            seen.append((command_in_progress(), callers))
        with original(self) as conn:
            yield conn

    monkeypatch.setattr(Database, "write", spying)
    yield seen


def test_label_changes_of_the_window_are_commands(
    qtbot: QtBot, rita_window: MainWindow, writes: list[tuple[str | None, str]]  # noqa: F811
) -> None:
    window, panel = rita_window, rita_window.review_panel
    panel.show_list("queue").select_row(0)
    target = window.controller.annotations[0]
    mouse = Mouse(window)
    mouse.click(50, 45)
    _click(qtbot, panel.accept_button)
    window.undo()
    mouse.click(50, 45)
    mouse.drag((50, 45), (70, 55))
    _pick_section(window, "1.1")
    _click(qtbot, panel.fix_button)
    window.tool_box()
    mouse.drag((150, 120), (200, 160))
    window.toggle_done()
    window.undo()
    window.redo()
    assert window.workspace.project.reviews("annotation", target.id)
    outside = [callers for command, callers in writes
               if command is None and not any(name in callers for name in BOOKKEEPING)]
    assert not outside, f"store writes from the window outside a command: {outside[:3]}"
    commands = {command for command, _ in writes if command}
    assert {f"Accept #{target.id}", f"Fix #{target.id}", "Add box"} <= commands
