"""Korean everywhere: the whole main window on the Korean demo, walked widget by widget.

The demo project is built as ``labeler demo --lang ko`` builds it and the app runs in
Korean. The QA lead's window is opened with every dock shown and every tab visited;
every dialog the menus, panels and toolbar open without a file dialog is opened too
(sign-in, guideline acknowledgement and diff, shortcuts, model picker, slice send,
question, the import report, progress, the class/slice/edge-case prompts). Every text
a person can read is collected with the path of the widget showing it: window titles,
labels, buttons, actions and their tips, menu titles, tab texts, group titles, header
labels and cells of item views, placeholders, combo box items, the status bar's
message, the words of the SVG charts, and the canvas's shape labels and disagreement
badges.

A text fails when it is an English source string of the catalog that has another
Korean translation, or when it holds an English word (3+ letters) that is neither user
data of the demo (class, person, vendor, project, batch and file names, the guideline's
own text) nor in :data:`KEPT_WORDS` (product names, formats, metrics, key names): a
string nobody marked is not in the catalog at all, so the second check is the one
that catches it.
"""

from __future__ import annotations

import ast
import html
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PySide6.QtCore import QAbstractItemModel, QAbstractListModel, QModelIndex, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDialog,
    QDockWidget,
    QGroupBox,
    QInputDialog,
    QLabel,
    QLineEdit,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabBar,
    QTextEdit,
    QToolBar,
    QWidget,
)
from pytestqt.qtbot import QtBot

from labeler.app.acknowledge import AcknowledgeDialog
from labeler.app.ask_dialog import AskQuestionDialog
from labeler.app.canvas.overlays import more_badge
from labeler.app.charts import SvgChart
from labeler.app.guideline_diff import GuidelineDiffDialog
from labeler.app.main_window import MainWindow
from labeler.app.model_choice import found_segmenters
from labeler.app.model_picker import ModelPickerDialog, segmenter_label
from labeler.app.sign_in import SignInDialog
from labeler.app.slice_send import SendToWorkDialog
from labeler.app.start_screen import StartScreen
from labeler.app.workers import ProgressDialog, make_job
from labeler.core.store import Project
from labeler.demo.build import build_demo
from tests.app.conftest import Mouse, open_window, write_image

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[2]
TS = ROOT / "resources" / "translations" / "labeler_ko.ts"
WORD = re.compile(r"[A-Za-z]{3,}")
# Words a Korean annotator reads as they are. Keep it short, and say why.
KEPT_WORDS = {
    "labeler",  # the product's name
    "ONNX", "COCO", "YOLO", "JSON", "CSV", "PNG", "JPEG", "JPG", "SVG", "HTML",  # formats
    "onnx", "json", "yaml", "yml", "lbpkg", "png", "jpg", "jpeg",  # file extensions
    "CUDA", "CPU", "GPU", "CPUExecutionProvider", "CUDAExecutionProvider",  # ONNX Runtime
    "IoU", "mAP", "Krippendorff", "Fleiss", "Cohen", "kappa", "alpha",  # metrics
    "UTC",  # time zone
    "Ctrl", "Shift", "Alt", "Esc", "Enter", "Return", "Space", "Tab", "Del", "Delete",  # keys
    "Backspace", "Left", "Right", "PgUp", "PgDown", "Home", "End",
}
KEPT_WORDS |= {"coco", "yolo", "voc", "csv", "labelme"}  # export format ids, as the CLI takes
# Whole texts that stay: a language's name in its own language (View ▸ Language).
KEPT_TEXTS = {"English"}
CORE = ROOT / "labeler" / "core"


def catalog() -> dict[str, str]:
    """English source -> its Korean translation, over every context of the catalog."""
    found: dict[str, str] = {}
    for message in ET.parse(TS).getroot().iter("message"):
        node = message.find("translation")
        if node is None or node.get("type") in ("obsolete", "vanished"):
            continue
        forms = node.findall("numerusform")
        korean = (forms[0].text if forms else node.text) or ""
        source = message.findtext("source", "")
        if korean != source:  # an empty one too: a source left untranslated
            found[source] = korean
    return found


