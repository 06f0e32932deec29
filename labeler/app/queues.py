"""Work lists of the review panel: review queue, re-review, returned work, audit samples, log.

Each list is a plain view over rows computed from the core (the ``*_rows``
functions below never touch Qt widgets); choosing a row emits ``targetChosen``
with the image and (if any) the annotation to go to, and :meth:`QueueList.step`
walks the list like a queue.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)

from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.core.errors import LabelerError
from labeler.core.store import Project

_TARGET = Qt.ItemDataRole.UserRole

_LOG_WORDS = {  # decisions and target kinds of the review log, by their stored value
    "accept": QT_TRANSLATE_NOOP("queues", "accept"),
    "reject": QT_TRANSLATE_NOOP("queues", "reject"),
    "fix": QT_TRANSLATE_NOOP("queues", "fix"),
    "annotation": QT_TRANSLATE_NOOP("queues", "annotation"),
    "image": QT_TRANSLATE_NOOP("queues", "image"),
}
# Each work list shows its first rows only (a queue may hold millions); its tab says how many.
PAGE_ROWS = 200


@dataclass(frozen=True)
class QueueRow:
    """One line of a work list: its cells, where it leads, and an optional group title."""

    cells: tuple[str, ...]
    image_id: int
    annotation_id: int | None = None
    tip: str = ""
    group: str | None = None


class QueueList(QTreeWidget):
    """A work list; selecting a row asks to go to its image (and shape).

    ``targetChosen(image_id, annotation_id)`` (annotation id 0: the whole image).
    """

    targetChosen = Signal(int, int)

    def __init__(self, headers: list[str], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderLabels(headers)
        self.setRootIsDecorated(False)
        self.setAlternatingRowColors(True)
        self.setUniformRowHeights(True)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.header()
        header.setStretchLastSection(True)
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.currentItemChanged.connect(self._on_current)
        self._rows: list[QueueRow] = []

    def set_rows(self, rows: list[QueueRow]) -> None:
        """Replace the rows (the current row is kept when it is still there)."""
        current = self.current_target()
        self._rows = list(rows)
        self.blockSignals(True)
        self.clear()
        groups: dict[str, QTreeWidgetItem] = {}
        grouped = any(row.group is not None for row in rows)
        self.setRootIsDecorated(grouped)
        for row in rows:
            item = QTreeWidgetItem(list(row.cells))
            item.setData(0, _TARGET, (row.image_id, row.annotation_id))
            if row.tip:
                item.setToolTip(0, row.tip)
                item.setToolTip(len(row.cells) - 1, row.tip)
            if row.group is None:
                self.addTopLevelItem(item)
                continue
            parent = groups.get(row.group)
            if parent is None:
                parent = groups[row.group] = QTreeWidgetItem([row.group])
                parent.setFlags(Qt.ItemFlag.ItemIsEnabled)
                self.addTopLevelItem(parent)
                parent.setExpanded(True)
            parent.addChild(item)
            parent.setText(1, self.tr("%n annotations", "", parent.childCount()))
        for item in self._items():
            if item.data(0, _TARGET) == current:
                self.setCurrentItem(item)
        self.blockSignals(False)

    def rows(self) -> list[QueueRow]:
        """The rows shown, in order."""
        return list(self._rows)

    def _items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for index in range(self.topLevelItemCount()):
            top = self.topLevelItem(index)
            if top is None:
                continue
            if top.data(0, _TARGET) is not None:
                items.append(top)
            children = (top.child(j) for j in range(top.childCount()))
            items.extend(child for child in children if child is not None)
        return items

    def current_target(self) -> tuple[int, int | None] | None:
        """(image id, annotation id) of the selected row."""
        item = self.currentItem()
        target = item.data(0, _TARGET) if item is not None else None
        return tuple(target) if target is not None else None

    def select_row(self, index: int) -> bool:
        """Select the ``index``-th row (which goes to its image); False if there is none."""
        items = self._items()
        if not 0 <= index < len(items):
            return False
        self.setCurrentItem(items[index])
        return True

    def step(self, delta: int = 1) -> bool:
        """Select the next (or previous) row, as when working down a queue."""
        items = self._items()
        current = self.currentItem()
        index = items.index(current) if current in items else -1
        return self.select_row(index + delta if index >= 0 or delta > 0 else 0)

    def _on_current(self, item: QTreeWidgetItem | None, _previous: Any) -> None:
        target = item.data(0, _TARGET) if item is not None else None
        if target is not None:
            image_id, annotation_id = target
            self.targetChosen.emit(int(image_id), int(annotation_id or 0))


class ImageNames:
    """File names of images, each read once from the project."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self._names: dict[int, str] = {}

    def __call__(self, image_id: int) -> str:
        """The file name of an image (its id if it is gone)."""
        name = self._names.get(image_id)
        if name is None:
            try:
                name = PurePosixPath(self.project.image(image_id).path).name
            except LabelerError:
                name = QCoreApplication.translate("queues", "image {id}").format(id=image_id)
            self._names[image_id] = name
        return name


