"""The few graphics items of the canvas: the image, all shapes in one item, the edit overlay.

Thousands of shapes are painted by ONE :class:`ShapesItem` from lists prepared
when the data changes (never in ``paint``), grouped by style so a repaint is a
handful of ``drawRects`` / ``drawPolygon`` calls. Pens are cosmetic, so outlines
stay 1-2 screen pixels sharp at any zoom. Vertex handles exist only for the
selected shape, in :class:`OverlayItem`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

import cv2
import numpy as np
import shapely
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QBrush,
    QColor,
    QFont,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from labeler.app.canvas.raster import OutlineSet, rasterize_outlines
from labeler.core.geometry import Box, Polygon
from labeler.core.tools import Preview, ShapeKey, handle_points

HANDLE_PX = 7.0
LABEL_LIMIT = 150  # above this many shapes, only the selected one is labelled
LABEL_STEPS = 4  # places tried for a label that would cover another
ANNOTATION_WIDTH = 2.0
PREDICTION_WIDTH = 1.6
FILL_ALPHA = 38
DETAIL_LIMIT = 400  # above this many shapes, draw 1-px outlines without fill (fast path)
DETAIL_VERTEX_LIMIT = 6000  # ... or above this many vertices in all
_T = TypeVar("_T")


@dataclass(frozen=True)
class DrawnShape:
    """A shape as the canvas draws it: geometry, colour, label, and whether it is a pre-label."""

    key: ShapeKey
    geometry: Box | Polygon
    color: str
    label: str
    dashed: bool = False


def cosmetic_pen(color: QColor, width: float, dashed: bool = False) -> QPen:
    """A pen whose width is in screen pixels whatever the zoom."""
    pen = QPen(color, width)
    pen.setCosmetic(True)
    pen.setJoinStyle(Qt.PenJoinStyle.MiterJoin)
    if dashed:
        pen.setStyle(Qt.PenStyle.CustomDashLine)
        pen.setDashPattern([4.0, 3.0])
    return pen


def to_qpolygon(points: Iterable[tuple[float, float]]) -> QPolygonF:
    """A ``QPolygonF`` of image-pixel points."""
    return QPolygonF([QPointF(x, y) for x, y in points])


def _geometry_rect(geometry: Box | Polygon) -> QRectF:
    x1, y1, x2, y2 = geometry.bounds()
    return QRectF(x1, y1, x2 - x1, y2 - y1)


class ImageItem(QGraphicsItem):
    """The image, drawn from whichever decoded size is at hand into full-size coordinates.

    A reduced decode fills the same ``width x height`` rectangle as the full one,
    so shapes line up whatever size is shown. At exactly one image pixel per
    screen pixel (the fit view gets an image decoded to its on-screen size) the
    exposed part is blitted; past 2x magnification pixels are drawn sharp
    (nearest neighbour) so borders can be placed precisely.
    """

    def __init__(self) -> None:
        super().__init__()
        self._size = (1, 1)
        self._image: QImage | None = None
        self._decoded: QImage | None = None  # as decoded; _image is it toned for display
        self._tone = (0, 0)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    @property
    def pixel_width(self) -> int:
        """Width of the decoded image shown (0 while there is none)."""
        return self._image.width() if self._image is not None else 0

    @property
    def has_pixmap(self) -> bool:
        """True once pixels are shown."""
        return self._image is not None

    def set_image(self, size: tuple[int, int], image: QImage | None) -> None:
        """Show ``image`` (any size) for an image of full ``size``; None shows a placeholder."""
        if size != self._size:
            self.prepareGeometryChange()
        self._size = size
        self._decoded = image
        self._image = toned(image, *self._tone) if image is not None else None
        self.update()

    @property
    def tone(self) -> tuple[int, int]:
        """Brightness and contrast applied for display (-100..100 each; 0, 0 = as decoded)."""
        return self._tone

    def set_tone(self, brightness: int, contrast: int) -> None:
        """Re-tone the shown pixels once (a lookup table), never in ``paint``."""
        if (brightness, contrast) == self._tone:
            return
        self._tone = (brightness, contrast)
        if self._decoded is not None:
            self._image = toned(self._decoded, brightness, contrast)
        self.update()

    @property
    def shown_image(self) -> QImage | None:
        """The pixels painted (toned), for tests and screenshots."""
        return self._image

    def boundingRect(self) -> QRectF:
        """The full-resolution image rectangle."""
        return QRectF(0, 0, self._size[0], self._size[1])

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        """Draw the exposed part of the image (or a dark placeholder while it decodes)."""
        target = option.exposedRect.intersected(self.boundingRect())
        if target.isEmpty():
            return
        image = self._image
        if image is None:
            painter.fillRect(target, QColor(38, 40, 44))
            return
        sx = image.width() / self._size[0]
        sy = image.height() / self._size[1]
        transform = painter.worldTransform()
        mx, my = transform.m11() / sx, transform.m22() / sy
        if transform.type().value <= QTransform.TransformationType.TxScale.value and (
            abs(mx - 1) < 1e-3 and abs(my - 1) < 1e-3
        ):
            origin = transform.map(QPointF(0, 0))
            painter.save()
            painter.resetTransform()
            painter.drawImage(QPointF(round(origin.x()), round(origin.y())), image)
            painter.restore()
            return
        source = QRectF(target.x() * sx, target.y() * sy, target.width() * sx, target.height() * sy)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, mx < 2.0)
        painter.drawImage(target, image, source)


def tone_table(brightness: int, contrast: int) -> np.ndarray:
    """The 256-entry lookup table: contrast around mid-grey, then brightness (-100..100 each)."""
    gain = (100 + contrast) / 100 if contrast <= 0 else 1 + contrast / 100
    offset = brightness * 255 / 100
    levels = (np.arange(256, dtype=np.float32) - 127.5) * gain + 127.5 + offset
    return np.clip(np.rint(levels), 0, 255).astype(np.uint8)


def toned(image: QImage, brightness: int, contrast: int) -> QImage:
    """A copy of ``image`` with brightness and contrast applied (the same image at 0, 0)."""
    if brightness == 0 and contrast == 0:
        return image
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    width, height, stride = rgb.width(), rgb.height(), rgb.bytesPerLine()
    pixels = np.frombuffer(rgb.constBits(), np.uint8, stride * height).reshape(height, stride)
    out = cv2.LUT(pixels, tone_table(brightness, contrast))  # the unused 4th byte is ignored
    result = QImage(out.data, width, height, stride, QImage.Format.Format_RGB32).copy()
    result.setDevicePixelRatio(image.devicePixelRatio())
    return result


@dataclass
class _Group:
    pen: QPen
    brush: QBrush
    antialias: bool
    rects: list[QRectF] = field(default_factory=list)
    rings: list[tuple[tuple[float, float], ...]] = field(default_factory=list)
    rect_bounds: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    polygon_bounds: np.ndarray = field(default_factory=lambda: np.zeros((0, 4)))
    color: QColor = field(default_factory=QColor)
    _arrays: dict[int, list[np.ndarray]] = field(default_factory=dict)
    _polygons: dict[int, list[QPolygonF]] = field(default_factory=dict)
    _outlines: dict[int, OutlineSet] = field(default_factory=dict)

    def arrays(self, level: int) -> list[np.ndarray]:
        """Polygon rings simplified to ``0.5 * 2**level`` image pixels (-1: exact), made once."""
        arrays = self._arrays.get(level)
        if arrays is None:
            arrays = self._arrays[level] = _simplified(self.rings, level)
        return arrays

    def polygons(self, level: int) -> list[QPolygonF]:
        """The rings of :meth:`arrays` as ``QPolygonF`` (for QPainter)."""
        polygons = self._polygons.get(level)
        if polygons is None:
            polygons = self._polygons[level] = [
                to_qpolygon(map(tuple, ring)) for ring in self.arrays(level)
            ]
        return polygons

    def outlines(self, level: int) -> OutlineSet:
        """Boxes and rings packed for the raster path."""
        outline = self._outlines.get(level)
        if outline is None:
            outline = self._outlines[level] = OutlineSet.build(
                self.color, self.rect_bounds, self.arrays(level)
            )
        return outline


def _simplified(rings: list[tuple[tuple[float, float], ...]], level: int) -> list[np.ndarray]:
    if level < 0 or not rings:
        return [np.asarray(ring, dtype=float) for ring in rings]
    tolerance = 0.5 * 2**level
    shapes = shapely.simplify(
        [shapely.Polygon(ring) for ring in rings], tolerance, preserve_topology=False
    )
    out = []
    for ring, shape in zip(rings, shapes, strict=True):
        coords = np.asarray(shape.exterior.coords)[:-1] if not shape.is_empty else np.empty((0, 2))
        out.append(coords if len(coords) >= 3 else np.asarray(ring, dtype=float))
    return out


def lod_level(scale: float) -> int:
    """Simplification level for a zoom: error under 0.75 screen pixel (-1 = exact)."""
    tolerance = 0.75 / max(scale, 1e-6)
    if tolerance < 0.5:
        return -1
    return min(6, math.floor(math.log2(tolerance / 0.5)))


def _visible(items: list[_T], bounds: np.ndarray, area: QRectF | None) -> list[_T]:
    """The items whose bounds meet ``area`` (all of them when ``area`` is None)."""
    if area is None or not items:
        return items
    keep = (
        (bounds[:, 2] >= area.left())
        & (bounds[:, 0] <= area.right())
        & (bounds[:, 3] >= area.top())
        & (bounds[:, 1] <= area.bottom())
    )
    return [items[i] for i in np.flatnonzero(keep)]


class ShapesItem(QGraphicsItem):
    """Every annotation and pre-label of the image, painted from prepared, style-grouped lists.

    Up to :data:`DETAIL_LIMIT` shapes are drawn in detail (2-px outlines, light
    fill, smooth polygons). A crowded image switches to 1-px aliased outlines
    without fill, which the raster engine draws on its fast path (5-10x cheaper),
    and only shapes meeting the repainted area are drawn.
    """

    def __init__(self) -> None:
        super().__init__()
        self._rect = QRectF(0, 0, 1, 1)
        self._shapes: list[DrawnShape] = []
        self._vertices = 0
        self._hidden: ShapeKey | None = None
        self._groups: list[_Group] = []
        self._labels: list[tuple[QPointF, str, QColor, bool]] = []
        self.show_labels = True
        self.fill_alpha = FILL_ALPHA  # 0-255, the Display dock's fill opacity
        self.use_raster = True  # crowded outlines through one OpenCV layer (see raster.py)
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._font.setBold(True)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    def set_shapes(self, shapes: list[DrawnShape], image_rect: QRectF) -> None:
        """Replace the shapes drawn (prepares the paint lists)."""
        if image_rect != self._rect:
            self.prepareGeometryChange()
            self._rect = QRectF(image_rect)
        self._shapes = shapes
        self._vertices = sum(
            4 if isinstance(s.geometry, Box) else len(s.geometry.points) for s in shapes
        )
        self._rebuild()

    def set_fill_opacity(self, opacity: float) -> None:
        """Fill annotations with their class colour at this opacity (0-1)."""
        alpha = round(max(0.0, min(1.0, opacity)) * 255)
        if alpha != self.fill_alpha:
            self.fill_alpha = alpha
            self._rebuild()

    @property
    def labels(self) -> list[tuple[QPointF, str, QColor, bool]]:
        """The shape labels drawn (anchor in image pixels, text, colour, pre-label?)."""
        return list(self._labels)

    @property
    def label_font(self) -> QFont:
        """The font of the shape labels."""
        return self._font

    def set_hidden(self, key: ShapeKey | None) -> None:
        """Leave one shape out (the overlay draws it while it is dragged)."""
        if key != self._hidden:
            self._hidden = key
            self._rebuild()

    @property
    def shape_count(self) -> int:
        """How many shapes are drawn."""
        return len(self._shapes)

    @property
    def detailed(self) -> bool:
        """True when shapes (and their vertices) are few enough to draw in detail."""
        return len(self._shapes) <= DETAIL_LIMIT and self._vertices <= DETAIL_VERTEX_LIMIT

    def _rebuild(self) -> None:
        groups: dict[tuple[str, bool], _Group] = {}
        labels: list[tuple[QPointF, str, QColor, bool]] = []
        detailed = self.detailed
        with_labels = self.show_labels and len(self._shapes) <= LABEL_LIMIT
        rect_bounds: dict[tuple[str, bool], list[tuple[float, float, float, float]]] = {}
        poly_bounds: dict[tuple[str, bool], list[tuple[float, float, float, float]]] = {}
        for shape in self._shapes:
            if shape.key == self._hidden:
                continue
            style = (shape.color, shape.dashed)
            group = groups.get(style)
            if group is None:
                group = groups[style] = _make_group(
                    shape.color, shape.dashed, detailed, self.fill_alpha
                )
                rect_bounds[style], poly_bounds[style] = [], []
            bounds = shape.geometry.bounds()
            if isinstance(shape.geometry, Box):
                group.rects.append(_geometry_rect(shape.geometry))
                rect_bounds[style].append(bounds)
            else:
                group.rings.append(shape.geometry.points)
                poly_bounds[style].append(bounds)
            if with_labels and shape.label:
                labels.append(_label(shape, bounds))
        for style, group in groups.items():
            group.rect_bounds = np.array(rect_bounds[style], dtype=float).reshape(-1, 4)
            group.polygon_bounds = np.array(poly_bounds[style], dtype=float).reshape(-1, 4)
        # pre-labels under annotations
        self._groups = sorted(groups.values(), key=lambda g: g.pen.style() == Qt.PenStyle.SolidLine)
        self._labels = labels
        self.update()

    def boundingRect(self) -> QRectF:
        """The image rectangle (shapes never leave it)."""
        return self._rect.adjusted(-2, -2, 2, 2)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        """Draw the groups' shapes that meet the exposed area, then the labels."""
        scale = painter.worldTransform().m11()
        exposed: QRectF = option.exposedRect
        area = self._repaint_area(exposed, scale)
        level = lod_level(scale)
        groups = self._groups
        if not self.detailed and self.use_raster:
            solid = [g for g in groups if g.pen.style() == Qt.PenStyle.SolidLine]
            _paint_raster(painter, [g.outlines(level) for g in solid], exposed)
            groups = [g for g in groups if g.pen.style() != Qt.PenStyle.SolidLine]
        for group in groups:
            painter.setPen(group.pen)
            painter.setBrush(group.brush)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
            rects = _visible(group.rects, group.rect_bounds, area)
            if rects:
                painter.drawRects(rects)
            polygons = _visible(group.polygons(level), group.polygon_bounds, area)
            if polygons:
                painter.setRenderHint(QPainter.RenderHint.Antialiasing, group.antialias)
                for polygon in polygons:
                    painter.drawPolygon(polygon)
        if self._labels:
            draw_labels(painter, self._labels, self._font)

    def _repaint_area(self, exposed: QRectF, scale: float) -> QRectF | None:
        """The scene area to draw (None: everything), widened by the outline width."""
        if exposed.contains(self._rect):
            return None
        margin = 4.0 / max(scale, 1e-6)
        return exposed.adjusted(-margin, -margin, margin, margin)


