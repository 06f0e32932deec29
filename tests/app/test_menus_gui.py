"""Menus come from one table: each action in the menu its spec names; docks placed by name."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.actions import ACTIONS, MenuId
from labeler.app.docks import DOCKS
from labeler.app.main_window import MainWindow
from labeler.core.store import Project
from tests.app.conftest import open_window

pytestmark = pytest.mark.gui


def _titles(window: MainWindow) -> list[str]:
    return [action.text() for action in window.menuBar().actions()]


def test_every_action_lives_in_the_menu_its_spec_names(window: MainWindow) -> None:
    assert _titles(window) == [menu.value for menu in MenuId]
    for action_spec in ACTIONS:
        action = window.action_registry[action_spec.name]
        holders = [m for m, menu in window.menus.items() if action in menu.actions()]
        assert holders == [action_spec.menu], action_spec.name


def test_docks_are_placed_by_the_table_and_toggled_from_their_menu(window: MainWindow) -> None:
    assert set(window.docks) == set(DOCKS)
    for name, dock in window.docks.items():
        assert dock.objectName() == f"dock_{name}"  # what saved layouts refer to
        assert dock.toggleViewAction() in window.menus[DOCKS[name].menu].actions()
    assert window.tabifiedDockWidgets(window.docks["images"]) == [window.docks["triage"]]
    assert not window.docks["qa_dashboard"].isFloating()  # docked: never over the canvas


def test_the_qa_lead_gets_the_edge_case_item(qtbot: QtBot, project_path: Path) -> None:
    with Project.open(project_path) as project:
        project.add_person("quinn", "qa_lead")
    lead = open_window(qtbot, project_path, "quinn")
    try:
        texts = [a.text() for a in lead.menus[MenuId.GUIDELINE].actions()]
        assert "Add image as guideline edge case…" in texts
        assert texts[:2] == ["Acknowledge guideline…", "Compare guideline versions…"]
    finally:
        lead.close()
