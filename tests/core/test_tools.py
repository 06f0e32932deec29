from __future__ import annotations

from labeler.core.geometry import Box, Polygon
from labeler.core.tools import (
    BoxTool,
    Created,
    Edited,
    Handle,
    Pointer,
    PolygonTool,
    Selected,
    SelectTool,
    ShapeKey,
    ShapeLayer,
    handle_points,
)

A1 = ShapeKey("annotation", 1)
A2 = ShapeKey("annotation", 2)
P9 = ShapeKey("prediction", 9)
SQUARE = Polygon(((100.0, 100.0), (140.0, 100.0), (140.0, 140.0), (100.0, 140.0)))


def _layer() -> ShapeLayer:
    return ShapeLayer(
        [(A1, Box(10, 10, 90, 90)), (A2, Box(30, 30, 50, 50)), (P9, SQUARE)], (200, 160)
    )


def _drag(tool: SelectTool | BoxTool, start: tuple[float, float], end: tuple[float, float]):
    first = tool.press(Pointer(*start))
    tool.move(Pointer((start[0] + end[0]) / 2, (start[1] + end[1]) / 2))
    tool.move(Pointer(*end))
    return first, tool.release(Pointer(*end))


def test_box_tool_draws_clamped_box_and_ignores_clicks() -> None:
    tool = BoxTool(_layer())
    _, result = _drag(tool, (150, 20), (250, 60))
    assert result == Created(Box(150, 20, 200, 60))
    assert tool.preview is None
    _, click = _drag(tool, (5, 5), (6, 6))
    assert click is None


def test_box_tool_preview_while_dragging() -> None:
    tool = BoxTool(_layer())
    tool.press(Pointer(40, 40))
    tool.move(Pointer(10, 20))
    preview = tool.preview
    assert preview is not None and preview.geometry == Box(10, 20, 40, 40)
    tool.key("escape")
    assert tool.preview is None


def test_polygon_tool_closes_on_first_vertex_enter_or_double_click() -> None:
    tool = PolygonTool(_layer())
    for x, y in [(10, 10), (60, 10), (60, 60)]:
        tool.press(Pointer(x, y))
        tool.release(Pointer(x, y))
    tool.move(Pointer(30, 70))
    preview = tool.preview
    assert preview is not None and preview.path[-1] == (30, 70)
    result = tool.press(Pointer(11, 11, tolerance=4))
    assert result == Created(Polygon(((10, 10), (60, 10), (60, 60))))
    for x, y in [(10, 10), (60, 10), (60, 60), (10, 60)]:
        tool.press(Pointer(x, y))
    tool.key("backspace")
    assert tool.key("enter") == Created(Polygon(((10, 10), (60, 10), (60, 60))))
    for x, y in [(0, 0), (50, 0), (50, 50)]:
        tool.press(Pointer(x, y))
    assert tool.double_click(Pointer(50, 50)) == Created(Polygon(((0, 0), (50, 0), (50, 50))))


def test_polygon_tool_refuses_too_few_points_and_escape_cancels() -> None:
    tool = PolygonTool(_layer())
    tool.press(Pointer(10, 10))
    tool.press(Pointer(20, 10))
    assert tool.key("enter") is None
    tool.press(Pointer(10, 10))
    tool.key("escape")
    assert tool.preview is None and tool.points == ()


def test_select_prefers_smallest_containing_shape() -> None:
    layer = _layer()
    assert layer.shape_at(40, 40) == A2
    assert layer.shape_at(20, 20) == A1
    assert layer.shape_at(120, 120) == P9
    assert layer.shape_at(95, 50) is None
    assert layer.shape_at(92, 50, tolerance=3) == A1


def test_select_and_move_box_inside_image() -> None:
    layer = _layer()
    tool = SelectTool(layer)
    pressed, result = _drag(tool, (20, 20), (0, 100))
    assert pressed == Selected(A1)
    assert layer.selected == A1
    assert result == Edited(A1, Box(0, 80, 80, 160))  # clamped at the left and bottom


def test_click_without_drag_selects_without_edit() -> None:
    layer = _layer()
    tool = SelectTool(layer)
    assert tool.press(Pointer(40, 40)) == Selected(A2)
    assert tool.release(Pointer(40.5, 40)) is None
    assert tool.press(Pointer(180, 150)) == Selected(None)
    assert tool.gesture is None  # empty space: the view pans
    tool.release(Pointer(180, 150))


def test_resize_box_by_corner_and_edge() -> None:
    layer = _layer()
    layer.selected = A1
    tool = SelectTool(layer)
    _, result = _drag(tool, (90, 90), (120, 100))
    assert result == Edited(A1, Box(10, 10, 120, 100))
    layer.set_shapes([(A1, Box(10, 10, 120, 100))], (200, 160))
    _, result = _drag(tool, (10, 55), (130, 55))  # left edge dragged past the right one
    assert result == Edited(A1, Box(120, 10, 130, 100))


def test_vertex_move_insert_delete() -> None:
    layer = _layer()
    layer.selected = P9
    tool = SelectTool(layer)
    _, result = _drag(tool, (140, 140), (150, 155))
    assert isinstance(result, Edited)
    assert isinstance(result.geometry, Polygon)
    assert result.geometry.points[2] == (150, 155)
    inserted = tool.double_click(Pointer(120, 101, tolerance=3))
    assert isinstance(inserted, Edited) and isinstance(inserted.geometry, Polygon)
    assert inserted.geometry.points[1] == (120, 100)
    deleted = tool.press(Pointer(100, 100, shift=True))
    assert isinstance(deleted, Edited) and isinstance(deleted.geometry, Polygon)
    assert len(deleted.geometry.points) == 3


def test_handles_listed_for_selected_shape() -> None:
    handles = handle_points(Box(0, 0, 10, 20))
    assert handles[0] == (Handle("corner", 0), (0, 0))
    assert handles[5] == (Handle("edge", 1), (10, 10))
    assert len(handle_points(SQUARE)) == 4


def test_layer_keeps_selection_only_if_shape_remains() -> None:
    layer = _layer()
    layer.selected = A2
    layer.set_shapes([(A2, Box(30, 30, 50, 50))], (200, 160))
    assert layer.selected == A2
    layer.set_shapes([(A1, Box(10, 10, 90, 90))], (200, 160))
    assert layer.selected is None


def test_hit_test_scales_to_thousands_of_shapes() -> None:
    shapes = [
        (
            ShapeKey("annotation", i),
            Box(i % 100 * 10, i // 100 * 10, i % 100 * 10 + 8, i // 100 * 10 + 8),
        )
        for i in range(2000)
    ]
    layer = ShapeLayer(shapes, (1000, 200))
    assert layer.shape_at(515, 105) == ShapeKey("annotation", 1051)
    assert layer.shape_at(519, 105) is None
