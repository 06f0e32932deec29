"""The QA view's "Compare runs" tab: two model runs side by side on the same images and truth.

:func:`compute_comparison` is a plain function run on a worker with its own
project connection (:func:`labeler.core.diagnosis.compare.compare_runs`). The
:class:`CompareView` shows its ``to_dict()`` form: the metric and per-class
deltas, both confusion matrices and their difference, the PR curves of both runs
on one chart (the report's SVG), and the images that improved, regressed and
stayed wrong; activating one opens that image in the canvas.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QPushButton,
    QScrollArea,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.canvas.controller import CanvasController
from labeler.app.charts import BackgroundRefresh, ChartCard, chart_word, matrix_labels
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workspace import Workspace
from labeler.core.diagnosis.compare import CHANGE_KINDS, compare_runs
from labeler.core.errors import LabelerError
from labeler.core.events import Entity
from labeler.core.progress import Progress
from labeler.core.report.compare_section import difference_heatmap, pr_comparison_chart
from labeler.core.report.svg import heatmap
from labeler.core.slices import rule_for_images
from labeler.core.store import Project
from labeler.core.store.slices import SavedSlice

CHANGE_LIMIT = 500
CHANGE_TITLES = {
    "improved": QT_TRANSLATE_NOOP("CompareView", "Improved (fewer errors with A)"),
    "regressed": QT_TRANSLATE_NOOP("CompareView", "Regressed (more errors with A)"),
    "stayed_wrong": QT_TRANSLATE_NOOP("CompareView", "Stayed wrong"),
}
_SLICE_KINDS = {  # how a suggested slice name says the kind
    "improved": QT_TRANSLATE_NOOP("CompareView", "improved"),
    "regressed": QT_TRANSLATE_NOOP("CompareView", "regressed"),
    "stayed_wrong": QT_TRANSLATE_NOOP("CompareView", "stayed wrong"),
}


def _change_title(kind: str) -> str:
    return QCoreApplication.translate("CompareView", CHANGE_TITLES[kind])


_WATCHED = frozenset(
    {Entity.ANNOTATION, Entity.ANSWER, Entity.PREDICTION, Entity.MODEL_RUN, Entity.REVIEW}
)


@dataclass
class ComparisonData:
    """What the tab shows: the finished runs and, for the chosen pair, the comparison."""

    runs: list[tuple[int, str]] = field(default_factory=list)
    run_a: int | None = None
    run_b: int | None = None
    comparison: dict[str, Any] | None = None
    error: str | None = None
    computed_at: float = 0.0


def compute_comparison(
    path: Path, run_a: int | None, run_b: int | None, progress: Progress | None = None
) -> ComparisonData:
    """Compare ``run_a`` with ``run_b`` (default: the newest finished run with the one before)."""
    progress = progress or Progress()
    with Project.open(path) as project:
        runs = [r for r in project.model_runs() if r.finished_at is not None]
        ids = [r.id for r in runs]
        data = ComparisonData([(r.id, f"#{r.id} {r.model_name}") for r in runs])
        data.computed_at = time.time()
        if len(runs) < 2:
            data.error = (
                QCoreApplication.translate(
                    "compare_view",
                    "Comparing needs two finished model runs; this project has {count}.",
                ).format(count=len(runs))
                if runs
                else QCoreApplication.translate(
                    "compare_view",
                    "Comparing needs two finished model runs; this project has none yet.",
                )
            )
            return data
        data.run_a = run_a if run_a in ids else ids[-1]
        data.run_b = (
            run_b
            if run_b in ids and run_b != data.run_a
            else next(i for i in reversed(ids) if i != data.run_a)
        )
        progress.check()
        try:
            result = compare_runs(project, data.run_a, data.run_b)
            data.comparison = result.to_dict(CHANGE_LIMIT)
        except LabelerError as exc:
            data.error = str(exc)
    return data


class ImageChangeList(QTreeWidget):
    """Images that improved, regressed or stayed wrong; activating one opens it."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("ImageChangeList", "Image id"),
        QT_TRANSLATE_NOOP("ImageChangeList", "File"),
        QT_TRANSLATE_NOOP("ImageChangeList", "What changed"),
    )

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setHeaderLabels(
            [QCoreApplication.translate("ImageChangeList", c) for c in self.COLUMNS]
        )
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)

    def set_items(self, items: list[dict[str, Any]]) -> None:
        """Show image changes (``ImageChange.to_dict()`` forms), worst first."""
        self.clear()
        for entry in items:
            row = QTreeWidgetItem(
                [str(entry["image_id"]), Path(entry["image"]).name, entry["what_changed"]]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, entry)
            row.setToolTip(1, entry["image"])
            row.setToolTip(2, entry["what_changed"])
            self.addTopLevelItem(row)

    def image_ids(self) -> list[int]:
        """The image ids listed, in order."""
        rows = (self.topLevelItem(i) for i in range(self.topLevelItemCount()))
        return [
            int(row.data(0, Qt.ItemDataRole.UserRole)["image_id"])
            for row in rows
            if row is not None
        ]


