"""Space means done *for me*: each annotator of a blind overlap has their own done."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.core.domain import ImageStatus, Role
from tests.app.conftest import open_window, stored

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def _press(window: MainWindow, key: Qt.Key, modifier: Qt.KeyboardModifier | None = None) -> None:
    QTest.keyClick(window.canvas_view, key, modifier or Qt.KeyboardModifier.NoModifier)


def test_space_is_done_for_me_in_blind_overlap(qtbot: QtBot, project_path: Path) -> None:
    with stored(project_path) as project:
        alice = project.person_by_name("alice")
        bob = project.add_person("bob", Role.ANNOTATOR)
        assert alice is not None
        ids = [i.id for i in project.images()]
        project.assign_images(ids, [alice.id, bob.id], overlap=2, blind=True)
    first = ids[0]
    window = open_window(qtbot, project_path, "alice")
    assert window.current_image_id() == first
    _press(window, Qt.Key.Key_Space)  # alice answers: nothing here
    with stored(project_path) as project:
        assert project.is_answered(first, alice.id) and not project.is_answered(first, bob.id)
        assert project.image(first).status == ImageStatus.IN_PROGRESS  # bob still to answer
        assert project.answered_empty_image_ids(alice.id) == {first}
    qtbot.waitUntil(lambda: "done by you" in window.status.index_label.text(), timeout=3000)
    row = window.image_browser.current_row()
    qtbot.waitUntil(
        lambda: window.image_browser.model.record(row).status == ImageStatus.IN_PROGRESS,
        timeout=3000,
    )
    _press(window, Qt.Key.Key_Z, CTRL)  # undo: not done for alice again, status as before
    with stored(project_path) as project:
        assert not project.is_answered(first, alice.id)
        assert project.image(first).status == ImageStatus.NEW
    _press(window, Qt.Key.Key_Space)  # alice answers again
    window.close()
    window = open_window(qtbot, project_path, "bob")
    _press(window, Qt.Key.Key_Space)  # bob answers too: the image is done
    with stored(project_path) as project:
        assert project.image(first).status == ImageStatus.DONE
        assert all(a.done_at for a in project.assignments() if a.image_id == first)
    qtbot.waitUntil(lambda: window.status.index_label.text().endswith("· done"), timeout=3000)
    window.close()


def test_a_reviewers_space_completes_the_review_and_never_answers(
    qtbot: QtBot, project_path: Path
) -> None:
    with stored(project_path) as project:
        rita = project.person_by_name("rita")
        assert rita is not None
        first = project.images()[0].id
        project.assign_images([first], [rita.id], "review")
    window = open_window(qtbot, project_path, "rita")
    assert window.current_image_id() == first
    _press(window, Qt.Key.Key_Space)
    with stored(project_path) as project:
        [review] = project.assignments(first, rita.id)
        assert review.done_at is not None
        assert project.answer_pairs() == []  # reviewing made her no annotator
    _press(window, Qt.Key.Key_Z, CTRL)
    with stored(project_path) as project:
        assert [a.done_at for a in project.assignments(first, rita.id)] == [None]
    window.close()
