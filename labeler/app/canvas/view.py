"""The canvas: a QGraphicsView that shows one image and translates Qt input into tool events.

Scene coordinates ARE oriented-image pixels (the image item sits at the origin
with scale 1), so a mouse position maps to image pixels with ``mapToScene``.
The view owns no label data: shapes come in through :meth:`CanvasView.set_shapes`,
and gestures go out as :data:`~labeler.core.tools.ToolResult` values through
:attr:`CanvasView.toolResult`, which the controller turns into core commands.

The scene holds four items and uses ``NoIndex`` deliberately: a BSP index pays
off for many items, not for one item painting thousands of shapes.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

from PySide6.QtCore import QEvent, QPoint, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QFont,
    QImage,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QResizeEvent,
    QTransform,
    QWheelEvent,
)
from PySide6.QtWidgets import QFrame, QGraphicsScene, QGraphicsView, QWidget

from labeler.app.canvas.items import HANDLE_PX, DrawnShape, ImageItem, OverlayItem, ShapesItem
from labeler.core.tools import (
    BoxTool,
    Pointer,
    PolygonTool,
    Selected,
    SelectTool,
    ShapeKey,
    ShapeLayer,
    Tool,
    ToolResult,
)

MIN_SCALE, MAX_SCALE = 0.01, 64.0
WHEEL_STEP = 1.2
SCENE_MARGIN = 0.25  # of the image size, so the image can be panned a little past its edges
_TOOL_KEYS = {
    Qt.Key.Key_Return: "enter",
    Qt.Key.Key_Enter: "enter",
    Qt.Key.Key_Escape: "escape",
    Qt.Key.Key_Backspace: "backspace",
}


class CanvasView(QGraphicsView):
    """Zoom, pan, draw and edit on one image.

    Signals: ``toolResult(result)`` when a gesture ends, ``selectionChanged(key)``,
    ``cursorMoved(x, y)`` in image pixels (``nan`` outside the image),
    ``zoomChanged(scale)`` and ``toolChanged(name)``.
    """

    toolResult = Signal(object)
    selectionChanged = Signal(object)
    cursorMoved = Signal(float, float)
    zoomChanged = Signal(float)
    toolChanged = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        scene = QGraphicsScene(self)
        scene.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)
        self.setScene(scene)
        self.image_item = ImageItem()
        self.shapes_item = ShapesItem()
        self.overlay_item = OverlayItem()
        for item in (self.image_item, self.shapes_item, self.overlay_item):
            scene.addItem(item)
        self.layer = ShapeLayer()
        self._tools: dict[str, Tool] = {
            "select": SelectTool(self.layer),
            "box": BoxTool(self.layer),
            "polygon": PolygonTool(self.layer),
        }
        self.tool: Tool = self._tools["select"]
        self._drawn: dict[ShapeKey, DrawnShape] = {}
        self._image_size = (1, 1)
        self._message: str | None = None
        self._fit_mode = True
        self._pan_from: QPoint | None = None
        self.draw_color = "#ffffff"
        self._locked: frozenset[ShapeKey] = frozenset()
        self._configure()

    def _configure(self) -> None:
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setBackgroundBrush(QColor(28, 30, 34))
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setResizeAnchor(QGraphicsView.ViewportAnchor.AnchorViewCenter)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.MinimalViewportUpdate)
        self.setOptimizationFlag(QGraphicsView.OptimizationFlag.DontSavePainterState, True)
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setMinimumSize(320, 240)
        # Panning is by dragging (and the wheel zooms); scroll bars would only take room.
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

    # Content

    @property
    def image_size(self) -> tuple[int, int]:
        """Full size of the image shown, in pixels."""
        return self._image_size

    def set_image_size(self, width: int, height: int) -> None:
        """Prepare for a new image of this size (placeholder until pixels arrive)."""
        self.cancel_gesture()
        self._image_size = (width, height)
        self.image_item.set_image((width, height), None)
        mx, my = width * SCENE_MARGIN, height * SCENE_MARGIN
        self.scene().setSceneRect(QRectF(-mx, -my, width + 2 * mx, height + 2 * my))
        self.layer.selected = None
        self._message = None
        self.viewport().update()

    def set_pixels(self, image: QImage) -> None:
        """Show decoded pixels (any size) for the current image."""
        self.image_item.set_image(self._image_size, image)

    @property
    def has_image(self) -> bool:
        """True once the current image's pixels are painted (or its error message is)."""
        return self.image_item.has_pixmap or self._message is not None

    @property
    def message(self) -> str | None:
        """The message shown instead of the image (a missing file, say)."""
        return self._message

    def set_message(self, message: str | None) -> None:
        """Show a message over the canvas (None clears it)."""
        self._message = message
        self.viewport().update()

    def set_shapes(self, shapes: list[DrawnShape]) -> None:
        """Replace the shapes shown; the selection survives if its shape still exists."""
        self._drawn = {s.key: s for s in shapes}
        w, h = self._image_size
        selected = self.layer.selected
        self.layer.set_shapes([(s.key, s.geometry) for s in shapes], (w, h))
        self.shapes_item.set_shapes(shapes, QRectF(0, 0, w, h))
        if self.layer.selected != selected:
            self.selectionChanged.emit(self.layer.selected)
        self._update_overlay()

    def set_locked(self, keys: Iterable[ShapeKey]) -> None:
        """Shapes the mouse may select but not move or reshape (view only)."""
        self._locked = frozenset(keys)

    def set_display_style(self, fill_opacity: float, brightness: int, contrast: int) -> None:
        """How shapes are filled and the image toned (view only, never stored)."""
        self.shapes_item.set_fill_opacity(fill_opacity)
        self.image_item.set_tone(brightness, contrast)

    def _locked_under(self, pointer: Pointer) -> ShapeKey | None:
        """The locked shape a select-tool press would grab (its handle or its body), if any."""
        if not self._locked or not isinstance(self.tool, SelectTool):
            return None
        layer = self.layer
        selected = layer.selected
        if selected is not None and layer.handle_at(
            selected, pointer.x, pointer.y, pointer.tolerance
        ):
            return selected if selected in self._locked else None
        key = layer.shape_at(pointer.x, pointer.y, pointer.tolerance)
        return key if key in self._locked else None

    def drawn_shape(self, key: ShapeKey) -> DrawnShape | None:
        """How a shape is currently drawn (None if it is not on the canvas)."""
        return self._drawn.get(key)

    # Selection and tools

    @property
    def selected_key(self) -> ShapeKey | None:
        """The selected shape, if any."""
        return self.layer.selected

    def select(self, key: ShapeKey | None) -> None:
        """Select a shape (or nothing) programmatically."""
        if key is not None and key not in self.layer:
            key = None
        if key != self.layer.selected:
            self.layer.selected = key
            self.selectionChanged.emit(key)
            self._update_overlay()

    @property
    def tool_name(self) -> str:
        """``select``, ``box`` or ``polygon``."""
        return self.tool.name

    def add_tool(self, tool: Tool) -> None:
        """Offer another tool (by its ``name``) to :meth:`set_tool`, e.g. the AI polygon tool."""
        self._tools[tool.name] = tool

    def _secondary_press(self, event: QMouseEvent) -> bool:
        """A right click for a tool that uses it (a negative point); False: the view pans."""
        press = getattr(self.tool, "secondary_press", None)
        if press is None:
            return False
        self._emit_result(press(self._pointer(event)))
        self._after_tool_event()
        return True

    def set_tool(self, name: str) -> None:
        """Switch tool (a gesture under way is abandoned)."""
        tool = self._tools[name]
        if tool is self.tool:
            return
        self.cancel_gesture()
        self.tool = tool
        cursor = Qt.CursorShape.ArrowCursor if name == "select" else Qt.CursorShape.CrossCursor
        self.viewport().setCursor(cursor)
        self.toolChanged.emit(name)

    def cancel_gesture(self) -> None:
        """Abandon the gesture under way."""
        self.tool.cancel()
        self.shapes_item.set_hidden(None)
        self._update_overlay()

    # Zoom

    @property
    def scale_factor(self) -> float:
        """Screen pixels per image pixel."""
        return self.transform().m11()

    def fit_scale_for(self, width: int, height: int) -> float:
        """The zoom that fits a ``width x height`` image in the viewport.

        Snapped so the image is a whole number of screen pixels wide: the fit
        view's pixels, decoded at exactly that size, then paint as a blit.
        """
        view = self.viewport().rect()
        if width <= 0 or height <= 0 or view.width() < 2 or view.height() < 2:
            return 1.0
        scale = min((view.width() - 16) / width, (view.height() - 16) / height)
        scale = max(MIN_SCALE, min(MAX_SCALE, scale))
        return max(1, math.floor(width * scale)) / width

    def zoom_fit(self) -> None:
        """Fit the whole image in the view (and keep fitting on resize)."""
        self._fit_mode = True
        w, h = self._image_size
        self._set_scale(self.fit_scale_for(w, h))
        self.centerOn(QPointF(w / 2, h / 2))

    def zoom_actual(self) -> None:
        """One image pixel per screen pixel (1:1), keeping the centre."""
        self._fit_mode = False
        center = self.mapToScene(self.viewport().rect().center())
        self._set_scale(1.0)
        self.centerOn(center)

    def zoom_by(self, factor: float, anchor: QPoint | None = None) -> None:
        """Zoom by ``factor`` around ``anchor`` (view coordinates) or the centre."""
        self._fit_mode = False
        target = max(MIN_SCALE, min(MAX_SCALE, self.scale_factor * factor))
        if anchor is None:
            center = self.mapToScene(self.viewport().rect().center())
            self._set_scale(target)
            self.centerOn(center)
            return
        before = self.mapToScene(anchor)
        self._set_scale(target)
        after = self.mapToScene(anchor)
        delta = after - before
        center = self.mapToScene(self.viewport().rect().center()) - delta
        self.centerOn(center)

    def _set_scale(self, scale: float) -> None:
        self.setTransform(QTransform.fromScale(scale, scale))
        self._update_overlay()
        self.zoomChanged.emit(scale)

    def resizeEvent(self, event: QResizeEvent) -> None:
        """Keep fitting while in fit mode."""
        super().resizeEvent(event)
        if self._fit_mode:
            self.zoom_fit()

    def wheelEvent(self, event: QWheelEvent) -> None:
        """Wheel zooms around the pointer."""
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(WHEEL_STEP**steps, event.position().toPoint())
        event.accept()

    # Coordinates

    def map_image_to_view(self, x: float, y: float) -> QPoint:
        """Viewport coordinates of an image pixel position (for simulated clicks in tests)."""
        return self.mapFromScene(QPointF(x, y))

    def _pointer(self, event: QMouseEvent) -> Pointer:
        at = self.mapToScene(event.position().toPoint())
        modifiers = event.modifiers()
        return Pointer(
            at.x(),
            at.y(),
            tolerance=HANDLE_PX / max(self.scale_factor, 1e-6),
            shift=bool(modifiers & Qt.KeyboardModifier.ShiftModifier),
            ctrl=bool(modifiers & Qt.KeyboardModifier.ControlModifier),
            alt=bool(modifiers & Qt.KeyboardModifier.AltModifier),
        )

    # Mouse

    def mousePressEvent(self, event: QMouseEvent) -> None:
        """Left: the active tool (empty space pans in select mode); middle or right: pan."""
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() == Qt.MouseButton.RightButton and self._secondary_press(event):
            return
        if event.button() in (Qt.MouseButton.MiddleButton, Qt.MouseButton.RightButton):
            self._start_pan(event)
            return
        if event.button() != Qt.MouseButton.LeftButton:
            return
        locked = self._locked_under(self._pointer(event))
        if locked is not None:  # selected, never dragged: the press pans instead
            self.select(locked)
            self._start_pan(event)
            return
        result = self.tool.press(self._pointer(event))
        self._emit_result(result)
        if isinstance(self.tool, SelectTool) and self.tool.gesture is None:
            self._start_pan(event)  # empty space (or a vertex click): drag pans
        self._after_tool_event()

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        """Pan, or drive the tool; report the cursor position."""
        pointer = self._pointer(event)
        w, h = self._image_size
        inside = 0 <= pointer.x < w and 0 <= pointer.y < h
        self.cursorMoved.emit(pointer.x if inside else math.nan, pointer.y if inside else math.nan)
        if self._pan_from is not None:
            delta = event.position().toPoint() - self._pan_from
            self._pan_from = event.position().toPoint()
            self.horizontalScrollBar().setValue(self.horizontalScrollBar().value() - delta.x())
            self.verticalScrollBar().setValue(self.verticalScrollBar().value() - delta.y())
            return
        hover = isinstance(self.tool, PolygonTool) or getattr(self.tool, "tracks_hover", False)
        if event.buttons() & Qt.MouseButton.LeftButton or hover:
            self.tool.move(pointer)
            self._after_tool_event()
        elif isinstance(self.tool, SelectTool):
            self.viewport().setCursor(self._hover_cursor(pointer))

    def _hover_cursor(self, pointer: Pointer) -> Qt.CursorShape:
        """What a press here would do: resize or reshape (handle), move (shape), pan (empty)."""
        layer, shapes = self.layer, Qt.CursorShape
        if layer.selected is not None:
            handle = layer.handle_at(layer.selected, pointer.x, pointer.y, pointer.tolerance)
            if handle is not None:
                if handle.kind == "vertex":
                    return shapes.CrossCursor
                if handle.kind == "edge":
                    return shapes.SizeVerCursor if handle.index in (0, 2) else shapes.SizeHorCursor
                return shapes.SizeFDiagCursor if handle.index in (0, 2) else shapes.SizeBDiagCursor
        if layer.shape_at(pointer.x, pointer.y, pointer.tolerance) is not None:
            return shapes.SizeAllCursor
        return shapes.OpenHandCursor

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        """End a pan or the tool's gesture."""
        if self._pan_from is not None:
            self._pan_from = None
            cursor = Qt.CursorShape.OpenHandCursor
            if not isinstance(self.tool, SelectTool):
                cursor = Qt.CursorShape.CrossCursor
            self.viewport().setCursor(cursor)
            return
        if event.button() == Qt.MouseButton.LeftButton:
            self._emit_result(self.tool.release(self._pointer(event)))
            self._after_tool_event()

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:
        """Close a polygon, or insert a vertex on the selected polygon's edge."""
        if event.button() != Qt.MouseButton.LeftButton:
            return
        if self._locked_under(self._pointer(event)) is not None:
            return  # no vertex inserted into a locked shape
        self._emit_result(self.tool.double_click(self._pointer(event)))
        self._after_tool_event()

    def _start_pan(self, event: QMouseEvent) -> None:
        self._pan_from = event.position().toPoint()
        self.viewport().setCursor(Qt.CursorShape.ClosedHandCursor)

    # Keys

    def event(self, event: QEvent) -> bool:
        """Claim Enter/Escape/Backspace from the shortcuts while a gesture is under way."""
        is_override = event.type() == QEvent.Type.ShortcutOverride
        if is_override and isinstance(event, QKeyEvent) and self._claims(event):
            event.accept()
            return True
        return super().event(event)

    def _claims(self, event: QKeyEvent) -> bool:
        return self.tool.busy and event.key() in _TOOL_KEYS

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Tool keys during a gesture; Escape otherwise returns to select, then deselects."""
        name = _TOOL_KEYS.get(Qt.Key(event.key()))
        if name is None:
            super().keyPressEvent(event)
            return
        if self.tool.busy:
            self._emit_result(self.tool.key(name))
            self._after_tool_event()
        elif name == "escape":
            if not isinstance(self.tool, SelectTool):
                self.set_tool("select")
            else:
                self.select(None)
        event.accept()

    # Results and overlay

    def _emit_result(self, result: ToolResult | None) -> None:
        if result is None:
            return
        if isinstance(result, Selected):
            self.selectionChanged.emit(result.key)
        self.toolResult.emit(result)

    def _after_tool_event(self) -> None:
        preview = self.tool.preview
        self.shapes_item.set_hidden(preview.key if preview is not None else None)
        self._update_overlay()

    def _update_overlay(self) -> None:
        key = self.layer.selected
        selected = self._drawn.get(key) if key is not None else None
        preview = self.tool.preview
        color = self.draw_color
        if preview is not None and preview.key is not None:
            dragged = self._drawn.get(preview.key)
            color = dragged.color if dragged is not None else color
        self.overlay_item.set_state(selected, preview, color, self.scale_factor)

    # Foreground message

    def drawForeground(self, painter: QPainter, rect: QRectF | QRect) -> None:
        """The message (a missing file, say) in screen space over the canvas."""
        if not self._message:
            return
        painter.save()
        painter.resetTransform()
        area = QRectF(self.viewport().rect()).adjusted(40, 40, -40, -40)
        font = QFont(painter.font())
        font.setPointSizeF(11)
        painter.setFont(font)
        bounds = painter.boundingRect(
            area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
        )
        box = bounds.adjusted(-18, -14, 18, 14)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(QColor(220, 90, 80))
        painter.setBrush(QColor(24, 26, 30, 235))
        painter.drawRoundedRect(box, 8, 8)
        painter.setPen(QColor(240, 240, 240))
        painter.drawText(
            area, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._message
        )
        painter.restore()
