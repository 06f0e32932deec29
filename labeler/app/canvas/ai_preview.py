"""The AI polygon tool's preview on the canvas: the mask's outline(s) and the prompts.

One graphics item paints what was already computed (outlines from a decoded
mask, the prompt points and box); it never decodes anything itself.
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from labeler.app.canvas.ai_tool import POSITIVE, AiPrompt
from labeler.app.canvas.items import cosmetic_pen, to_qpolygon
from labeler.core.geometry import Box, Polygon

POINT_PX = 5.0
_POSITIVE_COLOR = QColor(60, 220, 110)
_NEGATIVE_COLOR = QColor(235, 70, 70)


class AiPreviewItem(QGraphicsItem):
    """Draws the shapes an accepted mask would become, plus the prompts that made it.

    ``tentative`` (a hover preview) draws the outline dashed and lighter.
    """

    def __init__(self) -> None:
        super().__init__()
        self._shapes: tuple[Box | Polygon, ...] = ()
        self._prompt = AiPrompt()
        self._color = QColor("#ffffff")
        self._tentative = False
        self._bounds = QRectF()
        self.setZValue(11)
        self.paint_count = 0  # tests and benchmarks wait for a repaint

    @property
    def shapes(self) -> tuple[Box | Polygon, ...]:
        """What is drawn now."""
        return self._shapes

    @property
    def tentative(self) -> bool:
        """True while the preview is of the hover point only."""
        return self._tentative

    def set_state(
        self,
        shapes: tuple[Box | Polygon, ...],
        prompt: AiPrompt,
        color: str,
        tentative: bool = False,
    ) -> None:
        """Replace what is drawn (repaints the old and the new area)."""
        self._shapes, self._prompt = shapes, prompt
        self._color, self._tentative = QColor(color), tentative
        bounds = self._compute_bounds()
        if bounds != self._bounds:
            self.prepareGeometryChange()
            self._bounds = bounds
        self.update()

    def clear(self) -> None:
        """Draw nothing."""
        self.set_state((), AiPrompt(), self._color.name())

    def _compute_bounds(self) -> QRectF:
        rect = QRectF()
        for shape in self._shapes:
            x1, y1, x2, y2 = shape.bounds()
            rect = rect.united(QRectF(x1, y1, x2 - x1, y2 - y1))
        prompt = self._prompt
        for x, y in prompt.points:
            rect = rect.united(QRectF(x - 1, y - 1, 2, 2))
        if prompt.box is not None:
            b = prompt.box
            rect = rect.united(QRectF(b.x1, b.y1, b.width, b.height))
        if rect.isNull():
            return rect
        margin = max(rect.width(), rect.height()) * 0.05 + 40
        return rect.adjusted(-margin, -margin, margin, margin)

    def boundingRect(self) -> QRectF:
        """Just around the outline and the prompts."""
        return self._bounds

    def paint(
        self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None
    ) -> None:
        """Outline with a light fill, then the prompt box and points in screen size."""
        self.paint_count += 1
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = QColor(self._color)
        fill = QColor(color)
        fill.setAlpha(45 if self._tentative else 80)
        for shape in self._shapes:
            painter.setPen(cosmetic_pen(QColor(255, 255, 255, 190), 3.5))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            self._draw(painter, shape)
            painter.setPen(cosmetic_pen(color, 2.0, dashed=self._tentative))
            painter.setBrush(fill)
            self._draw(painter, shape)
        self._paint_prompt(painter)

    @staticmethod
    def _draw(painter: QPainter, shape: Box | Polygon) -> None:
        if isinstance(shape, Box):
            painter.drawRect(QRectF(shape.x1, shape.y1, shape.width, shape.height))
        else:
            painter.drawPolygon(to_qpolygon(shape.points))

    def _paint_prompt(self, painter: QPainter) -> None:
        prompt = self._prompt
        if prompt.box is not None:
            b = prompt.box
            pen = QPen(QColor(255, 210, 60), 1.5, Qt.PenStyle.DashLine)
            pen.setCosmetic(True)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(b.x1, b.y1, b.width, b.height))
        if self._tentative or not prompt.points:
            return
        transform = painter.worldTransform()
        painter.save()
        painter.resetTransform()
        for (x, y), label in zip(prompt.points, prompt.labels, strict=True):
            at = transform.map(QPointF(x, y))
            painter.setPen(QPen(QColor(20, 20, 20), 1.4))
            painter.setBrush(_POSITIVE_COLOR if label == POSITIVE else _NEGATIVE_COLOR)
            painter.drawEllipse(at, POINT_PX, POINT_PX)
            painter.setPen(QPen(QColor(255, 255, 255), 1.6))
            painter.drawLine(QPointF(at.x() - 2.5, at.y()), QPointF(at.x() + 2.5, at.y()))
            if label == POSITIVE:
                painter.drawLine(QPointF(at.x(), at.y() - 2.5), QPointF(at.x(), at.y() + 2.5))
        painter.restore()
