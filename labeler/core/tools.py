"""Canvas interaction as plain state machines: draw, select, move, resize and edit vertices.

The napari idea (``_shapes_mouse_bindings.py``): the logic of a mouse gesture
lives outside the widget and takes plain events, so it is tested without a
window. The canvas only translates Qt events into :class:`Pointer` values in
image pixels, feeds them to the active :class:`Tool`, draws
:attr:`Tool.preview` while a gesture is under way and turns the
:data:`ToolResult` a gesture ends with into an undoable core command.

All coordinates are oriented-image pixels. ``Pointer.tolerance`` is the hit
radius in image pixels (a fixed number of screen pixels divided by the zoom), so
handles are as easy to grab at 10% as at 800%.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

import numpy as np

from labeler.core.geometry import Box, Geometry, Polygon

Point = tuple[float, float]
ShapeKind = Literal["annotation", "prediction"]

# Shapes smaller than this (each side, in image pixels) are taken for a slip of the mouse.
MIN_SIDE = 2.0


@dataclass(frozen=True, order=True)
class ShapeKey:
    """Which stored record a shape on the canvas is: an annotation or a prediction, by id."""

    kind: ShapeKind
    id: int


@dataclass(frozen=True)
class Pointer:
    """A pointer event in image pixels, with the hit radius and the modifier keys held."""

    x: float
    y: float
    tolerance: float = 5.0
    shift: bool = False
    ctrl: bool = False
    alt: bool = False


@dataclass(frozen=True)
class Handle:
    """A grip on a shape: a polygon vertex, a box corner (0-3) or a box edge (0-3: t, r, b, l)."""

    kind: Literal["vertex", "corner", "edge"]
    index: int


@dataclass(frozen=True)
class Created:
    """A gesture drew a new shape."""

    geometry: Box | Polygon


@dataclass(frozen=True)
class Edited:
    """A gesture changed a stored shape (moved, resized, vertex moved, inserted or deleted)."""

    key: ShapeKey
    geometry: Box | Polygon


@dataclass(frozen=True)
class Selected:
    """The selection changed (``None``: nothing is selected)."""

    key: ShapeKey | None


ToolResult = Created | Edited | Selected


@dataclass(frozen=True)
class Preview:
    """What to draw while a gesture is under way.

    ``key`` is the stored shape being changed (``None`` for a new one); ``geometry``
    is its current state, or ``None`` while a polygon is still an open ``path``.
    """

    key: ShapeKey | None
    geometry: Box | Polygon | None
    path: tuple[Point, ...] = ()


def clamp_point(x: float, y: float, size: tuple[int, int] | None) -> Point:
    """``(x, y)`` pulled inside an image of ``size`` (width, height); unchanged without one."""
    if size is None:
        return (x, y)
    return (min(max(x, 0.0), float(size[0])), min(max(y, 0.0), float(size[1])))


def point_in_polygon(x: float, y: float, points: np.ndarray) -> bool:
    """Even-odd rule test of ``(x, y)`` against a ring of shape (n, 2)."""
    xs, ys = points[:, 0], points[:, 1]
    xj, yj = np.roll(xs, 1), np.roll(ys, 1)
    crosses = (ys > y) != (yj > y)
    with np.errstate(divide="ignore", invalid="ignore"):
        x_at = (xj - xs) * (y - ys) / (yj - ys) + xs
    return bool(np.count_nonzero(crosses & (x < x_at)) % 2)


def segment_distances(x: float, y: float, points: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distance from ``(x, y)`` to each edge ``i -> i+1`` of a closed ring, and the foot points."""
    a = points
    b = np.roll(points, -1, axis=0)
    ab = b - a
    length2 = np.maximum((ab**2).sum(axis=1), 1e-12)
    t = np.clip(((x - a[:, 0]) * ab[:, 0] + (y - a[:, 1]) * ab[:, 1]) / length2, 0.0, 1.0)
    feet = a + ab * t[:, None]
    return np.hypot(feet[:, 0] - x, feet[:, 1] - y), feet


def box_corners(box: Box) -> list[Point]:
    """Corners 0-3 of a box: top-left, top-right, bottom-right, bottom-left."""
    return [(box.x1, box.y1), (box.x2, box.y1), (box.x2, box.y2), (box.x1, box.y2)]


