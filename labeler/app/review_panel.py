"""The Review panel: reviewer and QA-lead work over the core's review store.

Reviewers walk their review queue and the re-review queue; for the selected
annotation they accept, reject or fix it with a reason code naming a guideline
section. A fix is the shape as edited on the canvas: while reviewing, dragging
someone else's shape does not change it but holds the new geometry as a pending
fix (drawn "fix pending") until Fix is pressed, so the core can store the fix as
a new annotation linked to the one it replaces. Annotators see their rejected
work with the reason. QA leads also draw audit samples, read the review log, and
add the image as an edge-case example to the next guideline draft.

The panel owns no review state: every list is re-read from the core after its
change events.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDockWidget,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from labeler.app.canvas.controller import CanvasController
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.queues import (
    PAGE_ROWS,
    QueueList,
    QueueRow,
    audit_rows,
    collect_rows,
    collect_rows_from_file,
    people_names,
)
from labeler.app.workers import JobRunner
from labeler.app.workspace import Workspace
from labeler.core.commands import (
    AddEdgeCaseExample,
    RemoveGuidelineExample,
    ReviewAnnotation,
    WithdrawReview,
)
from labeler.core.domain import Annotation, GuidelineExample, Review, ReviewDecision
from labeler.core.errors import LabelerError
from labeler.core.events import Change, Entity
from labeler.core.geometry import Box, Polygon
from labeler.core.guideline_text import section_title
from labeler.core.tools import ShapeKey

REFRESH_DELAY_MS = 120
_WATCHED = frozenset(
    {
        Entity.REVIEW,
        Entity.ANNOTATION,
        Entity.ASSIGNMENT,
        Entity.REREVIEW,
        Entity.GUIDELINE,
        Entity.IMAGE,
    }
)
_DECISION_MARKS = {
    "accept": QT_TRANSLATE_NOOP("ReviewPanel", "✓ accepted"),
    "reject": QT_TRANSLATE_NOOP("ReviewPanel", "✗ rejected"),
    "fix": QT_TRANSLATE_NOOP("ReviewPanel", "✎ fixed"),
    "pending": QT_TRANSLATE_NOOP("ReviewPanel", "fix pending"),
    "undecided": QT_TRANSLATE_NOOP("ReviewPanel", "to decide"),
}
_STATE_COLORS = {
    "accept": "#7ee787",
    "reject": "#ff9b95",
    "fix": "#6ab0ff",
    "pending": "#f0c674",
}
_UNDECIDED_ROLE = Qt.ItemDataRole.UserRole + 1
_ROLE_NAMES = {
    "annotator": QT_TRANSLATE_NOOP("ReviewPanel", "annotator"),
    "reviewer": QT_TRANSLATE_NOOP("ReviewPanel", "reviewer"),
    "qa_lead": QT_TRANSLATE_NOOP("ReviewPanel", "QA lead"),
}


def _decision_mark(state: str) -> str:
    """The shown (translated) mark of a decision state key."""
    source = _DECISION_MARKS.get(state)
    return QCoreApplication.translate("ReviewPanel", source) if source else state


def _section_key(number: str) -> tuple[int, ...]:
    return tuple(int(part) for part in number.split("."))


class ReviewPanel(QWidget):
    """Queues, per-annotation decisions and QA-lead tools for the signed-in person's role."""

    def __init__(
        self,
        workspace: Workspace,
        controller: CanvasController,
        navigate: Callable[[int], bool],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.controller = controller
        self.navigate = navigate
        self.dock: QDockWidget | None = None
        self._closed = False
        project, person = workspace.project, workspace.person
        self.can_review = project.can(person.id, "review")
        self.can_audit = project.can(person.id, "audit")
        self.title = QLabel()
        self.title.setObjectName("panelTitle")
        self.tabs = QTabWidget()
        self.lists: dict[str, QueueList] = {}
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setObjectName("secondaryText")
        self.next_button = QPushButton(self.tr("Next in list ▶"))
        self.next_button.clicked.connect(lambda: self.step())
        self._build_tabs()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.title)
        layout.addWidget(self.tabs, 2)
        layout.addWidget(self.next_button)
        if self.can_review:
            layout.addWidget(self._build_decision_box(), 3)
        layout.addWidget(self.message)
        self._refresh_timer = QTimer(self)
        self._refresh_timer.setSingleShot(True)
        self._refresh_timer.setInterval(REFRESH_DELAY_MS)
        self._refresh_timer.timeout.connect(self.refresh_in_background)
        self._runner = JobRunner(self)
        self._refresh_again = False
        workspace.changed.connect(self._on_change)
        workspace.imageChanged.connect(self._on_image_changed)
        controller.shapesChanged.connect(self._fill_image_annotations)
        controller.view.selectionChanged.connect(self._on_canvas_selection)
        self._counts: dict[str, int] = {}
        self.refresh()
        self.refresh_in_background()  # the lists' totals are counted off the GUI thread

    # Construction

    def _add_list(self, key: str, title: str, headers: list[str]) -> QueueList:
        queue = QueueList(headers)
        queue.targetChosen.connect(self.go_to)
        self.lists[key] = queue
        self.tabs.addTab(queue, title)
        return queue

    def _build_tabs(self) -> None:
        if self.can_review:
            self._add_list("queue", self.tr("To review"), [self.tr("Image"), self.tr("State")])
            self._add_list(
                "rereview",
                self.tr("Re-review"),
                [self.tr("Image"), self.tr("Class"), self.tr("Annotator"), self.tr("Versions")],
            )
        self._add_list(
            "returned",
            self.tr("Returned to me"),
            [self.tr("Image"), self.tr("Class"), self.tr("Section"), self.tr("Reason")],
        )
        if self.can_audit:
            self.tabs.addTab(self._build_audit_tab(), self.tr("Audit"))
            headers = [
                self.tr("When"),
                self.tr("Reviewer"),
                self.tr("Decision"),
                self.tr("Target"),
                self.tr("Section"),
                self.tr("Guideline"),
                self.tr("Reason"),
            ]
            self._add_list("log", self.tr("Review log"), headers)

    def _build_audit_tab(self) -> QWidget:
        tab = QWidget()
        self.audit_size = QSpinBox()
        self.audit_size.setRange(1, 1000)
        self.audit_size.setValue(5)
        self.audit_size.setPrefix(self.tr("random "))
        self.audit_per = QComboBox()
        self.audit_per.addItem(self.tr("per annotator"), "annotator")
        self.audit_per.addItem(self.tr("per vendor"), "organization")
        self.audit_button = QPushButton(self.tr("Draw sample"))
        self.audit_button.clicked.connect(lambda: self.draw_audit_sample())
        controls = QHBoxLayout()
        controls.addWidget(self.audit_size)
        controls.addWidget(self.audit_per)
        controls.addWidget(self.audit_button)
        audit = QueueList([self.tr("Annotation"), self.tr("Image · class")])
        audit.targetChosen.connect(self.go_to)
        self.lists["audit"] = audit
        layout = QVBoxLayout(tab)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(controls)
        layout.addWidget(audit, 1)
        return tab

    def _build_decision_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("Annotations on this image"))
        self.image_annotations = QListWidget()
        self.image_annotations.currentItemChanged.connect(self._on_annotation_row)
        self.section_picker = QComboBox()
        self.section_picker.setToolTip(self.tr("The guideline section the decision rests on"))
        self.reason_edit = QLineEdit()
        self.reason_edit.setPlaceholderText(self.tr("Reason (shown to the annotator)"))
        self.accept_button = QPushButton(self.tr("✓ Accept"))
        self.reject_button = QPushButton(self.tr("✗ Reject"))
        self.fix_button = QPushButton(self.tr("✎ Fix"))
        self.fix_button.setToolTip(
            self.tr(
                "Drag the shape or its corners on the canvas first; Fix saves the edited shape "
                "as a new annotation that replaces this one"
            )
        )
        for button, decision in (
            (self.accept_button, ReviewDecision.ACCEPT),
            (self.reject_button, ReviewDecision.REJECT),
            (self.fix_button, ReviewDecision.FIX),
        ):
            button.clicked.connect(lambda _c=False, d=decision: self.review_selected(d))
        buttons = QHBoxLayout()
        for button in (self.accept_button, self.reject_button, self.fix_button):
            buttons.addWidget(button)
        layout = QVBoxLayout(box)
        layout.addWidget(self.image_annotations, 1)
        layout.addWidget(self.section_picker)
        layout.addWidget(self.reason_edit)
        layout.addLayout(buttons)
        if self.can_audit:
            self.edge_case_button = QPushButton(self.tr("Add image as guideline edge case…"))
            self.edge_case_button.clicked.connect(lambda: self.ask_edge_case())
            layout.addWidget(self.edge_case_button)
        return box

    # Refreshing from the core

    def refresh(self) -> None:
        """Re-read the first page of every list from the core, now (on the GUI thread)."""
        if self._closed:
            return
        person_id = self.workspace.person.id
        try:
            rows = collect_rows(self.workspace.project, person_id, self.can_review, self.can_audit)
        except LabelerError as exc:
            self.show_message(str(exc), error=True)
            return
        self._show_rows(rows)

    def refresh_in_background(self) -> None:
        """Re-read the lists on a worker (its own connection); shown when read."""
        if self._closed:
            return
        if self._runner.busy:
            self._refresh_again = True  # a change arrived while reading: read once more
            return
        path, person_id = self.workspace.project.path, self.workspace.person.id
        review, audit = self.can_review, self.can_audit
        self._runner.run(
            lambda _progress: collect_rows_from_file(path, person_id, review, audit),
            self.tr("review lists"),
            on_success=self._show_rows_and_counts,
            on_failure=lambda message: self.show_message(message, error=True),
            on_finished=self._after_background_refresh,
        )

    def _after_background_refresh(self) -> None:
        if self._refresh_again and not self._closed:
            self._refresh_again = False
            self._refresh_timer.start()

    def _show_rows_and_counts(
        self, result: tuple[dict[str, list[QueueRow]], dict[str, int]]
    ) -> None:
        rows, self._counts = result
        self._show_rows(rows)

    def _show_rows(self, rows: dict[str, list[QueueRow]]) -> None:
        if self._closed:
            return
        for key, key_rows in rows.items():
            self.lists[key].set_rows(key_rows)
        self._update_titles()
        if self.can_review:
            self._fill_sections()
            self._fill_image_annotations()

    def _update_titles(self) -> None:
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            key = next((k for k, v in self.lists.items() if v is widget), None)
            if key is None:
                continue
            base = self.tabs.tabText(index).split(" (")[0]
            self.tabs.setTabText(index, f"{base} ({self.list_total(key)})")
        value = self.workspace.person.role.value
        source = _ROLE_NAMES.get(value)
        role = QCoreApplication.translate("ReviewPanel", source) if source else value
        self.title.setText(
            self.tr("Review · {name} ({role})").format(name=self.workspace.person.name, role=role)
        )

    def list_total(self, key: str) -> str:
        """How many entries a list holds in all ("200+" until counted, when a page is full)."""
        shown = len(self.lists[key].rows())
        if key in self._counts:
            return str(max(self._counts[key], shown))
        return f"{shown}+" if shown >= PAGE_ROWS else str(shown)

    def _fill_sections(self) -> None:
        guideline = self.workspace.project.current_guideline()
        current = self.section_picker.currentData()
        self.section_picker.blockSignals(True)
        self.section_picker.clear()
        self.section_picker.addItem(self.tr("Guideline section…"), None)
        if guideline is not None:
            for number in sorted(self.workspace.project.guideline_sections(), key=_section_key):
                title = section_title(guideline.text, number) or number
                self.section_picker.addItem(f"§ {title}", number)
        index = self.section_picker.findData(current)
        self.section_picker.setCurrentIndex(max(index, 0))
        self.section_picker.blockSignals(False)

    def _fill_image_annotations(self) -> None:
        if not self.can_review:
            return
        project = self.workspace.project
        classes = {c.id: c.name for c in self.workspace.classes()}
        names = people_names(project)
        selected = self.selected_annotation_id()
        image_id = self.controller.image_id
        rereview = (
            {item.annotation_id for item in project.rereview_queue(image_id=image_id)}
            if image_id is not None
            else set()
        )
        self.image_annotations.blockSignals(True)
        self.image_annotations.clear()
        for annotation in self.controller.annotations:
            state = self._decision_state(annotation)
            if annotation.id in self.controller.pending_geometry:
                state = "pending"
            mark = self.tr(" ⟳ re-review") if annotation.id in rereview else ""
            text = (
                f"#{annotation.id} {classes.get(annotation.class_id, '?')} — "
                f"{names.get(annotation.annotator_id, '?')} · {_decision_mark(state)}{mark}"
            )
            item = QListWidgetItem(text)
            item.setData(Qt.ItemDataRole.UserRole, annotation.id)
            item.setData(_UNDECIDED_ROLE, state == "undecided")
            if state in _STATE_COLORS:
                item.setForeground(QColor(_STATE_COLORS[state]))
            self.image_annotations.addItem(item)
            if annotation.id == selected:
                self.image_annotations.setCurrentItem(item)
        self.image_annotations.blockSignals(False)

    def _decision_state(self, annotation: Annotation) -> str:
        """'undecided' or the last decision's value ('accept', 'reject', 'fix')."""
        reviews = self.workspace.project.reviews("annotation", annotation.id)
        if not reviews or reviews[-1].created_at < annotation.updated_at:
            return "undecided"
        return reviews[-1].decision.value

    def _on_change(self, change: Change) -> None:
        if change.entity in _WATCHED and not self._closed:
            self._refresh_timer.start()

    def _on_image_changed(self, _image_id: int) -> None:
        self.controller.pending_geometry.clear()
        self.reset_section()

    def reset_section(self) -> None:
        """Back to "Guideline section…": every decision names its own section."""
        if self.can_review:
            self.section_picker.setCurrentIndex(0)

    # Navigation

    def current_list(self) -> QueueList | None:
        """The work list of the visible tab."""
        widget = self.tabs.currentWidget()
        if isinstance(widget, QueueList):
            return widget
        return self.lists.get("audit")

    def show_list(self, key: str) -> QueueList:
        """Make a list's tab visible ('queue', 'rereview', 'returned', 'audit', 'log')."""
        queue = self.lists[key]
        for index in range(self.tabs.count()):
            widget = self.tabs.widget(index)
            if widget is not None and (widget is queue or widget.isAncestorOf(queue)):
                self.tabs.setCurrentIndex(index)
        return queue

    def step(self, delta: int = 1) -> bool:
        """Go to the next row of the visible list."""
        queue = self.current_list()
        moved = queue is not None and queue.step(delta)
        if not moved:
            self.show_message(self.tr("End of the list."))
        return moved

    def go_to(self, image_id: int, annotation_id: int = 0) -> bool:
        """Show an image (and select one of its annotations, when given)."""
        if not self.navigate(image_id):
            self.show_message(
                self.tr("That image is not in the image list (check its filter)."), True
            )
            return False
        if annotation_id:
            self.select_annotation(annotation_id)
        self._explain_rejection(annotation_id)
        return True

    def select_annotation(self, annotation_id: int) -> bool:
        """Select an annotation on the canvas (False if it is not shown there)."""
        key = ShapeKey("annotation", annotation_id)
        if self.controller.view.drawn_shape(key) is None:
            self.show_message(
                self.tr("Annotation #{id} is not shown on this image.").format(id=annotation_id)
            )
            return False
        self.controller.view.select(key)
        self._on_canvas_selection(key)
        return True

    def selected_annotation_id(self) -> int | None:
        """The annotation selected on the canvas."""
        key = self.controller.view.selected_key
        return key.id if key is not None and key.kind == "annotation" else None

    def _on_canvas_selection(self, key: ShapeKey | None) -> None:
        if not self.can_review:
            return
        self.image_annotations.blockSignals(True)
        self.image_annotations.setCurrentRow(-1)
        wanted = key.id if key is not None and key.kind == "annotation" else None
        for row in range(self.image_annotations.count()):
            item = self.image_annotations.item(row)
            if wanted is not None and item.data(Qt.ItemDataRole.UserRole) == wanted:
                self.image_annotations.setCurrentItem(item)
        self.image_annotations.blockSignals(False)

    def _on_annotation_row(self, item: QListWidgetItem | None, _previous: object) -> None:
        if item is not None:
            self.controller.view.select(ShapeKey("annotation", item.data(Qt.ItemDataRole.UserRole)))

    def _explain_rejection(self, annotation_id: int) -> None:
        rows = [r for r in self.lists["returned"].rows() if r.annotation_id == annotation_id]
        if annotation_id and rows:
            self.show_message(rows[0].tip)

    # Decisions

    def hold_fix(self, key: ShapeKey, geometry: Box | Polygon) -> bool:
        """Canvas edit filter: hold a reviewer's edit of someone else's shape as a pending fix."""
        if not self.can_review or key.kind != "annotation":
            return False
        annotation = next((a for a in self.controller.annotations if a.id == key.id), None)
        if annotation is None or annotation.annotator_id == self.workspace.person.id:
            return False
        self.controller.pending_geometry[key.id] = geometry
        self.controller.reload_shapes()
        self.controller.view.select(key)
        self.show_message(
            self.tr("Fix of #{id} pending: pick a section and press Fix to save it.").format(
                id=key.id
            )
        )
        return True

    def pending_fix(self, annotation_id: int) -> Box | Polygon | None:
        """The edited shape held for a fix of this annotation, if any."""
        return self.controller.pending_geometry.get(annotation_id)

    def review_selected(self, decision: ReviewDecision | str) -> Review | None:
        """Accept, reject or fix the selected annotation with the picked section and reason."""
        decision = ReviewDecision(decision)
        annotation_id = self.selected_annotation_id()
        if annotation_id is None:
            self.show_message(
                self.tr("Select an annotation on the canvas or in the list first."), True
            )
            return None
        section = self.section_picker.currentData()
        if decision is not ReviewDecision.ACCEPT and section is None:
            self.show_message(self.tr("Pick the guideline section this decision rests on."), True)
            return None
        fix = self.pending_fix(annotation_id)
        if decision is ReviewDecision.FIX and fix is None:
            self.show_message(
                self.tr("Drag the shape or its corners on the canvas, then press Fix."), True
            )
            return None
        workspace = self.workspace
        try:  # a role refusal the panel explains before the edit
            workspace.project.check_can(workspace.person.id, "review")
        except LabelerError as exc:
            self.show_message(str(exc), error=True)
            return None
        image_id = self.controller.image_id
        undo = workspace.execute(
            ReviewAnnotation(
                image_id if image_id is not None else 0,
                annotation_id,
                workspace.person.id,
                decision.value,
                reason=self.reason_edit.text().strip() or None,
                section=section,
                fix_geometry=fix if decision is ReviewDecision.FIX else None,
            )
        )  # undoable: Ctrl+Z takes the decision (and a fix's shape) back
        if not isinstance(undo, WithdrawReview):  # refused by the core (an unread guideline
            self.show_message(workspace.last_error, error=True)  # brings up its dialog)
            return None
        review = next(r for r in workspace.project.reviews("annotation", annotation_id)
                      if r.id == undo.review_id)
        self.controller.pending_geometry.pop(annotation_id, None)
        self.reason_edit.clear()
        self.reset_section()  # the next decision picks its own section
        self.show_message(f"#{annotation_id}: {_decision_mark(decision.value)}")
        self._fill_image_annotations()  # the lists follow from the change event
        self._select_next_undecided()
        return review

    def _select_next_undecided(self) -> None:
        for row in range(self.image_annotations.count()):
            item = self.image_annotations.item(row)
            if item.data(_UNDECIDED_ROLE):
                self.image_annotations.setCurrentItem(item)
                return
        self.show_message(self.tr("Every annotation on this image is decided. Next in list ▶"))

    # QA lead

    def draw_audit_sample(self, seed: int | None = None) -> dict[str, list[int]]:
        """Draw a random audit sample (size and grouping from the Audit tab) and list it."""
        try:
            sample = self.workspace.project.audit_sample(
                self.audit_size.value(), self.audit_per.currentData(), seed
            )
        except LabelerError as exc:
            self.show_message(str(exc), error=True)
            return {}
        self.lists["audit"].set_rows(audit_rows(self.workspace.project, sample))
        total = sum(len(ids) for ids in sample.values())
        self.show_message(
            self.tr("Audit sample: {total} annotations from {groups} groups.").format(
                total=total, groups=len(sample)
            )
        )
        return sample

    def add_edge_case(self, note: str) -> GuidelineExample | None:
        """Add the current image with its shapes as an edge case to the next guideline draft."""
        image_id = self.controller.image_id
        if image_id is None:
            return None
        try:  # the panel explains a refusal by role itself
            self.workspace.project.check_can(self.workspace.person.id, "edit_guideline")
        except LabelerError as exc:
            self.show_message(str(exc), error=True)
            return None
        undo = self.workspace.execute(
            AddEdgeCaseExample(image_id, note, added_by=self.workspace.person.id)
        )  # undoable: Ctrl+Z takes the example out of the draft again
        if not isinstance(undo, RemoveGuidelineExample):
            self.show_message(
                self.tr("The edge case was not added (the reason is in the status bar)."),
                error=True,
            )
            return None
        example = undo.example
        self.show_message(
            self.tr("Added as an edge case to the draft of the next guideline ({note}).").format(
                note=note
            )
        )
        return example

    def ask_edge_case(self) -> GuidelineExample | None:
        """Ask for a note, then add the current image as a guideline edge case."""
        note, ok = QInputDialog.getMultiLineText(
            self,
            self.tr("Add as guideline edge case"),
            self.tr("What should annotators learn from this image?"),
        )
        return self.add_edge_case(note.strip()) if ok and note.strip() else None

    def shutdown(self) -> None:
        """Stop listening and refreshing (the window is closing its project)."""
        self._refresh_timer.stop()
        self._closed = True
        self._runner.shutdown()
        self.controller.edit_filter = None

    def show_message(self, text: str, error: bool = False) -> None:
        """A line under the panel (errors also go to the status bar)."""
        self.message.setObjectName("saveError" if error else "secondaryText")
        self.message.style().unpolish(self.message)
        self.message.style().polish(self.message)
        self.message.setText(text)
        if error:
            self.workspace.errorRaised.emit(text)
