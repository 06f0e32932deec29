from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labeler.app import jobs
from labeler.app.main_window import MainWindow
from labeler.core.domain import AnnotationSource
from labeler.core.geometry import Box
from labeler.core.progress import Progress
from labeler.core.store import Project
from labeler.core.tools import ShapeKey
from tests.app.conftest import Mouse, add_predictions, open_window, stored

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def prediction_ids(project_path: Path) -> list[int]:
    return add_predictions(project_path)


@pytest.fixture
def window(qtbot: QtBot, project_path: Path, prediction_ids: list[int]) -> Iterator[MainWindow]:
    """The main window, opened after two pre-labels were stored on the first image."""
    main = open_window(qtbot, project_path)
    yield main
    main.close()


@pytest.fixture
def predicted(window: MainWindow, prediction_ids: list[int]) -> tuple[MainWindow, list[int]]:
    return window, prediction_ids


def test_prelabels_are_drawn_dashed_with_scores(predicted: tuple[MainWindow, list[int]]) -> None:
    window, (high, low) = predicted
    shapes = [window.canvas_view.drawn_shape(ShapeKey("prediction", i)) for i in (high, low)]
    assert all(s is not None and s.dashed for s in shapes)
    assert shapes[0] is not None and shapes[0].label == "scratch 0.90"
    window.prelabel_panel.set_threshold(0.5)
    assert window.canvas_view.drawn_shape(ShapeKey("prediction", low)) is None
    window.trigger("prelabel.toggle")
    assert window.canvas_view.drawn_shape(ShapeKey("prediction", high)) is None


def test_accept_with_enter_selects_the_next(
    predicted: tuple[MainWindow, list[int]],
    keys: Callable[..., None],
    mouse: Mouse,
    project_path: Path,
) -> None:
    window, (high, low) = predicted
    image_id = window.current_image_id()
    mouse.click(50, 45)  # inside the 0.9 pre-label
    assert window.canvas_view.selected_key == ShapeKey("prediction", high)
    keys(Qt.Key.Key_Return)
    with stored(project_path) as project:
        [accepted] = project.annotations(image_id)
    assert accepted.source == AnnotationSource.PRELABEL_ACCEPTED
    assert accepted.prediction_id == high
    assert accepted.geometry == Box(20, 20, 80, 70)
    assert window.canvas_view.selected_key == ShapeKey("prediction", low)
    assert window.canvas_view.drawn_shape(ShapeKey("prediction", high)) is None
    keys((Qt.Key.Key_Z, CTRL))
    with stored(project_path) as project:
        assert project.annotations(image_id) == []
    assert window.canvas_view.drawn_shape(ShapeKey("prediction", high)) is not None


def test_editing_a_prelabel_makes_a_prelabel_edited_annotation(
    predicted: tuple[MainWindow, list[int]], mouse: Mouse, project_path: Path
) -> None:
    window, (high, _low) = predicted
    image_id = window.current_image_id()
    mouse.click(50, 45)
    mouse.drag((80, 70), (100, 90))  # drag its bottom-right corner
    with stored(project_path) as project:
        [edited] = project.annotations(image_id)
    assert edited.source == AnnotationSource.PRELABEL_EDITED
    assert edited.prediction_id == high
    assert isinstance(edited.geometry, Box)
    assert abs(edited.geometry.x2 - 100) <= 1.5 and edited.geometry.x1 == 20
    assert window.canvas_view.selected_key == ShapeKey("annotation", edited.id)


def test_accept_all_above_slider_and_reject(
    predicted: tuple[MainWindow, list[int]],
    keys: Callable[..., None],
    mouse: Mouse,
    project_path: Path,
) -> None:
    window, (high, low) = predicted
    image_id = window.current_image_id()
    assert image_id is not None
    window.prelabel_panel.set_threshold(0.5)
    keys((Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier))
    with stored(project_path) as project:
        assert [a.prediction_id for a in project.annotations(image_id)] == [high]
    window.prelabel_panel.set_threshold(0.0)
    mouse.click(180, 130)
    assert window.canvas_view.selected_key == ShapeKey("prediction", low)
    keys(Qt.Key.Key_Delete)
    with stored(project_path) as project:
        assert project.rejected_prediction_ids(image_id) == {low}
        assert len(project.annotations(image_id)) == 1
    assert window.canvas_view.drawn_shape(ShapeKey("prediction", low)) is None


def test_prelabel_this_image_runs_in_background(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch, project_path: Path
) -> None:
    image_id = window.current_image_id()
    assert image_id is not None

    def fake_prelabel(path: Path, target: int, progress: Progress) -> object:
        with Project.open(path) as project:  # a worker uses its own connection
            run = project.start_model_run("sha", "m.onnx", {}, "CPUExecutionProvider")
            crack = project.class_by_name("crack")
            assert crack is not None
            project.add_predictions(run.id, target, [(crack.id, Box(5, 5, 50, 50), 0.8)])
            project.finish_model_run(run.id)
        return type("Summary", (), {"provider": "CPUExecutionProvider", "predictions": 1})()

    monkeypatch.setattr(jobs, "prelabel_one", fake_prelabel)
    with qtbot.waitSignal(window.prelabel_panel.prelabelFinished, timeout=5000):
        window.trigger("prelabel.run")
    assert len(window.controller.visible_predictions()) == 1
    assert "CPU" in window.status.provider_label.text()


def test_prelabel_failure_is_a_message_not_a_crash(
    qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(path: Path, target: int, progress: Progress) -> object:
        from labeler.core.errors import LabelerError

        raise LabelerError("this project has no model yet")

    monkeypatch.setattr(jobs, "prelabel_one", failing)
    with qtbot.waitSignal(window.workspace.errorRaised, timeout=5000) as blocker:
        window.trigger("prelabel.run")
    assert "no model yet" in blocker.args[0]
    qtbot.waitUntil(lambda: window.prelabel_panel.run_button.isEnabled())
