"""Questions in the real window: Q asks, the Inbox answers and promotes, the asker sees it."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QDialogButtonBox
from pytestqt.qtbot import QtBot

from labeler.app.actions import MenuId
from labeler.app.main_window import MainWindow
from labeler.core.geometry import Box
from labeler.core.store import Project
from labeler.core.tools import ShapeKey
from tests.app.conftest import open_window, stored

pytestmark = pytest.mark.gui

HOSTILE = "<b>긴 균열</b> [/] 스크래치인가요?"


@pytest.fixture
def with_shape(project_path: Path) -> int:
    """alice's crack on the first image, and a QA lead quinn; returns the crack's id."""
    with Project.open(project_path) as project:
        project.add_person("quinn", "qa_lead")
        alice = project.person_by_name("alice")
        assert alice is not None
        image = project.images()[0]
        return project.add_annotation(image.id, 2, Box(30, 30, 200, 60), alice.id).id


def _ask(qtbot: QtBot, window: MainWindow, text: str, section: str = "") -> None:
    QTest.keyClick(window.canvas_view, Qt.Key.Key_Q)
    dialog = window.questions_ui.dialog
    assert dialog is not None and dialog.isVisible()
    dialog.text_edit.setPlainText(text)
    dialog.section_edit.setText(section)
    ask = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert ask.isEnabled()
    qtbot.mouseClick(ask, Qt.MouseButton.LeftButton)


def test_q_asks_about_the_selected_shape_and_the_image_waits_for_an_answer(
    qtbot: QtBot, project_path: Path, with_shape: int
) -> None:
    window = open_window(qtbot, project_path)
    try:
        image_id = window.current_image_id()
        assert image_id is not None
        window.canvas_view.select(ShapeKey("annotation", with_shape))
        _ask(qtbot, window, HOSTILE, "3.2")
        with stored(project_path) as project:
            [question] = project.questions()
            assert (question.annotation_id, question.class_name) == (with_shape, "crack")
            assert question.text == HOSTILE and question.section == "3.2"
        banner = window.questions_ui.banner
        assert banner.isVisible() and banner.text() == f"⏳ Waiting for an answer: “{HOSTILE}”"
        state = window.questions_ui.status_label
        assert state.text() == "Question: waiting for answer" and state.isVisible()
        inbox = window.questions_ui.inbox  # an annotator sees their own questions, read-only
        assert inbox.list.count() == 1 and not inbox.answer_button.isVisibleTo(inbox)
        assert HOSTILE in inbox.list.item(0).text()

        window.trigger("image.next")  # not blocked: the next image has no question
        qtbot.waitUntil(lambda: window.current_image_id() != image_id)
        assert not banner.isVisible() and not state.isVisible()
        window.trigger("image.previous")
        qtbot.waitUntil(lambda: window.current_image_id() == image_id)
        assert banner.isVisible()

        window.trigger("edit.undo")  # the question is withdrawn
        with stored(project_path) as project:
            assert project.questions() == []
        qtbot.waitUntil(lambda: not banner.isVisible())
        window.trigger("edit.redo")
        with stored(project_path) as project:
            assert [q.text for q in project.questions()] == [HOSTILE]
    finally:
        window.close()


def test_the_inbox_answers_and_promotes_and_the_asker_sees_the_answer(
    qtbot: QtBot, project_path: Path, with_shape: int
) -> None:
    asker = open_window(qtbot, project_path)
    try:
        asker.canvas_view.select(ShapeKey("annotation", with_shape))
        _ask(qtbot, asker, "A long straight crack: crack or scratch?")
        lead = open_window(qtbot, project_path, "quinn")
        try:
            inbox = lead.questions_ui.inbox
            assert inbox.dock is not None
            assert inbox.dock.toggleViewAction() in lead.menus[MenuId.QA].actions()
            inbox.dock.show()
            assert inbox.tabs.tabText(0) == "Open (1)"
            assert inbox.promote_button.isVisible() and not inbox.promote_button.isEnabled()
            inbox.answer_edit.setPlainText("가장자리에 닿으면 균열 <i>crack</i>")
            qtbot.mouseClick(inbox.answer_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: inbox.tabs.tabText(1) == "Answered (1)")
            inbox.set_state("answered")
            assert inbox.list.count() == 1
            assert inbox.answer_label.text() == "A: 가장자리에 닿으면 균열 <i>crack</i>"
            assert inbox.class_combo.currentText() == "crack"
            qtbot.mouseClick(inbox.promote_button, Qt.MouseButton.LeftButton)
            qtbot.waitUntil(lambda: inbox.tabs.tabText(2) == "Promoted (1)")
            with stored(project_path) as project:
                [question] = project.questions()
                draft = project.draft_guideline()
                assert draft is not None and question.state == "promoted"
                [example] = project.guideline_examples(draft.id)
                assert example.class_name == "crack" and example.shapes[0].annotator is None
            lead.trigger("edit.undo")  # the promotion is a draft edit: undone
            with stored(project_path) as project:
                assert project.question(question.id).state == "answered"
                assert project.guideline_examples(draft.id) == []
        finally:
            lead.close()

        asker.poll_external_changes()  # the answer was given in another window
        banner = asker.questions_ui.banner
        qtbot.waitUntil(lambda: "가장자리에 닿으면 균열" in banner.text())
        assert banner.text() == (
            "Answer to your question “A long straight crack: crack or scratch?”: "
            "가장자리에 닿으면 균열 <i>crack</i>"
        )
        assert asker.questions_ui.status_label.text() == "Question: answered"
    finally:
        asker.close()


def test_a_reviewer_answers_but_cannot_promote(
    qtbot: QtBot, project_path: Path, with_shape: int
) -> None:
    with Project.open(project_path) as project:
        alice = project.person_by_name("alice")
        assert alice is not None
        first = project.images()[0].id
        project.ask_question(first, alice.id, "dust?", annotation_id=with_shape)
    window = open_window(qtbot, project_path, "rita")
    try:
        inbox = window.questions_ui.inbox
        assert inbox.answer_button.isVisibleTo(inbox) and not inbox.promote_button.isVisibleTo(
            inbox
        )
        assert "1 open question on this image" in window.questions_ui.banner.text()
        window.trigger("image.next")
        qtbot.waitUntil(lambda: window.current_image_id() != first)
        inbox.show_image()  # the image and the shape asked about
        assert window.current_image_id() == first
        assert window.canvas_view.selected_key == ShapeKey("annotation", with_shape)
        assert inbox.answer_selected("No: dust is not damage.")
        with stored(project_path) as project:
            assert project.questions()[0].answer == "No: dust is not damage."
    finally:
        window.close()


def test_q_works_in_a_package_working_copy_and_the_question_comes_back(
    qtbot: QtBot, project_path: Path
) -> None:
    from labeler.core.packages import export_package, import_package, open_package, save_package

    with Project.open(project_path) as project:
        project.add_person("vik", organization="Vendor A")
        package = export_package(
            project, project_path.parent / "va.lbpkg", "Vendor A", project.images()[:2]
        ).path
    inner = open_package(package)
    vendor = open_window(qtbot, inner, "vik")  # the working copy opens as any project
    try:
        _ask(qtbot, vendor, "오프라인 질문: <i>dust</i> or dent?")
        assert "Waiting for an answer" in vendor.questions_ui.banner.text()
    finally:
        vendor.close()
    save_package(package)
    with stored(project_path) as project:
        summary = import_package(project, package)
        assert summary.questions == 1
        [question] = project.questions(state="open")
        vik = project.person_by_name("vik")
        assert vik is not None and question.asker_id == vik.id
        assert question.text == "오프라인 질문: <i>dust</i> or dent?"
