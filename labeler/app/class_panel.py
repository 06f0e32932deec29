"""The class picker and legend: each drawable class with its colour and number key.

Clicking a class (or pressing its number) makes it the class of the next shape
and, when a shape is selected, changes that shape's class.
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPaintEvent, QPen, QPixmap
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.workspace import Workspace
from labeler.core.events import Change, Entity


def color_swatch(color: str, size: int = 14) -> QIcon:
    """A small rounded square of a class colour."""
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
    painter.setPen(QPen(QColor(color).darker(140), 1))
    painter.setBrush(QColor(color))
    painter.drawRoundedRect(QRectF(0.5, 0.5, size - 1, size - 1), 3, 3)
    painter.end()
    return QIcon(pixmap)


class LegendWidget(QWidget):
    """Solid outline = annotation, dashed outline with score = pre-label."""

    def sizeHint(self) -> QSize:
        """One line of legend."""
        return QSize(220, 22)

    def paintEvent(self, event: QPaintEvent) -> None:
        """Draw the two samples with their captions."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        color = self.palette().text().color()
        solid = QPen(QColor("#56B4E9"), 2)
        dashed = QPen(QColor("#56B4E9"), 1.6, Qt.PenStyle.CustomDashLine)
        dashed.setDashPattern([4.0, 3.0])
        x = 4
        for pen, caption in ((solid, "annotation"), (dashed, "pre-label (score)")):
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(QRectF(x, 5, 18, 12))
            painter.setPen(color)
            painter.drawText(x + 24, 16, caption)
            x += 24 + painter.fontMetrics().horizontalAdvance(caption) + 16
        painter.end()


class ClassPanel(QWidget):
    """Classes with number keys; ``classPicked(class_id)`` on a click."""

    classPicked = Signal(int)

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.list = QListWidget()
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setIconSize(QSize(14, 14))
        self.list.itemClicked.connect(self._on_clicked)
        hint = QLabel("Keys 1-9 pick a class · it applies to the selected shape too")
        hint.setObjectName("secondaryText")
        hint.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.list, 1)
        layout.addWidget(LegendWidget())
        layout.addWidget(hint)
        self._fill()
        workspace.activeClassChanged.connect(self._show_active)
        workspace.changed.connect(self._on_change)

    def _fill(self) -> None:
        self.list.clear()
        for number, label_class in enumerate(self.workspace.drawable_classes(), start=1):
            key = f"{number}" if number <= 9 else " "
            item = QListWidgetItem(color_swatch(label_class.color), f"{key}   {label_class.name}")
            item.setData(Qt.ItemDataRole.UserRole, label_class.id)
            item.setToolTip(f"{label_class.name} ({label_class.kind.value})")
            self.list.addItem(item)
        rows = max(1, self.list.count())
        self.list.setMaximumHeight(rows * 24 + 8)
        if self.workspace.active_class_id is not None:
            self._show_active(self.workspace.active_class_id)

    def _show_active(self, class_id: int) -> None:
        for row in range(self.list.count()):
            item = self.list.item(row)
            if item.data(Qt.ItemDataRole.UserRole) == class_id:
                self.list.setCurrentItem(item)
                return

    def _on_clicked(self, item: QListWidgetItem) -> None:
        class_id = item.data(Qt.ItemDataRole.UserRole)
        if isinstance(class_id, int):
            self.classPicked.emit(class_id)

    def _on_change(self, change: Change) -> None:
        if change.entity == Entity.CLASS:
            self._fill()