def box_edge_midpoints(box: Box) -> list[Point]:
    """Mid-points of edges 0-3 of a box: top, right, bottom, left."""
    cx, cy = (box.x1 + box.x2) / 2, (box.y1 + box.y2) / 2
    return [(cx, box.y1), (box.x2, cy), (cx, box.y2), (box.x1, cy)]


def handle_points(geometry: Box | Polygon) -> list[tuple[Handle, Point]]:
    """Every handle of a shape with its position (what the canvas draws for the selection)."""
    if isinstance(geometry, Box):
        corners = [(Handle("corner", i), p) for i, p in enumerate(box_corners(geometry))]
        edges = [(Handle("edge", i), p) for i, p in enumerate(box_edge_midpoints(geometry))]
        return corners + edges
    return [(Handle("vertex", i), p) for i, p in enumerate(geometry.points)]


class ShapeLayer:
    """The shapes of the current image as the tools see them, plus the selection.

    Holds boxes and polygons by :class:`ShapeKey` in drawing order (later on top)
    with a bounds array for fast hit tests on thousands of shapes.
    """

    def __init__(
        self,
        shapes: Iterable[tuple[ShapeKey, Geometry]] = (),
        image_size: tuple[int, int] | None = None,
    ) -> None:
        self.image_size = image_size
        self.selected: ShapeKey | None = None
        self._shapes: dict[ShapeKey, Box | Polygon] = {}
        self._keys: list[ShapeKey] = []
        self._bounds = np.zeros((0, 4))
        self._rings: dict[ShapeKey, np.ndarray] = {}
        self.set_shapes(shapes, image_size)

    def set_shapes(
        self, shapes: Iterable[tuple[ShapeKey, Geometry]], image_size: tuple[int, int] | None
    ) -> None:
        """Replace all shapes (tags are ignored); keeps the selection if it still exists."""
        self.image_size = image_size
        self._shapes = {k: g for k, g in shapes if isinstance(g, Box | Polygon)}
        self._keys = list(self._shapes)
        self._bounds = np.array(
            [self._shapes[k].bounds() for k in self._keys], dtype=float
        ).reshape(-1, 4)
        self._rings = {}
        if self.selected not in self._shapes:
            self.selected = None

    def __len__(self) -> int:
        return len(self._shapes)

    def __contains__(self, key: object) -> bool:
        return key in self._shapes

    def shape_keys(self) -> list[ShapeKey]:
        """Keys in drawing order."""
        return list(self._keys)

    def geometry(self, key: ShapeKey) -> Box | Polygon:
        """The shape stored under ``key``."""
        return self._shapes[key]

    def selected_geometry(self) -> Box | Polygon | None:
        """The selected shape, if any."""
        return self._shapes.get(self.selected) if self.selected is not None else None

    def _ring(self, key: ShapeKey) -> np.ndarray:
        ring = self._rings.get(key)
        if ring is None:
            geometry = self._shapes[key]
            points = box_corners(geometry) if isinstance(geometry, Box) else geometry.points
            ring = np.asarray(points, dtype=float)
            self._rings[key] = ring
        return ring

    def shape_at(self, x: float, y: float, tolerance: float = 0.0) -> ShapeKey | None:
        """The shape under ``(x, y)``: the smallest one containing it, else the nearest outline.

        Preferring the smallest makes a box inside a larger box easy to pick.
        """
        if not self._keys:
            return None
        b = self._bounds
        near = (
            (b[:, 0] - tolerance <= x)
            & (x <= b[:, 2] + tolerance)
            & (b[:, 1] - tolerance <= y)
            & (y <= b[:, 3] + tolerance)
        )
        best: tuple[int, float, int] | None = None
        for index in np.flatnonzero(near):
            key = self._keys[int(index)]
            ring = self._ring(key)
            if point_in_polygon(x, y, ring):
                rank = (0, self._shapes[key].area, -int(index))
            elif tolerance > 0:
                distance = float(segment_distances(x, y, ring)[0].min())
                if distance > tolerance:
                    continue
                rank = (1, distance, -int(index))
            else:
                continue
            if best is None or rank < best:
                best = rank
        return self._keys[-best[2]] if best is not None else None

    def handle_at(self, key: ShapeKey, x: float, y: float, tolerance: float) -> Handle | None:
        """The handle of shape ``key`` within ``tolerance`` of ``(x, y)`` (the nearest one)."""
        nearest: tuple[float, Handle] | None = None
        for handle, (hx, hy) in handle_points(self._shapes[key]):
            distance = math.hypot(hx - x, hy - y)
            if distance <= tolerance and (nearest is None or distance < nearest[0]):
                nearest = (distance, handle)
        return nearest[1] if nearest is not None else None