def core_messages() -> list[re.Pattern[str]]:
    """The messages the core marks for gettext (``_``, ``ngettext``, ``N_``), as patterns.

    They are the core's to translate (``labeler.core.i18n``, domain ``core``), not the
    app's: a text they account for is skipped here and is Korean once the core's
    catalog translates it. ``{fields}`` match anything.
    """
    patterns = []
    for path in CORE.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
                continue
            if node.func.id not in ("_", "ngettext", "N_"):
                continue
            for arg in node.args[:2]:
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                    pattern = _message_pattern(arg.value)
                    if pattern is not None:
                        patterns.append(pattern)
    return patterns


def _message_pattern(message: str) -> re.Pattern[str] | None:
    """A core message as a pattern; None for one with no word of its own ("{a}: {b}").

    A field inside the message matches anything; one at its start or end matches a
    single token, so the pattern never swallows the English text around a message.
    """
    parts = re.split(r"\{[^{}]*\}", message)
    if not WORD.search("".join(parts)):
        return None
    body = ".+?".join(re.escape(p) for p in parts)
    if parts[0] == "":  # the leading ".+?"
        body = r"\S+" + body[3:]
    if parts[-1] == "":
        body = body[:-3] + r"\S+"
    return re.compile(body)


def plain(text: str) -> str:
    """What a person reads: no markup, entities, accelerators or ellipses."""
    text = re.sub(r"<[^>]*>", " ", text)
    text = html.unescape(text).replace("&&", "\0").replace("&", "").replace("\0", "&")
    return text.replace("…", "").replace("...", "").strip()


# Collecting what is shown


class Shown:
    """Every text found, with where it was seen (``widget path: kind``)."""

    def __init__(self) -> None:
        self.texts: dict[str, str] = {}

    def add(self, text: object, where: str) -> None:
        if isinstance(text, str) and text.strip():
            self.texts.setdefault(text.strip(), where)

    def walk(self, root: QWidget, prefix: str = "") -> None:
        """Every widget under ``root`` (hidden ones too: each can be shown)."""
        base = prefix or _name(root)
        if root.isWindow():
            self.add(root.windowTitle(), f"{base}: window title")
        for widget in [root, *root.findChildren(QWidget)]:
            self.widget(widget, _path(widget, root, base))
        for action in [*root.actions(), *root.findChildren(QAction)]:
            self.action(action, f"{base} > action")

    def widget(self, widget: QWidget, where: str) -> None:
        self.add(widget.toolTip(), f"{where}: tooltip")
        self.add(widget.statusTip(), f"{where}: status tip")
        self.add(widget.whatsThis(), f"{where}: what's this")
        if isinstance(widget, QLabel | QAbstractButton):
            self.add(widget.text(), f"{where}: text")
        if isinstance(widget, QGroupBox):
            self.add(widget.title(), f"{where}: title")
        if isinstance(widget, QDockWidget | QToolBar):  # title bars, the docks' own menu
            self.add(widget.windowTitle(), f"{where}: title")
        if isinstance(widget, QLineEdit | QPlainTextEdit | QTextEdit):
            self.add(widget.placeholderText(), f"{where}: placeholder")
        if isinstance(widget, QTabBar):
            for i in range(widget.count()):
                self.add(widget.tabText(i), f"{where}: tab {i}")
                self.add(widget.tabToolTip(i), f"{where}: tab {i} tooltip")
        if isinstance(widget, QComboBox):
            for i in range(widget.count()):
                self.add(widget.itemText(i), f"{where}: item {i}")
        if isinstance(widget, QMenu):
            self.add(widget.title(), f"{where}: menu title")
            for action in widget.actions():
                self.action(action, f"{where} > {plain(action.text()) or '—'}")
        if isinstance(widget, QAbstractItemView):
            self.item_view(widget, where)
        if isinstance(widget, SvgChart):  # a chart's axis words, names and "n/a"
            for text in re.findall(r"<text[^>]*>(.*?)</text>", widget.svg, re.S):
                self.add(html.unescape(text), f"{where}: chart text")

    def action(self, action: QAction, where: str) -> None:
        self.add(action.text(), f"{where}: action")
        if action.toolTip() != action.text().replace("&", "").replace("...", "").strip():
            self.add(action.toolTip(), f"{where}: action tooltip")
        self.add(action.statusTip(), f"{where}: action status tip")
        if action.menu() is not None:
            self.add(action.menu().title(), f"{where}: submenu")

    def item_view(self, view: QAbstractItemView, where: str) -> None:
        """Header labels and the first rows' cells and tooltips."""
        model = view.model()
        if model is None:
            return
        roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        for section in range(_columns(model, QModelIndex())):
            for role in roles:
                value = model.headerData(section, Qt.Orientation.Horizontal, role)
                self.add(value, f"{where}: header {section}")
        self._rows(model, QModelIndex(), where, depth=0)

    def _rows(self, model, parent: QModelIndex, where: str, depth: int) -> None:
        roles = (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole)
        for row in range(min(model.rowCount(parent), 40)):
            for column in range(_columns(model, parent)):
                index = model.index(row, column, parent)
                for role in roles:
                    self.add(model.data(index, role), f"{where}: cell {row},{column}")
                if depth < 2 and column == 0 and model.rowCount(index) > 0:
                    self._rows(model, index, where, depth + 1)


