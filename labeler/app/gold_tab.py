"""The QA view's gold tab: everyone's score on gold images, and the worst answers one click away.

:func:`compute_gold` runs :func:`labeler.core.gold.gold_report` on a worker with its own
project connection; :class:`GoldTab` shows its ``to_dict()`` form: a row per person
(F1, mean IoU, class accuracy, empty answers) and the worst items. Double-click (or
Enter) on an item opens its image in the canvas.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.charts import BackgroundRefresh
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workspace import Workspace
from labeler.core.domain import Role
from labeler.core.events import Change, Entity
from labeler.core.gold import gold_report
from labeler.core.gold_edits import MarkGold
from labeler.core.progress import Progress
from labeler.core.store import Project

WORST_SHOWN = 200
WATCHED = frozenset(
    {Entity.ANNOTATION, Entity.ANSWER, Entity.GOLD, Entity.REVIEW, Entity.PACKAGE, Entity.CLASS}
)


def compute_gold(path: Path, progress: Progress | None = None) -> dict[str, Any]:
    """The gold report of the project at ``path`` (JSON-ready)."""
    with Project.open(path) as project:
        report = gold_report(project).to_dict()
    if progress is not None:
        progress.check()
    report["items"] = report["items"][:WORST_SHOWN]
    return report


def metric_text(metric: Any, digits: int = 3) -> str:
    """A metric dict's value as text (``n/a`` when undefined)."""
    value = metric.get("value") if isinstance(metric, dict) else metric
    if value is None:
        return QCoreApplication.translate("GoldTab", "n/a")
    return f"{float(value):.{digits}f}"


