"""The class manager in the Classes dock and the Classes menu with the real class names."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QColorDialog, QInputDialog, QWidget
from pytestqt.qtbot import QtBot

from labeler.app.actions import MenuId
from labeler.app.main_window import MainWindow
from labeler.core.domain import GeometryKind, Role
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.app.conftest import open_window, stored

pytestmark = pytest.mark.gui

HOSTILE = "균열 <b>&[/]"


@pytest.fixture
def lead(qtbot: QtBot, project_path: Path) -> Iterator[MainWindow]:
    """The window signed in as a QA lead, who may edit classes."""
    with Project.open(project_path) as project:
        project.add_person("quinn", Role.QA_LEAD)
        scratch = project.class_by_name("scratch")
        alice = project.person_by_name("alice")
        project.add_annotation(project.images()[0].id, scratch.id, Box(5, 5, 60, 60), alice.id)
    window = open_window(qtbot, project_path, "quinn")
    yield window
    window.close()


def undo(window: MainWindow) -> None:
    """Ctrl+Z as the user presses it, on the canvas of the active window."""
    window.activateWindow()
    QApplication.processEvents()
    QTest.keyClick(window.canvas_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    QApplication.processEvents()


def class_id(path: Path, name: str) -> int:
    with stored(path) as project:
        found = project.class_by_name(name)
        assert found is not None
        return found.id


def menu_texts(window: MainWindow) -> list[str]:
    menu = window.menus[MenuId.CLASSES]
    return [a.text() for a in menu.actions() if a.isVisible() and not a.isSeparator()]


def test_rename_in_the_panel_shows_in_the_menu_and_ctrl_z_undoes_it(
    lead: MainWindow, project_path: Path
) -> None:
    crack = class_id(project_path, "crack")
    assert lead.classes_menu.entries() == ["scratch", "crack", "dent"]
    assert menu_texts(lead)[:3] == ["scratch", "crack", "dent"]
    panel = lead.class_panel
    panel.select_class(crack)
    assert panel.rename_class(crack, HOSTILE)
    with stored(project_path) as project:
        assert project.label_class(crack).name == HOSTILE
    assert lead.classes_menu.entries() == ["scratch", HOSTILE, "dent"]
    assert menu_texts(lead)[1] == "균열 <b>&&[/]"  # '&' shown, not a mnemonic
    assert any(HOSTILE in panel.list.item(r).text() for r in range(panel.list.count()))
    assert lead.action_registry["edit.undo"].text().startswith("Undo Rename class")
    undo(lead)
    with stored(project_path) as project:
        assert project.label_class(crack).name == "crack"
        assert project.class_aliases() == []
    assert lead.classes_menu.entries() == ["scratch", "crack", "dent"]


def test_choosing_a_class_in_the_menu_makes_it_the_current_class(
    lead: MainWindow, project_path: Path
) -> None:
    dent = class_id(project_path, "dent")
    lead.action_registry["tool.box"].trigger()
    [action] = [a for a in lead.menus[MenuId.CLASSES].actions() if a.text() == "dent"]
    action.trigger()
    assert lead.workspace.active_class_id == dent
    for n in range(10, 12):  # more than nine drawn classes: entries of their own
        assert lead.class_panel.add_class(f"extra {n}", GeometryKind.BOX)
    assert lead.classes_menu.entries()[-2:] == ["extra 10", "extra 11"]
    [extra] = [a for a in lead.menus[MenuId.CLASSES].actions() if a.text() == "extra 11"]
    extra.trigger()
    assert lead.workspace.active_class_id == class_id(project_path, "extra 11")


def test_add_recolour_reorder_and_merge_each_undo_in_one_step(
    lead: MainWindow, project_path: Path
) -> None:
    panel = lead.class_panel
    scratch, crack = class_id(project_path, "scratch"), class_id(project_path, "crack")
    assert panel.add_class("rust", GeometryKind.POLYGON)
    assert "rust" in lead.classes_menu.entries()
    undo(lead)
    assert "rust" not in lead.classes_menu.entries()
    assert panel.recolour_class(crack, "#123456")
    with stored(project_path) as project:
        assert project.label_class(crack).color == "#123456"
    undo(lead)
    assert panel.move_class(crack, -1)
    assert lead.classes_menu.entries() == ["crack", "scratch", "dent"]
    undo(lead)
    assert lead.classes_menu.entries() == ["scratch", "crack", "dent"]
    lead.workspace.set_active_class(scratch)
    assert panel.merge_class(scratch, crack)
    assert lead.workspace.active_class_id == crack  # the next shape gets a class that exists
    with stored(project_path) as project:
        assert project.class_by_name("scratch") is None
        assert {a.class_id for a in project.annotations()} == {crack}
    assert lead.classes_menu.entries() == ["crack", "dent"]
    errors: list[str] = []
    lead.workspace.errorRaised.connect(errors.append)
    assert not panel.merge_class(crack, class_id(project_path, "dent"))  # box into polygon
    assert "different kinds" in errors[-1]
    undo(lead)
    with stored(project_path) as project:
        assert project.label_class(scratch).name == "scratch"
        assert {a.class_id for a in project.annotations()} == {scratch}
    assert lead.classes_menu.entries() == ["scratch", "crack", "dent"]


def test_the_rename_button_asks_in_a_real_dialog(lead: MainWindow, project_path: Path) -> None:
    dent = class_id(project_path, "dent")
    panel = lead.class_panel
    panel.select_class(dent)

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("찌그러짐")
        dialog.accept()

    QTimer.singleShot(0, answer)
    panel.buttons["rename"].click()
    with stored(project_path) as project:
        assert project.label_class(dent).name == "찌그러짐"


def test_an_annotator_gets_no_manager(window: MainWindow) -> None:
    panel = window.class_panel
    assert not panel.can_edit
    assert not panel.buttons["rename"].isVisible()
    assert "Add class…" not in menu_texts(window)
    assert window.classes_menu.entries() == ["scratch", "crack", "dent"]


def answer_next_dialog(act: Callable[[QWidget], None]) -> None:
    """Answer the modal dialog the next click opens, as the user would."""

    def answer() -> None:
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        act(dialog)

    QTimer.singleShot(0, answer)


def test_add_recolour_and_merge_buttons_use_real_dialogs(
    lead: MainWindow, project_path: Path
) -> None:
    panel = lead.class_panel

    def name_it(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("<b>rust</b>")
        answer_next_dialog(pick_polygon)
        dialog.accept()

    def pick_polygon(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        dialog.setTextValue("polygon")
        dialog.accept()

    answer_next_dialog(name_it)
    panel.buttons["add"].click()
    QTest.qWait(50)
    rust = class_id(project_path, "<b>rust</b>")
    with stored(project_path) as project:
        assert project.label_class(rust).kind == GeometryKind.POLYGON

    def choose_colour(dialog: QWidget) -> None:
        assert isinstance(dialog, QColorDialog)
        dialog.setCurrentColor(QColor("#336699"))
        dialog.accept()

    panel.select_class(rust)
    answer_next_dialog(choose_colour)
    panel.buttons["colour"].click()
    with stored(project_path) as project:
        assert project.label_class(rust).color == "#336699"

    def into_dent(dialog: QWidget) -> None:
        assert isinstance(dialog, QInputDialog)
        assert dialog.comboBoxItems() == ["dent"]  # polygon classes only
        dialog.setTextValue("dent")
        dialog.accept()

    answer_next_dialog(into_dent)
    panel.buttons["merge"].click()
    with stored(project_path) as project:
        assert project.class_by_name("<b>rust</b>") is None
        assert project.resolve_class("<b>rust</b>").name == "dent"
    undo(lead)
    assert "<b>rust</b>" in lead.classes_menu.entries()


def test_a_rename_made_by_another_program_reaches_the_menu(
    lead: MainWindow, project_path: Path
) -> None:
    crack = class_id(project_path, "crack")
    with stored(project_path) as other:  # the CLI in a terminal, say
        other.rename_class(crack, "크랙")
    assert lead.workspace.poll_external_changes() >= 1
    assert lead.classes_menu.entries() == ["scratch", "크랙", "dent"]
    assert "크랙" in lead.class_panel.class_names()


def test_dragging_a_class_in_the_list_reorders_and_ctrl_z_puts_it_back(
    qtbot: QtBot, lead: MainWindow, project_path: Path
) -> None:
    panel = lead.class_panel
    model = panel.list.model()
    assert model.moveRow(QModelIndex(), 2, QModelIndex(), 0)  # what an internal drop does
    qtbot.waitUntil(lambda: lead.classes_menu.entries() == ["dent", "scratch", "crack"])
    with stored(project_path) as project:
        assert [c.name for c in project.classes()][:3] == ["dent", "scratch", "crack"]
    assert panel.list.item(0).text().startswith("1   dent")  # keys follow the new order
    undo(lead)
    assert lead.classes_menu.entries() == ["scratch", "crack", "dent"]


def test_a_renamed_class_still_shows_its_guideline_section(
    lead: MainWindow, project_path: Path
) -> None:
    crack = class_id(project_path, "crack")
    assert lead.class_panel.rename_class(crack, "균열 <b>")
    lead.workspace.set_active_class(crack)
    panel = lead.guideline_panel
    assert panel.title.text() == "Guideline v1 · 균열 <b>"
    assert panel.title.textFormat() == Qt.TextFormat.PlainText  # "<b>" shown, not bold
    assert "Branching lines" in panel.browser.toPlainText()