def _label(
    shape: DrawnShape, bounds: tuple[float, float, float, float]
) -> tuple[QPointF, str, QColor, bool]:
    """Annotations are labelled above their top-left corner, pre-labels below their bottom-left.

    So an accepted-looking pair (annotation over its pre-label) keeps both labels readable.
    """
    anchor = QPointF(bounds[0], bounds[3]) if shape.dashed else QPointF(bounds[0], bounds[1])
    return anchor, shape.label, QColor(shape.color), shape.dashed


def _paint_raster(painter: QPainter, outlines: list[OutlineSet], exposed: QRectF) -> None:
    """Draw crowded outlines as one layer over the exposed screen area (see ``raster``)."""
    if not outlines:
        return
    transform = painter.worldTransform()
    device = painter.device()
    ratio = device.devicePixelRatioF() if device is not None else 1.0
    bounds = QRectF(0, 0, device.width(), device.height()) if device is not None else QRectF()
    area = transform.mapRect(exposed).intersected(bounds).toAlignedRect()
    if area.isEmpty():
        return
    scale = (transform.m11() * ratio, transform.m22() * ratio)
    offset = ((transform.dx() - area.x()) * ratio, (transform.dy() - area.y()) * ratio)
    size = (round(area.width() * ratio), round(area.height() * ratio))
    image, _buffer = rasterize_outlines(outlines, size, scale, offset)
    image.setDevicePixelRatio(ratio)
    painter.save()
    painter.resetTransform()
    painter.drawImage(area.topLeft(), image)
    painter.restore()


