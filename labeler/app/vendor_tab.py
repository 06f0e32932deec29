"""The QA view's vendor scorecard tab (and the hook that adds it and the gold tab).

:func:`compute_scorecard` runs :func:`labeler.core.vendor_scorecard.vendor_scorecard`
on a worker with its own project connection; :class:`VendorTab` shows a row per
vendor batch and two of the HTML report's SVG charts (gold F1 and the share of reviewed
objects accepted, per batch in the order sent). :func:`add_vendor_tabs` is the one call
the QA view makes.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.charts import BackgroundRefresh, ChartCard, chart_word
from labeler.app.gold_tab import GoldTab
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workspace import Workspace
from labeler.core.events import Entity
from labeler.core.progress import Progress
from labeler.core.report.svg import bar_chart
from labeler.core.store import Project
from labeler.core.vendor_scorecard import IN_HOUSE, vendor_scorecard

if TYPE_CHECKING:
    from labeler.app.qa_view import QaView

CHART_WIDTH = 440
WATCHED = frozenset(
    {
        Entity.ANNOTATION,
        Entity.ANSWER,
        Entity.ASSIGNMENT,
        Entity.GOLD,
        Entity.PACKAGE,
        Entity.PROJECT,
        Entity.QUESTION,
        Entity.REVIEW,
    }
)
# (header, scorecard key); headers in English, shown through self.tr.
COLUMNS = (
    (QT_TRANSLATE_NOOP("VendorTab", "Vendor"), "vendor"),
    (QT_TRANSLATE_NOOP("VendorTab", "Batch"), "batch"),
    (QT_TRANSLATE_NOOP("VendorTab", "Sent"), "images_sent"),
    (QT_TRANSLATE_NOOP("VendorTab", "Delivered"), "images_delivered"),
    (QT_TRANSLATE_NOOP("VendorTab", "Objects"), "objects_delivered"),
    (QT_TRANSLATE_NOOP("VendorTab", "Accepted"), "accepted"),
    (QT_TRANSLATE_NOOP("VendorTab", "Rejected"), "rejected"),
    (QT_TRANSLATE_NOOP("VendorTab", "Fixed"), "fixed"),
    (QT_TRANSLATE_NOOP("VendorTab", "Gold F1"), "gold_f1"),
    (QT_TRANSLATE_NOOP("VendorTab", "Agreement F1"), "agreement_f1"),
    (QT_TRANSLATE_NOOP("VendorTab", "Median s/image"), "median_seconds_per_image"),
    (QT_TRANSLATE_NOOP("VendorTab", "Questions"), "questions_asked"),
    (QT_TRANSLATE_NOOP("VendorTab", "Cost"), "cost"),
    (QT_TRANSLATE_NOOP("VendorTab", "Cost/accepted"), "cost_per_accepted_object"),
    (QT_TRANSLATE_NOOP("VendorTab", "Gold trend"), "trend.gold_f1"),
    (QT_TRANSLATE_NOOP("VendorTab", "Accepted trend"), "trend.acceptance"),
)


def compute_scorecard(path: Path, progress: Progress | None = None) -> dict[str, Any]:
    """The vendor scorecard of the project at ``path`` (JSON-ready)."""
    with Project.open(path) as project:
        card = vendor_scorecard(project).to_dict()
    if progress is not None:
        progress.check()
    return card


def vendor_name(vendor: str) -> str:
    """A vendor as shown: its organization's name, or "in-house" in the user's language."""
    return QCoreApplication.translate("VendorTab", "in-house") if vendor == IN_HOUSE else vendor


def cell_text(batch: dict[str, Any], key: str) -> str:
    """What one scorecard cell shows."""
    if key == "vendor":
        return vendor_name(batch["vendor"])
    if key.startswith("trend."):
        value = batch["trend"].get(key.split(".", 1)[1])
        return "—" if value is None else f"{value:+.2f}"
    value = batch.get(key)
    if value is None:
        return "—"
    if key in ("cost", "cost_per_accepted_object"):
        return f"{value:,.0f} {batch.get('currency') or ''}".strip()
    if isinstance(value, float):
        return f"{value:.3f}" if key.endswith("f1") else f"{value:.1f}"
    return str(value)


class VendorTab(QWidget):
    """The scorecard table and its charts, kept current as work comes back and is reviewed."""

    summary: QLabel  # made after the refresher, whose failure it shows

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.data: dict[str, Any] | None = None
        path = workspace.project.path
        self.refresher = BackgroundRefresh(
            lambda p: compute_scorecard(path, p), self.tr("vendor scorecard"), 1500, self
        )
        self.refresher.resultReady.connect(self._on_result)
        self.refresher.failed.connect(lambda message: self.summary.setText(message))
        self.summary = QLabel(self.tr("Not computed yet"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # names are user text
        self.table = QTableWidget(0, len(COLUMNS))
        self.table.setHorizontalHeaderLabels([self.tr(title) for title, _ in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setAlternatingRowColors(True)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.gold_card = ChartCard(self.tr("Gold F1 per batch (in the order sent)"))
        self.accept_card = ChartCard(self.tr("Share of reviewed objects accepted per batch"))
        charts = QHBoxLayout()
        charts.addWidget(self.gold_card)
        charts.addWidget(self.accept_card)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.table, 1)
        layout.addLayout(charts)
        self.refresher.follow(self, workspace.changed, WATCHED)

    def refresh(self) -> None:
        """Recompute now (on a worker)."""
        self.refresher.run_now()

    def has_result(self) -> bool:
        """True once something was computed and nothing is under way."""
        return self.data is not None and not self.refresher.busy

    def shutdown(self) -> None:
        """Stop the worker (the window is closing)."""
        self.refresher.shutdown()

    def _on_result(self, data: dict[str, Any]) -> None:
        self.data = data
        batches = data["batches"]
        vendors = sorted({vendor_name(b["vendor"]) for b in batches})
        if vendors:
            text = self.tr("{0} batches from {1} vendors ({2})").format(
                len(batches), len(vendors), ", ".join(vendors)
            )
        else:
            text = self.tr("No vendor batch yet: export a package or assign a batch")
        self.summary.setText(text)
        self.table.setRowCount(len(batches))
        for row, batch in enumerate(batches):
            for column, (_title, key) in enumerate(COLUMNS):
                self.table.setItem(row, column, QTableWidgetItem(cell_text(batch, key)))
        labels = [f"{vendor_name(b['vendor'])} · {b['batch']}" for b in batches]
        for card, key in ((self.gold_card, "gold_f1"), (self.accept_card, "acceptance")):
            bars = [(label, b.get(key)) for label, b in zip(labels, batches, strict=True)]
            if any(v is not None for _, v in bars):
                missing = chart_word("n/a")
                card.show_chart(
                    bar_chart(bars, card.title.text(), width=CHART_WIDTH, missing=missing)
                )
            else:
                card.show_empty(self.tr("No batch has a figure here yet."))


@dataclass
class VendorTabs:
    """The two tabs the hook added to the QA view."""

    scorecard: VendorTab
    gold: GoldTab

    def shutdown(self) -> None:
        """Stop both workers."""
        self.scorecard.shutdown()
        self.gold.shutdown()


def add_vendor_tabs(view: QaView) -> VendorTabs:
    """Add the "Vendors" and "Gold" tabs to the QA view; returns them."""
    tabs = VendorTabs(VendorTab(view.workspace), GoldTab(view.workspace))
    view.tabs.addTab(tabs.scorecard, QCoreApplication.translate("QaView", "Vendors"))
    view.tabs.addTab(tabs.gold, QCoreApplication.translate("QaView", "Gold"))
    return tabs
