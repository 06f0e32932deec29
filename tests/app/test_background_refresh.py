"""The computed panels' shared skeleton: ``BackgroundRefresh.follow`` (watched changes, showing)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QObject, Signal
from PySide6.QtWidgets import QWidget
from pytestqt.qtbot import QtBot

from labeler.app.charts import BackgroundRefresh
from labeler.core.events import Change, Entity

pytestmark = pytest.mark.gui


class _Changes(QObject):
    changed = Signal(object)


def test_a_followed_panel_recomputes_when_shown_and_after_watched_changes(
    qtbot: QtBot,
) -> None:
    panel = QWidget()
    qtbot.addWidget(panel)
    changes = _Changes()
    results: list[int] = []
    refresher = BackgroundRefresh(lambda _p: len(results), "test", 10, panel)
    refresher.resultReady.connect(results.append)
    refresher.follow(panel, changes.changed, [Entity.ANNOTATION])
    try:
        changes.changed.emit(Change(Entity.ANNOTATION, "update", (1,)))  # hidden: only stale
        qtbot.wait(60)
        assert refresher.runs == 0 and refresher.stale
        panel.show()  # shown (for the first time): it computes
        qtbot.waitUntil(lambda: refresher.runs == 1)
        changes.changed.emit(Change(Entity.REVIEW, "create", (2,)))  # not watched
        qtbot.wait(60)
        assert refresher.runs == 1
        changes.changed.emit(Change(Entity.ANNOTATION, "create", (3,)))  # watched, shown
        qtbot.waitUntil(lambda: refresher.runs == 2)
        panel.hide()
        changes.changed.emit(Change(Entity.ANNOTATION, "delete", (3,)))
        qtbot.wait(60)
        assert refresher.runs == 2
        panel.show()  # shown again after a change made while hidden
        qtbot.waitUntil(lambda: refresher.runs == 3)
        panel.hide()
        panel.show()  # nothing changed meanwhile: no run
        qtbot.wait(60)
        assert refresher.runs == 3 and results == [0, 1, 2]
    finally:
        refresher.shutdown()
