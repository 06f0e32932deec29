"""Disagreement overlays: one graphics item that outlines where labels disagree on the image.

The item paints only what :meth:`DisagreementOverlayItem.set_marks` handed it
(geometries already looked up, colours and texts already chosen); nothing is
computed or read from the store in ``paint``. Each disagreement type has its own
colour (:data:`TYPE_STYLES`), side ``a`` is drawn solid and side ``b`` dashed,
and the disagreement picked in the triage queue is drawn thicker. Badges never
hide labels: :func:`place_badges` puts them where neither another badge nor a
shape's label is, and collapses the ones that find no room into a "+N" count.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QTransform
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from labeler.app.canvas.items import (
    ShapesItem,
    cosmetic_pen,
    draw_labels,
    label_rects,
    to_qpolygon,
)
from labeler.core.geometry import Box, Polygon

OVERLAY_Z = 5  # above the shapes, under the selection/edit overlay (10)
MAX_STACK = 3  # badge places tried beside a shape before it joins the "+N more" count


@dataclass(frozen=True)
class TypeStyle:
    """How one disagreement type looks: its colour and its name for people."""

    color: str
    title: str


TYPE_STYLES: dict[str, TypeStyle] = {
    "missing": TypeStyle("#ff4d6d", "Missing"),
    "extra": TypeStyle("#ff9f1c", "Extra"),
    "class_mismatch": TypeStyle("#c77dff", "Class mismatch"),
    "low_overlap": TypeStyle("#ffd60a", "Low overlap"),
    "tag_mismatch": TypeStyle("#4cc9f0", "Tag mismatch"),
}


def type_style(kind: str) -> TypeStyle:
    """The style of a disagreement type (grey for an unknown one)."""
    return TYPE_STYLES.get(kind, TypeStyle("#bbbbbb", kind.replace("_", " ").capitalize()))


@dataclass(frozen=True)
class DisagreementMark:
    """One disagreement ready to paint: the shapes of side a and b, its type, label and focus."""

    kind: str
    a_geometry: Box | Polygon | None
    b_geometry: Box | Polygon | None
    text: str
    current: bool = False

    def bounds(self) -> QRectF:
        """The image-pixel rectangle around both sides (null for a tag mismatch)."""
        rect = QRectF()
        for geometry in (self.a_geometry, self.b_geometry):
            if geometry is not None:
                x1, y1, x2, y2 = geometry.bounds()
                rect = rect.united(QRectF(x1, y1, x2 - x1, y2 - y1))
        return rect


class DisagreementOverlayItem(QGraphicsItem):
    """Colour-coded outlines and tags of the current image's disagreements.

    Toggle with :meth:`set_enabled_overlay`; feed with :meth:`set_marks`.
    """

    def __init__(self) -> None:
        super().__init__()
        self._marks: list[DisagreementMark] = []
        self._rect = QRectF(0, 0, 1, 1)
        self._font = QFont()
        self._font.setPointSizeF(8.5)
        self._font.setBold(True)
        self._avoid: ShapesItem | None = None
        self.last_badges: list[Badge] = []  # where the last paint put the badges (screen px)
        self.setZValue(OVERLAY_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption, True)

    @property
    def marks(self) -> list[DisagreementMark]:
        """What is drawn now (current one last)."""
        return list(self._marks)

    def set_marks(self, marks: Sequence[DisagreementMark], image_size: tuple[int, int]) -> None:
        """Replace the marks; the current one is painted last (on top)."""
        rect = QRectF(0, 0, max(image_size[0], 1), max(image_size[1], 1))
        if rect != self._rect:
            self.prepareGeometryChange()
            self._rect = rect
        self._marks = sorted(marks, key=lambda m: m.current)
        self.update()

    def avoid_labels_of(self, shapes: ShapesItem) -> None:
        """Keep badges off the shape labels ``shapes`` draws."""
        self._avoid = shapes

    def set_enabled_overlay(self, shown: bool) -> None:
        """Show or hide the whole layer."""
        self.setVisible(shown)

    def boundingRect(self) -> QRectF:
        """The image, widened for the outlines and the labels drawn past its edges."""
        return self._rect.adjusted(-40, -40, 400, 40)

    def paint(
        self,
        painter: QPainter,
        option: QStyleOptionGraphicsItem,
        widget: QWidget | None = None,
    ) -> None:
        """Outlines (a solid, b dashed) with a dark halo, then the labels in screen pixels."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        labels: list[tuple[QRectF, str, QColor]] = []
        tags: list[tuple[str, QColor]] = []
        for mark in self._marks:
            color = QColor(type_style(mark.kind).color)
            width = 4.0 if mark.current else 2.5
            for geometry, dashed in ((mark.a_geometry, False), (mark.b_geometry, True)):
                if geometry is None:
                    continue
                painter.setPen(cosmetic_pen(QColor(0, 0, 0, 170), width + 2.5))
                _draw(painter, geometry)
                painter.setPen(cosmetic_pen(color, width, dashed))
                _draw(painter, geometry)
            bounds = mark.bounds()
            if bounds.isNull():
                tags.append((mark.text, color))
            else:
                labels.append((bounds, mark.text, color))
        labels.reverse()  # the current mark (painted last) is placed first
        shapes = self._avoid
        if shapes is not None and shapes.isVisible() and shapes.labels:
            draw_labels(painter, shapes.labels, shapes.label_font)  # outlines never hide them
        self._paint_labels(painter, labels, tags)

    def _paint_labels(
        self,
        painter: QPainter,
        labels: list[tuple[QRectF, str, QColor]],
        tags: list[tuple[str, QColor]],
    ) -> None:
        transform = painter.worldTransform()
        device = painter.device()
        view = QRectF(0, 0, device.width(), device.height()) if device is not None else QRectF()
        taken = self._label_rects(transform)
        corner = transform.map(self._rect.topLeft())
        self.last_badges = place_badges(
            transform, labels, tags, taken, QFontMetricsF(self._font), view, corner
        )
        painter.save()
        painter.resetTransform()
        painter.setFont(self._font)
        for rect, text, color in self.last_badges:
            _pill(painter, rect, text, color)
        painter.restore()

    def _label_rects(self, transform: QTransform) -> list[QRectF]:
        shapes = self._avoid
        if shapes is None or not shapes.isVisible():
            return []
        return label_rects(transform, shapes.labels, shapes.label_font)


