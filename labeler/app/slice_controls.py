"""Slices in the app: show one in the image browser, save the browser's filter or a run's errors.

:class:`SliceControls` sits in the image browser: a "Slice" choice (a filter, like
status or class) and "Save as slice…", which turns the browser's current filter
into a slice rule and saves it. :class:`ErrorSliceButtons` sits under the QA
view's false positive / negative lists and saves ``fp:RUN`` or ``fn:RUN``. Saving
evaluates the rule on a worker with its own project connection
(:func:`evaluate_slice_rule`) and freezes the ids with one quick write; the lists of
slices are a few rows read on the GUI thread.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from labeler.app.slice_send import SendRequest, SendToWorkDialog, send_slice
from labeler.app.workers import JobRunner
from labeler.app.workspace import Workspace
from labeler.core.errors import LabelerError
from labeler.core.events import Change, Entity
from labeler.core.progress import Progress
from labeler.core.store import Project
from labeler.core.store.slices import SavedSlice


def evaluate_slice_rule(
    path: Path, rule: dict[str, Any], progress: Progress | None = None
) -> list[int]:
    """The images ``rule`` matches now (on a worker: its own project connection)."""
    from labeler.core.slices import evaluate_rule

    with Project.open(path) as project:
        return evaluate_rule(project, rule)


def filter_rule(project: Project, flt: Any) -> dict[str, Any]:
    """The slice rule of an image-browser filter (status, class, annotator, name text, slice)."""
    terms: list[dict[str, str]] = []
    if getattr(flt, "slice_id", None) is not None:
        chosen = next((s for s in project.slices() if s.id == flt.slice_id), None)
        if chosen is not None:
            terms += chosen.rule.get("terms", [])
    if flt.status is not None:
        terms.append({"kind": "status", "value": flt.status.value})
    if flt.class_id is not None:
        terms.append({"kind": "class", "value": project.label_class(flt.class_id).name})
    if flt.annotator_id is not None:
        terms.append({"kind": "person", "value": project.person(flt.annotator_id).name})
    if flt.text.strip():
        terms.append({"kind": "path", "value": f"*{flt.text.strip()}*"})
    return {"terms": terms or [{"kind": "all", "value": ""}]}


class _Saver:
    """Asks for a name and note, then saves a rule as a slice on a worker."""

    def __init__(self, workspace: Workspace, owner: QWidget, status: QLabel) -> None:
        self.workspace = workspace
        self.owner = owner
        self.status = status
        self.runner = JobRunner(owner)
        self.last: SavedSlice | None = None
        self.error: str | None = None

    def ask_and_save(self, rule: dict[str, Any], suggested: str) -> None:
        title = QCoreApplication.translate("SliceControls", "Save as slice")
        name, ok = QInputDialog.getText(
            self.owner,
            title,
            QCoreApplication.translate("SliceControls", "Slice name:"),
            text=suggested,
        )
        if not ok or not name.strip():
            return
        note, _ok = QInputDialog.getText(
            self.owner, title, QCoreApplication.translate("SliceControls", "Why (a note):")
        )
        self.save(name, rule, note)

    def save(self, name: str, rule: dict[str, Any], note: str = "") -> None:
        path = self.workspace.project.path
        self.status.setText(
            QCoreApplication.translate("SliceControls", "Saving slice {name}…").format(
                name=repr(name)
            )
        )
        self.runner.run(
            lambda progress: evaluate_slice_rule(path, rule, progress),
            QCoreApplication.translate("SliceControls", "save slice"),
            on_success=lambda ids: self._store(name, rule, note, ids),
            on_failure=self._failed,
        )

    def _store(self, name: str, rule: dict[str, Any], note: str, ids: list[int]) -> None:
        """Freeze the evaluated ids (one quick write on the GUI thread's connection)."""
        try:
            saved = self.workspace.project.save_slice(
                name, rule, ids, note, self.workspace.person.id
            )
        except LabelerError as exc:
            self._failed(str(exc))
            return
        self.last, self.error = saved, None
        self.status.setText(
            QCoreApplication.translate(
                "SliceControls", "Saved slice {name}: {count} images"
            ).format(name=repr(saved.name), count=saved.images)
        )

    def _failed(self, message: str) -> None:
        self.error = message
        self.status.setText(
            QCoreApplication.translate("SliceControls", "Not saved: {message}").format(
                message=message
            )
        )

    @property
    def busy(self) -> bool:
        return self.runner.busy


class SliceControls(QWidget):
    """The browser's slice filter, "Save as slice…" and "Send to work…"."""

    sliceChosen = Signal()

    def __init__(self, workspace: Workspace, current_filter: Callable[[], Any],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self.workspace = workspace
        self._current_filter = current_filter
        self.slice_filter = QComboBox()
        self.slice_filter.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.slice_filter.setMinimumContentsLength(6)
        self.save_button = QPushButton(self.tr("Save as slice…"))
        self.save_button.setToolTip(self.tr("Save the images this filter lists as a named slice"))
        self.save_button.clicked.connect(self._ask)
        self.send_button = QPushButton(self.tr("Send to work…"))
        self.send_button.setToolTip(self.tr("Assign the slice's images to people, or package them"))
        self.send_button.clicked.connect(self._ask_send)
        self.status = QLabel()
        self.status.setObjectName("secondaryText")
        self.status.setWordWrap(True)
        self.saver = _Saver(workspace, self, self.status)
        self.sender_runner = JobRunner(self)
        self.sent: str | None = None
        row = QHBoxLayout()
        row.setSpacing(4)
        row.addWidget(self.slice_filter, 1)
        row.addWidget(self.save_button)
        row.addWidget(self.send_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addLayout(row)
        layout.addWidget(self.status)
        self.fill()
        self.slice_filter.currentIndexChanged.connect(lambda _i: self._chosen())
        workspace.changed.connect(self._on_change)

    def fill(self) -> None:
        """List the project's slices (a few rows), keeping the current choice."""
        chosen = self.slice_filter.currentData()
        self.slice_filter.blockSignals(True)
        self.slice_filter.clear()
        self.slice_filter.addItem(self.tr("Any slice"), None)
        for saved in self.workspace.project.slices():
            self.slice_filter.addItem(f"{saved.name} ({saved.images:,})", saved.id)
        self.slice_filter.setCurrentIndex(max(0, self.slice_filter.findData(chosen)))
        self.slice_filter.blockSignals(False)
        self.send_button.setEnabled(self.current_slice_id() is not None)

    def _chosen(self) -> None:
        self.send_button.setEnabled(self.current_slice_id() is not None)
        self.sliceChosen.emit()

    def current_slice_name(self) -> str | None:
        """The name of the slice chosen (None: any)."""
        chosen = self.current_slice_id()
        found = [s for s in self.workspace.project.slices() if s.id == chosen]
        return found[0].name if found else None

    def send(self, request: SendRequest) -> None:
        """Send a slice to work on a worker (package export copies images); says the result."""
        path, person = self.workspace.project.path, self.workspace.person.id
        self.sent = None
        self.status.setText(
            self.tr("Sending {name} to work…").format(name=repr(request.slice_name))
        )
        noted = self.tr("{message} (note: {note})")
        not_sent = self.tr("Not sent: {message}")

        def done(message: str) -> None:
            self.sent = message
            self.status.setText(noted.format(message=message, note=request.note))

        def failed(message: str) -> None:
            self.sent = ""
            self.status.setText(not_sent.format(message=message))

        self.sender_runner.run(
            lambda progress: send_slice(path, request, person, progress),
            self.tr("send slice"),
            on_success=done,
            on_failure=failed,
        )

    def _ask_send(self) -> None:
        name = self.current_slice_name()
        if name is None:
            self.status.setText(self.tr("Choose a slice first."))
            return
        dialog = SendToWorkDialog(self.workspace.project, name, self)
        if dialog.exec() and (request := dialog.request()) is not None:
            self.send(request)

    def current_slice_id(self) -> int | None:
        """The slice chosen (None: any)."""
        value = self.slice_filter.currentData()
        return None if value is None else int(value)

    def show_slice(self, slice_id: int | None) -> None:
        """Show this choice without filtering again."""
        self.slice_filter.blockSignals(True)
        index = self.slice_filter.findData(slice_id) if slice_id is not None else 0
        self.slice_filter.setCurrentIndex(max(0, index))
        self.slice_filter.blockSignals(False)
        self.send_button.setEnabled(self.current_slice_id() is not None)

    def choose(self, name: str) -> bool:
        """Filter the browser to the slice ``name``; False when there is none."""
        self.fill()
        saved = next((s for s in self.workspace.project.slices() if s.name == name), None)
        if saved is None:
            return False
        self.slice_filter.setCurrentIndex(self.slice_filter.findData(saved.id))
        return True

    def save_current_filter(self, name: str, note: str = "") -> None:
        """Save the browser's current filter as a slice (on a worker)."""
        self.saver.save(name, filter_rule(self.workspace.project, self._current_filter()), note)

    def _ask(self) -> None:
        rule = filter_rule(self.workspace.project, self._current_filter())
        self.saver.ask_and_save(rule, "")

    def _on_change(self, change: Change) -> None:
        if change.entity == Entity.SLICE:
            self.fill()


class ErrorSliceButtons(QWidget):
    """Under the QA errors: save the run's false positives or negatives as a slice."""

    def __init__(self, workspace: Workspace, run_id: Callable[[], int | None],
                 parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._run_id = run_id
        self.status = QLabel()
        self.status.setObjectName("secondaryText")
        self.saver = _Saver(workspace, self, self.status)
        self.buttons: dict[str, QPushButton] = {}
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for kind, title in (
            ("fp", self.tr("Save false positives as slice…")),
            ("fn", self.tr("Save false negatives as slice…")),
        ):
            button = self.buttons[kind] = QPushButton(title)
            button.clicked.connect(lambda _c=False, kind=kind: self._ask(kind))
            layout.addWidget(button)
        layout.addWidget(self.status, 1)

    def rule(self, kind: str) -> dict[str, Any] | None:
        """``fp:RUN`` or ``fn:RUN`` of the run the QA view shows (None without one)."""
        run = self._run_id()
        return None if run is None else {"terms": [{"kind": kind, "value": str(run)}]}

    def save(self, kind: str, name: str, note: str = "") -> bool:
        """Save the run's errors of ``kind`` as a slice (on a worker); False without a run."""
        rule = self.rule(kind)
        if rule is None:
            self.status.setText(self.tr("No model run to take errors from."))
            return False
        self.saver.save(name, rule, note)
        return True

    def _ask(self, kind: str) -> None:
        rule = self.rule(kind)
        if rule is None:
            self.status.setText(self.tr("No model run to take errors from."))
            return
        suggested = (
            self.tr("false negatives of run {run}")
            if kind == "fn"
            else self.tr("false positives of run {run}")
        )
        self.saver.ask_and_save(rule, suggested.format(run=rule["terms"][0]["value"]))


class SaveShownAsSlice(QWidget):
    """"Save as slice…" for a panel's list: the images it shows, frozen as a hand-picked list.

    ``shown_images()`` gives the image ids the panel lists now (its filters applied);
    ``suggested()`` a name for the dialog. The rule is the list itself (``ids:``), so the
    slice holds exactly what the person saw, and ``labeler slice diff`` shows nothing new.
    """

    def __init__(self, workspace: Workspace, shown_images: Callable[[], list[int]],
                 suggested: Callable[[], str], parent: QWidget | None = None) -> None:  # fmt: skip
        super().__init__(parent)
        self._shown = shown_images
        self._suggested = suggested
        self.status = QLabel()
        self.status.setObjectName("secondaryText")
        self.saver = _Saver(workspace, self, self.status)
        self.button = QPushButton(self.tr("Save as slice…"))
        self.button.setToolTip(self.tr("Save the images listed here as a named slice"))
        self.button.clicked.connect(self._ask)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.status, 1)

    def rule(self) -> dict[str, Any] | None:
        """The hand-picked rule of the images shown (None when the list is empty)."""
        from labeler.core.slices import rule_for_images

        ids = sorted(set(self._shown()))
        return rule_for_images(ids) if ids else None

    def save(self, name: str, note: str = "") -> bool:
        """Save what is shown as slice ``name`` (on a worker); False when nothing is shown."""
        rule = self.rule()
        if rule is None:
            self.status.setText(self.tr("Nothing listed to save."))
            return False
        self.saver.save(name, rule, note)
        return True

    def _ask(self) -> None:
        rule = self.rule()
        if rule is None:
            self.status.setText(self.tr("Nothing listed to save."))
            return
        self.saver.ask_and_save(rule, self._suggested())

