"""The QA dashboard: charts computed on a worker, kept current, slices that open in the canvas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QMenu
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.app.qa_view import compute_qa
from labeler.core.commands import AddAnnotation
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.app.conftest import open_window
from tests.app.test_triage_gui import make_qa_project

pytestmark = pytest.mark.gui


@pytest.fixture
def qa_window(qtbot: QtBot, project_path: Path) -> Iterator[MainWindow]:
    """Signed in as quinn (QA lead), the dashboard opened and computed."""
    make_qa_project(project_path)
    window = open_window(qtbot, project_path, "quinn")
    view = window.qa_view
    assert view.dock is not None
    menu = window.menuBar().findChild(QMenu, "menu_qa")
    assert isinstance(menu, QMenu) and view.dock.toggleViewAction() in menu.actions()
    view.dock.show()
    qtbot.waitUntil(view.has_result, timeout=15_000)
    yield window
    window.close()


def test_compute_qa_has_agreement_and_diagnosis(project_path: Path) -> None:
    make_qa_project(project_path)
    data = compute_qa(project_path, None)
    assert data.agreement["annotators"] == ["alice", "bob"]
    assert data.diagnosis is not None and data.run_id is not None
    assert {"metrics", "per_class", "confusion_matrix", "pr_curves"} <= set(data.diagnosis)


def test_dashboard_draws_agreement_and_model_charts(qa_window: MainWindow) -> None:
    view = qa_window.qa_view
    assert "alice" in view.summary.text() and "object F1" in view.summary.text()
    for name in ("class_f1", "class_iou", "person_f1", "version_f1", "week_f1"):
        assert "<svg" in view.cards[name].chart.svg, name
    assert view.cards["tag_kappa"].chart.svg == ""  # no tags labeled: says so instead
    assert view.cards["tag_kappa"].note.text()
    assert "<svg" in view.cards["confusion"].chart.svg
    assert "run #" in view.model_summary.text()
    assert view.run_box.currentData() == view.data.run_id  # type: ignore[union-attr]
    assert not view.set_run(999)


def test_slices_open_in_the_canvas(qa_window: MainWindow, qtbot: QtBot) -> None:
    view = qa_window.qa_view
    view.tabs.setCurrentIndex(2)
    lists = [view.false_positives, view.false_negatives]
    tree = next(t for t in lists if t.topLevelItemCount() > 0)
    entry = tree.entry(0)
    assert entry is not None
    assert view.open_slice_item(tree, 0)
    assert qa_window.current_image_id() == entry["image_id"]
    selected = qa_window.canvas_view.selected_key
    if selected is not None:  # low-score pre-labels are not drawn, so not selectable
        assert selected.id in (entry.get("prediction_id"), entry.get("annotation_id"))


def test_dashboard_recomputes_when_labels_change(
    qa_window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    view = qa_window.qa_view
    runs = view.refresher.runs
    before = view.data.agreement["objects"]["objects_a"]  # type: ignore[union-attr]
    with Project.open(project_path) as project:
        image = project.images()[1].id
        scratch = project.class_by_name("scratch")
        alice = project.person_by_name("alice")
        assert scratch and alice
    ws = qa_window.workspace
    ws.execute(AddAnnotation(image, scratch.id, Box(200, 150, 260, 200), alice.id))
    qtbot.waitUntil(lambda: view.refresher.runs > runs and not view.refresher.busy, timeout=15_000)
    after = view.data.agreement["objects"]["objects_a"]  # type: ignore[union-attr]
    assert after == before + 1


def test_dashboard_recomputes_when_someone_answers_empty(
    qa_window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    from labeler.core.commands import SetAnswered

    view = qa_window.qa_view
    runs = view.refresher.runs
    before = view.data.agreement["images_compared"]  # type: ignore[union-attr]
    with Project.open(project_path) as project:
        alice, bob = project.person_by_name("alice"), project.person_by_name("bob")
        assert alice and bob
        labeled = {a.image_id for a in project.annotations()}
        blank = next(i.id for i in project.images() if i.id not in labeled)
    ws = qa_window.workspace
    ws.execute(SetAnswered(blank, alice.id))
    ws.execute(SetAnswered(blank, bob.id))  # both saw nothing there: an agreed negative
    qtbot.waitUntil(
        lambda: view.refresher.runs > runs
        and not view.refresher.busy
        and view.data.agreement["images_compared"] == before + 1,  # type: ignore[union-attr]
        timeout=15_000,
    )
