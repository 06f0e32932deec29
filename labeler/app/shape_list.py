"""The Shapes dock: every shape of the image on the canvas, to select, hide or lock (view only).

A row per annotation and per open pre-label: its class, who made it (or the
model's score), and two check boxes. Hidden shapes leave the canvas but keep
their row (to show them again); locked shapes can be selected but the mouse
cannot move or reshape them. Selecting a row selects the shape on the canvas,
and the other way round.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QShowEvent
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
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.core.geometry import Box, Polygon
from labeler.core.tools import ShapeKey

COLUMNS = (
    QT_TRANSLATE_NOOP("ShapeList", "Shape"),
    QT_TRANSLATE_NOOP("ShapeList", "By"),
    QT_TRANSLATE_NOOP("ShapeList", "Hide"),
    QT_TRANSLATE_NOOP("ShapeList", "Lock"),
)
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
        self._stale = True
        self.summary = QLabel(self.tr("No image"))
        self.summary.setObjectName("secondaryText")
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels(
            [QCoreApplication.translate("ShapeList", c) for c in COLUMNS]
        )
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
        self._ensure_fresh()
        return list(self._keys)

    def row_of(self, key: ShapeKey) -> int:
        """The row of a shape (-1 if it is not listed)."""
        self._ensure_fresh()
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
        """Re-list the shapes of the image on the canvas (when shown; else on showing)."""
        self._stale = True
        if self.isVisible():
            self._ensure_fresh()

    def _ensure_fresh(self) -> None:
        if not self._stale:
            return
        self._stale = False
        rows = self._rows()
        keys = [key for key, _class, _text, _by in rows]
        self._filling = True
        if keys == self._keys and all(
            (cell := self.table.item(row, 0)) is not None and cell.text() == text
            for row, (_k, _c, text, _b) in enumerate(rows)
        ):  # same shapes: only the boxes change (never rebuilt under a box's own signal)
            for row, key in enumerate(keys):
                self._set_check(row, HIDE_COLUMN, not self.display.shape_shown(key))
                self._set_check(row, LOCK_COLUMN, self.display.is_locked(key))
        else:
            self._fill(rows)
        self._filling = False
        count = len(rows)
        self.summary.setText(
            self.tr("%n shape on this image", "", 1)
            if count == 1
            else self.tr("%n shapes on this image", "", count)
        )
        self._on_canvas_selection(self.controller.view.selected_key)

    def _rows(self) -> list[tuple[ShapeKey, int, str, str]]:
        """(key, class, "class kind #id", by): each annotation, then each shown pre-label."""
        controller = self.controller
        names = {c.id: c.name for c in controller.workspace.classes()}
        people = (
            {p.id: p.name for p in controller.workspace.project.people()}
            if controller.annotations
            else {}
        )
        rows: list[tuple[ShapeKey, int, str, str]] = []
        for a in controller.annotations:
            if isinstance(a.geometry, Box | Polygon):
                text = self.tr("{name} shape #{id}").format(
                    name=names.get(a.class_id, "?"), id=a.id
                )
                by = people.get(a.annotator_id, "?")
                rows.append((ShapeKey("annotation", a.id), a.class_id, text, by))
        if controller.show_predictions:
            for p in controller.open_predictions():
                if p.score >= controller.threshold and isinstance(p.geometry, Box | Polygon):
                    text = self.tr("{name} pre-label #{id}").format(
                        name=names.get(p.class_id, "?"), id=p.id
                    )
                    by = self.tr("model {score}").format(score=f"{p.score:.2f}")
                    rows.append((ShapeKey("prediction", p.id), p.class_id, text, by))
        return rows

    def _fill(self, rows: list[tuple[ShapeKey, int, str, str]]) -> None:
        colors = {c.id: c.color for c in self.controller.workspace.classes()}
        self.table.setRowCount(len(rows))
        self._keys = [key for key, _class, _text, _by in rows]
        for row, (key, class_id, text, by) in enumerate(rows):
            shape_item = QTableWidgetItem(text)
            color = colors.get(class_id)
            if color is not None:
                shape_item.setIcon(color_swatch(color))
            self.table.setItem(row, 0, shape_item)
            self.table.setItem(row, 1, QTableWidgetItem(by))
            self.table.setItem(row, HIDE_COLUMN, self._box(not self.display.shape_shown(key)))
            self.table.setItem(row, LOCK_COLUMN, self._box(self.display.is_locked(key)))

    def _set_check(self, row: int, column: int, checked: bool) -> None:
        item = self.table.item(row, column)
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        if item is not None and item.checkState() != state:
            item.setCheckState(state)

    def showEvent(self, event: QShowEvent) -> None:
        """Catch up with the canvas when the dock comes to the front."""
        super().showEvent(event)
        self._ensure_fresh()

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
