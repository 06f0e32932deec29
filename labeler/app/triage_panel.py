"""The disagreement triage queue: every disagreement of the project, worst first, walkable by key.

:func:`compute_triage` is a plain function run on a worker with its own
project connection (:mod:`labeler.core.disagreements` compares every pair of
annotators, and the newest model run against their consensus). The
:class:`TriagePanel` shows the ranked queue with filters by type, class,
person and guideline version, a list of the current image's disagreements,
and feeds the canvas's :class:`~labeler.app.canvas.overlays.DisagreementOverlayItem`.
Picking a disagreement opens its image and selects the shape at fault.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QCoreApplication,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from labeler.app.canvas.controller import CanvasController
from labeler.app.canvas.overlays import DisagreementMark, DisagreementOverlayItem, type_style
from labeler.app.charts import BackgroundRefresh
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.slice_controls import SaveShownAsSlice
from labeler.app.workspace import Workspace
from labeler.core.disagreements import (
    Disagreement,
    disagreements_all_pairs,
    disagreements_with_model,
)
from labeler.core.errors import LabelerError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Box, Polygon
from labeler.core.progress import Progress
from labeler.core.store import Project
from labeler.core.tools import ShapeKey, ShapeKind

ALL = "All"
SOURCE_ALL, SOURCE_PEOPLE = "all", "people"
TRIAGE_WIDTH = 600
FILTERS = ("type", "class", "person", "guideline")
_FILTER_TITLES = {
    "type": QT_TRANSLATE_NOOP("TriagePanel", "Type"),
    "class": QT_TRANSLATE_NOOP("TriagePanel", "Class"),
    "person": QT_TRANSLATE_NOOP("TriagePanel", "Person"),
    "guideline": QT_TRANSLATE_NOOP("TriagePanel", "Guideline"),
}
_TYPE_TITLES = {  # the disagreement types' names for people (canvas/overlays.py TYPE_STYLES)
    "missing": QT_TRANSLATE_NOOP("TriagePanel", "Missing"),
    "extra": QT_TRANSLATE_NOOP("TriagePanel", "Extra"),
    "class_mismatch": QT_TRANSLATE_NOOP("TriagePanel", "Class mismatch"),
    "low_overlap": QT_TRANSLATE_NOOP("TriagePanel", "Low overlap"),
    "tag_mismatch": QT_TRANSLATE_NOOP("TriagePanel", "Tag mismatch"),
}


def type_title(kind: str) -> str:
    """A disagreement type's name in the user's language."""
    source = _TYPE_TITLES.get(kind)
    return QCoreApplication.translate("TriagePanel", source) if source else type_style(kind).title


_WATCHED = frozenset(
    {
        Entity.ANNOTATION,
        Entity.ANSWER,
        Entity.PREDICTION,
        Entity.MODEL_RUN,
        Entity.REVIEW,
        Entity.CLASS,
        Entity.GUIDELINE,
    }
)


@dataclass(frozen=True)
class TriageItem:
    """One disagreement of the queue with what the queue shows and filters on."""

    disagreement: Disagreement
    image_name: str
    guideline: str  # "v2", or "—" when the annotation has no version
    model: bool  # side b is a model run (b_id is a prediction id)

    @property
    def image_id(self) -> int:
        """The image the disagreement is on."""
        return self.disagreement.image_id

    @property
    def kind(self) -> str:
        """The disagreement type's value (``missing``, ``extra``, ...)."""
        return self.disagreement.type.value

    @property
    def classes(self) -> tuple[str, ...]:
        """The classes involved."""
        d = self.disagreement
        return tuple(c for c in (d.a_class, d.b_class) if c)

    @property
    def people(self) -> tuple[str, str]:
        """The two sides compared."""
        return self.disagreement.side_a, self.disagreement.side_b

    def describe(self) -> str:
        """A short sentence: what differs."""
        d = self.disagreement
        kind = self.kind
        if kind == "missing":
            only = QCoreApplication.translate("TriageItem", "{name} only by {side}")
            return only.format(name=d.a_class, side=_short(d.side_a))
        if kind == "extra":
            score = f" ({d.score:.2f})" if d.score is not None else ""
            only = QCoreApplication.translate("TriageItem", "{name} only by {side}")
            return only.format(name=f"{d.b_class}{score}", side=_short(d.side_b))
        if kind == "class_mismatch":
            versus = QCoreApplication.translate("TriageItem", "{a} ({side_a}) vs {b} ({side_b})")
            return versus.format(
                a=d.a_class, side_a=_short(d.side_a), b=d.b_class, side_b=_short(d.side_b)
            )
        if kind == "low_overlap":
            overlap = QCoreApplication.translate(
                "TriageItem", "{name}, IoU {iou} ({side_a} vs {side_b})"
            )
            return overlap.format(
                name=d.a_class,
                iou=f"{d.iou or 0:.2f}",
                side_a=_short(d.side_a),
                side_b=_short(d.side_b),
            )
        tag = d.a_class or d.b_class
        only = QCoreApplication.translate("TriageItem", "tag {name} only by {side}")
        return only.format(name=tag, side=_short(d.side_a if d.a_class else d.side_b))

    def key(self) -> tuple[Any, ...]:
        """Identity across recomputations (to keep the selection)."""
        d = self.disagreement
        return (d.type, d.image_id, d.side_a, d.side_b, d.a_id, d.b_id, d.a_class, d.b_class)