def _make_group(color: str, dashed: bool, detailed: bool, fill_alpha: int = FILL_ALPHA) -> _Group:
    qcolor = QColor(color)
    no_fill = QBrush(Qt.BrushStyle.NoBrush)
    if not detailed:
        return _Group(cosmetic_pen(qcolor, 1.0, dashed), no_fill, antialias=False, color=qcolor)
    if dashed:
        pen = cosmetic_pen(qcolor, PREDICTION_WIDTH, True)
        return _Group(pen, no_fill, antialias=True, color=qcolor)
    fill = QColor(qcolor)
    fill.setAlpha(fill_alpha)
    pen = cosmetic_pen(qcolor, ANNOTATION_WIDTH)
    return _Group(pen, QBrush(fill), antialias=True, color=qcolor)


def draw_labels(
    painter: QPainter, labels: list[tuple[QPointF, str, QColor, bool]], font: QFont
) -> None:
    """Small tags above shapes' top-left corners, in screen pixels (readable at any zoom)."""
    rects = label_rects(painter.worldTransform(), labels, font)
    painter.save()
    painter.resetTransform()
    painter.setFont(font)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    for (_anchor, text, color, dashed), rect in zip(labels, rects, strict=True):
        background = QColor(20, 22, 26, 210) if dashed else QColor(color)
        painter.setPen(cosmetic_pen(color, 1.0) if dashed else Qt.PenStyle.NoPen)
        painter.setBrush(background)
        painter.drawRoundedRect(rect, 3, 3)
        painter.setPen(color if dashed else _text_on(color))
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
    painter.restore()