Badge = tuple[QRectF, str, QColor]


def place_badges(
    transform: QTransform,
    labels: list[tuple[QRectF, str, QColor]],
    tags: list[tuple[str, QColor]],
    taken: list[QRectF],
    metrics: QFontMetricsF,
    view: QRectF,
    corner: QPointF,
) -> list[Badge]:
    """Screen rectangles for the badges, overlapping neither each other nor ``taken`` labels.

    A shape's badge goes beside its top-right corner (or its top-left, when the
    right is off the view), stepping down past whatever is there; badges that
    find no free place within :data:`MAX_STACK` steps are collapsed into one
    "+N more" count, stacked at the image's top left with the image-level tags.
    """
    height = metrics.height() + 4
    occupied = list(taken)
    placed: list[Badge] = []
    left_out = 0
    for shape, text, color in labels:  # the current (long) one comes first: it gets its place
        width = metrics.horizontalAdvance(text) + 12
        area = transform.mapRect(shape)
        starts = [
            QPointF(area.right() + 4, area.top()),
            QPointF(area.left() - width - 4, area.top()),
        ]
        if view.isValid() and area.right() + 4 + width > view.right():
            starts.reverse()
        rect = _free_slot(starts, width, height, occupied)
        if rect is None:
            left_out += 1
            continue
        occupied.append(rect)
        placed.append((rect, text, color))
    stack = list(tags)
    if left_out:
        stack.append((more_badge(left_out), QColor("#bbbbbb")))
    for text, color in stack:  # image-level: stacked at the top left, below what is there
        width = metrics.horizontalAdvance(text) + 12
        start = QPointF(corner.x() + 6, corner.y() + 6)
        rect = _free_slot([start], width, height, occupied, steps=len(occupied) + 2)
        rect = rect or QRectF(start.x(), start.y(), width, height)
        occupied.append(rect)
        placed.append((rect, text, color))
    return placed


def more_badge(count: int) -> str:
    """The badge counting disagreements that found no room ("+3 more disagreements")."""
    # Two messages, not one "%n": lupdate drops a QCoreApplication.translate with a count.
    if count == 1:
        return QCoreApplication.translate("DisagreementOverlayItem", "+1 more disagreement")
    return QCoreApplication.translate(
        "DisagreementOverlayItem", "+{count} more disagreements"
    ).format(count=count)


def _free_slot(
    starts: list[QPointF],
    width: float,
    height: float,
    occupied: list[QRectF],
    steps: int = 0,
) -> QRectF | None:
    """The first rectangle, stepping down from each start, that meets nothing occupied."""
    for start in starts:
        for step in range(steps or MAX_STACK):
            rect = QRectF(max(2.0, start.x()), start.y() + step * (height + 3), width, height)
            if not any(rect.intersects(other) for other in occupied):
                return rect
    return None


def _pill(painter: QPainter, rect: QRectF, text: str, color: QColor) -> None:
    painter.setPen(cosmetic_pen(color, 1.2))
    painter.setBrush(QColor(18, 20, 24, 225))
    painter.drawRoundedRect(rect, 4, 4)
    painter.setPen(color)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)


def _draw(painter: QPainter, geometry: Box | Polygon) -> None:
    if isinstance(geometry, Box):
        x1, y1, x2, y2 = geometry.bounds()
        painter.drawRect(QRectF(x1, y1, x2 - x1, y2 - y1))
    else:
        painter.drawPolygon(to_qpolygon(geometry.points))