def _columns(model: QAbstractItemModel, parent: QModelIndex) -> int:
    """A model's columns (a list model keeps ``columnCount`` private: one column)."""
    if isinstance(model, QAbstractListModel):
        return 1
    try:
        return model.columnCount(parent)
    except TypeError:
        return 1


def _name(widget: QWidget) -> str:
    return widget.objectName() or type(widget).__name__


def _path(widget: QWidget, root: QWidget, base: str) -> str:
    names = []
    current: QWidget | None = widget
    while current is not None and current is not root:
        names.append(_name(current))
        current = current.parentWidget()
    return " / ".join([base, *reversed(names[:4])])


# Judging it


def offenders(shown: Shown, allowed_words: set[str]) -> list[str]:
    """Texts that are an untranslated catalog source or hold an English word."""
    sources, core = catalog(), core_messages()
    found = []
    for text, where in shown.texts.items():
        if text in KEPT_TEXTS:
            continue
        readable = plain(text)
        if readable in sources or text in sources:
            found.append(f"{where}: {text!r} (catalog source, Korean: {sources.get(readable)!r})")
            continue
        for pattern in core:  # the core's own messages: translated by the core's catalog
            readable = pattern.sub(" ", readable)
        english = [w for w in WORD.findall(readable) if w not in allowed_words | KEPT_WORDS]
        if english:
            found.append(f"{where}: {text!r} (English: {', '.join(sorted(set(english)))})")
    return sorted(found)


def demo_words(project: Project) -> set[str]:
    """Words of the demo's own data: classes, people, vendors, names, files, guideline."""
    texts = [str(project.meta().get("name") or "")]
    texts += [c.name for c in project.classes()]
    texts += [p.name for p in project.people()] + [p.organization or "" for p in project.people()]
    texts += [str(project.image_path(r)) for r in project.images()]
    texts += [v.text + " " + (v.changelog or "") for v in project.guideline_versions()]
    texts += [str(project.path), "demo_damage.onnx", "demo_segmenter"]  # its files and models
    return {w for text in texts for w in WORD.findall(text)}


# The test


@pytest.fixture
def demo(tmp_path: Path) -> Path:
    """The Korean demo, as ``labeler demo --lang ko`` builds it (fewer images).

    Ana has asked two questions on the first image and Quinn answered one, so the
    inbox, its states and the canvas's question banner have something to show.
    """
    path = build_demo(tmp_path / "demo", 12, log=lambda _m: None, language="ko")
    with Project.open(path) as project:
        ana, quinn = project.person_by_name("Ana"), project.person_by_name("Quinn")
        assert ana is not None and quinn is not None
        image = project.images()[0].id
        project.ask_question(image, ana.id, "크랙인가요, 스크래치인가요?", class_name="crack")
        asked = project.ask_question(image, ana.id, "찍힘 윤곽은 어디까지인가요?")
        project.answer_question(asked.id, quinn.id, "음영 전체를 따라가세요 (가이드라인 3.2).")
    return path


class Prompts:
    """QInputDialog's static prompts, recorded instead of shown (then cancelled)."""

    def __init__(self, shown: Shown, monkeypatch: pytest.MonkeyPatch) -> None:
        self.shown = shown
        for name in ("getText", "getItem", "getMultiLineText", "getInt", "getDouble"):
            monkeypatch.setattr(QInputDialog, name, self._recorder(name))

    def _recorder(self, name: str):
        def record(_parent: object, title: str, label: str, *args: object, **kw: object):
            where = f"QInputDialog.{name}"
            self.shown.add(title, f"{where}: title")
            self.shown.add(label, f"{where}: label")
            for arg in [*args, *kw.values()]:
                if isinstance(arg, str):
                    self.shown.add(arg, f"{where}: text")
                elif isinstance(arg, list):
                    for item in arg:
                        self.shown.add(item, f"{where}: item")
            return ("", False) if name != "getInt" else (0, False)

        return record


