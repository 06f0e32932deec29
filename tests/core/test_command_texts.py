"""The Edit menu's names of the edits follow the language, also on inverses made earlier.

Undo ▸ "Add box" in English is "박스 추가" in Korean; an inverse made while the app spoke
English reads in Korean once the language changes (it keeps the English message, not
the text shown when it was made).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from labeler.core.commands import (
    AcceptPrediction,
    AddAnnotation,
    ReviewAnnotation,
    SetAnswered,
    SetImageStatus,
    UpdateAnnotation,
    accept_predictions,
    paste_shapes,
)
from labeler.core.domain import ImageStatus
from labeler.core.geometry import Box, Polygon
from labeler.core.i18n import set_language
from labeler.core.store import Project


@pytest.fixture
def language() -> Iterator[None]:
    """Each test chooses its language; afterwards LABELER_LANG (en) applies again."""
    yield
    set_language(None)


def test_texts_in_english_and_korean(language: None) -> None:
    add_box = AddAnnotation(1, 2, Box(1, 2, 30, 40), 3)
    add_polygon = AddAnnotation(1, 2, Polygon(((0, 0), (10, 0), (0, 10))), 3)
    pasted = paste_shapes(1, [(2, Box(1, 1, 9, 9)), (2, Box(2, 2, 8, 8))], 3)
    accepted = accept_predictions(1, [5], 3)
    assert pasted is not None and accepted is not None
    cases = [
        (add_box, "Add box", "박스 추가"),
        (add_polygon, "Add polygon", "폴리곤 추가"),
        (UpdateAnnotation(1, 7, class_id=2), "Change class", "클래스 변경"),
        (SetImageStatus(1, ImageStatus.NEEDS_REVIEW), "Mark needs review", "검수 필요로 표시"),
        (SetAnswered(1, 3), "Mark done", "완료로 표시"),
        (ReviewAnnotation(1, 7, 3, "fix"), "Fix #7", "#7 수정"),
        (AcceptPrediction(1, 5, 3), "Accept pre-label", "사전 라벨 승인"),
    ]
    for command, english, korean in cases:
        set_language("en")
        assert command.text == english
        set_language("ko")
        assert command.text == korean
    set_language("en")
    assert pasted.text == "Paste 2 shapes" and accepted.text == "Accept 1 pre-label"
    set_language("ko")
    korean_paste = paste_shapes(1, [(2, Box(1, 1, 9, 9))] * 2, 3)
    assert korean_paste is not None and korean_paste.text == "도형 2개 붙여넣기"


def test_an_inverse_made_in_english_reads_in_korean_later(
    setup: tuple[Project, int, int, int], language: None
) -> None:
    project, image_id, class_id, person = setup
    set_language("en")
    undo_add = AddAnnotation(image_id, class_id, Box(1, 2, 30, 40), person).apply(project)
    [created] = project.annotations(image_id)
    undo_edit = UpdateAnnotation(image_id, created.id, geometry=Box(2, 2, 30, 40)).apply(project)
    undo_status = SetImageStatus(image_id, ImageStatus.DONE, person).apply(project)
    assert (undo_add.text, undo_edit.text, undo_status.text) == (
        "Add box",
        "Edit shape",
        "Mark done",
    )
    set_language("ko")
    assert (undo_add.text, undo_edit.text, undo_status.text) == (
        "박스 추가",
        "도형 수정",
        "완료로 표시",
    )
    redo_add = undo_add.apply(project)
    assert redo_add.text == "박스 추가"