class Tool:
    """Base of the canvas tools: every event is optional, results end gestures."""

    name = "tool"

    def __init__(self, layer: ShapeLayer) -> None:
        self.layer = layer

    @property
    def preview(self) -> Preview | None:
        """What to draw for the gesture under way (None when idle)."""
        return None

    @property
    def busy(self) -> bool:
        """True in the middle of a gesture."""
        return self.preview is not None

    def press(self, p: Pointer) -> ToolResult | None:
        """Primary button pressed."""
        return None

    def move(self, p: Pointer) -> None:
        """Pointer moved (button held or not)."""

    def release(self, p: Pointer) -> ToolResult | None:
        """Primary button released."""
        return None

    def double_click(self, p: Pointer) -> ToolResult | None:
        """Primary button double-clicked."""
        return None

    def key(self, name: str) -> ToolResult | None:
        """A key the tool may use: ``"enter"``, ``"escape"`` or ``"backspace"``."""
        if name == "escape":
            self.cancel()
        return None

    def cancel(self) -> None:
        """Abandon the gesture under way."""


class BoxTool(Tool):
    """Draw a box by dragging from one corner to the opposite one."""

    name = "box"

    def __init__(self, layer: ShapeLayer) -> None:
        super().__init__(layer)
        self._start: Point | None = None
        self._end: Point | None = None

    @property
    def preview(self) -> Preview | None:
        """The box being dragged out."""
        if self._start is None or self._end is None:
            return None
        (x1, y1), (x2, y2) = self._start, self._end
        box = Box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))
        return Preview(None, box)

    def press(self, p: Pointer) -> ToolResult | None:
        """Start a box at the pointer."""
        self._start = self._end = clamp_point(p.x, p.y, self.layer.image_size)
        return None

    def move(self, p: Pointer) -> None:
        """Stretch the box to the pointer."""
        if self._start is not None:
            self._end = clamp_point(p.x, p.y, self.layer.image_size)

    def release(self, p: Pointer) -> ToolResult | None:
        """Finish the box; a click or a sliver creates nothing."""
        self.move(p)
        preview = self.preview
        self.cancel()
        if preview is None or not isinstance(preview.geometry, Box):
            return None
        box = preview.geometry
        if box.width < MIN_SIDE or box.height < MIN_SIDE:
            return None
        return Created(box)

    def cancel(self) -> None:
        """Forget the box under way."""
        self._start = self._end = None


