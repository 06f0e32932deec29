"""The QA view's "Compare runs" tab: computed on a worker, images open in the canvas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.compare_view import compute_comparison
from labeler.app.main_window import MainWindow
from labeler.core.domain import Role
from labeler.core.store import Project
from tests.app.conftest import open_window
from tests.core.diagnosis.two_runs import TwoRuns, make_two_runs

pytestmark = pytest.mark.gui


@pytest.fixture
def two(tmp_path: Path) -> TwoRuns:
    two = make_two_runs(tmp_path)
    with Project.open(two.path) as project:
        project.add_person("quinn", Role.QA_LEAD)
    return two


@pytest.fixture
def compare_window(qtbot: QtBot, two: TwoRuns) -> Iterator[MainWindow]:
    window = open_window(qtbot, two.path, "quinn")
    view = window.qa_view
    assert view.dock is not None
    view.dock.show()
    view.tabs.setCurrentWidget(view.compare_view)
    qtbot.waitUntil(view.compare_view.has_result, timeout=15_000)
    yield window
    window.close()


def test_compute_defaults_to_the_two_newest_runs(two: TwoRuns) -> None:
    data = compute_comparison(two.path, None, None)
    assert (data.run_a, data.run_b) == (two.weak, two.strong)
    assert data.comparison is not None and data.comparison["images"]["compared"] == 4
    chosen = compute_comparison(two.path, two.strong, two.weak)
    assert chosen.comparison is not None and chosen.comparison["a"]["model"] == "strong"


def test_one_run_says_two_are_needed(tmp_path: Path) -> None:
    with Project.create(tmp_path / "one.labeler", ["scratch"]) as project:
        run = project.start_model_run("a" * 64, "only", {}, "cpu")
        project.finish_model_run(run.id)
    data = compute_comparison(tmp_path / "one.labeler", None, None)
    assert data.comparison is None and data.runs == [(run.id, f"#{run.id} only")]
    assert data.error == "Comparing needs two finished model runs; this project has 1."


def test_tab_shows_both_runs_and_opens_images(
    compare_window: MainWindow, qtbot: QtBot, two: TwoRuns
) -> None:
    view = compare_window.qa_view.compare_view
    view.set_runs(two.strong, two.weak)
    qtbot.waitUntil(
        lambda: view.has_result() and view.data.run_a == two.strong,  # type: ignore[union-attr]
        timeout=15_000,
    )
    assert view.run_a.currentData() == two.strong and view.run_b.currentData() == two.weak
    assert "strong" in view.summary.text() and "+0.661" in view.summary.text()
    for name in ("pr50", "pr75", "confusion_a", "confusion_b", "difference"):
        assert "<svg" in view.cards[name].chart.svg, name
    assert "stroke-dasharray" in view.cards["pr50"].chart.svg  # B dashed on the same chart
    assert view.metrics.topLevelItem(0).text(3) == "+0.661"
    assert view.lists["improved"].image_ids() == [two.images[3], two.images[0]]
    assert view.lists["regressed"].image_ids() == [two.images[2]]
    assert "img1.png" in view.lists["stayed_wrong"].topLevelItem(0).text(1)
    assert view.open_image(view.lists["regressed"], 0)
    assert compare_window.current_image_id() == two.images[2]
    assert not view.open_image(view.lists["regressed"], 5)
    saved = view.save_list_as_slice("improved", "fixed by strong", "images strong fixed")
    assert saved.images == 2 and saved.rule == {"terms": [{"kind": "ids", "value": "1,4"}]}
