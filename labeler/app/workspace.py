"""The workspace: the open project, the signed-in person, undo, and the current image.

Views never write to the store themselves: they build a core command
(:mod:`labeler.core.commands`) and call :meth:`Workspace.execute`, which applies
it in one transaction and pushes a thin :class:`EditCommand` on the
``QUndoStack``. Views learn about every committed change from
:attr:`Workspace.changed` (the core's change events, re-emitted as a Qt
signal), so an edit made by undo, by a panel or by a worker looks the same to them.
"""

from __future__ import annotations

import sys
import time
import traceback
from dataclasses import dataclass

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoCommand, QUndoStack

from labeler.app.time_tracker import TimeTracker
from labeler.core.commands import Command, SetAnswered, SetAssignmentDone, SetImageStatus
from labeler.core.domain import (
    Annotation,
    AssignmentTask,
    ImageStatus,
    LabelClass,
    Person,
    Role,
)
from labeler.core.errors import AcknowledgementRequiredError, LabelerError
from labeler.core.events import Change, Entity
from labeler.core.external_changes import ExternalChangeWatcher
from labeler.core.geometry import Geometry
from labeler.core.store import Project

TIME_FLUSH_MS = 10_000


class EditCommand(QUndoCommand):
    """A core command on the undo stack; the core command already knows its inverse.

    Built after the command was applied (so a failing edit never reaches the
    stack). Consecutive drags of one shape merge: the merged entry keeps the
    first inverse and the latest forward command.
    """

    MERGE_ID = 0x4C42

    def __init__(self, workspace: Workspace, redo_command: Command, undo_command: Command) -> None:
        super().__init__(redo_command.text)
        self._workspace = workspace
        self._redo_command = redo_command
        self._undo_command = undo_command
        self._applied = True

    @property
    def image_id(self) -> int:
        """The image the edit belongs to."""
        return self._redo_command.image_id

    def changes_labels(self) -> bool:
        """True when undoing or redoing it changes labels (see ``Command.changes_labels``)."""
        return self._redo_command.changes_labels()

    def id(self) -> int:
        """Commands of this type may merge (see :meth:`mergeWith`)."""
        return self.MERGE_ID

    def redo(self) -> None:
        """Apply the edit (the first call, at push time, was done before the push)."""
        if self._applied:
            return
        undo = self._workspace.apply_for_undo_stack(self._redo_command)
        if undo is None:
            self.setObsolete(True)
            return
        self._undo_command, self._applied = undo, True

    def undo(self) -> None:
        """Apply the inverse."""
        redo = self._workspace.apply_for_undo_stack(self._undo_command)
        if redo is None:
            self.setObsolete(True)
            return
        self._redo_command, self._applied = redo, False

    def mergeWith(self, other: QUndoCommand) -> bool:
        """Absorb a following drag of the same shape."""
        if not isinstance(other, EditCommand):
            return False
        if not self._redo_command.merges_with(other._redo_command):
            return False
        self._redo_command = other._redo_command
        return True


@dataclass(frozen=True)
class ClipboardShape:
    """A copied shape: its class and geometry (pasted onto any image)."""

    class_id: int
    geometry: Geometry