def _tree(columns: tuple[str, ...]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(list(columns))
    tree.setRootIsDecorated(False)
    tree.setAlternatingRowColors(True)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    return tree


class GoldTab(QWidget):
    """Gold scores per person and the worst gold answers, kept current."""

    summary: QLabel  # made after the refresher, whose failure it shows

    PEOPLE = (
        QT_TRANSLATE_NOOP("GoldTab", "Person"),
        QT_TRANSLATE_NOOP("GoldTab", "Vendor"),
        QT_TRANSLATE_NOOP("GoldTab", "Items"),
        QT_TRANSLATE_NOOP("GoldTab", "F1"),
        QT_TRANSLATE_NOOP("GoldTab", "Mean IoU"),
        QT_TRANSLATE_NOOP("GoldTab", "Class acc."),
        QT_TRANSLATE_NOOP("GoldTab", "Empty ok"),
        QT_TRANSLATE_NOOP("GoldTab", "False empty"),
    )
    ITEMS = (
        QT_TRANSLATE_NOOP("GoldTab", "Score"),
        QT_TRANSLATE_NOOP("GoldTab", "Person"),
        QT_TRANSLATE_NOOP("GoldTab", "Image"),
        QT_TRANSLATE_NOOP("GoldTab", "Reference"),
        QT_TRANSLATE_NOOP("GoldTab", "Answered"),
        QT_TRANSLATE_NOOP("GoldTab", "Matched"),
        QT_TRANSLATE_NOOP("GoldTab", "Guideline"),
    )

    def __init__(self, workspace: Workspace, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.data: dict[str, Any] | None = None
        path = workspace.project.path
        self.refresher = BackgroundRefresh(lambda p: compute_gold(path, p), "gold", 1500, self)
        self.refresher.resultReady.connect(self._on_result)
        self.refresher.failed.connect(lambda message: self.summary.setText(message))
        self.summary = QLabel(self.tr("Not computed yet"))
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)  # names are user text
        self.people = _tree(tuple(self.tr(c) for c in self.PEOPLE))
        self.items = _tree(tuple(self.tr(c) for c in self.ITEMS))
        self.items.itemActivated.connect(
            lambda item, _column: self.open_item(self.items.indexOfTopLevelItem(item))
        )
        hint = QLabel(self.tr("Worst answers first. Double-click (or Enter) opens the image."))
        hint.setObjectName("secondaryText")
        self.mark_button = QPushButton(self.tr("Mark this image gold"))
        self.mark_button.setToolTip(self.tr("Its reviewed labels become the reference (QA leads)"))
        self.mark_button.clicked.connect(lambda: self.mark_current(True))
        self.unmark_button = QPushButton(self.tr("Unmark gold"))
        self.unmark_button.clicked.connect(lambda: self.mark_current(False))
        buttons = QHBoxLayout()
        buttons.addWidget(self.summary, 1)
        buttons.addWidget(self.mark_button)
        buttons.addWidget(self.unmark_button)
        for button in (self.mark_button, self.unmark_button):
            button.setVisible(workspace.person.role is Role.QA_LEAD)
        layout = QVBoxLayout(self)
        layout.addLayout(buttons)
        layout.addWidget(self.people, 1)
        layout.addWidget(hint)
        layout.addWidget(self.items, 2)
        workspace.changed.connect(self._on_change)
        self.refresher.follow(self, workspace.changed, WATCHED)
        workspace.imageChanged.connect(lambda _image: self._update_buttons())
        self._update_buttons()

    def mark_current(self, gold: bool = True) -> bool:
        """Mark (or unmark) the image on the canvas as gold, undoably; False if refused."""
        image_id = self.workspace.current_image_id
        if image_id is None:
            return False
        done = self.workspace.execute(MarkGold(image_id, self.workspace.person.id, gold))
        return done is not None

    def _update_buttons(self) -> None:
        image_id = self.workspace.current_image_id
        gold = image_id is not None and self.workspace.project.gold_image(image_id) is not None
        self.mark_button.setEnabled(image_id is not None)
        self.mark_button.setText(
            self.tr("Refresh gold reference") if gold else self.tr("Mark this image gold")
        )
        self.unmark_button.setEnabled(gold)

    def refresh(self) -> None:
        """Recompute now (on a worker)."""
        self.refresher.run_now()

    def has_result(self) -> bool:
        """True once something was computed and nothing is under way."""
        return self.data is not None and not self.refresher.busy

    def open_item(self, row: int) -> bool:
        """Open the image of a worst-items row in the canvas; False for no such row."""
        item = self.items.topLevelItem(row)
        if item is None:
            return False
        self.workspace.focusImageRequested.emit(int(item.data(0, Qt.ItemDataRole.UserRole)))
        return True

    def shutdown(self) -> None:
        """Stop the worker (the window is closing)."""
        self.refresher.shutdown()

    def _on_change(self, change: Change) -> None:
        if change.entity is Entity.GOLD:
            self._update_buttons()

    def _on_result(self, data: dict[str, Any]) -> None:
        self.data = data
        overall = data["overall"]
        self.summary.setText(
            self.tr(
                "{0} gold images · {1} answers scored · F1 {2} · mean IoU {3} · "
                "empty answers right {4}/{5}"
            ).format(
                data["gold_images"],
                overall["items"],
                metric_text(overall["f1"]),
                metric_text(overall["mean_iou"]),
                overall["empty_correct"],
                overall["empty_gold"],
            )
        )
        self.people.clear()
        for row in data["people"]:
            self.people.addTopLevelItem(
                QTreeWidgetItem(
                    [
                        row["person"],
                        row["organization"] or "",
                        str(row["items"]),
                        metric_text(row["f1"]),
                        metric_text(row["mean_iou"]),
                        metric_text(row["class_accuracy"]),
                        f"{row['empty_correct']}/{row['empty_gold']}",
                        str(row["false_empty"]),
                    ]
                )
            )
        self.items.clear()
        for entry in data["items"]:
            item = QTreeWidgetItem(
                [
                    f"{entry['score']:.3f}",
                    entry["person"],
                    Path(entry["image"]).name,
                    str(entry["reference_objects"]),
                    str(entry["answered_objects"]),
                    str(entry["matched"]),
                    entry["guideline"],
                ]
            )
            item.setData(0, Qt.ItemDataRole.UserRole, entry["image_id"])
            item.setToolTip(2, entry["image"])
            self.items.addTopLevelItem(item)