@dataclass
class TriageData:
    """What a triage computation found: the ranked items and the sources one can pick."""

    items: list[TriageItem] = field(default_factory=list)
    runs: list[tuple[int, str]] = field(default_factory=list)
    source: str = SOURCE_ALL


def compute_triage(path: Path, source: str, progress: Progress | None = None) -> TriageData:
    """The disagreements of ``source`` (``all``, ``people`` or ``run:<id>``), worst first.

    ``all`` is every annotator pair plus the newest finished model run against
    the annotators' consensus. Opens its own connection (runs on a worker).
    """
    progress = progress or Progress()
    with Project.open(path) as project:
        runs = [r for r in project.model_runs() if r.finished_at is not None]
        found: list[tuple[Disagreement, bool]] = []
        if source in (SOURCE_ALL, SOURCE_PEOPLE):
            found += [(d, False) for d in disagreements_all_pairs(project)]
        progress.check()
        run_ids = [runs[-1].id] if source == SOURCE_ALL and runs else []
        if source.startswith("run:"):
            run_ids = [int(source.split(":", 1)[1])]
        for run_id in run_ids:
            found += [(d, True) for d in disagreements_with_model(project, run_id)]
        found.sort(key=lambda pair: (-pair[0].severity, pair[0].image_id, pair[0].type.value))
        versions = {v.id: f"v{v.number}" for v in project.guideline_versions()}
        annotation_versions = {
            a.id: versions.get(a.guideline_version_id or -1, "—") for a in project.annotations()
        }
        names = {i.id: PurePosixPath(i.path).name for i in project.images()}
        items = [
            TriageItem(
                d,
                names.get(d.image_id, str(d.image_id)),
                _version(d, model, annotation_versions),
                model,
            )
            for d, model in found
        ]
        labels = [(r.id, f"#{r.id} {r.model_name}") for r in runs]
    return TriageData(items, labels, source)


def side_name(side: str) -> str:
    """A side's name for people: a person's name as stored; the consensus and a run translated."""
    if side == "consensus":
        return QCoreApplication.translate("TriageItem", "consensus")
    if side.startswith("model run "):
        run = side.removeprefix("model run ")
        return QCoreApplication.translate("TriageItem", "model run {run}").format(run=run)
    return side


def _short(side: str) -> str:
    """A side's name as the queue shows it (``model run 3`` -> ``model``)."""
    if side.startswith("model run"):
        return QCoreApplication.translate("TriageItem", "model")
    return side_name(side)


def _version(d: Disagreement, model: bool, versions: dict[int, str]) -> str:
    for annotation_id in (d.a_id, None if model else d.b_id):
        if annotation_id is not None and annotation_id in versions:
            return versions[annotation_id]
    return "—"