class Workspace(QObject):
    """The state of a labeling session that several views share."""

    changed = Signal(object)
    imageChanged = Signal(int)
    errorRaised = Signal(str)
    saveStateChanged = Signal(str, bool)
    activeClassChanged = Signal(int)
    annotationScopeChanged = Signal(bool)
    focusImageRequested = Signal(int)
    acknowledgementNeeded = Signal(object)  # the core's AcknowledgementRequiredError

    def __init__(self, project: Project, person: Person, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.person = person
        self.undo_stack = QUndoStack(self)
        self.clipboard: list[ClipboardShape] = []
        self.current_image_id: int | None = None
        self._classes = project.classes()
        drawable = [c for c in self._classes if c.kind.value != "tag"]
        self.active_class_id: int | None = drawable[0].id if drawable else None
        # Annotators label blind (their own shapes only); reviewers and QA leads see everyone's.
        self.only_own_annotations = person.role == Role.ANNOTATOR
        self.time = TimeTracker()
        self._pending_time: dict[int, float] = {}
        self._unsubscribe = project.changes.subscribe(self._relay)
        project.changes.on_failure = self._on_listener_failure
        self._external = ExternalChangeWatcher(project)
        self._time_timer = QTimer(self)
        self._time_timer.setInterval(TIME_FLUSH_MS)
        self._time_timer.timeout.connect(self.flush_time)
        self._time_timer.start()
        self.last_saved_at: float | None = None
        self.last_error = ""

    @property
    def require_acknowledgement(self) -> bool:
        """Whether the core refuses this person's label changes under an unread guideline.

        Off until set (the app turns it on at sign-in; scripts and tests that build a
        window directly opt in). The rule itself is the core's: setting this makes the
        signed-in person the labeling person of the project's connection
        (``Project.check_labeling``), so every command applied on it is checked.
        """
        return self.project.labeling_person_id is not None

    @require_acknowledgement.setter
    def require_acknowledgement(self, required: bool) -> None:
        self.project.labeling_person_id = self.person.id if required else None

    # Classes

    def classes(self) -> list[LabelClass]:
        """The project's classes in display order (cached; refreshed on class changes)."""
        return list(self._classes)

    def drawable_classes(self) -> list[LabelClass]:
        """Classes drawn as shapes (not tags), in display order: keys 1-9 pick these."""
        return [c for c in self._classes if c.kind.value != "tag"]

    def tag_classes(self) -> list[LabelClass]:
        """Image-level classes."""
        return [c for c in self._classes if c.kind.value == "tag"]

    def label_class(self, class_id: int) -> LabelClass | None:
        """The class with this id, if it exists."""
        return next((c for c in self._classes if c.id == class_id), None)

    def set_active_class(self, class_id: int) -> None:
        """The class new shapes get."""
        if class_id != self.active_class_id:
            self.active_class_id = class_id
            self.activeClassChanged.emit(class_id)

    # Annotations

    def annotations(self, image_id: int) -> list[Annotation]:
        """The annotations of an image this person sees (see :attr:`only_own_annotations`)."""
        own = self.person.id if self.only_own_annotations else None
        return self.project.annotations(image_id, annotator_id=own)

    def set_only_own_annotations(self, only_own: bool) -> None:
        """Show only the signed-in person's annotations, or everyone's."""
        if only_own != self.only_own_annotations:
            self.only_own_annotations = only_own
            self.annotationScopeChanged.emit(only_own)

    # Images

    def set_current_image(self, image_id: int | None) -> None:
        """Show another image; the time spent on the previous one is queued for saving.

        Time is written by :meth:`flush_time` (every few seconds, and on close), not
        here: a commit on every image switch would delay showing the next image.
        """
        if image_id == self.current_image_id:
            return
        self._queue_time(*self.time.switch(image_id))
        self.current_image_id = image_id
        if image_id is not None:
            self.imageChanged.emit(image_id)

    def is_done_for_me(self, image_id: int) -> bool:
        """True when the signed-in person has answered (marked done) the image."""
        return self.project.is_answered(image_id, self.person.id)

    def toggle_done_for_me(self, image_id: int) -> Command | None:
        """Mark the image done for the signed-in person, or not done if it was (undoable).

        Each person has their own "done" (blind overlap: one annotator finishing
        does not finish the image for the others); the image's status follows
        from everyone assigned to it. An annotator's done is their answer, with or
        without objects. A reviewer or QA lead answers only where they label (an
        annotate assignment, or their own annotations on the image); where they
        review, done completes their review assignment, so reviewing never makes
        them an annotator. Elsewhere it sets the image's status, as before.
        """
        person = self.person.id
        own = self.project.assignments(image_id, person)
        labels_here = (
            self.person.role == Role.ANNOTATOR
            or self.is_done_for_me(image_id)
            or any(a.task == AssignmentTask.ANNOTATE for a in own)
            or bool(self.project.annotations(image_id, annotator_id=person))
        )
        if labels_here:
            return self.execute(SetAnswered(image_id, person, not self.is_done_for_me(image_id)))
        review = next((a for a in own if a.task == AssignmentTask.REVIEW), None)
        if review is not None:
            return self.execute(SetAssignmentDone(image_id, review.id, review.done_at is None))
        status = self.project.image(image_id).status
        done = ImageStatus.IN_PROGRESS if status == ImageStatus.DONE else ImageStatus.DONE
        return self.execute(SetImageStatus(image_id, done, person))

    def flush_time(self) -> None:
        """Save the active time accumulated per image so far (one small transaction)."""
        self._queue_time(*self.time.take())
        pending, self._pending_time = self._pending_time, {}
        if not pending:
            return
        try:
            with self.project.transaction():
                for image_id, seconds in pending.items():
                    self.project.add_image_time(image_id, self.person.id, seconds)
        except LabelerError as exc:
            self._report(self.tr("Could not record time: {error}").format(error=exc))

    def _queue_time(self, image_id: int | None, seconds: float) -> None:
        if image_id is not None and seconds >= 0.05:
            self._pending_time[image_id] = self._pending_time.get(image_id, 0.0) + seconds

    # Edits

    def execute(self, command: Command | None) -> Command | None:
        """Apply an edit in one transaction and put it on the undo stack.

        Returns the inverse the command produced (None if it was refused; the
        reason went to :attr:`errorRaised`).
        """
        if command is None:
            return None
        undo = self._apply(command)
        if undo is None:
            return None
        self.undo_stack.push(EditCommand(self, command, undo))
        return undo

    def undo(self) -> None:
        """Undo the last edit, unless the core refuses label changes now (the step stays)."""
        if not self._refused(self.undo_stack.command(self.undo_stack.index() - 1)):
            self.undo_stack.undo()

    def redo(self) -> None:
        """Redo the last undone edit, unless the core refuses label changes now."""
        if not self._refused(self.undo_stack.command(self.undo_stack.index())):
            self.undo_stack.redo()

    def _refused(self, step: QUndoCommand | None) -> bool:
        """Ask the core before moving the stack: a refused undo must not drop the step."""
        if not isinstance(step, EditCommand) or not step.changes_labels():
            return False
        try:
            self.project.check_labeling()
        except AcknowledgementRequiredError as exc:
            self._refuse(step.text(), exc)
            return True
        return False

    def apply_for_undo_stack(self, command: Command) -> Command | None:
        """Apply an undo or redo step; moves to the edit's image first. None if it failed.

        An edit of no image (``image_id`` 0: a class edit) leaves the view where it is.
        """
        if command.image_id and command.image_id != self.current_image_id:
            self.focusImageRequested.emit(command.image_id)
        return self._apply(command)

    def _apply(self, command: Command) -> Command | None:
        try:
            return command.apply(self.project)
        except AcknowledgementRequiredError as exc:
            self._refuse(command.text, exc)
        except LabelerError as exc:
            self._report(f"{command.text}: {exc}")
        except Exception as exc:  # sqlite3 errors (disk full, I/O) and bugs: never a crash
            traceback.print_exc(file=sys.stderr)
            self._report(
                self.tr("{edit} was NOT saved: {error}").format(
                    edit=command.text, error=f"{type(exc).__name__}: {exc}"
                )
            )
        return None

    def _refuse(self, text: str, exc: AcknowledgementRequiredError) -> None:
        """The core refused a label change: say why and let the window offer the guideline."""
        self._report(self.tr("{edit} refused: {reason}").format(edit=text, reason=exc))
        self.acknowledgementNeeded.emit(exc)

    def _report(self, message: str) -> None:
        self.last_error = message
        self.saveStateChanged.emit(message, False)
        self.errorRaised.emit(message)

    def _relay(self, change: Change) -> None:
        if change.entity == Entity.CLASS:
            self._classes = self.project.classes()
        self.last_saved_at = time.time()
        self.saveStateChanged.emit("All changes saved", True)
        self.changed.emit(change)

    def _on_listener_failure(self, change: Change, _listener: object, error: BaseException) -> None:
        """A view failed on a committed change: the edit is saved; say what broke."""
        traceback.print_exception(error, file=sys.stderr)
        self.errorRaised.emit(
            self.tr("A panel failed to show a change ({error}); the change itself is saved").format(
                error=f"{change.entity}: {type(error).__name__}: {error}"
            )
        )

    def poll_external_changes(self) -> int:
        """Publish what other connections committed since the last poll; returns how many.

        The one path for work done elsewhere: a background job's own connection, the
        CLI in a terminal, another copy of the app. Never raises: a file that cannot
        be read is reported through :attr:`errorRaised`.
        """
        try:
            changes = self._external.poll()
        except Exception as exc:
            self.errorRaised.emit(
                self.tr("Cannot read the project's changes: {error}").format(error=exc)
            )
            return 0
        for change in changes:
            self.notify_external_change(change)
        return len(changes)

    def notify_external_change(self, change: Change) -> None:
        """Tell the views about a change a worker committed through its own connection."""
        self.project.changes.publish(change)

    def close(self) -> None:
        """Save pending time and stop listening to the project."""
        self._time_timer.stop()
        self.flush_time()
        self._unsubscribe()