class PolygonTool(Tool):
    """Draw a polygon vertex by vertex.

    Click adds a vertex; clicking the first vertex, double-clicking or Enter closes
    the polygon (3+ vertices); Backspace removes the last vertex; Escape cancels.
    """

    name = "polygon"

    def __init__(self, layer: ShapeLayer) -> None:
        super().__init__(layer)
        self._points: list[Point] = []
        self._cursor: Point | None = None

    @property
    def points(self) -> tuple[Point, ...]:
        """Vertices placed so far."""
        return tuple(self._points)

    @property
    def preview(self) -> Preview | None:
        """The open path so far, ending at the pointer."""
        if not self._points:
            return None
        path = tuple(self._points) + ((self._cursor,) if self._cursor is not None else ())
        return Preview(None, None, path)

    def press(self, p: Pointer) -> ToolResult | None:
        """Add a vertex, or close the polygon when the first vertex is clicked."""
        point = clamp_point(p.x, p.y, self.layer.image_size)
        if len(self._points) >= 3:
            fx, fy = self._points[0]
            if math.hypot(fx - p.x, fy - p.y) <= p.tolerance:
                return self._finish()
        if self._points and math.hypot(
            self._points[-1][0] - point[0], self._points[-1][1] - point[1]
        ) <= min(p.tolerance, 1.0):
            return None  # a second click on the same spot adds nothing
        self._points.append(point)
        self._cursor = point
        return None

    def move(self, p: Pointer) -> None:
        """Follow the pointer with the rubber band."""
        if self._points:
            self._cursor = clamp_point(p.x, p.y, self.layer.image_size)

    def double_click(self, p: Pointer) -> ToolResult | None:
        """Close the polygon."""
        return self._finish()

    def key(self, name: str) -> ToolResult | None:
        """Enter closes, Backspace removes the last vertex, Escape cancels."""
        if name == "enter":
            return self._finish()
        if name == "backspace" and self._points:
            self._points.pop()
            return None
        return super().key(name)

    def _finish(self) -> ToolResult | None:
        points = _dedupe(self._points)
        self.cancel()
        if len(points) < 3:
            return None
        polygon = Polygon(tuple(points))
        if polygon.area < MIN_SIDE * MIN_SIDE:
            return None
        return Created(polygon)

    def cancel(self) -> None:
        """Forget the polygon under way."""
        self._points = []
        self._cursor = None


def _dedupe(points: list[Point]) -> list[Point]:
    """Points without consecutive repeats (a double-click lands twice on one spot)."""
    out: list[Point] = []
    for point in points:
        if not out or math.hypot(out[-1][0] - point[0], out[-1][1] - point[1]) > 1e-6:
            out.append(point)
    if len(out) > 1 and math.hypot(out[0][0] - out[-1][0], out[0][1] - out[-1][1]) <= 1e-6:
        out.pop()
    return out


class SelectTool(Tool):
    """Select, move and reshape shapes.

    Press on a shape selects it; dragging moves it (inside the image). On the
    selected shape, dragging a handle moves a polygon vertex or a box corner or
    edge; Shift- or Alt-click on a polygon vertex deletes it (3 stay at least);
    double-click on a polygon edge inserts a vertex there. A press on empty space
    clears the selection and leaves :attr:`gesture` ``None`` (the view pans).
    """

    name = "select"

    def __init__(self, layer: ShapeLayer) -> None:
        super().__init__(layer)
        self.gesture: Literal["move", "handle"] | None = None
        self._key: ShapeKey | None = None
        self._handle: Handle | None = None
        self._origin: Point = (0.0, 0.0)
        self._original: Box | Polygon | None = None
        self._current: Box | Polygon | None = None
        self._tolerance = 0.0
        self._moved = False

    @property
    def preview(self) -> Preview | None:
        """The shape being changed, once the drag has really started."""
        if self.gesture is None or not self._moved or self._current is None:
            return None
        return Preview(self._key, self._current)

    @property
    def busy(self) -> bool:
        """True while a shape or handle is held."""
        return self.gesture is not None

    def press(self, p: Pointer) -> ToolResult | None:
        """Grab a handle of the selected shape, or select (and grab) the shape under the pointer."""
        layer = self.layer
        if layer.selected is not None:
            handle = layer.handle_at(layer.selected, p.x, p.y, p.tolerance)
            if handle is not None:
                if (p.shift or p.alt) and handle.kind == "vertex":
                    return self._delete_vertex(layer.selected, handle.index)
                self._grab(layer.selected, "handle", handle, p)
                return None
        key = layer.shape_at(p.x, p.y, p.tolerance)
        changed = key != layer.selected
        layer.selected = key
        if key is not None:
            self._grab(key, "move", None, p)
        return Selected(key) if changed else None

    def _grab(
        self, key: ShapeKey, gesture: Literal["move", "handle"], handle: Handle | None, p: Pointer
    ) -> None:
        self.gesture, self._key, self._handle = gesture, key, handle
        self._origin = (p.x, p.y)
        self._original = self._current = self.layer.geometry(key)
        self._tolerance = p.tolerance
        self._moved = False

    def move(self, p: Pointer) -> None:
        """Drag the grabbed shape or handle (a jitter below the hit radius is not a drag)."""
        if self.gesture is None or self._original is None:
            return
        dx, dy = p.x - self._origin[0], p.y - self._origin[1]
        if not self._moved and math.hypot(dx, dy) < max(self._tolerance / 2, 0.5):
            return
        self._moved = True
        if self.gesture == "move":
            self._current = _translate_inside(self._original, dx, dy, self.layer.image_size)
        elif self._handle is not None:
            point = clamp_point(p.x, p.y, self.layer.image_size)
            self._current = _drag_handle(self._original, self._handle, point)

    def release(self, p: Pointer) -> ToolResult | None:
        """End the drag; a real change becomes an :class:`Edited` result."""
        self.move(p)
        result: ToolResult | None = None
        if self._moved and self._key is not None and self._current is not None:
            current = _normalised(self._current)
            if current != self._original and _has_area(current):
                result = Edited(self._key, current)
        self.cancel()
        return result

    def double_click(self, p: Pointer) -> ToolResult | None:
        """Insert a vertex on the selected polygon's edge under the pointer."""
        key = self.layer.selected
        self.cancel()
        if key is None:
            return None
        geometry = self.layer.geometry(key)
        if not isinstance(geometry, Polygon):
            return None
        ring = np.asarray(geometry.points, dtype=float)
        distances, feet = segment_distances(p.x, p.y, ring)
        edge = int(np.argmin(distances))
        if distances[edge] > p.tolerance:
            return None
        foot = (float(feet[edge][0]), float(feet[edge][1]))
        points = list(geometry.points)
        points.insert(edge + 1, foot)
        return Edited(key, Polygon(tuple(points)))

    def _delete_vertex(self, key: ShapeKey, index: int) -> ToolResult | None:
        geometry = self.layer.geometry(key)
        if not isinstance(geometry, Polygon) or len(geometry.points) <= 3:
            return None
        points = geometry.points[:index] + geometry.points[index + 1 :]
        return Edited(key, Polygon(points))

    def cancel(self) -> None:
        """Drop the shape being dragged back where it was."""
        self.gesture = None
        self._key = self._handle = None
        self._original = self._current = None
        self._moved = False


