"""Korean: the class, pre-label, display and shape panels and the Vendors/Gold tabs.

Each panel is built inside the real window on a real project with the Korean catalog
installed; its widget tree is walked (labels, buttons, group titles, placeholders,
tooltips, header items) and no text may be an English source string of the catalog
or English-looking (``untranslated`` of ``test_translations_panels``). A few Korean
strings are checked by value; user data (class and vendor names) stays literal.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QInputDialog
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.app.prelabel_panel import dropped_note
from labeler.core.domain import GeometryKind, Role
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.app.conftest import add_predictions, open_window
from tests.app.test_translations_panels import shown_texts, untranslated
from tests.core.vendor_case import build_vendor_case

pytestmark = pytest.mark.gui


@pytest.fixture
def lead_window(qtbot: QtBot, project_path: Path, korean: None) -> Iterator[MainWindow]:
    """A QA lead (sees the class manager) on an image with a shape and two pre-labels."""
    with Project.open(project_path) as project:
        project.add_person("quinn", Role.QA_LEAD)
        scratch = project.class_by_name("scratch")
        alice = project.person_by_name("alice")
        assert scratch is not None and alice is not None
        project.add_annotation(project.images()[0].id, scratch.id, Box(5, 5, 60, 60), alice.id)
    add_predictions(project_path)
    window = open_window(qtbot, project_path, "quinn")
    yield window
    window.close()


def _cells(window: MainWindow) -> list[str]:
    table = window.shape_list.table
    return [table.item(row, column).text() for row in range(table.rowCount()) for column in (0, 1)]


def test_class_and_prelabel_panels_show_korean(lead_window: MainWindow) -> None:
    window = lead_window
    for name, panel in (("class", window.class_panel), ("prelabel", window.prelabel_panel)):
        left = untranslated(panel)
        assert not left, f"{name} panel shows English:\n" + "\n".join(left)
    classes = shown_texts(window.class_panel)
    assert "이름 바꾸기…" in classes and "선택한 클래스를 다른 클래스로 병합" in classes
    assert any(t.endswith("scratch") for t in window_items(window))  # class names stay literal
    assert any(t.endswith("(이미지 태그)") for t in window_items(window))
    prelabel = shown_texts(window.prelabel_panel)
    assert "사전 라벨 표시" in prelabel and "최소 점수" in prelabel
    assert any(t.startswith("표시된 항목 모두 승인 (") for t in prelabel)
    assert dropped_note({"dent": 2}, 0) == (
        "\n클래스 매핑이나 프로젝트에 없는 클래스의 검출 2개를 제외했습니다: dent ×2"
    )


def window_items(window: MainWindow) -> list[str]:
    """The rows of the Classes list as shown."""
    listing = window.class_panel.list
    return [listing.item(row).text() for row in range(listing.count())]


def test_display_panel_and_shape_list_show_korean(lead_window: MainWindow, qtbot: QtBot) -> None:
    window = lead_window
    left = untranslated(window.display_panel)
    assert not left, "display panel shows English:\n" + "\n".join(left)
    display = shown_texts(window.display_panel)
    assert {"범례", "밝기", "대비", "클래스 표시"} <= set(display)
    assert "누락 (불일치)" in display  # a legend row's tooltip
    assert "scratch" in display  # a class check box: the name as stored
    shapes = window.shape_list
    shapes.refresh()
    shapes._ensure_fresh()
    left = untranslated(shapes)
    assert not left, "shape list shows English:\n" + "\n".join(left)
    texts = shown_texts(shapes)
    assert {"도형", "작성자", "숨기기", "잠금"} <= set(texts)  # header items
    assert any(t.startswith("이 이미지의 도형 ") for t in texts)
    cells = _cells(window)
    assert any(t.startswith("scratch 도형 #") for t in cells)
    assert any(t.startswith("모델 0.") for t in cells)


def test_vendor_and_gold_tabs_show_korean(qtbot: QtBot, tmp_path: Path, korean: None) -> None:
    window = open_window(qtbot, build_vendor_case(tmp_path), "Quinn")
    try:
        assert window.qa_view.dock is not None
        window.qa_view.dock.show()
        tabs = window.qa_view.vendor_tabs
        for tab in (tabs.scorecard, tabs.gold):
            tab.refresh()
            qtbot.waitUntil(tab.has_result, timeout=20_000)
            left = untranslated(tab)
            assert not left, f"{type(tab).__name__} shows English:\n" + "\n".join(left)
        scorecard = shown_texts(tabs.scorecard)
        assert {"외주 업체", "배치", "골드 F1", "승인당 비용"} <= set(scorecard)
        assert "Vendor A" in tabs.scorecard.summary.text()  # a vendor name stays literal
        gold = shown_texts(tabs.gold)
        assert {"사람", "평균 IoU", "점수", "가이드라인"} <= set(gold)
    finally:
        window.close()


def test_add_class_offers_the_kinds_in_korean_and_stores_the_kind(
    lead_window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    offered: list[list[str]] = []

    def pick(_parent: object, _title: str, _label: str, items: list[str], *_args: object):
        offered.append(list(items))
        return "폴리곤", True

    monkeypatch.setattr(QInputDialog, "getText", lambda *_a, **_k: ("균열 <b>", True))
    monkeypatch.setattr(QInputDialog, "getItem", pick)
    window = lead_window
    window.class_panel.ask_add()
    assert offered == [["박스", "폴리곤", "태그"]]
    added = window.workspace.project.class_by_name("균열 <b>")
    assert added is not None and added.kind is GeometryKind.POLYGON
    tips = [
        window.class_panel.list.item(r).toolTip() for r in range(window.class_panel.list.count())
    ]
    assert "<p>균열 &lt;b&gt; (폴리곤)</p>" in tips