class CompareView(QWidget):
    """Run A against run B: deltas, matrices, PR curves and the images that changed."""

    imagesListed = Signal()  # the change lists were refilled

    def __init__(
        self, workspace: Workspace, controller: CanvasController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.controller = controller
        self.data: ComparisonData | None = None
        self._runs: tuple[int | None, int | None] = (None, None)  # read by the worker
        path = workspace.project.path
        self.refresher = BackgroundRefresh(
            lambda progress: compute_comparison(path, *self._runs, progress),
            self.tr("compare runs"),
            1500,
            self,
        )
        self.refresher.resultReady.connect(self._on_result)
        self.refresher.failed.connect(self._on_failed)
        self.refresher.busyChanged.connect(self._on_busy)
        self.cards: dict[str, ChartCard] = {}
        self.lists: dict[str, ImageChangeList] = {}
        self._build()
        self.refresher.follow(self, workspace.changed, _WATCHED)

    def _build(self) -> None:
        self.run_a, self.run_b = QComboBox(), QComboBox()
        for box in (self.run_a, self.run_b):
            box.addItem(self.tr("No model run yet"), None)
            box.activated.connect(self._on_picked)
        compare = QPushButton(self.tr("Compare"))
        compare.clicked.connect(self.refresh)
        top = QHBoxLayout()
        top.addWidget(QLabel("A"))
        top.addWidget(self.run_a, 1)
        top.addWidget(QLabel(self.tr("against B")))
        top.addWidget(self.run_b, 1)
        top.addWidget(compare)
        self.summary = QLabel(self.tr("Not compared yet"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.metrics = self._table((self.tr("Metric"), "A", "B", "A − B"))
        self.classes = self._table(
            (self.tr("Class"), self.tr("Truth"), "AP A", "AP B", "ΔAP", "ΔAP50", "ΔAP75")
        )
        page = QWidget()
        grid = QGridLayout(page)
        grid.addWidget(self.summary, 0, 0, 1, 2)
        grid.addWidget(self.metrics, 1, 0)
        grid.addWidget(self.classes, 1, 1)
        cards = [
            ("pr50", self.tr("Precision–recall at IoU 0.5 (A solid, B dashed)")),
            ("pr75", self.tr("Precision–recall at IoU 0.75 (A solid, B dashed)")),
            ("confusion_a", self.tr("Confusion matrix of A")),
            ("confusion_b", self.tr("Confusion matrix of B")),
            ("difference", self.tr("Difference A − B (green: A better)")),
        ]
        for index, (name, title) in enumerate(cards):
            card = self.cards[name] = ChartCard(title)
            grid.addWidget(card, 2 + index // 2, index % 2, Qt.AlignmentFlag.AlignTop)
        changes = self._changes_column()
        last = 2 + (len(cards) - 1) // 2
        grid.addWidget(changes, last, 1)
        grid.setRowStretch(last + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        self.status_label = QLabel("")
        self.status_label.setObjectName("secondaryText")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.status_label)
        layout.addWidget(scroll, 1)

    def _changes_column(self) -> QWidget:
        """The three image lists (improved, regressed, stayed wrong), each with a save button."""
        changes = QWidget()
        column = QVBoxLayout(changes)
        column.setContentsMargins(0, 0, 0, 0)
        self.list_titles: dict[str, QLabel] = {}
        for kind in CHANGE_KINDS:
            title = self.list_titles[kind] = QLabel(_change_title(kind))
            title.setObjectName("panelTitle")
            save = QPushButton(self.tr("Save as slice…"))
            save.setToolTip(self.tr("Save these images as a named slice (to send them to work)"))
            save.clicked.connect(lambda _c=False, kind=kind: self._ask_slice(kind))
            header = QHBoxLayout()
            header.addWidget(title, 1)
            header.addWidget(save)
            tree = self.lists[kind] = ImageChangeList(kind)
            tree.setMinimumHeight(120)
            tree.itemActivated.connect(
                lambda item, _c, tree=tree: self.open_image(tree, tree.indexOfTopLevelItem(item))
            )
            column.addLayout(header)
            column.addWidget(tree, 1)
        hint = QLabel(self.tr("Double-click (or Enter) opens the image in the canvas."))
        hint.setObjectName("secondaryText")
        column.addWidget(hint)
        return changes

    @staticmethod
    def _table(headers: tuple[str, ...]) -> QTreeWidget:
        tree = QTreeWidget()
        tree.setHeaderLabels(list(headers))
        tree.setRootIsDecorated(False)
        tree.setAlternatingRowColors(True)
        tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        tree.setMinimumHeight(180)
        return tree

    # Public surface

    def refresh(self) -> None:
        """Compare now (on a worker)."""
        self.refresher.run_now()

    def has_result(self) -> bool:
        """True once a comparison (or the reason there is none) arrived and nothing runs."""
        return self.data is not None and not self.refresher.busy

    def set_runs(self, run_a: int, run_b: int) -> None:
        """Compare these two runs (ids), on a worker."""
        self._runs = (run_a, run_b)
        self.refresh()

    def open_image(self, tree: ImageChangeList, row: int) -> bool:
        """Open one listed image in the canvas; True once it is the canvas's image."""
        item = tree.topLevelItem(row)
        if item is None:
            return False
        image_id = int(item.data(0, Qt.ItemDataRole.UserRole)["image_id"])
        if image_id != self.controller.image_id:
            self.workspace.focusImageRequested.emit(image_id)
        return self.controller.image_id == image_id

    def save_list_as_slice(self, kind: str, name: str, note: str = "") -> SavedSlice:
        """Save the images listed as improved, regressed or stayed wrong as a slice.

        One quick write of ids already in memory; raises :class:`LabelerError` (a
        name in use) for the caller to show.
        """
        ids = self.lists[kind].image_ids()
        return self.workspace.project.save_slice(
            name, rule_for_images(ids), ids, note, self.workspace.person.id
        )

    def _ask_slice(self, kind: str) -> None:
        if self.data is None or self.data.comparison is None:
            return
        a, b = self.data.run_a, self.data.run_b
        what = QCoreApplication.translate("CompareView", _SLICE_KINDS.get(kind, kind))
        suggested = self.tr("{kind}: run {a} against run {b}").format(kind=what, a=a, b=b)
        name, ok = QInputDialog.getText(
            self, self.tr("Save as slice"), self.tr("Slice name:"), text=suggested
        )
        if not ok or not name.strip():
            return
        try:
            saved = self.save_list_as_slice(kind, name, suggested)
        except LabelerError as exc:
            self.status_label.setText(self.tr("Not saved: {error}").format(error=exc))
            return
        self.status_label.setText(
            self.tr("Saved slice {name}: {count} images").format(
                name=repr(saved.name), count=saved.images
            )
        )

    def shutdown(self) -> None:
        """Stop the worker (the window is closing)."""
        self.refresher.shutdown()

    # Updates

    def _on_picked(self, _index: int) -> None:
        a, b = self.run_a.currentData(), self.run_b.currentData()
        if a is not None and b is not None and (a, b) != self._runs:
            self.set_runs(int(a), int(b))

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.status_label.setText(self.tr("Comparing the two runs…"))

    def _on_failed(self, message: str) -> None:
        self.status_label.setText(self.tr("Could not compare: {message}").format(message=message))

    def _on_result(self, data: ComparisonData) -> None:
        self.data = data
        self._runs = (data.run_a, data.run_b)
        for box, chosen in ((self.run_a, data.run_a), (self.run_b, data.run_b)):
            box.blockSignals(True)
            box.clear()
            if not data.runs:
                box.addItem(self.tr("No model run yet"), None)
            for run_id, label in data.runs:
                box.addItem(label, run_id)
            box.setCurrentIndex(max(0, box.findData(chosen)))
            box.blockSignals(False)
        stamp = time.strftime("%H:%M:%S", time.localtime(data.computed_at))
        self.status_label.setText(
            self.tr("Updated {time} · recomputed when labels change").format(time=stamp)
        )
        self._show(data)
        self.imagesListed.emit()

    def _show(self, data: ComparisonData) -> None:
        comparison = data.comparison
        if comparison is None:
            self.summary.setText(
                _plain(data.error) if data.error else self.tr("Nothing to compare.")
            )
            for card in self.cards.values():
                card.show_empty(self.tr("No comparison."))
            for tree in (self.metrics, self.classes, *self.lists.values()):
                tree.clear()
            return
        self._summary(comparison)
        self._tables(comparison)
        a, b = comparison["a"], comparison["b"]
        names = (f"A #{a['id']} {a['model']}", f"B #{b['id']} {b['model']}")
        for name, iou in (("pr50", 0.5), ("pr75", 0.75)):
            curves = comparison["pr_curves"]
            if any(abs(c["iou"] - iou) < 1e-9 for c in curves):
                title = self.cards[name].title.text()
                recall = chart_word("recall")
                chart = pr_comparison_chart(curves, iou, title, names, x_label=recall)
                self.cards[name].show_chart(chart)
            else:
                self.cards[name].show_empty(self.tr("No truth objects on the compared images."))
        matrix = comparison["confusion_matrix"]
        labels = matrix_labels(matrix["labels"])
        axes = (chart_word("truth"), chart_word("predicted"))
        self.cards["confusion_a"].show_chart(heatmap(labels, matrix["a"], names[0], axes))
        self.cards["confusion_b"].show_chart(heatmap(labels, matrix["b"], names[1], axes))
        self.cards["difference"].show_chart(
            difference_heatmap(labels, matrix["difference"], self.tr("A minus B"), axes[1])
        )
        for kind, tree in self.lists.items():
            part = comparison["image_changes"][kind]
            tree.set_items(part["items"])
            shown = (
                self.tr(" (first {count})").format(count=len(part["items"]))
                if len(part["items"]) < part["total"]
                else ""
            )
            self.list_titles[kind].setText(f"{_change_title(kind)}: {part['total']}{shown}")

    def _summary(self, comparison: dict[str, Any]) -> None:
        a, b, images = comparison["a"], comparison["b"], comparison["images"]
        ap = next(r for r in comparison["metrics"] if r["metric"] == "AP")
        self.summary.setText(
            self.tr(
                "{a} {model_a} (run #{id_a}) against {b} {model_b} (run #{id_b}) on the "
                "{compared} images both covered (A {covered_a}, B {covered_b}) · "
                "mAP {map_a} vs {map_b} ({delta})"
            ).format(
                a="<b>A</b>",
                b="<b>B</b>",
                model_a=_plain(a["model"]),
                model_b=_plain(b["model"]),
                id_a=a["id"],
                id_b=b["id"],
                compared=f"<b>{images['compared']}</b>",
                covered_a=images["covered_by_a"],
                covered_b=images["covered_by_b"],
                map_a=_fmt(ap["a"]),
                map_b=_fmt(ap["b"]),
                delta=f"<b>{_fmt(ap['delta'], True)}</b>",
            )
        )

    def _tables(self, comparison: dict[str, Any]) -> None:
        self.metrics.clear()
        for r in comparison["metrics"]:
            self.metrics.addTopLevelItem(
                QTreeWidgetItem([r["metric"], _fmt(r["a"]), _fmt(r["b"]), _fmt(r["delta"], True)])
            )
        self.classes.clear()
        for r in comparison["per_class"]:
            self.classes.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        r["class"],
                        str(r["truth"]),
                        _fmt(r["ap_a"]),
                        _fmt(r["ap_b"]),
                        _fmt(r["ap_delta"], True),
                        _fmt(r["ap50_delta"], True),
                        _fmt(r["ap75_delta"], True),
                    ]
                )
            )


def _fmt(value: float | None, signed: bool = False) -> str:
    if value is None:
        return QCoreApplication.translate("compare_view", "n/a")
    return f"{value:+.3f}" if signed else f"{value:.3f}"


def _plain(text: str) -> str:
    """User text for a rich-text label: markup characters escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
