"""The Shapes dock: every shape of the image on the canvas, to select, hide or lock (view only).

A row per annotation and per open pre-label: its class, who made it (or the
model's score), and two check boxes. Hidden shapes leave the canvas but keep
their row (to show them again); locked shapes can be selected but the mouse
cannot move or reshape them. Selecting a row selects the shape on the canvas,
and the other way round.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.canvas.controller import CanvasController
from labeler.app.class_panel import color_swatch
from labeler.app.display_settings import DisplaySettings
from labeler.core.geometry import Box, Polygon
from labeler.core.tools import ShapeKey

COLUMNS = ("Shape", "By", "Hide", "Lock")
HIDE_COLUMN, LOCK_COLUMN = 2, 3


class ShapeList(QWidget):
    """The current image's shapes with Hide and Lock check boxes."""

    def __init__(
        self,
        controller: CanvasController,
        display: DisplaySettings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.controller = controller
        self.display = display
        self._keys: list[ShapeKey] = []
        self._filling = False
        self.summary = QLabel("No image")
        self.summary.setObjectName("secondaryText")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for column in (1, HIDE_COLUMN, LOCK_COLUMN):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.table.itemSelectionChanged.connect(self._on_row_selected)
        self.table.itemChanged.connect(self._on_item_changed)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        controller.shapesChanged.connect(self.refresh)
        controller.view.selectionChanged.connect(self._on_canvas_selection)
        self.refresh()

    # Public surface

    def keys(self) -> list[ShapeKey]:
        """The shapes listed, in row order (annotations first, then pre-labels)."""
        return list(self._keys)

    def row_of(self, key: ShapeKey) -> int:
        """The row of a shape (-1 if it is not listed)."""
        return self._keys.index(key) if key in self._keys else -1

    def set_hidden(self, key: ShapeKey, hidden: bool) -> None:
        """Tick or clear a shape's Hide box (as a click would)."""
        self._check(key, HIDE_COLUMN, hidden)

    def set_locked(self, key: ShapeKey, locked: bool) -> None:
        """Tick or clear a shape's Lock box (as a click would)."""
        self._check(key, LOCK_COLUMN, locked)

    def select(self, key: ShapeKey) -> bool:
        """Select a shape's row (and so the shape on the canvas)."""
        row = self.row_of(key)
        if row >= 0:
            self.table.selectRow(row)
        return row >= 0

    def refresh(self) -> None:
        """Re-list the shapes of the image on the canvas."""
        controller = self.controller
        classes = {c.id: c for c in controller.workspace.classes()}
        people = (
            {p.id: p.name for p in controller.workspace.project.people()}
            if controller.annotations
            else {}
        )
        rows: list[tuple[ShapeKey, int, str]] = []
        for a in controller.annotations:
            if isinstance(a.geometry, Box | Polygon):
                by = people.get(a.annotator_id, "?")
                rows.append((ShapeKey("annotation", a.id), a.class_id, by))
        if controller.show_predictions:
            for p in controller.open_predictions():
                if p.score >= controller.threshold and isinstance(p.geometry, Box | Polygon):
                    rows.append((ShapeKey("prediction", p.id), p.class_id, f"model {p.score:.2f}"))
        self._filling = True
        self.table.setRowCount(len(rows))
        self._keys = [key for key, _class, _by in rows]
        for row, (key, class_id, by) in enumerate(rows):
            label_class = classes.get(class_id)
            name = label_class.name if label_class is not None else "?"
            kind = "pre-label" if key.kind == "prediction" else "shape"
            shape_item = QTableWidgetItem(f"{name} {kind} #{key.id}")
            if label_class is not None:
                shape_item.setIcon(color_swatch(label_class.color))
            self.table.setItem(row, 0, shape_item)
            self.table.setItem(row, 1, QTableWidgetItem(by))
            self.table.setItem(row, HIDE_COLUMN, self._box(not self.display.shape_shown(key)))
            self.table.setItem(row, LOCK_COLUMN, self._box(self.display.is_locked(key)))
        self._filling = False
        count = len(rows)
        self.summary.setText(f"{count} shape{'s' * (count != 1)} on this image")
        self._on_canvas_selection(controller.view.selected_key)

    # Internals

    @staticmethod
    def _box(checked: bool) -> QTableWidgetItem:
        item = QTableWidgetItem()
        item.setFlags(Qt.ItemFlag.ItemIsUserCheckable | Qt.ItemFlag.ItemIsEnabled)
        item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        return item

    def _check(self, key: ShapeKey, column: int, checked: bool) -> None:
        row = self.row_of(key)
        item = self.table.item(row, column) if row >= 0 else None
        if item is not None:
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)

    def _on_item_changed(self, item: QTableWidgetItem) -> None:
        if self._filling or item.column() not in (HIDE_COLUMN, LOCK_COLUMN):
            return
        key = self._keys[item.row()]
        checked = item.checkState() == Qt.CheckState.Checked
        if item.column() == HIDE_COLUMN:
            if checked and self.controller.view.selected_key == key:
                self.controller.view.select(None)
            self.display.set_shape_shown(key, not checked)
        else:
            self.display.set_locked(key, checked)

    def _on_row_selected(self) -> None:
        if self._filling:
            return
        rows = {index.row() for index in self.table.selectedIndexes()}
        if len(rows) == 1:
            key = self._keys[rows.pop()]
            if self.display.shape_shown(key):
                self.controller.view.select(key)

    def _on_canvas_selection(self, key: object) -> None:
        row = self.row_of(key) if isinstance(key, ShapeKey) else -1
        self.table.blockSignals(True)
        if row >= 0:
            self.table.selectRow(row)
        else:
            self.table.clearSelection()
        self.table.blockSignals(False)