def walk_window(window: MainWindow, qtbot: QtBot, shown: Shown) -> None:
    """Every dock shown, every tab visited, the panels filled, the canvas painted."""
    for dock in window.docks.values():
        dock.show()
        dock.raise_()
    qa = window.qa_view
    qa.refresh()
    qtbot.waitUntil(qa.has_result, timeout=20_000)
    for tab in (qa.vendor_tabs.scorecard, qa.vendor_tabs.gold):
        tab.refresh()
        qtbot.waitUntil(tab.has_result, timeout=20_000)
    qa.compare_view.refresh()
    qtbot.waitUntil(qa.compare_view.has_result, timeout=20_000)
    window.curation_panel.run_checks()
    qtbot.waitUntil(window.curation_panel.has_result, timeout=20_000)
    triage = window.triage_panel
    triage.refresh()
    qtbot.waitUntil(lambda: triage.row_count() > 0, timeout=20_000)
    triage.set_overlays_visible(True)
    assert triage.set_current_row(0)
    qtbot.waitUntil(lambda: bool(triage.overlay.marks), timeout=10_000)
    window.review_panel.refresh()
    window.questions_ui.inbox.refresh()
    for _ in range(3):
        QApplication.processEvents()
    for bar in window.findChildren(QTabBar):
        for index in range(bar.count()):
            bar.setCurrentIndex(index)
            QApplication.processEvents()
    window.display.set_overlays(True)
    triage.update_image()
    window.canvas_view.viewport().repaint()  # places the shape labels and the badges
    shown.walk(window, "MainWindow")
    shown.add(window.statusBar().currentMessage(), "MainWindow / status bar: message")
    canvas = window.canvas_view
    for _anchor, text, _color, _dashed in canvas.shapes_item.labels:
        shown.add(text, "MainWindow / canvas: shape label")
    for _rect, text, _color in triage.overlay.last_badges:
        shown.add(text, "MainWindow / canvas: badge")
    for mark in triage.overlay.marks:
        shown.add(mark.text, "MainWindow / canvas: disagreement mark")
    for count in (1, 3):  # the count of badges that found no room (a crowded image)
        shown.add(more_badge(count), "MainWindow / canvas: overflow badge")


def use_the_ai_tool(window: MainWindow, qtbot: QtBot, shown: Shown) -> None:
    """The AI polygon tool with the shipped segmenter: its states, options and a preview."""
    window.trigger("tool.ai_polygon")
    image_id = window.current_image_id()
    qtbot.waitUntil(lambda: window.ai_polygon.service.has_embedding(image_id), timeout=30_000)
    with qtbot.waitSignal(window.ai_polygon.previewPainted, timeout=15_000):
        Mouse(window).click(480, 360)
    shown.walk(window, "MainWindow (AI polygon tool)")
    shown.add(window.statusBar().currentMessage(), "MainWindow / status bar: message")
    window.trigger("tool.select")


def open_dialogs(window: MainWindow, project: Project, tmp_path: Path, shown: Shown) -> None:
    """Every dialog the window opens without a file dialog, walked and closed."""
    person = window.workspace.person
    versions = project.guideline_versions()
    dialogs: list[QWidget] = [
        SignInDialog(project),
        AcknowledgeDialog(project, person, versions[-1], window),
        GuidelineDiffDialog(project, window),
        AskQuestionDialog(project.image_path(project.images()[0]).name, window),
        SendToWorkDialog(project, "오탐 모음", window),
        ModelPickerDialog(project, found_segmenters(project, segmenter_label), window),
        StartScreen(window),
        ProgressDialog(make_job(lambda _p: None, "내보내기"), "내보내기", window),
    ]
    from labeler.app.actions import ShortcutsDialog

    dialogs.append(ShortcutsDialog(window.action_registry, window))
    for dialog in dialogs:
        shown.walk(dialog)
        dialog.deleteLater()


