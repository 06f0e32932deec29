"""The QA dashboard: agreement per class, person, guideline version and week; model diagnosis.

:func:`compute_qa` is a plain function run on a worker with its own project
connection: :func:`labeler.core.agreement.agreement_report` and, when the
project has a finished model run, :func:`labeler.core.diagnosis.diagnose`. The
:class:`QaView` draws their ``to_dict()`` forms with the HTML report's SVG
charts, recomputes (debounced) when labels change, and lists the model's
false positives and false negatives; double-clicking one opens it in the canvas.
"""

from __future__ import annotations

import html
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.canvas.controller import CanvasController
from labeler.app.charts import BackgroundRefresh, ChartCard, chart_word, matrix_labels
from labeler.app.compare_view import CompareView
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.slice_controls import ErrorSliceButtons
from labeler.app.vendor_tab import add_vendor_tabs
from labeler.app.workspace import Workspace
from labeler.core.agreement import agreement_report
from labeler.core.diagnosis import diagnose
from labeler.core.errors import LabelerError
from labeler.core.events import Entity
from labeler.core.progress import Progress
from labeler.core.report.svg import bar_chart, heatmap, line_chart
from labeler.core.store import Project
from labeler.core.tools import ShapeKey

SLICE_LIMIT = 500
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
CHART_WIDTH = 440
# Fixed words of the diagnosis (reasons, left-out causes, the default truth), by their
# value in the core's report; any other value (one with a person's name) is shown as is.
_DIAGNOSIS_WORDS = {
    "wrong_class": QT_TRANSLATE_NOOP("qa_view", "wrong class"),
    "duplicate": QT_TRANSLATE_NOOP("qa_view", "duplicate"),
    "poor_localization": QT_TRANSLATE_NOOP("qa_view", "poor localization"),
    "background": QT_TRANSLATE_NOOP("qa_view", "background"),
    "missed": QT_TRANSLATE_NOOP("qa_view", "missed"),
    "not answered by anyone": QT_TRANSLATE_NOOP("qa_view", "not answered by anyone"),
    "not covered by the model run": QT_TRANSLATE_NOOP("qa_view", "not covered by the model run"),
    "reviewed or consensus": QT_TRANSLATE_NOOP("qa_view", "reviewed or consensus"),
}


def _word(value: str) -> str:
    """A fixed diagnosis word in the user's language (other values as they are)."""
    source = _DIAGNOSIS_WORDS.get(value)
    return QCoreApplication.translate("qa_view", source) if source else value.replace("_", " ")


@dataclass
class QaData:
    """What the dashboard shows: the agreement report and the run's diagnosis (JSON-ready)."""

    agreement: dict[str, Any]
    diagnosis: dict[str, Any] | None = None
    diagnosis_error: str | None = None
    runs: list[tuple[int, str]] = field(default_factory=list)
    run_id: int | None = None
    computed_at: float = 0.0


def compute_qa(path: Path, run_id: int | None, progress: Progress | None = None) -> QaData:
    """Agreement, and the diagnosis of ``run_id`` (default: the newest finished run)."""
    progress = progress or Progress()
    with Project.open(path) as project:
        agreement = agreement_report(project).to_dict()
        progress.check()
        runs = [r for r in project.model_runs() if r.finished_at is not None]
        labels = [(r.id, f"#{r.id} {r.model_name}") for r in runs]
        if run_id is None or run_id not in {r.id for r in runs}:
            run_id = runs[-1].id if runs else None
        data = QaData(agreement, runs=labels, run_id=run_id, computed_at=time.time())
        if run_id is not None:
            try:
                data.diagnosis = diagnose(project, run_id).to_dict(limit=SLICE_LIMIT)
            except LabelerError as exc:
                data.diagnosis_error = str(exc)
    return data


def _value(metric: Any) -> float | None:
    """The value of a metric dict (``{"value": ..}``) or a plain number."""
    if isinstance(metric, dict):
        metric = metric.get("value")
    return float(metric) if isinstance(metric, int | float) else None


