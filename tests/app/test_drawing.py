from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt

from labeler.app.main_window import MainWindow
from labeler.core.domain import AnnotationSource
from labeler.core.geometry import Box, Polygon
from tests.app.conftest import Mouse, stored

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _close(a: float, b: float, tolerance: float = 1.5) -> bool:
    return abs(a - b) <= tolerance


def test_draw_box_then_undo_redo(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    image_id = window.current_image_id()
    keys(Qt.Key.Key_W)
    assert window.canvas_view.tool_name == "box"
    mouse.drag((40, 30), (120, 90))
    with stored(project_path) as project:
        [box] = project.annotations(image_id)
        assert isinstance(box.geometry, Box)
        assert _close(box.geometry.x1, 40) and _close(box.geometry.y2, 90)
        assert box.source == AnnotationSource.MANUAL
        assert project.class_by_name("scratch").id == box.class_id  # type: ignore[union-attr]
    keys((Qt.Key.Key_Z, CTRL))
    with stored(project_path) as project:
        assert project.annotations(image_id) == []
    keys((Qt.Key.Key_Z, CTRL_SHIFT))
    with stored(project_path) as project:
        assert [a.id for a in project.annotations(image_id)] == [box.id]


def test_draw_polygon_with_class_key_and_enter(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    image_id = window.current_image_id()
    keys(Qt.Key.Key_3, Qt.Key.Key_P)  # class 3 (dent), polygon tool
    for x, y in [(50, 50), (150, 40), (170, 140), (60, 150)]:
        mouse.click(x, y)
    keys(Qt.Key.Key_Return)
    with stored(project_path) as project:
        [polygon] = project.annotations(image_id)
        assert isinstance(polygon.geometry, Polygon)
        assert len(polygon.geometry.points) == 4
        assert polygon.class_id == project.class_by_name("dent").id  # type: ignore[union-attr]
    # closing by clicking the first vertex works too
    for x, y in [(200, 20), (300, 20), (300, 100), (200, 20)]:
        mouse.click(x, y)
    with stored(project_path) as project:
        assert len(project.annotations(image_id)) == 2


def test_escape_cancels_polygon_and_returns_to_select(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    keys(Qt.Key.Key_P)
    mouse.click(10, 10)
    mouse.click(60, 10)
    keys(Qt.Key.Key_Escape)
    assert window.canvas_view.tool_name == "polygon"
    keys(Qt.Key.Key_Escape)
    assert window.canvas_view.tool_name == "select"
    with stored(project_path) as project:
        assert project.annotations(window.current_image_id()) == []


def test_move_vertex_insert_delete_and_drags_merge_in_undo(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    image_id = window.current_image_id()
    keys(Qt.Key.Key_P)
    for x, y in [(40, 40), (140, 40), (140, 140), (40, 140)]:
        mouse.click(x, y)
    keys(Qt.Key.Key_Return, Qt.Key.Key_V)
    with stored(project_path) as project:
        [shape] = project.annotations(image_id)
    original = shape.geometry
    assert window.canvas_view.selected_key is not None  # the new shape is selected
    mouse.drag((140, 140), (180, 170))  # vertex 2
    with stored(project_path) as project:
        moved = project.annotation(shape.id).geometry
    assert isinstance(moved, Polygon)
    assert _close(moved.points[2][0], 180) and _close(moved.points[2][1], 170)
    mouse.drag((40, 40), (30, 20))  # a second drag of the same shape
    mouse.double_click(85, 30)  # insert a vertex on the top edge, now (30, 20)-(140, 40)
    with stored(project_path) as project:
        geometry = project.annotation(shape.id).geometry
    assert isinstance(geometry, Polygon) and len(geometry.points) == 5
    mouse.click(85, 30, Qt.KeyboardModifier.ShiftModifier)  # shift+click deletes it again
    with stored(project_path) as project:
        geometry = project.annotation(shape.id).geometry
    assert isinstance(geometry, Polygon) and len(geometry.points) == 4
    keys((Qt.Key.Key_Z, CTRL))  # all consecutive edits of one shape are one undo step
    with stored(project_path) as project:
        assert project.annotation(shape.id).geometry == original


def test_move_and_resize_box(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    image_id = window.current_image_id()
    keys(Qt.Key.Key_W)
    mouse.drag((40, 40), (100, 100))
    keys(Qt.Key.Key_V)
    mouse.drag((70, 70), (90, 80))  # move by (20, 10)
    with stored(project_path) as project:
        [box] = project.annotations(image_id)
    assert isinstance(box.geometry, Box)
    assert _close(box.geometry.x1, 60) and _close(box.geometry.y1, 50)
    mouse.drag((120, 110), (150, 130))  # bottom-right corner
    with stored(project_path) as project:
        geometry = project.annotation(box.id).geometry
    assert isinstance(geometry, Box)
    assert _close(geometry.x2, 150) and _close(geometry.y2, 130) and _close(geometry.x1, 60)


def test_delete_change_class_and_copy_paste_to_next_image(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    first = window.current_image_id()
    keys(Qt.Key.Key_W)
    mouse.drag((40, 40), (100, 100))
    mouse.drag((150, 40), (200, 100))
    keys(Qt.Key.Key_V, Qt.Key.Key_2)  # the last box is selected: make it a crack
    with stored(project_path) as project:
        crack = project.class_by_name("crack")
        boxes = project.annotations(first)
        assert crack is not None and [a.class_id == crack.id for a in boxes] == [False, True]
    keys((Qt.Key.Key_C, CTRL), Qt.Key.Key_D, (Qt.Key.Key_V, CTRL))
    second = window.current_image_id()
    assert second != first
    with stored(project_path) as project:
        [pasted] = project.annotations(second)
        assert pasted.class_id == crack.id and pasted.geometry == boxes[1].geometry
    keys(Qt.Key.Key_A)
    assert window.current_image_id() == first
    mouse.click(70, 70)
    keys(Qt.Key.Key_Delete)
    with stored(project_path) as project:
        assert [a.id for a in project.annotations(first)] == [boxes[1].id]


def test_a_failing_panel_does_not_turn_a_saved_edit_into_not_saved(
    window: MainWindow, mouse: Mouse, keys: Callable[..., None], project_path: Path
) -> None:
    messages: list[str] = []
    window.workspace.errorRaised.connect(messages.append)

    def broken_view(_change: object) -> None:
        raise RuntimeError("a view bug")

    window.workspace.project.changes.subscribe(broken_view)
    image_id = window.current_image_id()
    keys(Qt.Key.Key_W)
    mouse.drag((40, 30), (120, 90))
    with stored(project_path) as project:
        assert len(project.annotations(image_id)) == 1
    assert any("the change itself is saved" in m for m in messages)
    assert not any("NOT saved" in m for m in messages)
    assert window.undo_stack.canUndo()  # it reached the undo stack like any saved edit
