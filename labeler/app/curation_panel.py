"""Curation results and adjudication: duplicates, unsuitable images, label errors, class balance.

:func:`compute_curation` runs :func:`labeler.core.curation.curate_project` and
:func:`labeler.core.consensus.project_consensus` on a worker with its own
project connection. The :class:`CurationPanel` lists every result (each one
opens in the canvas) and the consensus clusters that reached no quorum; the
QA lead adjudicates one by accepting the annotation that wins, stored as an
``accept`` review (the consensus then takes that annotation as the answer).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSplitter,
    QTabWidget,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from labeler.app.canvas.controller import CanvasController
from labeler.app.charts import BackgroundRefresh, ChartCard
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.slice_controls import SaveShownAsSlice
from labeler.app.workspace import Workspace
from labeler.core.commands import ReviewAnnotation
from labeler.core.consensus import FINAL_LABELS, project_consensus
from labeler.core.curation import curate_project
from labeler.core.domain import ReviewDecision, Role
from labeler.core.errors import LabelerError
from labeler.core.events import Entity
from labeler.core.progress import Progress
from labeler.core.report.svg import bar_chart
from labeler.core.store import Project
from labeler.core.tools import ShapeKey

ADJUDICATION_REASON = QT_TRANSLATE_NOOP(  # stored with the review, in the adjudicator's language
    "CurationPanel", "adjudicated: the annotators' consensus reached no quorum"
)
_WATCHED = frozenset({Entity.ANNOTATION, Entity.REVIEW, Entity.CLASS})
# Kinds and check names of the curation report, by their value in the core's report.
_REPORT_WORDS = {
    "exact": QT_TRANSLATE_NOOP("curation_panel", "exact"),
    "near": QT_TRANSLATE_NOOP("curation_panel", "near"),
    "too_small": QT_TRANSLATE_NOOP("curation_panel", "too small"),
    "odd_aspect": QT_TRANSLATE_NOOP("curation_panel", "odd aspect ratio"),
    "unreadable": QT_TRANSLATE_NOOP("curation_panel", "unreadable"),
    "blurry": QT_TRANSLATE_NOOP("curation_panel", "blurry"),
    "dark": QT_TRANSLATE_NOOP("curation_panel", "dark"),
    "overexposed": QT_TRANSLATE_NOOP("curation_panel", "overexposed"),
    "overlooked": QT_TRANSLATE_NOOP("curation_panel", "overlooked"),
    "swapped": QT_TRANSLATE_NOOP("curation_panel", "swapped"),
    "bad_location": QT_TRANSLATE_NOOP("curation_panel", "bad location"),
}


def _word(value: str) -> str:
    """A report kind or check name in the user's language (unknown values as they are)."""
    source = _REPORT_WORDS.get(value)
    return (
        QCoreApplication.translate("curation_panel", source) if source else value.replace("_", " ")
    )


@dataclass(frozen=True)
class Candidate:
    """One annotation of an unresolved cluster: a choice for the adjudicator."""

    annotation_id: int
    class_name: str
    annotator: str


@dataclass(frozen=True)
class UnresolvedEntry:
    """A cluster without quorum, with its candidates and what the vote was."""

    image_id: int
    image_name: str
    candidates: tuple[Candidate, ...]
    votes: str
    required: int
    why: str  # "a tie" or "needs 2 votes"


@dataclass
class CurationData:
    """What the panel shows. ``report`` is None when only the consensus was recomputed."""

    report: dict[str, Any] | None
    unresolved: list[UnresolvedEntry] = field(default_factory=list)
    image_names: dict[int, str] = field(default_factory=dict)
    class_names: dict[int, str] = field(default_factory=dict)


def compute_curation(path: Path, checks: bool, progress: Progress | None = None) -> CurationData:
    """Every curation check (when ``checks``) and the clusters left to adjudicate."""
    progress = progress or Progress()
    with Project.open(path) as project:
        report = curate_project(project, progress=progress).to_dict() if checks else None
        names = {i.id: PurePosixPath(i.path).name for i in project.images()}
        classes = {c.id: c.name for c in project.classes()}
        people = {p.id: p.name for p in project.people()}
        annotations = {a.id: a for a in project.annotations()}
        entries = []
        for image_id, consensus in project_consensus(project, FINAL_LABELS).items():
            for cluster in consensus.unresolved:
                candidates = tuple(
                    Candidate(
                        a,
                        classes.get(annotations[a].class_id, "?"),
                        people.get(annotations[a].annotator_id, "?"),
                    )
                    for a in cluster.annotation_ids
                    if a in annotations
                )
                votes = " · ".join(f"{classes.get(c, '?')} {n}" for c, n in cluster.votes)
                ranked = [n for _, n in cluster.votes]
                tied = len(ranked) > 1 and ranked[0] == ranked[1]
                why = (
                    QCoreApplication.translate("curation_panel", "a tie")
                    if tied
                    else QCoreApplication.translate("curation_panel", "needs {count} votes").format(
                        count=cluster.required
                    )
                )
                entries.append(
                    UnresolvedEntry(
                        image_id,
                        names.get(image_id, str(image_id)),
                        candidates,
                        votes,
                        cluster.required,
                        why,
                    )
                )
    return CurationData(report, entries, names, classes)


