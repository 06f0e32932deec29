"""Curation results in the GUI and adjudication of clusters without quorum."""

from __future__ import annotations

from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.curation_panel import compute_curation
from labeler.app.main_window import MainWindow
from labeler.core.domain import ReviewDecision
from labeler.core.report import build_report
from tests.app.conftest import open_window, stored
from tests.app.test_triage_gui import make_qa_project

pytestmark = pytest.mark.gui


def _open_curation(qtbot: QtBot, path: Path, person: str) -> MainWindow:
    window = open_window(qtbot, path, person)
    panel = window.curation_panel
    assert panel.dock is not None
    panel.dock.show()
    qtbot.waitUntil(panel.has_result, timeout=20_000)
    return window


def test_compute_curation_lists_the_unresolved_cluster(project_path: Path) -> None:
    ids = make_qa_project(project_path)
    data = compute_curation(project_path, checks=True)
    assert data.report is not None and data.report["images"] == 4
    [entry] = data.unresolved
    assert entry.image_id == ids["image1"]
    assert {(c.class_name, c.annotator) for c in entry.candidates} == {
        ("scratch", "alice"),
        ("crack", "bob"),
    }
    assert compute_curation(project_path, checks=False).report is None


def test_results_are_shown_and_adjudication_stores_a_review(
    qtbot: QtBot, project_path: Path
) -> None:
    ids = make_qa_project(project_path)
    window = _open_curation(qtbot, project_path, "quinn")
    panel = window.curation_panel
    titles = [panel.tabs.tabText(i) for i in range(panel.tabs.count())]
    assert titles[0] == "Adjudicate (1)"
    assert any(t.startswith("Duplicates (") for t in titles)
    assert any(t.startswith("Unsuitable images (") for t in titles)
    assert any(t.startswith("Label errors (") for t in titles)
    assert "<svg" in panel.balance.chart.svg
    assert panel.select_cluster(0)
    assert window.current_image_id() == ids["image1"]
    chosen = panel.unresolved()[0].candidates[1]
    assert not panel.accept_candidate(1)  # the guideline in force is not read yet
    window.workspace.project.acknowledge(window.workspace.person.id)
    assert panel.accept_candidate(1)
    with stored(project_path) as project:
        [review] = project.reviews("annotation", chosen.annotation_id)
        assert review.decision == ReviewDecision.ACCEPT
    window.undo()  # adjudication is an edit like any other
    with stored(project_path) as project:
        assert project.reviews("annotation", chosen.annotation_id) == []
    window.redo()
    qtbot.waitUntil(lambda: not panel.unresolved() and not panel.refresher.busy, timeout=10_000)
    assert panel.tabs.tabText(0) == "Adjudicate (0)"
    window.close()


def test_annotators_cannot_adjudicate(qtbot: QtBot, project_path: Path) -> None:
    make_qa_project(project_path)
    window = _open_curation(qtbot, project_path, "alice")
    panel = window.curation_panel
    assert panel.select_cluster(0)
    assert not panel.accept_button.isEnabled()
    assert not panel.accept_candidate(0)
    window.close()


def test_the_html_report_has_an_opt_in_curation_section(project_path: Path) -> None:
    make_qa_project(project_path)
    with stored(project_path) as project:
        assert 'id="curation"' not in build_report(project)
        page = build_report(project, curation=True)
    assert 'id="curation"' in page and 'href="#curation"' in page
    assert 'id="curation-balance"' in page and 'id="curation-duplicates"' in page
    assert "1 consensus cluster without quorum" in page


def test_a_curation_list_saves_as_a_slice(qtbot: QtBot, project_path: Path) -> None:
    import cv2

    from labeler.core.importing import import_images

    make_qa_project(project_path)
    with stored(project_path) as project:  # a near copy of an image: a duplicate group
        first = project.image_path(project.images()[0])
        pixels = cv2.imread(str(first))
        pixels[0, 0] = 255 - pixels[0, 0]
        copy = first.with_name("near_copy.png")
        cv2.imwrite(str(copy), pixels)
        assert import_images(project, [copy]).added == 1
    window = _open_curation(qtbot, project_path, "quinn")
    panel = window.curation_panel
    try:
        panel.tabs.setCurrentIndex(0)  # the adjudication page lists no images to save
        assert not panel.save_slice.save("nothing")
        counts = {i: panel.tabs.tabText(i) for i in range(1, 4)}
        tab = next((i for i, title in counts.items() if not title.endswith("(0)")), None)
        assert tab is not None, counts
        panel.tabs.setCurrentIndex(tab)
        listed = set(panel.listed_images())
        assert listed and panel.save_slice.save("flagged")
        qtbot.waitUntil(lambda: panel.save_slice.saver.last is not None, timeout=10_000)
        with stored(project_path) as project:
            [saved] = project.slices()
            assert set(project.slice_image_ids(saved.id)) == listed
    finally:
        window.close()