def label_rects(
    transform: QTransform, labels: list[tuple[QPointF, str, QColor, bool]], font: QFont
) -> list[QRectF]:
    """Where :func:`draw_labels` puts each label, in screen pixels (overlays avoid them).

    A label that would cover one placed before it steps away from its shape (down
    for pre-labels, up for annotations) until it is clear, a few steps at most.
    """
    metrics = QFontMetricsF(font)
    height = metrics.height() + 2
    rects: list[QRectF] = []
    for anchor, text, _color, dashed in labels:
        at = transform.map(anchor)
        width = metrics.horizontalAdvance(text) + 8
        if dashed:  # below the pre-label's bottom edge
            rect = QRectF(at.x() - 1, at.y() + 1, width, height)
        else:  # above the annotation's top edge (inside when at the top of the view)
            rect = QRectF(at.x() - 1, at.y() - height - 1, width, height)
            if rect.top() < 0:
                rect.moveTop(at.y() + 1)
        step = height + 1 if dashed or rect.top() > at.y() else -(height + 1)
        for _ in range(LABEL_STEPS):
            if not any(rect.intersects(other) for other in rects):
                break
            rect.translate(0, step)
        rects.append(rect)
    return rects


def _text_on(color: QColor) -> QColor:
    """Black or white, whichever reads better on ``color``."""
    luminance = 0.299 * color.red() + 0.587 * color.green() + 0.114 * color.blue()
    return QColor(0, 0, 0) if luminance > 150 else QColor(255, 255, 255)