def collect_rows(
    project: Project, person_id: int, can_review: bool, can_audit: bool
) -> dict[str, list[QueueRow]]:
    """The first page of every work list a person's role shows, by key.

    Keys: queue, rereview, returned, log; each list holds at most ``PAGE_ROWS``.
    """
    names = ImageNames(project)
    rows = {"returned": rejected_rows(project, person_id, names)}
    if can_review:
        rows["queue"] = review_queue_rows(project, person_id, names)
        rows["rereview"] = rereview_rows(project, names)
    if can_audit:
        rows["log"] = review_log_rows(project)
    return rows


def collect_counts(
    project: Project, person_id: int, can_review: bool, can_audit: bool
) -> dict[str, int]:
    """How many entries each work list holds in all (counted, not read), by key."""
    counts = {"returned": project.rejected_work_count(person_id)}
    if can_review:
        counts["queue"] = project.review_queue_count(person_id)
        counts["rereview"] = project.rereview_count()
    if can_audit:
        counts["log"] = project.review_count()
    return counts


def collect_rows_from_file(
    path: Path, person_id: int, can_review: bool, can_audit: bool
) -> tuple[dict[str, list[QueueRow]], dict[str, int]]:
    """:func:`collect_rows` and :func:`collect_counts` on a connection of its own (a worker)."""
    with Project.open(path) as project:
        rows = collect_rows(project, person_id, can_review, can_audit)
        return rows, collect_counts(project, person_id, can_review, can_audit)


def class_names(project: Project) -> dict[int, str]:
    """Class id -> name."""
    return {c.id: c.name for c in project.classes()}


def people_names(project: Project) -> dict[int, str]:
    """Person id -> name."""
    return {p.id: p.name for p in project.people()}


def review_queue_rows(
    project: Project, reviewer_id: int, names: ImageNames | None = None
) -> list[QueueRow]:
    """The reviewer's open review assignments with how many annotations are still to decide."""
    names = names or ImageNames(project)
    rows: list[QueueRow] = []
    for item in project.review_queue(reviewer_id, limit=PAGE_ROWS):
        todo = len(item.annotation_ids)
        again = len(item.rereview_ids)
        state = (
            QCoreApplication.translate("queues", "%n to decide", "", todo)
            if todo
            else QCoreApplication.translate("queues", "all decided")
        )
        if again:
            state += " " + QCoreApplication.translate("queues", "(%n re-review)", "", again)
        rows.append(QueueRow((names(item.image_id), state), item.image_id))
    return rows


def rereview_rows(project: Project, names: ImageNames | None = None) -> list[QueueRow]:
    """Annotations a newer guideline version sent back for review."""
    names = names or ImageNames(project)
    rows: list[QueueRow] = []
    for item in project.rereview_queue(limit=PAGE_ROWS):
        made = (
            f"v{item.made_under}"
            if item.made_under is not None
            else QCoreApplication.translate("queues", "no version")
        )
        rows.append(
            QueueRow(
                (
                    names(item.image_id),
                    item.class_name,
                    item.annotator,
                    f"{made} → v{item.queued_by}",
                ),
                item.image_id,
                item.annotation_id,
                QCoreApplication.translate(
                    "queues",
                    "Annotation {id}, made under {made}; guideline v{version} changed {name}",
                ).format(
                    id=item.annotation_id,
                    made=made,
                    version=item.queued_by,
                    name=item.class_name,
                ),
            )
        )
    return rows