def test_the_walk_flags_english(qtbot: QtBot, korean: None) -> None:
    """An unmarked text, a catalog source left English, user data and kept words."""
    panel = QWidget()
    qtbot.addWidget(panel)
    QLabel("A label nobody marked", panel).setObjectName("unmarked")
    QLabel("Refresh", panel).setObjectName("source")
    QLabel("이미지 3개 · scratch · &Ana <b>", panel)
    QLabel("IoU 0.50 · ONNX · Ctrl+Z", panel)
    QLabel("검토 3건 · 0.5 s left", panel).setObjectName("mixed")
    # a core message is the core's catalog's to translate; English around it is not
    QLabel("a.png: not an image file (unrecognised format)", panel)
    QLabel("Import failed: a.png: not an image file (unrecognised format)", panel).setObjectName(
        "wrapped"
    )
    shown = Shown()
    shown.walk(panel)
    found = offenders(shown, {"scratch", "Ana"})
    assert len(found) == 4, found
    assert found[3].startswith("QWidget / wrapped: text:")
    assert found[3].endswith("(English: Import, failed)")
    assert "QWidget / unmarked: text: 'A label nobody marked' (English: label, marked" in found[2]
    assert found[0].startswith("QWidget / mixed: text: '검토 3건 · 0.5 s left' (English: left)")
    assert "(catalog source, Korean: '새로 고침')" in found[1]


def test_whole_window_and_dialogs_show_no_english(
    qtbot: QtBot,
    korean: None,
    demo: Path,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    shown = Shown()
    prompts = Prompts(shown, monkeypatch)
    with Project.open(demo) as project:
        allowed = demo_words(project)
        quinn = project.person_by_name("Quinn")
        assert quinn is not None
    window = open_window(qtbot, demo, "Quinn")
    try:
        walk_window(window, qtbot, shown)
        project = window.workspace.project
        open_dialogs(window, project, tmp_path, shown)
        window.class_panel.list.setCurrentRow(0)
        for ask in (window.class_panel.ask_add, window.class_panel.ask_rename,
                    window.class_panel.ask_merge, window.review_panel.ask_edge_case):
            ask()
        window.trigger("file.export")
        for button in window.findChildren(QPushButton):  # every "Save as slice…" prompt
            if button.isEnabled() and "슬라이스" in button.text() and "저장" in button.text():
                button.click()
        broken = tmp_path / "incoming"
        write_image(broken / "ok.png", 1)
        (broken / "broken.png").write_bytes(b"not an image")
        window.import_folder(broken)
        qtbot.waitUntil(
            lambda: any(isinstance(w, QMessageBox) and w.isVisible()
                        for w in QApplication.topLevelWidgets()),
            timeout=20_000,
        )
        for top in QApplication.topLevelWidgets():
            if isinstance(top, QMessageBox | QDialog) and top.isVisible():
                shown.walk(top)
        shown.add(window.statusBar().currentMessage(), "MainWindow / status bar: message")
        use_the_ai_tool(window, qtbot, shown)
        del prompts
        left = offenders(shown, allowed | set(WORD.findall(str(broken))) | {"broken"})
        assert not left, f"{len(left)} English texts in Korean:\n" + "\n".join(left)
        seen = shown.texts
        assert len(seen) > 500  # the walk saw the window, not an empty shell
        assert window.windowTitle() == "휴대폰 파손 데모 — Quinn (QA 책임자) — labeler"
        expected = {"+불일치 1개 더", "+불일치 3개 더", "키보드 단축키", "모델 선택", "사내"}
        assert expected <= set(seen)
        badges = [text for _rect, text, _color in window.triage_panel.overlay.last_badges]
        assert badges and set(badges) <= set(seen)  # the painted badges were judged too
        assert any(w.endswith("canvas: shape label") for w in seen.values())
        assert any("합의" in text for text in seen)  # the triage's sides, translated
        assert any(t.startswith("AI: 준비됨") for t in seen)  # the AI tool's own state
        prompts_seen = [t for t, w in seen.items() if w.startswith("QInputDialog")]
        assert "슬라이스 이름:" in prompts_seen and len(prompts_seen) > 15  # the prompts ran
    finally:
        window.close()


@pytest.mark.parametrize("person", ["Ana", "Rita"])
def test_annotator_and_reviewer_windows_show_no_english(
    qtbot: QtBot, korean: None, demo: Path, person: str
) -> None:
    """What an annotator (returned work, her queue) and a reviewer (decisions) see."""
    with Project.open(demo) as project:
        allowed = demo_words(project)
    window = open_window(qtbot, demo, person)
    try:
        shown = Shown()
        walk_window(window, qtbot, shown)
        left = offenders(shown, allowed)
        assert not left, f"{len(left)} English texts in Korean:\n" + "\n".join(left)
        assert len(shown.texts) > 400
    finally:
        window.close()