def _translate_inside(
    geometry: Box | Polygon, dx: float, dy: float, size: tuple[int, int] | None
) -> Box | Polygon:
    """``geometry`` moved by ``(dx, dy)``, but no further than the image border."""
    if size is not None:
        x1, y1, x2, y2 = geometry.bounds()
        dx = min(max(dx, -x1), size[0] - x2) if x2 - x1 <= size[0] else dx
        dy = min(max(dy, -y1), size[1] - y2) if y2 - y1 <= size[1] else dy
    return geometry.translated(dx, dy)


def _drag_handle(geometry: Box | Polygon, handle: Handle, point: Point) -> Box | Polygon:
    """The shape with one handle moved to ``point`` (box corners may cross: normalised later)."""
    x, y = point
    if isinstance(geometry, Polygon):
        points = list(geometry.points)
        points[handle.index] = (x, y)
        return Polygon(tuple(points))
    x1, y1, x2, y2 = geometry.x1, geometry.y1, geometry.x2, geometry.y2
    if handle.kind == "corner":
        if handle.index in (0, 3):
            x1 = x
        else:
            x2 = x
        if handle.index in (0, 1):
            y1 = y
        else:
            y2 = y
    elif handle.index == 0:
        y1 = y
    elif handle.index == 1:
        x2 = x
    elif handle.index == 2:
        y2 = y
    else:
        x1 = x
    return Box(x1, y1, x2, y2)


def _normalised(geometry: Box | Polygon) -> Box | Polygon:
    if isinstance(geometry, Box):
        return Box(
            min(geometry.x1, geometry.x2),
            min(geometry.y1, geometry.y2),
            max(geometry.x1, geometry.x2),
            max(geometry.y1, geometry.y2),
        )
    return geometry


def _has_area(geometry: Box | Polygon) -> bool:
    if isinstance(geometry, Box):
        return geometry.width >= MIN_SIDE and geometry.height >= MIN_SIDE
    return geometry.area >= MIN_SIDE * MIN_SIDE
