"""Keys in the real window: Enter accepts in one press; class keys relabel only in select."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from pytestqt.qtbot import QtBot

from labeler.app.main_window import MainWindow
from labeler.core.domain import AnnotationSource
from labeler.core.tools import ShapeKey
from tests.app.conftest import Mouse, add_predictions, open_window, stored

pytestmark = pytest.mark.gui


@pytest.fixture
def predicted(qtbot: QtBot, project_path: Path) -> Iterator[tuple[MainWindow, list[int]]]:
    """The window opened after two pre-labels (0.9, 0.3) were stored on the first image."""
    ids = add_predictions(project_path)
    main = open_window(qtbot, project_path)
    yield main, ids
    main.close()


def test_enter_with_nothing_selected_accepts_the_first_prelabel_in_one_press(
    predicted: tuple[MainWindow, list[int]], project_path: Path
) -> None:
    window, (high, low) = predicted
    image_id = window.current_image_id()
    assert window.canvas_view.selected_key is None
    QTest.keyClick(window.canvas_view, Qt.Key.Key_Return)
    with stored(project_path) as project:
        [accepted] = project.annotations(image_id)
    assert accepted.prediction_id == high  # the best-scoring one shown
    assert accepted.source == AnnotationSource.PRELABEL_ACCEPTED
    assert window.canvas_view.selected_key == ShapeKey("prediction", low)
    QTest.keyClick(window.canvas_view, Qt.Key.Key_Return)  # the next one, one press again
    with stored(project_path) as project:
        assert sorted(a.prediction_id for a in project.annotations(image_id)) == sorted([high, low])


def test_enter_accepts_the_selected_prelabel_not_the_first(
    predicted: tuple[MainWindow, list[int]], project_path: Path
) -> None:
    window, (_high, low) = predicted
    image_id = window.current_image_id()
    Mouse(window).click(180, 130)  # inside the 0.3 pre-label
    assert window.canvas_view.selected_key == ShapeKey("prediction", low)
    QTest.keyClick(window.canvas_view, Qt.Key.Key_Return)
    with stored(project_path) as project:
        assert [a.prediction_id for a in project.annotations(image_id)] == [low]


def test_class_key_relabels_the_selected_shape_in_the_select_tool(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    image_id = window.current_image_id()
    keys(Qt.Key.Key_W)
    mouse.drag((40, 40), (100, 100))
    keys(Qt.Key.Key_V, Qt.Key.Key_2)
    with stored(project_path) as project:
        crack = project.class_by_name("crack")
        [box] = project.annotations(image_id)
    assert crack is not None and box.class_id == crack.id


def test_class_key_in_a_drawing_tool_chooses_the_next_class_only(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    image_id = window.current_image_id()
    keys(Qt.Key.Key_W)
    mouse.drag((40, 40), (100, 100))  # a scratch, selected after drawing
    first = window.canvas_view.selected_key
    assert first is not None and first.kind == "annotation"
    keys(Qt.Key.Key_2)  # still in the box tool: the drawn box keeps its class
    assert window.canvas_view.tool_name == "box"
    mouse.drag((150, 40), (200, 100))
    with stored(project_path) as project:
        scratch, crack = project.class_by_name("scratch"), project.class_by_name("crack")
        classes = {a.id: a.class_id for a in project.annotations(image_id)}
    assert scratch is not None and crack is not None
    assert classes.pop(first.id) == scratch.id
    assert list(classes.values()) == [crack.id]