class TriageTableModel(QAbstractTableModel):
    """The filtered queue as a table: severity, type, image, what differs, who, guideline."""

    HEADERS = (
        QT_TRANSLATE_NOOP("TriageTableModel", "Severity"),
        QT_TRANSLATE_NOOP("TriageTableModel", "Type"),
        QT_TRANSLATE_NOOP("TriageTableModel", "Image"),
        QT_TRANSLATE_NOOP("TriageTableModel", "What differs"),
        QT_TRANSLATE_NOOP("TriageTableModel", "Ver."),
    )
    WIDTHS = (66, 134, 140, 0, 40)

    def __init__(self) -> None:
        super().__init__()
        self.items: list[TriageItem] = []

    def set_items(self, items: list[TriageItem]) -> None:
        """Replace the rows."""
        self.beginResetModel()
        self.items = items
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """One row per disagreement."""
        return 0 if parent.isValid() else len(self.items)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        """See :attr:`HEADERS`."""
        return len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = 0) -> Any:
        """Column titles."""
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return QCoreApplication.translate("TriageTableModel", self.HEADERS[section])
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = 0) -> Any:
        """Texts, the type's colour, and right-aligned severities."""
        item = self.items[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            d = item.disagreement
            return (
                f"{d.severity:.2f}",
                type_title(item.kind),
                item.image_name,
                item.describe(),
                item.guideline,
            )[column]
        if role == Qt.ItemDataRole.DecorationRole and column == 1:
            return QColor(type_style(item.kind).color)
        if role == Qt.ItemDataRole.TextAlignmentRole and column == 0:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.ToolTipRole:
            d = item.disagreement
            return self.tr(
                "{type}: {what}\non {image}, {side_a} vs {side_b}, guideline {version}"
            ).format(
                type=type_title(item.kind),
                what=item.describe(),
                image=item.image_name,
                side_a=side_name(d.side_a),
                side_b=side_name(d.side_b),
                version=item.guideline,
            )
        return None


class TriagePanel(QWidget):
    """The triage queue with its filters, this image's disagreements, and the canvas overlays.

    ``currentDisagreementChanged(item)`` fires when the queue's pick changes
    (``None`` when the queue is empty).
    """

    currentDisagreementChanged = Signal(object)

    def __init__(
        self,
        workspace: Workspace,
        controller: CanvasController,
        overlay: DisagreementOverlayItem,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.controller = controller
        self.overlay = overlay
        self.data = TriageData()
        self.error: str | None = None
        self._current: TriageItem | None = None
        self._geometries: dict[tuple[str, int], Box | Polygon | None] = {}
        self._source = SOURCE_ALL  # read by the worker: a plain str, set on the GUI thread
        self.dock: QDockWidget | None = None
        path = workspace.project.path
        self.refresher = BackgroundRefresh(
            lambda progress: compute_triage(path, self._source, progress),
            self.tr("disagreements"),
            800,
            self,
        )
        self.refresher.resultReady.connect(self._on_result)
        self.refresher.failed.connect(self._on_failed)
        self.refresher.busyChanged.connect(self._on_busy)
        self._build()
        workspace.changed.connect(self._on_change)
        self.refresher.follow(self, workspace.changed, _WATCHED)
        controller.imageShown.connect(lambda _id: self.update_image())
        controller.shapesChanged.connect(self.update_image)

    # Construction

    def _build(self) -> None:
        self.source_box = QComboBox()
        self.source_box.addItem(self.tr("Annotators and newest model"), SOURCE_ALL)
        self.source_box.addItem(self.tr("Annotators only (every pair)"), SOURCE_PEOPLE)
        self.source_box.currentIndexChanged.connect(self._on_source)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.status_label = QLabel(self.tr("Not computed yet"))
        self.status_label.setObjectName("secondaryText")
        self.filters: dict[str, QComboBox] = {}
        grid = QGridLayout()
        for index, name in enumerate(FILTERS):
            box = QComboBox()
            box.addItem(self.tr("All"), ALL)
            box.currentIndexChanged.connect(lambda _i: self._apply_filters())
            self.filters[name] = box
            title = QCoreApplication.translate("TriagePanel", _FILTER_TITLES[name])
            grid.addWidget(QLabel(title), index // 2, (index % 2) * 2)
            grid.addWidget(box, index // 2, (index % 2) * 2 + 1)
        self.model = TriageTableModel()
        self.table = QTableView()
        self.table.setModel(self.model)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.verticalHeader().setVisible(False)
        self.table.verticalHeader().setDefaultSectionSize(22)
        self.table.setAlternatingRowColors(True)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        for column, width in enumerate(TriageTableModel.WIDTHS):
            if width:
                self.table.setColumnWidth(column, width)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.selectionModel().currentRowChanged.connect(self._on_row)
        self.image_list = QListWidget()
        self.image_list.itemClicked.connect(self._on_image_item)
        self.image_title = QLabel(self.tr("On this image"))
        self.image_title.setObjectName("panelTitle")
        self.overlay_check = QCheckBox(self.tr("Show overlays on the canvas"))
        self.overlay_check.setChecked(True)
        self.overlay_check.toggled.connect(self.set_overlays_visible)
        self._layout(refresh, grid)

    def _layout(self, refresh: QPushButton, grid: QGridLayout) -> None:
        top = QHBoxLayout()
        top.addWidget(self.source_box, 1)
        top.addWidget(refresh)
        queue = QWidget()
        queue_layout = QVBoxLayout(queue)
        queue_layout.setContentsMargins(0, 0, 0, 0)
        queue_layout.addLayout(top)
        queue_layout.addLayout(grid)
        queue_layout.addWidget(self.status_label)
        queue_layout.addWidget(self.table, 1)
        self.save_slice = SaveShownAsSlice(
            self.workspace,
            lambda: [item.disagreement.image_id for item in self.model.items],
            lambda: self.tr("disagreements to triage"),
        )
        queue_layout.addWidget(self.save_slice)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(0, 4, 0, 0)
        side_layout.addWidget(self.image_title)
        side_layout.addWidget(self.image_list, 1)
        side_layout.addWidget(self.overlay_check)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(queue)
        splitter.addWidget(side)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    # Public surface

    def source(self) -> str:
        """What is compared: ``all``, ``people`` or ``run:<id>``."""
        return str(self.source_box.currentData() or SOURCE_ALL)

    def _on_source(self, _index: int) -> None:
        self._source = self.source()
        self.refresh()

    def refresh(self) -> None:
        """Recompute the disagreements now (on a worker)."""
        self.refresher.run_now()

    def row_count(self) -> int:
        """Disagreements in the (filtered) queue."""
        return self.model.rowCount()

    def items(self) -> list[TriageItem]:
        """The (filtered) queue, worst first."""
        return list(self.model.items)

    def current(self) -> TriageItem | None:
        """The disagreement picked in the queue."""
        return self._current

    def current_row(self) -> int:
        """Row of the pick (-1 if none)."""
        return self.table.currentIndex().row()

    def set_current_row(self, row: int) -> bool:
        """Pick a row: opens its image, selects the shape at fault, outlines it."""
        if not 0 <= row < self.row_count():
            return False
        self.table.selectionModel().setCurrentIndex(
            self.model.index(row, 0),
            QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows,
        )
        self.table.scrollTo(self.model.index(row, 0))
        return True

    def step(self, delta: int) -> bool:
        """Walk the queue: the next (``1``) or previous (``-1``) disagreement."""
        row = self.current_row()
        target = (0 if delta > 0 else self.row_count() - 1) if row < 0 else row + delta
        return self.set_current_row(target)

    def filter_options(self, name: str) -> list[str]:
        """The choices of one filter (``type``, ``class``, ``person``, ``guideline``)."""
        box = self.filters[name]
        return [box.itemText(i) for i in range(box.count())]

    def set_filter(self, name: str, value: str) -> bool:
        """Filter the queue (``All`` clears); False if ``value`` is not a choice.

        ``value`` is a filter's value (a type key such as ``class_mismatch``, a class,
        a person, a version) or the text shown for it.
        """
        box = self.filters[name]
        index = box.findData(value)
        if index < 0:
            index = box.findText(value)
        if index < 0 and name == "type":  # the English name of a type ("Class mismatch")
            kind = next((k for k, t in _TYPE_TITLES.items() if t == value), None)
            index = box.findData(kind) if kind is not None else -1
        if index < 0:
            return False
        box.setCurrentIndex(index)
        return True

    def image_items(self, image_id: int | None = None) -> list[TriageItem]:
        """Every disagreement (unfiltered) of an image, default the one on the canvas."""
        image_id = self.controller.image_id if image_id is None else image_id
        return [i for i in self.data.items if i.image_id == image_id]

    def set_overlays_visible(self, shown: bool) -> None:
        """Show or hide the disagreement outlines on the canvas."""
        self.overlay.set_enabled_overlay(shown)
        if self.overlay_check.isChecked() != shown:
            self.overlay_check.setChecked(shown)

    def overlays_visible(self) -> bool:
        """True when the outlines are shown."""
        return self.overlay.isVisible()

    def shutdown(self) -> None:
        """Stop the worker (the window is closing)."""
        self.refresher.shutdown()

    # Results

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.status_label.setText(self.tr("Comparing labels…"))

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.status_label.setText(
            self.tr("Could not compare labels: {message}").format(message=message)
        )

    def _on_result(self, data: TriageData) -> None:
        if data.source != self.source():
            return  # the source changed meanwhile; its own run follows
        self.error = None
        self.data = data
        self._geometries.clear()
        self._update_sources(data.runs)
        self._update_filter_options()
        self._apply_filters()

    def _update_sources(self, runs: list[tuple[int, str]]) -> None:
        box = self.source_box
        known = {box.itemData(i) for i in range(box.count())}
        box.blockSignals(True)
        for run_id, label in runs:
            if f"run:{run_id}" not in known:
                box.addItem(
                    self.tr("Model run {run} vs consensus").format(run=label), f"run:{run_id}"
                )
        box.blockSignals(False)

    def _update_filter_options(self) -> None:
        items = self.data.items
        kinds = sorted({i.kind for i in items}, key=type_title)
        options: dict[str, list[tuple[str, str]]] = {  # (shown text, value) per filter
            "type": [(type_title(k), k) for k in kinds],
            "class": [(c, c) for c in sorted({c for i in items for c in i.classes})],
            "person": [(side_name(p), p) for p in sorted({p for i in items for p in i.people})],
            "guideline": [(g, g) for g in sorted({i.guideline for i in items})],
        }
        for name, values in options.items():
            box = self.filters[name]
            chosen = box.currentData()
            box.blockSignals(True)
            box.clear()
            box.addItem(self.tr("All"), ALL)
            for text, value in values:
                box.addItem(text, value)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)

    def _matches(self, item: TriageItem, chosen: dict[str, str]) -> bool:
        checks = {
            "type": lambda v: item.kind == v,
            "class": lambda v: v in item.classes,
            "person": lambda v: v in item.people,
            "guideline": lambda v: item.guideline == v,
        }
        return all(value == ALL or checks[name](value) for name, value in chosen.items())

    def _apply_filters(self) -> None:
        chosen = {name: box.currentData() or ALL for name, box in self.filters.items()}
        previous = self._current.key() if self._current is not None else None
        rows = [i for i in self.data.items if self._matches(i, chosen)]
        self.model.set_items(rows)
        total = len(self.data.items)
        if len(rows) != total:
            text = (
                self.tr("{shown} of %n disagreements, worst first · N / Shift+N to walk", "", total)
                if total != 1
                else self.tr("{shown} of %n disagreement, worst first · N / Shift+N to walk", "", 1)
            ).format(shown=len(rows))
        elif total != 1:
            text = self.tr("%n disagreements, worst first · N / Shift+N to walk", "", total)
        else:
            text = self.tr("%n disagreement, worst first · N / Shift+N to walk", "", 1)
        self.status_label.setText(text)
        keys = [i.key() for i in rows]
        if previous in keys:
            self.set_current_row(keys.index(previous))
        else:
            self._current = None
        self.update_image()

    # Picking

    def _on_row(self, current: QModelIndex, _previous: QModelIndex) -> None:
        item = self.model.items[current.row()] if current.isValid() else None
        if item == self._current:
            return
        self._current = item
        if item is not None and item.image_id != self.controller.image_id:
            self.workspace.focusImageRequested.emit(item.image_id)  # the window opens it
        self.update_image()
        if item is not None:
            self._select_shape(item)
        self.currentDisagreementChanged.emit(item)

    def _on_image_item(self, entry: QListWidgetItem) -> None:
        item = entry.data(Qt.ItemDataRole.UserRole)
        if isinstance(item, TriageItem):
            keys = [i.key() for i in self.model.items]
            if item.key() in keys:
                self.set_current_row(keys.index(item.key()))
            else:
                self._current = item
                self.update_image()
                self._select_shape(item)

    def _select_shape(self, item: TriageItem) -> None:
        d = self.controller.view
        b_kind: ShapeKind = "prediction" if item.model else "annotation"
        for key in (
            ShapeKey("annotation", item.disagreement.a_id) if item.disagreement.a_id else None,
            ShapeKey(b_kind, item.disagreement.b_id) if item.disagreement.b_id else None,
        ):
            if key is not None and d.drawn_shape(key) is not None:
                d.select(key)
                return

    # The image on the canvas

    def update_image(self) -> None:
        """Refresh the side list and the overlays for the image on the canvas."""
        record = self.controller.record
        items = self.image_items() if record is not None else []
        self.image_title.setText(
            self.tr("On this image: %n disagreements", "", len(items))
            if len(items) != 1
            else self.tr("On this image: %n disagreement", "", 1)
        )
        self.image_list.clear()
        marks = []
        current_key = self._current.key() if self._current is not None else None
        for item in items:
            style = type_style(item.kind)
            entry = QListWidgetItem(f"{type_title(item.kind)}: {item.describe()}")
            entry.setData(Qt.ItemDataRole.DecorationRole, QColor(style.color))
            entry.setData(Qt.ItemDataRole.UserRole, item)
            entry.setToolTip(
                self.tr("{side_a} vs {side_b}").format(
                    side_a=side_name(item.disagreement.side_a),
                    side_b=side_name(item.disagreement.side_b),
                )
            )
            self.image_list.addItem(entry)
            current = item.key() == current_key
            if current:
                self.image_list.setCurrentItem(entry)
            marks.append(self._mark(item, current))
        size = (record.width, record.height) if record is not None else (1, 1)
        self.overlay.set_marks(marks, size)

    def _mark(self, item: TriageItem, current: bool) -> DisagreementMark:
        d = item.disagreement
        a = self._geometry("annotation", d.a_id)
        b = self._geometry("prediction" if item.model else "annotation", d.b_id)
        title = type_title(item.kind)
        text = f"{title}: {item.describe()}" if current else title  # one long label at most
        return DisagreementMark(item.kind, a, b, text, current)

    def _geometry(self, kind: str, object_id: int | None) -> Box | Polygon | None:
        if object_id is None:
            return None
        cache_key = (kind, object_id)
        if cache_key not in self._geometries:
            project = self.workspace.project
            try:
                found = (
                    project.prediction(object_id)
                    if kind == "prediction"
                    else project.annotation(object_id, include_deleted=True)
                )
                geometry = found.geometry
            except LabelerError:
                geometry = None
            self._geometries[cache_key] = geometry if isinstance(geometry, Box | Polygon) else None
        return self._geometries[cache_key]

    def _on_change(self, change: Change) -> None:
        if change.entity in _WATCHED:
            self._geometries.clear()  # the refresher reruns (it follows the same changes)
