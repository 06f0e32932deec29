"""The QA view's Vendors and Gold tabs on the two-batch case (real window, real worker)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.app.conftest import open_window
from tests.core.vendor_case import build_vendor_case

pytestmark = pytest.mark.gui


@pytest.fixture
def case_window(qtbot: QtBot, tmp_path: Path) -> Iterator[MainWindow]:
    """Signed in as Quinn (QA lead) on the vendor case, the QA dashboard shown."""
    window = open_window(qtbot, build_vendor_case(tmp_path), "Quinn")
    assert window.qa_view.dock is not None
    window.qa_view.dock.show()
    yield window
    window.close()


def _show_tab(window: MainWindow, title: str) -> None:
    tabs = window.qa_view.tabs
    index = next(i for i in range(tabs.count()) if tabs.tabText(i) == title)
    tabs.setCurrentIndex(index)


def test_scorecard_tab_shows_the_batches_and_charts(case_window: MainWindow, qtbot: QtBot) -> None:
    _show_tab(case_window, "Vendors")
    tab = case_window.qa_view.vendor_tabs.scorecard
    qtbot.waitUntil(tab.has_result, timeout=20_000)
    table = tab.table
    assert table.rowCount() == 2
    headers = [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())]
    week = {h: table.item(0, c).text() for c, h in enumerate(headers)}
    package = {h: table.item(1, c).text() for c, h in enumerate(headers)}
    assert (week["Batch"], week["Delivered"], week["Objects"]) == ("week 1", "3", "3")
    assert (week["Gold F1"], week["Agreement F1"], week["Cost"]) == ("1.000", "0.667", "450 KRW")
    assert (package["Batch"], package["Fixed"], package["Accepted trend"]) == (
        "va2.lbpkg",
        "1",
        "-0.50",
    )
    assert "<svg" in tab.gold_card.chart.svg and "<svg" in tab.accept_card.chart.svg
    assert "Vendor A" in tab.summary.text()


def test_gold_tab_opens_the_worst_item_and_follows_new_work(
    case_window: MainWindow, qtbot: QtBot
) -> None:
    _show_tab(case_window, "Gold")
    tab = case_window.qa_view.vendor_tabs.gold
    qtbot.waitUntil(tab.has_result, timeout=20_000)
    assert tab.people.topLevelItemCount() == 1 and tab.people.topLevelItem(0).text(0) == "Vik"
    gold_image = case_window.workspace.project.images()[5].id
    assert tab.open_item(0)
    qtbot.waitUntil(lambda: case_window.current_image_id() == gold_image, timeout=5000)
    assert not tab.open_item(5)
    runs = tab.refresher.runs
    project = case_window.workspace.project
    vik = project.person_by_name("Vik")
    assert vik is not None
    with project.transaction():  # Vik adds a wrong box: the score drops, recomputed
        project.add_annotation(gold_image, 1, Box(100, 80, 150, 110), vik.id)
    qtbot.waitUntil(lambda: tab.refresher.runs > runs and tab.has_result(), timeout=20_000)
    assert tab.people.topLevelItem(0).text(3) == f"{2 * 1 / (1 + 2):.3f}"


def test_the_tabs_stop_with_the_window(tmp_path: Path, qtbot: QtBot) -> None:
    window = open_window(qtbot, build_vendor_case(tmp_path), "Quinn")
    tabs = window.qa_view.vendor_tabs
    window.close()
    for tab in (tabs.scorecard, tabs.gold):
        tab.refresh()  # a closed tab starts nothing
        assert not tab.refresher.busy
    with Project.open(window.workspace.project.path) as project:
        assert project.gold_image_ids()


def test_a_qa_lead_marks_the_image_gold_and_undoes_it(
    case_window: MainWindow, qtbot: QtBot
) -> None:
    _show_tab(case_window, "Gold")
    tab = case_window.qa_view.vendor_tabs.gold
    project = case_window.workspace.project
    first = project.images()[0].id
    assert case_window.current_image_id() == first
    assert tab.mark_button.isVisible() and not tab.unmark_button.isEnabled()
    tab.mark_button.click()
    assert first in project.gold_image_ids() and tab.unmark_button.isEnabled()
    assert tab.mark_button.text() == "Refresh gold reference"
    case_window.workspace.undo_stack.undo()
    assert first not in project.gold_image_ids() and not tab.unmark_button.isEnabled()
    case_window.workspace.undo_stack.redo()
    assert first in project.gold_image_ids()
    [reference] = project.gold_references()[first]  # Vik's accepted scratch, not the rest
    assert reference.class_id == 1