def _fmt(value: float | None, digits: int = 2) -> str:
    return QCoreApplication.translate("qa_view", "n/a") if value is None else f"{value:.{digits}f}"


class SliceList(QTreeWidget):
    """False positives or false negatives: one row per object, double-click opens it."""

    COLUMNS = (
        QT_TRANSLATE_NOOP("SliceList", "Image"),
        QT_TRANSLATE_NOOP("SliceList", "Class"),
        QT_TRANSLATE_NOOP("SliceList", "Reason"),
        QT_TRANSLATE_NOOP("SliceList", "Score"),
    )

    def __init__(self, kind: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.setHeaderLabels([QCoreApplication.translate("SliceList", c) for c in self.COLUMNS])
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.header().setStretchLastSection(True)

    def set_items(self, items: list[dict[str, Any]]) -> None:
        """Show slice items (``SliceItem.to_dict()`` forms)."""
        self.clear()
        for entry in items:
            reason = _word(str(entry.get("reason", "")))
            if entry.get("other_class"):
                reason += f" ({entry['other_class']})"
            image = str(entry.get("image") or entry.get("image_id"))
            row = QTreeWidgetItem(
                [Path(image).name, str(entry.get("class")), reason, _fmt(entry.get("score"))]
            )
            row.setData(0, Qt.ItemDataRole.UserRole, entry)
            row.setToolTip(0, image)
            self.addTopLevelItem(row)

    def entry(self, row: int) -> dict[str, Any] | None:
        """The slice item of a row."""
        item = self.topLevelItem(row)
        return item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None


class QaView(QWidget):
    """Charts of agreement and model quality, kept current as labels change."""

    def __init__(
        self,
        workspace: Workspace,
        controller: CanvasController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.controller = controller
        self.data: QaData | None = None
        self.error: str | None = None
        self.dock: QDockWidget | None = None
        self._run_id: int | None = None  # read by the worker; set on the GUI thread
        path = workspace.project.path
        self.refresher = BackgroundRefresh(
            lambda progress: compute_qa(path, self._run_id, progress), "QA", 1500, self
        )
        self.refresher.resultReady.connect(self._on_result)
        self.refresher.failed.connect(self._on_failed)
        self.refresher.busyChanged.connect(self._on_busy)
        self.cards: dict[str, ChartCard] = {}
        self._build()
        self.refresher.follow(self, workspace.changed, _WATCHED)

    # Construction

    def _build(self) -> None:
        self.run_box = QComboBox()
        self.run_box.addItem(self.tr("No model run yet"), None)
        self.run_box.activated.connect(self._on_run_picked)
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        self.status_label = QLabel(self.tr("Not computed yet"))
        self.status_label.setObjectName("secondaryText")
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Model run")))
        top.addWidget(self.run_box, 1)
        top.addWidget(refresh)
        self.tabs = QTabWidget()
        self.tabs.addTab(
            self._cards_page(
                [
                    ("class_f1", self.tr("Agreement per class (object F1 between annotators)")),
                    ("class_iou", self.tr("Mean IoU of matched objects per class")),
                    ("person_f1", self.tr("Agreement per person (F1 against the consensus)")),
                    ("version_f1", self.tr("Agreement per guideline version (F1)")),
                    ("week_f1", self.tr("Trend: agreement per week (F1)")),
                    ("tag_kappa", self.tr("Image tags: Fleiss' kappa per class")),
                ]
            ),
            self.tr("Agreement"),
        )
        self.model_summary = QLabel()
        self.model_summary.setWordWrap(True)
        self.model_summary.setTextFormat(Qt.TextFormat.RichText)
        self.tabs.addTab(
            self._cards_page(
                [
                    ("class_ap", self.tr("Average precision per class (AP, IoU .50:.95)")),
                    ("confusion", self.tr("Confusion matrix (rows: truth, columns: predicted)")),
                    ("pr50", self.tr("Precision–recall at IoU 0.5")),
                    ("pr75", self.tr("Precision–recall at IoU 0.75")),
                ],
                header=self.model_summary,
            ),
            self.tr("Model"),
        )
        self.false_positives = SliceList("false_positives")
        self.false_negatives = SliceList("false_negatives")
        self.tabs.addTab(self._slices_page(), self.tr("Errors"))
        self.compare_view = CompareView(self.workspace, self.controller)
        self.tabs.addTab(self.compare_view, self.tr("Compare runs"))
        self.vendor_tabs = add_vendor_tabs(self)  # "Vendors" and "Gold"
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addLayout(top)
        layout.addWidget(self.summary)
        layout.addWidget(self.status_label)
        layout.addWidget(self.tabs, 1)

    def _cards_page(self, cards: list[tuple[str, str]], header: QLabel | None = None) -> QWidget:
        page = QWidget()
        grid = QGridLayout(page)
        grid.setHorizontalSpacing(12)
        grid.setVerticalSpacing(8)
        row = 0
        if header is not None:
            grid.addWidget(header, 0, 0, 1, 2)
            row = 1
        for index, (name, title) in enumerate(cards):
            card = self.cards[name] = ChartCard(title)
            grid.addWidget(card, row + index // 2, index % 2, Qt.AlignmentFlag.AlignTop)
        grid.setRowStretch(row + (len(cards) + 1) // 2, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(page)
        return scroll

    def _slices_page(self) -> QWidget:
        page = QWidget()
        layout = QGridLayout(page)
        self.fp_title = QLabel(self.tr("False positives"))
        self.fn_title = QLabel(self.tr("False negatives"))
        for column, (title, tree) in enumerate(
            ((self.fp_title, self.false_positives), (self.fn_title, self.false_negatives))
        ):
            title.setObjectName("panelTitle")
            layout.addWidget(title, 0, column)
            layout.addWidget(tree, 1, column)
            tree.itemActivated.connect(
                lambda item, _column, tree=tree: self.open_slice_item(
                    tree, tree.indexOfTopLevelItem(item)
                )
            )
        hint = QLabel(self.tr("Double-click (or Enter) opens the object in the canvas."))
        hint.setObjectName("secondaryText")
        layout.addWidget(hint, 2, 0, 1, 2)
        self.error_slices = ErrorSliceButtons(self.workspace, lambda: self._run_id)
        layout.addWidget(self.error_slices, 3, 0, 1, 2)
        return page

    # Public surface

    def refresh(self) -> None:
        """Recompute now (on a worker)."""
        self.refresher.run_now()

    def has_result(self) -> bool:
        """True once something was computed."""
        return self.data is not None and not self.refresher.busy

    def set_run(self, run_id: int) -> bool:
        """Diagnose another model run; False if it is not listed."""
        index = self.run_box.findData(run_id)
        if index < 0:
            return False
        self.run_box.setCurrentIndex(index)
        self._on_run_picked(index)
        return True

    def open_slice_item(self, tree: SliceList, row: int) -> bool:
        """Open a false positive or negative in the canvas, its object selected."""
        entry = tree.entry(row)
        if entry is None:
            return False
        image_id = int(entry["image_id"])
        if image_id != self.controller.image_id:
            self.workspace.focusImageRequested.emit(image_id)
        if "prediction_id" in entry:
            key = ShapeKey("prediction", int(entry["prediction_id"]))
        else:
            key = ShapeKey("annotation", int(entry["annotation_id"]))
        self.controller.view.select(key)
        return self.controller.image_id == image_id

    def shutdown(self) -> None:
        """Stop the worker (the window is closing)."""
        self.refresher.shutdown()
        self.compare_view.shutdown()
        self.vendor_tabs.shutdown()

    # Updates

    def _on_run_picked(self, index: int) -> None:
        run_id = self.run_box.itemData(index)
        if run_id is not None and run_id != self._run_id:
            self._run_id = int(run_id)
            self.refresh()

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.status_label.setText(self.tr("Computing agreement and model metrics…"))

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.status_label.setText(
            self.tr("Could not compute the QA figures: {message}").format(message=message)
        )

    def _on_result(self, data: QaData) -> None:
        self.error = None
        self.data = data
        self._run_id = data.run_id
        self._update_runs(data)
        self._show_agreement(data.agreement)
        self._show_diagnosis(data)
        stamp = time.strftime("%H:%M:%S", time.localtime(data.computed_at))
        self.status_label.setText(
            self.tr("Updated {time} · recomputed when labels change").format(time=stamp)
        )

    def _update_runs(self, data: QaData) -> None:
        box = self.run_box
        box.blockSignals(True)
        box.clear()
        if not data.runs:
            box.addItem(self.tr("No model run yet"), None)
        for run_id, label in data.runs:
            box.addItem(label, run_id)
        box.setCurrentIndex(max(0, box.findData(data.run_id)))
        box.blockSignals(False)

    # Agreement

    def _show_agreement(self, report: dict[str, Any]) -> None:
        objects = report.get("objects") or {}
        names = ", ".join(report.get("annotators", []))
        people = html.escape(names) if names else self.tr("nobody yet")
        compared = report.get("images_compared", 0)
        parts = [f"<b>{people}</b>", self.tr("%n images compared", "", compared)]
        if objects:
            parts += [
                self.tr("object F1 {value}").format(
                    value=f"<b>{_fmt(_value(objects.get('f1')))}</b>"
                ),
                self.tr("Krippendorff's α {value}").format(
                    value=f"<b>{_fmt(_value(objects.get('krippendorff_alpha')))}</b>"
                ),
                self.tr("mean IoU {value}").format(
                    value=f"<b>{_fmt(_value(objects.get('mean_iou')))}</b>"
                ),
            ]
        self.summary.setText(" · ".join(parts))
        per_class = objects.get("per_class", [])
        self._bars("class_f1", [(c["class"], _value(c.get("f1"))) for c in per_class])
        self._bars("class_iou", [(c["class"], _value(c.get("mean_iou"))) for c in per_class])
        self._bars(
            "person_f1",
            [(p["name"], _value(p["vs_consensus"].get("f1"))) for p in report.get("people", [])],
        )
        versions = report.get("guideline_versions", [])
        self._bars("version_f1", [(v["guideline_version"], _value(v.get("f1"))) for v in versions])
        self._trend([(w["week"], _value(w.get("f1"))) for w in report.get("weeks", [])])
        tags = report.get("tags") or {}
        self._bars(
            "tag_kappa",
            [(t["class"], _value(t.get("fleiss_kappa"))) for t in tags.get("per_class", [])],
            empty=self.tr("This project has no image-level tag classes."),
        )

    def _bars(
        self,
        name: str,
        bars: list[tuple[str, float | None]],
        empty: str = "",
    ) -> None:
        empty = empty or self.tr("Nothing to compare yet: two people must label the same images.")
        card = self.cards[name]
        if not bars or all(v is None for _, v in bars):
            card.show_empty(empty)
            return
        card.show_chart(
            bar_chart(bars, card.title.text(), width=CHART_WIDTH, missing=chart_word("n/a"))
        )

    def _trend(self, weeks: list[tuple[str, float | None]]) -> None:
        card = self.cards["week_f1"]
        points = [(w, v) for w, v in weeks if v is not None]
        if len(points) < 2:
            self._bars("week_f1", weeks)
            if points:
                card.note.setText(
                    self.tr("One week of labels so far: the trend line starts next week.")
                )
                card.note.setVisible(True)
            return
        xs = [i / (len(points) - 1) for i in range(len(points))]
        svg = line_chart(
            [("F1", xs, [v for _, v in points])],
            card.title.text(),
            x_label=f"{points[0][0]} → {points[-1][0]}",
            y_label="F1",
            width=CHART_WIDTH,
            height=240,
        )
        card.show_chart(svg)

    # Model

    def _show_diagnosis(self, data: QaData) -> None:
        diagnosis = data.diagnosis
        if diagnosis is None:
            reason = data.diagnosis_error or self.tr(
                "No finished model run yet: pre-label images (File ▸ Pre-label all new images) "
                "to see the model's precision, recall and errors here."
            )
            self.model_summary.setText(reason)
            for name in ("class_ap", "confusion", "pr50", "pr75"):
                self.cards[name].show_empty(self.tr("No model diagnosis."))
            self.false_positives.set_items([])
            self.false_negatives.set_items([])
            self.fp_title.setText(self.tr("False positives"))
            self.fn_title.setText(self.tr("False negatives"))
            return
        self._model_summary(diagnosis)
        self._bars(
            "class_ap",
            [(c["class"], c.get("ap")) for c in diagnosis.get("per_class", [])],
            empty=self.tr("No class has truth objects on the images the run covered."),
        )
        matrix = diagnosis.get("confusion_matrix") or {}
        card = self.cards["confusion"]
        if matrix.get("labels"):
            axes = (chart_word("truth"), chart_word("predicted"))
            labels = matrix_labels(matrix["labels"])
            card.show_chart(heatmap(labels, matrix["matrix"], card.title.text(), axes))
        else:
            card.show_empty(self.tr("No objects to compare."))
        for name, iou in (("pr50", 0.5), ("pr75", 0.75)):
            curves = [c for c in diagnosis.get("pr_curves", []) if c["iou"] == iou]
            series = [(c["class"], c["recall"], c["precision"]) for c in curves]
            if series:
                svg = line_chart(
                    series,
                    self.cards[name].title.text(),
                    x_label=chart_word("recall"),
                    y_label=chart_word("precision"),
                    width=CHART_WIDTH,
                )
                self.cards[name].show_chart(svg)
            else:
                self.cards[name].show_empty(
                    self.tr("No truth objects on the images the run covered.")
                )
        self._slices(diagnosis)

    def _model_summary(self, diagnosis: dict[str, Any]) -> None:
        run = diagnosis.get("run", {})
        metrics = diagnosis.get("metrics", {})
        shown = [("AP", "AP"), ("AP50", "AP50"), ("AP75", "AP75"), ("AR100", "AR@100")]
        numbers = " · ".join(f"{label} <b>{_fmt(metrics.get(key), 3)}</b>" for key, label in shown)
        model = html.escape(str(run.get("model", "?")))
        text = self.tr(
            "{model} (run #{id}) on {images} image(s){left_out}, {truth} truth objects, "
            "{predictions} predictions"
        ).format(
            model=f"<b>{model}</b>",
            id=run.get("id"),
            images=diagnosis.get("images", 0),
            left_out=html.escape(_left_out_text(diagnosis)),
            truth=diagnosis.get("truth_objects", 0),
            predictions=diagnosis.get("predictions", 0),
        )
        truth = self.tr("Truth: {truth}").format(
            truth=html.escape(_word(str(diagnosis.get("truth", ""))))
        )
        self.model_summary.setText(
            f"{text} · {numbers}<br><span style='color:#9aa0a8'>{truth}</span>"
        )

    def _slices(self, diagnosis: dict[str, Any]) -> None:
        for tree, title, key, name in (
            (self.false_positives, self.fp_title, "false_positives", self.tr("False positives")),
            (self.false_negatives, self.fn_title, "false_negatives", self.tr("False negatives")),
        ):
            part = diagnosis.get(key) or {}
            items = part.get("items", [])
            tree.set_items(items)
            reasons = ", ".join(f"{n} {_word(r)}" for r, n in part.get("by_reason", {}).items())
            shown = (
                self.tr(" (first {count})").format(count=len(items))
                if len(items) < part.get("total", 0)
                else ""
            )
            title.setText(
                f"{name}: {part.get('total', 0)}{shown}" + (f" — {reasons}" if reasons else "")
            )


def _left_out_text(diagnosis: dict[str, Any]) -> str:
    """The note ' (left out: not answered by anyone 3)' when some images were not evaluated."""
    left = diagnosis.get("images_left_out") or {}
    if not left:
        return ""
    listed = ", ".join(f"{_word(k)} {v}" for k, v in sorted(left.items()))
    return QCoreApplication.translate("qa_view", " (left out: {listed})").format(listed=listed)