def rejected_rows(
    project: Project, annotator_id: int, images: ImageNames | None = None
) -> list[QueueRow]:
    """The annotator's rejected annotations (not edited since), with the reason."""
    images = images or ImageNames(project)
    names = people_names(project)
    classes = class_names(project)
    rows: list[QueueRow] = []
    for work in project.rejected_work(annotator_id, limit=PAGE_ROWS):
        try:
            class_name = classes.get(project.annotation(work.annotation_id).class_id, "?")
        except LabelerError:
            class_name = "?"
        section = (
            f"§{work.section}"
            if work.section
            else QCoreApplication.translate("queues", "no section")
        )
        reason = work.reason or QCoreApplication.translate("queues", "(no reason given)")
        reviewer = names.get(work.reviewer_id, "?")
        rows.append(
            QueueRow(
                (images(work.image_id), class_name, section, reason),
                work.image_id,
                work.annotation_id,
                QCoreApplication.translate(
                    "queues",
                    "Rejected by {reviewer} at {when}: {reason} ({section}). "
                    "Edit the shape to send it back.",
                ).format(
                    reviewer=reviewer,
                    when=work.rejected_at[:16].replace("T", " "),
                    reason=reason,
                    section=section,
                ),
            )
        )
    return rows


def audit_rows(project: Project, sample: dict[str, list[int]]) -> list[QueueRow]:
    """An audit sample (group -> annotation ids) as grouped rows."""
    names = ImageNames(project)
    classes = class_names(project)
    rows: list[QueueRow] = []
    for group, ids in sample.items():
        for annotation_id in ids:
            try:
                annotation = project.annotation(annotation_id)
            except LabelerError:
                continue
            rows.append(
                QueueRow(
                    (
                        f"#{annotation_id}",
                        f"{names(annotation.image_id)} · {classes.get(annotation.class_id, '?')}",
                    ),
                    annotation.image_id,
                    annotation_id,
                    group=group,
                )
            )
    return rows


def review_log_rows(project: Project) -> list[QueueRow]:
    """The newest reviews, newest first, with their reviewer, section and guideline version."""
    rows: list[QueueRow] = []
    for entry in reversed(project.review_log(latest=PAGE_ROWS)):
        image_id, annotation_id = _review_target(project, entry)
        if image_id is None:
            continue
        version = f"v{entry['guideline']}" if entry["guideline"] is not None else "–"
        section = f"§{entry['section']}" if entry["section"] else ""
        fix = f" → #{entry['fix_annotation_id']}" if entry["fix_annotation_id"] else ""
        rows.append(
            QueueRow(
                (
                    str(entry["created_at"])[:16].replace("T", " "),
                    entry["reviewer"],
                    f"{_log_word(entry['decision'])}{fix}",
                    f"{_log_word(entry['target_kind'])} #{entry['target_id']}",
                    section,
                    version,
                    entry["reason"] or "",
                ),
                image_id,
                annotation_id,
                entry["reason"] or "",
            )
        )
    return rows


def _log_word(value: str) -> str:
    """A stored decision or target kind in the user's language (unknown values as stored)."""
    source = _LOG_WORDS.get(value)
    return QCoreApplication.translate("queues", source) if source else value


def _review_target(project: Project, entry: dict[str, Any]) -> tuple[int | None, int | None]:
    if entry["target_kind"] == "image":
        return int(entry["target_id"]), None
    try:
        annotation = project.annotation(int(entry["target_id"]), include_deleted=True)
    except LabelerError:
        return None, None
    # A fixed annotation is deleted; point at its fix, which is what is on the image now.
    return annotation.image_id, entry["fix_annotation_id"] or annotation.id