class OverlayItem(QGraphicsItem):
    """The selected shape's highlight and handles, and the shape being drawn or dragged."""

    def __init__(self) -> None:
        super().__init__()
        self._selected: DrawnShape | None = None
        self._preview: Preview | None = None
        self._preview_color = "#ffffff"
        self._scale = 1.0
        self._bounds = QRectF()
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._font.setBold(True)
        self.setZValue(10)

    def set_state(
        self,
        selected: DrawnShape | None,
        preview: Preview | None,
        preview_color: str,
        scale: float,
    ) -> None:
        """What to draw now; only the area of the old and new state is repainted."""
        self._selected, self._preview = selected, preview
        self._preview_color, self._scale = preview_color, max(scale, 1e-6)
        bounds = self._compute_bounds()
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.update()

    def _compute_bounds(self) -> QRectF:
        rect = QRectF()
        if self._selected is not None:
            rect = rect.united(_geometry_rect(self._selected.geometry))
        preview = self._preview
        if preview is not None:
            if preview.geometry is not None:
                rect = rect.united(_geometry_rect(preview.geometry))
            if preview.path:
                rect = rect.united(to_qpolygon(preview.path).boundingRect())
        if rect.isNull():
            return rect
        margin = (HANDLE_PX + 4) / self._scale
        label = 24 / self._scale  # room for the label above (annotation) or below (pre-label)
        return rect.adjusted(-margin, -margin - label, margin + 120 / self._scale, margin + label)

    def boundingRect(self) -> QRectF:
        """Just around what is drawn, so a drag repaints a small area."""
        return self._bounds

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        """Draw the dragged/new shape, the selection outline and its handles."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        preview = self._preview
        selected = self._selected
        geometry: Box | Polygon | None = None
        color = QColor(self._preview_color)
        if preview is not None:
            if preview.geometry is not None:
                geometry = preview.geometry
            else:
                self._paint_path(painter, preview, color)
        if geometry is None and selected is not None:
            geometry, color = selected.geometry, QColor(selected.color)
        if geometry is None:
            return
        dashed = selected is not None and selected.dashed and preview is None
        painter.setPen(cosmetic_pen(QColor(255, 255, 255, 200), 4.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        _draw_geometry(painter, geometry)
        fill = QColor(color)
        fill.setAlpha(70)
        painter.setPen(cosmetic_pen(color, 2.0, dashed))
        painter.setBrush(fill)
        _draw_geometry(painter, geometry)
        self._paint_handles(painter, geometry, color)
        if selected is not None and selected.label:
            shown = DrawnShape(selected.key, geometry, selected.color, selected.label, dashed)
            draw_labels(painter, [_label(shown, geometry.bounds())], self._font)

    def _paint_path(self, painter: QPainter, preview: Preview, color: QColor) -> None:
        path = QPainterPath()
        path.addPolygon(to_qpolygon(preview.path))
        painter.setPen(cosmetic_pen(color, 2.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        if len(preview.path) > 2:
            closing = QPen(color, 1.0, Qt.PenStyle.DotLine)
            closing.setCosmetic(True)
            painter.setPen(closing)
            painter.drawLine(
                QPointF(*preview.path[-1]),
                QPointF(*preview.path[0]),
            )
        self._paint_points(painter, preview.path[:-1], color, first_big=True)

    def _paint_handles(self, painter: QPainter, geometry: Box | Polygon, color: QColor) -> None:
        self._paint_points(painter, [p for _, p in handle_points(geometry)], color)

    def _paint_points(
        self,
        painter: QPainter,
        points: Iterable[tuple[float, float]],
        color: QColor,
        first_big: bool = False,
    ) -> None:
        transform = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        painter.setPen(QPen(QColor(20, 20, 20), 1.2))
        painter.setBrush(QColor(255, 255, 255))
        half = HANDLE_PX / 2
        for index, (x, y) in enumerate(points):
            at = transform.map(QPointF(x, y))
            size = half * 1.5 if first_big and index == 0 else half
            painter.drawRect(QRectF(at.x() - size, at.y() - size, 2 * size, 2 * size))
        painter.restore()


def _draw_geometry(painter: QPainter, geometry: Box | Polygon) -> None:
    if isinstance(geometry, Box):
        painter.drawRect(_geometry_rect(geometry))
    else:
        painter.drawPolygon(to_qpolygon(geometry.points))
