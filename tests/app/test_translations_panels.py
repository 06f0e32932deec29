"""Korean panels: with the Korean catalog installed, no panel or dialog shows English text.

Each panel is built on a real project inside the real window (a QA lead sees every
control: audit, adjudication, promotion). Its widget tree is walked offscreen and
every shown text (labels, buttons, group titles, placeholders, tooltips, header
items, tab texts, combo box items, window titles) must be neither an English source
string of the catalog nor an English-looking text at all: a string someone forgot to
mark is not in the catalog, so the second check is the one that catches it.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QComboBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTabBar,
    QTableView,
    QTreeWidget,
    QWidget,
)
from pytestqt.qtbot import QtBot

from labeler.app.acknowledge import AcknowledgeDialog
from labeler.app.ask_dialog import AskQuestionDialog
from labeler.app.guideline_diff import GuidelineDiffDialog
from labeler.app.main_window import MainWindow
from labeler.app.slice_send import SendToWorkDialog
from labeler.app.start_screen import StartScreen
from labeler.core.domain import Role
from labeler.core.store import Project
from tests.app.conftest import add_predictions, open_window

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "labeler_ko.ts"
HANGUL = re.compile("[\uac00-\ud7a3]")
# Words that stay as they are in Korean: user data of the test project, file patterns,
# metric and product names, keys.
KEPT = re.compile(
    r"scratch|crack|dent|blurry|alice|rita|quinn|[\w.-]+\.(?:png|onnx)|labeler|lbpkg|"
    r"IoU|mAP|AP\d*|AR@?\d*|F1|Krippendorff|Fleiss|Enter|Shift|QA|UTC|PNG",
)


def _english_sources() -> set[str]:
    root = ET.parse(TS).getroot()
    return {m.findtext("source", "") for m in root.iter("message")}


def _looks_english(text: str) -> bool:
    """True for a text with an English word in it and no Korean at all."""
    rest = KEPT.sub("", text)
    return not HANGUL.search(text) and re.search("[A-Za-z]{3,}", rest) is not None


def _view_headers(view: QTableView) -> list[str]:
    header, model = view.horizontalHeader(), view.model()
    if model is None or header.isHidden():
        return []
    texts = []
    for column in range(header.count()):
        value = model.headerData(column, Qt.Orientation.Horizontal, Qt.ItemDataRole.DisplayRole)
        if isinstance(value, str):
            texts.append(value)
    return texts


def _widget_texts(child: QWidget) -> list[str]:
    texts = [child.toolTip()]
    if isinstance(child, QLabel | QAbstractButton):
        texts.append(child.text())
    elif isinstance(child, QGroupBox):
        texts.append(child.title())
    elif isinstance(child, QLineEdit | QPlainTextEdit):
        texts.append(child.placeholderText())
    elif isinstance(child, QTabBar):
        texts += [child.tabText(i) for i in range(child.count())]
    elif isinstance(child, QComboBox):
        texts += [child.itemText(i) for i in range(child.count())]
    if isinstance(child, QTreeWidget):
        header = child.headerItem()
        texts += [header.text(i) for i in range(header.columnCount())]
    elif isinstance(child, QTableView):
        texts += _view_headers(child)
    return texts


def shown_texts(root: QWidget, skip: tuple[QWidget, ...] = ()) -> dict[str, str]:
    """Every text the widget tree shows (text -> the widget class showing it)."""
    found = {root.windowTitle(): type(root).__name__} if root.isWindow() else {}
    for child in [root, *root.findChildren(QWidget)]:
        if any(child is s or s.isAncestorOf(child) for s in skip):
            continue
        for text in _widget_texts(child):
            found.setdefault(text.strip(), type(child).__name__)
    found.pop("", None)
    return found


def untranslated(root: QWidget, skip: tuple[QWidget, ...] = ()) -> list[str]:
    """The texts of ``root`` that are English (a catalog source, or English-looking).

    A text that is wholly user data (a class named ``blurry``) is not counted, even
    when the same word is also a catalog source.
    """
    sources = _english_sources()
    return sorted(
        f"{owner}: {text!r}"
        for text, owner in shown_texts(root, skip).items()
        if not KEPT.fullmatch(text) and (text in sources or _looks_english(text))
    )


@pytest.fixture
def qa_project(project_path: Path) -> Path:
    """The GUI test project with a QA lead, a finished model run and a question."""
    with Project.open(project_path) as project:
        quinn = project.add_person("quinn", Role.QA_LEAD)
        alice = project.person_by_name("alice")
        assert alice is not None
        image = project.images()[0]
        project.ask_question(image.id, alice.id, "<b>crack</b> or [/]scratch?")
        project.acknowledge(quinn.id, project.current_guideline().id)  # type: ignore[union-attr]
    add_predictions(project_path)
    return project_path


@pytest.fixture
def qa_window(qtbot: QtBot, qa_project: Path, korean: None) -> Iterator[MainWindow]:
    window = open_window(qtbot, qa_project, "quinn")
    yield window
    window.close()


def test_the_test_sees_an_unmarked_string(qtbot: QtBot, korean: None) -> None:
    """The walk flags English text, whether or not it is in the catalog."""
    panel = QWidget()
    qtbot.addWidget(panel)
    QLabel("A label nobody marked", panel)
    QLabel("Refresh", panel)  # a catalog source shown untranslated
    QLabel("이미지 3개 · scratch", panel)
    assert untranslated(panel) == [
        "QLabel: 'A label nobody marked'",
        "QLabel: 'Refresh'",
    ]


def test_docked_panels_show_korean(qtbot: QtBot, qa_window: MainWindow) -> None:
    window = qa_window
    qa = window.qa_view
    qtbot.waitUntil(lambda: window.image_browser.count_label.text() != "", timeout=5000)
    qa.refresh()
    qtbot.waitUntil(qa.has_result, timeout=20_000)
    window.curation_panel.run_checks()
    qtbot.waitUntil(window.curation_panel.has_result, timeout=20_000)
    panels = {
        "review": window.review_panel,
        "browser": window.image_browser,
        "qa": qa,
        "guideline": window.guideline_panel,
        "triage": window.triage_panel,
        "curation": window.curation_panel,
        "tags": window.tags_panel,
        "inbox": window.questions_ui.inbox,
    }
    for name, panel in panels.items():
        left = untranslated(panel)
        assert not left, f"{name} panel shows English:\n" + "\n".join(left)
    review = shown_texts(window.review_panel)
    assert "✓ 승인" in review and "✗ 반려" in review and "✎ 수정" in review
    assert "이 이미지의 어노테이션" in review
    assert "이미지 4개" in shown_texts(window.image_browser)
    qa_texts = shown_texts(qa)
    assert "일치도" in qa_texts and any(t.startswith("오탐") for t in qa_texts)
    inbox = shown_texts(window.questions_ui.inbox)
    assert "답변" in inbox
    assert any("<b>crack</b> or [/]scratch?" in text for text in inbox)  # user text literal
    assert window.guideline_panel.title.text().startswith("가이드라인 v1")


def test_dialogs_show_korean(qtbot: QtBot, qa_project: Path, korean: None) -> None:
    with Project.open(qa_project) as project:
        person = project.person_by_name("quinn")
        version = project.current_guideline()
        assert person is not None and version is not None
        dialogs = [
            AskQuestionDialog("<b>img0.png</b>"),
            GuidelineDiffDialog(project),
            AcknowledgeDialog(project, person, version, None),
            SendToWorkDialog(project, "[/]scratch"),
            StartScreen(),
        ]
        for dialog in dialogs:
            qtbot.addWidget(dialog)
            left = untranslated(dialog)
            assert not left, f"{type(dialog).__name__} shows English:\n" + "\n".join(left)
        assert dialogs[0].windowTitle() == "질문하기"
        assert dialogs[0].about_label.text() == "대상: <b>img0.png</b>"
        assert dialogs[3].windowTitle() == "슬라이스 '[/]scratch'을(를) 작업으로 보내기"