def _tree(columns: list[str]) -> QTreeWidget:
    tree = QTreeWidget()
    tree.setHeaderLabels(columns)
    tree.setAlternatingRowColors(True)
    tree.header().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    tree.header().setStretchLastSection(True)
    return tree


def _row(texts: list[str], image_id: int, shape: ShapeKey | None = None) -> QTreeWidgetItem:
    item = QTreeWidgetItem(texts)
    item.setData(0, Qt.ItemDataRole.UserRole, (image_id, shape))
    return item


class CurationPanel(QWidget):
    """Curation results (each opens in the canvas) and the adjudication of unresolved clusters."""

    def __init__(
        self,
        workspace: Workspace,
        controller: CanvasController,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.controller = controller
        self.data: CurationData | None = None
        self.error: str | None = None
        self.dock: QDockWidget | None = None
        self._checks = True  # read by the worker: run every check, or only the consensus
        path = workspace.project.path
        self.refresher = BackgroundRefresh(
            lambda progress: compute_curation(path, self._checks, progress),
            self.tr("curation checks"),
            800,
            self,
        )
        self.refresher.resultReady.connect(self._on_result)
        self.refresher.failed.connect(self._on_failed)
        self.refresher.busyChanged.connect(self._on_busy)
        self._build()
        self.refresher.follow(self, workspace.changed, _WATCHED)

    # Construction

    def _build(self) -> None:
        run = QPushButton(self.tr("Run all checks"))
        run.setToolTip(self.tr("Duplicates, image quality, likely label errors, class balance"))
        run.clicked.connect(self.run_checks)
        self.status_label = QLabel(self.tr("Not run yet"))
        self.status_label.setObjectName("secondaryText")
        self.status_label.setWordWrap(True)
        top = QHBoxLayout()
        top.addWidget(run)
        top.addWidget(self.status_label, 1)
        self.tabs = QTabWidget()
        self.tabs.addTab(self._adjudication_page(), self.tr("Adjudicate"))
        self.duplicates = _tree([self.tr("Duplicates"), self.tr("Images"), self.tr("Keep")])
        self.quality = _tree([self.tr("Image"), self.tr("Check"), self.tr("Why")])
        self.label_errors = _tree(
            [
                self.tr("Image"),
                self.tr("Kind"),
                self.tr("Labeled"),
                self.tr("Model says"),
                self.tr("Score"),
            ]
        )
        self.balance = ChartCard(self.tr("Objects per class in the final labels"))
        for tree, title in (
            (self.duplicates, self.tr("Duplicates")),
            (self.quality, self.tr("Unsuitable images")),
            (self.label_errors, self.tr("Label errors")),
        ):
            tree.itemActivated.connect(lambda item, _c: self._open_item(item))
            self.tabs.addTab(tree, title)
        self.tabs.addTab(self.balance, self.tr("Class balance"))
        self.save_slice = SaveShownAsSlice(
            self.workspace, self.listed_images, lambda: self.tabs.tabText(self.tabs.currentIndex())
        )
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.save_slice)

    def listed_images(self) -> list[int]:
        """The images the current tab lists (duplicates, unsuitable images, label errors)."""
        tree = self.tabs.currentWidget()
        if tree not in (self.duplicates, self.quality, self.label_errors):
            return []
        found = []
        items = [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
        while items:
            item = items.pop()
            if item is None:
                continue
            data = item.data(0, Qt.ItemDataRole.UserRole)
            if isinstance(data, tuple):
                found.append(int(data[0]))
            items += [item.child(i) for i in range(item.childCount())]
        return found

    def _adjudication_page(self) -> QWidget:
        self.clusters = QListWidget()
        self.clusters.currentRowChanged.connect(self._on_cluster)
        self.candidates = QListWidget()
        self.candidates.currentRowChanged.connect(self._on_candidate)
        self.accept_button = QPushButton(self.tr("Accept this one (Enter)"))
        self.accept_button.clicked.connect(self.accept_current)
        self.candidates.itemActivated.connect(lambda _item: self.accept_current())
        may = self.workspace.person.role in (Role.REVIEWER, Role.QA_LEAD)
        self.accept_button.setEnabled(may)
        if not may:
            self.accept_button.setToolTip(self.tr("Only reviewers and QA leads adjudicate"))
        hint = QLabel(
            self.tr(
                "Clusters the annotators split on without a quorum. Pick the annotation that is "
                "right: it is stored as an accepting review and wins its cluster."
            )
        )
        hint.setObjectName("secondaryText")
        hint.setWordWrap(True)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(0, 0, 0, 0)
        right_layout.addWidget(QLabel(self.tr("Candidates")))
        right_layout.addWidget(self.candidates, 1)
        right_layout.addWidget(self.accept_button)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.clusters)
        splitter.addWidget(right)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.addWidget(hint)
        layout.addWidget(splitter, 1)
        return page

    # Public surface

    def run_checks(self) -> None:
        """Run every check now (on a worker)."""
        self._checks = True
        self.refresher.run_now()

    def unresolved(self) -> list[UnresolvedEntry]:
        """The clusters left to adjudicate."""
        return list(self.data.unresolved) if self.data is not None else []

    def has_result(self) -> bool:
        """True once the checks ran (and nothing is under way)."""
        return self.data is not None and self.data.report is not None and not self.refresher.busy

    def select_cluster(self, row: int) -> bool:
        """Pick an unresolved cluster: opens its image, lists its candidates."""
        if not 0 <= row < self.clusters.count():
            return False
        self.clusters.setCurrentRow(row)
        return True

    def accept_candidate(self, row: int) -> bool:
        """Adjudicate the picked cluster: the candidate at ``row`` wins (an accept review)."""
        if not 0 <= row < self.candidates.count():
            return False
        self.candidates.setCurrentRow(row)
        return self.accept_current()

    def accept_current(self) -> bool:
        """Store an accepting review of the picked candidate; False (with a message) if refused."""
        entry = self.candidates.currentItem()
        candidate = entry.data(Qt.ItemDataRole.UserRole) if entry is not None else None
        if not isinstance(candidate, Candidate) or not self.accept_button.isEnabled():
            return False
        person = self.workspace.person
        cluster = self.clusters.currentItem()
        entry = cluster.data(Qt.ItemDataRole.UserRole) if cluster is not None else None
        image_id = entry.image_id if isinstance(entry, UnresolvedEntry) else 0
        try:  # the role, explained before the edit (the core refuses an unread guideline)
            self.workspace.project.check_can(person.id, "review")
        except LabelerError as exc:
            self.workspace.errorRaised.emit(
                self.tr("Could not adjudicate: {error}").format(error=exc)
            )
            return False
        decision = ReviewAnnotation(
            image_id,
            candidate.annotation_id,
            person.id,
            ReviewDecision.ACCEPT.value,
            reason=self.tr(ADJUDICATION_REASON),
        )
        if self.workspace.execute(decision) is None:  # undoable like any edit
            return False
        self.status_label.setText(
            self.tr("Accepted {name} by {annotator} (#{id})").format(
                name=candidate.class_name, annotator=candidate.annotator, id=candidate.annotation_id
            )
        )
        return True

    def shutdown(self) -> None:
        """Stop the worker (the window is closing)."""
        self.refresher.shutdown()

    # Results

    def _on_busy(self, busy: bool) -> None:
        if busy:
            self.status_label.setText(
                self.tr("Running the checks…")
                if self._checks
                else self.tr("Updating the consensus…")
            )

    def _on_failed(self, message: str) -> None:
        self.error = message
        self.status_label.setText(
            self.tr("Could not run the checks: {message}").format(message=message)
        )

    def _on_result(self, data: CurationData) -> None:
        self.error = None
        report = data.report or (self.data.report if self.data is not None else None)
        self.data = CurationData(report, data.unresolved, data.image_names, data.class_names)
        self._checks = False  # later refreshes (after reviews and edits) recompute the consensus
        self._show_unresolved(data.unresolved)
        if report is not None:
            self._show_report(report)

    def _show_unresolved(self, entries: list[UnresolvedEntry]) -> None:
        previous = self.clusters.currentRow()
        self.clusters.blockSignals(True)
        self.clusters.clear()
        for entry in entries:
            item = QListWidgetItem(f"{entry.image_name}: {entry.votes} ({entry.why})")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.clusters.addItem(item)
        self.clusters.blockSignals(False)
        self.tabs.setTabText(0, self.tr("Adjudicate ({count})").format(count=len(entries)))
        if entries:
            self.clusters.setCurrentRow(min(max(previous, 0), len(entries) - 1))
        else:
            self.candidates.clear()

    def _image_name(self, image_id: int) -> str:
        names = self.data.image_names if self.data is not None else {}
        return names.get(image_id, str(image_id))

    def _show_report(self, report: dict[str, Any]) -> None:
        clusters = report["duplicates"]["clusters"]
        issues = report["quality"]["issues"]
        errors = report["label_errors"]["issues"]
        self._fill_duplicates(clusters)
        self._fill_quality(issues)
        self._fill_label_errors(errors)
        counts = (
            (self.tr("Duplicates"), len(clusters)),
            (self.tr("Unsuitable images"), len({i["image_id"] for i in issues})),
            (self.tr("Label errors"), len(errors)),
        )
        for index, (title, count) in enumerate(counts, start=1):
            self.tabs.setTabText(index, f"{title} ({count})")
        self._show_balance(report["class_balance"])
        self.status_label.setText(
            self.tr(
                "{images} images checked · {groups} duplicate groups · {errors} likely label errors"
            ).format(images=report["images"], groups=len(clusters), errors=len(errors))
        )

    def _fill_duplicates(self, clusters: list[dict[str, Any]]) -> None:
        self.duplicates.clear()
        for cluster in clusters:
            ids, keep = cluster["image_ids"], cluster["keep"]
            parent = _row([_word(cluster["kind"]), str(len(ids)), self._image_name(keep)], keep)
            for image_id in ids:
                verdict = self.tr("keep") if image_id == keep else self.tr("drop")
                parent.addChild(_row([self._image_name(image_id), "", verdict], image_id))
            self.duplicates.addTopLevelItem(parent)
        self.duplicates.expandAll()

    def _fill_quality(self, issues: list[dict[str, Any]]) -> None:
        self.quality.clear()
        for issue in issues:
            row = [self._image_name(issue["image_id"]), _word(issue["check"]), issue["text"]]
            self.quality.addTopLevelItem(_row(row, issue["image_id"]))

    def _fill_label_errors(self, errors: list[dict[str, Any]]) -> None:
        classes = self.data.class_names if self.data is not None else {}
        self.label_errors.clear()
        for issue in errors:
            labeled = classes.get(issue["class_id"], "—") if issue["class_id"] else "—"
            shape = (
                ShapeKey("annotation", issue["annotation_id"])
                if issue["annotation_id"]
                else ShapeKey("prediction", issue["prediction_id"])
            )
            row = [
                self._image_name(issue["image_id"]),
                _word(issue["kind"]),
                labeled,
                classes.get(issue["predicted_class_id"], "?"),
                f"{issue['score']:.2f}",
            ]
            self.label_errors.addTopLevelItem(_row(row, issue["image_id"], shape))

    def _show_balance(self, balance: dict[str, Any]) -> None:
        rows = balance.get("classes", [])
        if not rows:
            self.balance.show_empty(self.tr("No classes yet."))
            return
        rare = self.tr(" (rare)")
        bars = [(c["name"] + (rare if c["rare"] else ""), float(c["objects"])) for c in rows]
        title = self.tr("objects per class")
        svg = bar_chart(bars, title, None, lambda v: f"{v:.0f}", width=440)
        ratio = balance.get("imbalance_ratio")
        note = (
            self.tr("Largest / smallest class: {ratio}×").format(ratio=f"{ratio:.2f}")
            if ratio
            else self.tr("A class has no objects.")
        )
        if balance.get("rare"):
            note += self.tr(" · rare: {names}").format(names=", ".join(balance["rare"]))
        self.balance.show_chart(svg, note)

    # Opening things in the canvas

    def _open(self, image_id: int, shape: ShapeKey | None) -> None:
        if image_id != self.controller.image_id:
            self.workspace.focusImageRequested.emit(image_id)
        if shape is not None:
            self.controller.view.select(shape)

    def _open_item(self, item: QTreeWidgetItem) -> None:
        data = item.data(0, Qt.ItemDataRole.UserRole)
        if isinstance(data, tuple):
            self._open(*data)

    def _on_cluster(self, row: int) -> None:
        self.candidates.clear()
        item = self.clusters.item(row) if row >= 0 else None
        entry = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if not isinstance(entry, UnresolvedEntry):
            return
        for candidate in entry.candidates:
            line = QListWidgetItem(
                self.tr("{name} — by {annotator} (#{id})").format(
                    name=candidate.class_name,
                    annotator=candidate.annotator,
                    id=candidate.annotation_id,
                )
            )
            line.setData(Qt.ItemDataRole.UserRole, candidate)
            self.candidates.addItem(line)
        self._open(entry.image_id, None)
        if entry.candidates:
            self.candidates.setCurrentRow(0)

    def _on_candidate(self, row: int) -> None:
        item = self.candidates.item(row) if row >= 0 else None
        candidate = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        if isinstance(candidate, Candidate):
            self.controller.view.select(ShapeKey("annotation", candidate.annotation_id))
