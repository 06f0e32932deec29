"""Undoable edits as data: each command applies itself in one transaction and returns its inverse.

The pattern of glue's ``core/command.py`` and Orange's paint widget: an edit is a
small value; :meth:`Command.apply` performs it on a :class:`Project` inside one
durable transaction and returns the command that undoes it. Undoing an undo
gives back an equivalent command again, so an undo stack only has to keep the
last inverse of each entry::

    undo = AddAnnotation(image_id, class_id, Box(...), person_id).apply(project)
    redo = undo.apply(project)  # the same annotation comes back (same id)

Nothing here imports Qt; the workspace wraps commands in thin ``QUndoCommand``
objects that merge consecutive drags of one shape (:meth:`Command.merges_with`).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Sequence
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from labeler.core.domain import AnnotationSource, ExampleShape, GuidelineExample, ImageStatus
from labeler.core.geometry import Geometry
from labeler.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from labeler.core.store import Project


# The Edit menu's names of the edits (translated when shown: ``text`` returns ``_(...)``).
# A command's ``text_`` keeps the English message so an inverse made under one language
# still reads right after the language changes; a text filled with fields (counts) is
# translated when the command is made.
_ADD_KIND = {"box": N_("Add box"), "polygon": N_("Add polygon"), "tag": N_("Add tag")}
_MARK_STATUS = {
    ImageStatus.NEW: N_("Mark new"),
    ImageStatus.PRELABELED: N_("Mark pre-labeled"),
    ImageStatus.IN_PROGRESS: N_("Mark in progress"),
    ImageStatus.DONE: N_("Mark done"),
    ImageStatus.NEEDS_REVIEW: N_("Mark needs review"),
    ImageStatus.REJECTED: N_("Mark rejected"),
}
_REVIEW_DECISION = {
    "accept": N_("Accept #{id}"),
    "reject": N_("Reject #{id}"),
    "fix": N_("Fix #{id}"),
}

_APPLYING: ContextVar[str | None] = ContextVar("labeler_command_applying", default=None)


def command_in_progress() -> str | None:
    """The text of the command being applied in this thread (None outside any command).

    Lets a test prove that every label change of the app goes through a command.
    """
    return _APPLYING.get()


class Command(ABC):
    """An edit of one image's labels that knows how to undo itself."""

    image_id: int

    @property
    @abstractmethod
    def text(self) -> str:
        """What the edit does, for the Edit menu ("Undo Move box")."""

    def apply(self, project: Project) -> Command:
        """Perform the edit in one transaction and return the command that undoes it.

        A label change is refused (``AcknowledgementRequiredError``, nothing written)
        while the connection's labeling person has not acknowledged the guideline
        version in force (``Project.check_labeling``); commands applied inside another
        command are covered by the outer one's check.
        """
        outermost = _APPLYING.get() is None
        token = _APPLYING.set(self.text)
        try:
            with project.transaction():
                if outermost and self.changes_labels():
                    project.check_labeling()
                return self._apply(project)
        finally:
            _APPLYING.reset(token)

    def changes_labels(self) -> bool:
        """True when the edit changes labels, so it needs the guideline in force read.

        Edits of the class list that relabel nothing and questions answer False.
        """
        return True

    @abstractmethod
    def _apply(self, project: Project) -> Command:
        """Perform the edit (inside the caller's transaction); return the inverse."""

    def merges_with(self, later: Command) -> bool:
        """True when ``later``, applied right after this one, may share its undo step."""
        return False


class NoLabelChange(Command):
    """An edit that changes no label: no guideline acknowledgement is needed for it.

    The class list's names, colours and order (a merge relabels, so it is not one) and
    questions about the guideline.
    """

    def changes_labels(self) -> bool:
        """False: nothing labeled changes."""
        return False


@dataclass(frozen=True)
class AddAnnotation(Command):
    """Create a new annotation; undone by deleting it."""

    image_id: int
    class_id: int
    geometry: Geometry
    annotator_id: int
    source: AnnotationSource = AnnotationSource.MANUAL
    seconds_spent: float = 0.0
    prediction_id: int | None = None

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(_ADD_KIND[self.geometry.kind])

    def _apply(self, project: Project) -> Command:
        created = project.add_annotation(
            self.image_id,
            self.class_id,
            self.geometry,
            self.annotator_id,
            source=self.source,
            seconds_spent=self.seconds_spent,
            prediction_id=self.prediction_id,
        )
        text = _ADD_KIND[self.geometry.kind]
        return DeleteAnnotation(self.image_id, created.id, self.annotator_id, text_=text)


@dataclass(frozen=True)
class DeleteAnnotation(Command):
    """Delete an annotation (softly: it stays on file); undone by restoring the same record.

    Deleting an annotation made from a pre-label also rejects that pre-label, so it
    does not pop up again; the inverse brings both back.
    """

    image_id: int
    annotation_id: int
    person_id: int | None = None
    text_: str = N_("Delete shape")

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        annotation = project.annotation(self.annotation_id)
        project.delete_annotation(self.annotation_id, self.person_id)
        restore = RestoreAnnotation(self.image_id, self.annotation_id, self.person_id, self.text_)
        if annotation.prediction_id is None:
            return restore
        unreject = RejectPrediction(self.image_id, annotation.prediction_id, self.person_id).apply(
            project
        )
        return CompositeCommand((unreject, restore), self.text_)


@dataclass(frozen=True)
class RestoreAnnotation(Command):
    """Bring back a deleted annotation; undone by deleting it again."""

    image_id: int
    annotation_id: int
    person_id: int | None = None
    text_: str = N_("Restore shape")

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        project.restore_annotation(self.annotation_id, self.person_id)
        return DeleteAnnotation(self.image_id, self.annotation_id, self.person_id, self.text_)


@dataclass(frozen=True)
class UpdateAnnotation(Command):
    """Change an annotation's shape and/or class; undone by the old values.

    Changing an accepted pre-label makes it ``prelabel_edited`` (unless ``source``
    says otherwise); the inverse restores the old source too.
    """

    image_id: int
    annotation_id: int
    geometry: Geometry | None = None
    class_id: int | None = None
    person_id: int | None = None
    source: AnnotationSource | None = None
    text_: str = ""

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self._message())

    def _message(self) -> str:
        if self.text_:
            return self.text_
        return N_("Change class") if self.geometry is None else N_("Edit shape")

    def _apply(self, project: Project) -> Command:
        old = project.annotation(self.annotation_id)
        source = self.source
        if source is None and old.source == AnnotationSource.PRELABEL_ACCEPTED:
            source = AnnotationSource.PRELABEL_EDITED
        project.update_annotation(
            self.annotation_id,
            geometry=self.geometry,
            class_id=self.class_id,
            source=source,
            person_id=self.person_id,
        )
        return UpdateAnnotation(
            self.image_id,
            self.annotation_id,
            geometry=old.geometry if self.geometry is not None else None,
            class_id=old.class_id if self.class_id is not None else None,
            person_id=self.person_id,
            source=old.source,
            text_=self._message(),
        )

    def merges_with(self, later: Command) -> bool:
        """Consecutive shape edits of the same annotation share one undo step."""
        return (
            isinstance(later, UpdateAnnotation)
            and later.annotation_id == self.annotation_id
            and self.geometry is not None
            and later.geometry is not None
            and self.class_id is None
            and later.class_id is None
        )


@dataclass(frozen=True)
class AcceptPrediction(Command):
    """Turn a pre-label into an annotation; undone by deleting that annotation.

    Without ``geometry`` or ``class_id`` the annotation copies the prediction and is
    ``prelabel_accepted``; with either (the user edited it first) it is
    ``prelabel_edited``. Either way it records the prediction it came from.
    """

    image_id: int
    prediction_id: int
    annotator_id: int
    geometry: Geometry | None = None
    class_id: int | None = None
    seconds_spent: float = 0.0

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self._message())

    def _message(self) -> str:
        edited = self.geometry is not None or self.class_id is not None
        return N_("Edit pre-label") if edited else N_("Accept pre-label")

    def _apply(self, project: Project) -> Command:
        prediction = project.prediction(self.prediction_id)
        edited = self.geometry is not None or self.class_id is not None
        source = AnnotationSource.PRELABEL_EDITED if edited else AnnotationSource.PRELABEL_ACCEPTED
        created = project.add_annotation(
            self.image_id,
            self.class_id if self.class_id is not None else prediction.class_id,
            self.geometry if self.geometry is not None else prediction.geometry,
            self.annotator_id,
            source=source,
            seconds_spent=self.seconds_spent,
            prediction_id=self.prediction_id,
        )
        return _DeleteAccepted(self.image_id, created.id, self.annotator_id, self._message())


@dataclass(frozen=True)
class _DeleteAccepted(Command):
    """Inverse of an accept: delete the annotation and let the pre-label show again."""

    image_id: int
    annotation_id: int
    person_id: int | None
    text_: str

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        project.delete_annotation(self.annotation_id, self.person_id)
        return _RestoreAccepted(self.image_id, self.annotation_id, self.person_id, self.text_)


@dataclass(frozen=True)
class _RestoreAccepted(Command):
    """Redo of an accept: bring the same annotation back."""

    image_id: int
    annotation_id: int
    person_id: int | None
    text_: str

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        project.restore_annotation(self.annotation_id, self.person_id)
        return _DeleteAccepted(self.image_id, self.annotation_id, self.person_id, self.text_)


@dataclass(frozen=True)
class RejectPrediction(Command):
    """Dismiss a pre-label on its image (it stops being shown); undone by un-rejecting it."""

    image_id: int
    prediction_id: int
    person_id: int | None = None
    rejected: bool = True

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Reject pre-label") if self.rejected else _("Restore pre-label")

    def _apply(self, project: Project) -> Command:
        was_rejected = project.set_prediction_rejected(
            self.prediction_id, self.rejected, self.person_id
        )
        return RejectPrediction(self.image_id, self.prediction_id, self.person_id, was_rejected)


@dataclass(frozen=True)
class SetImageStatus(Command):
    """Move an image to a workflow status (done, needs review, ...); undone by the old status."""

    image_id: int
    status: ImageStatus
    person_id: int | None = None
    text_: str = ""

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self._message())

    def _message(self) -> str:
        return self.text_ or _MARK_STATUS[self.status]

    def _apply(self, project: Project) -> Command:
        old = project.image(self.image_id).status
        project.set_image_status(self.image_id, self.status, self.person_id)
        return SetImageStatus(self.image_id, old, self.person_id, self._message())


@dataclass(frozen=True)
class SetAnswered(Command):
    """Mark an image done (answered) or not done *for one person*; undone by the opposite.

    Answering with nothing drawn is an answer too (:mod:`labeler.core.store.answers`).
    The image's overall status follows from its assignees' answers; ``status``, set
    on an inverse, puts the image back in the exact status it had before.
    """

    image_id: int
    person_id: int
    answered: bool = True
    status: ImageStatus | None = None

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Mark done") if self.answered else _("Mark not done")

    def _apply(self, project: Project) -> Command:
        was_answered = project.is_answered(self.image_id, self.person_id)
        old_status = project.image(self.image_id).status
        if self.answered:
            project.mark_answered(self.image_id, self.person_id)
        else:
            project.unmark_answered(self.image_id, self.person_id)
        if self.status is not None and project.image(self.image_id).status != self.status:
            project.set_image_status(self.image_id, self.status, self.person_id)
        return SetAnswered(self.image_id, self.person_id, was_answered, old_status)


@dataclass(frozen=True)
class SetAssignmentDone(Command):
    """Mark a (review) assignment done or open again; undone by the opposite."""

    image_id: int
    assignment_id: int
    done: bool = True

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Mark review done") if self.done else _("Mark review not done")

    def _apply(self, project: Project) -> Command:
        [before] = [a for a in project.assignments(self.image_id) if a.id == self.assignment_id]
        project.complete_assignment(self.assignment_id, self.done)
        return SetAssignmentDone(self.image_id, self.assignment_id, before.done_at is not None)


@dataclass(frozen=True)
class ReviewAnnotation(Command):
    """A reviewer's accept, reject or fix of an annotation; undone by withdrawing it.

    A fix stores the reviewer's corrected shape as the annotation replacing the old
    one (see ``Project.review_annotation``); its undo deletes that shape, brings
    the old one back and reopens a re-review the decision had resolved.
    """

    image_id: int
    annotation_id: int
    reviewer_id: int
    decision: str
    reason: str | None = None
    section: str | None = None
    fix_geometry: Geometry | None = None
    fix_class_id: int | None = None

    @property
    def text(self) -> str:
        """What the edit does."""
        message = _REVIEW_DECISION.get(self.decision)
        if message is None:
            return f"{self.decision.capitalize()} #{self.annotation_id}"
        return _(message).format(id=self.annotation_id)

    def _apply(self, project: Project) -> Command:
        review = project.review_annotation(
            self.annotation_id,
            self.reviewer_id,
            self.decision,
            reason=self.reason,
            section=self.section,
            fix_geometry=self.fix_geometry,
            fix_class_id=self.fix_class_id,
        )
        return WithdrawReview(self.image_id, review.id, self)


@dataclass(frozen=True)
class WithdrawReview(Command):
    """Take a review decision back; undone by deciding the same again (a new review)."""

    image_id: int
    review_id: int
    decision: ReviewAnnotation

    @property
    def text(self) -> str:
        """What the edit does."""
        return self.decision.text

    def _apply(self, project: Project) -> Command:
        project.withdraw_review(self.review_id, self.decision.reviewer_id)
        return self.decision


@dataclass(frozen=True)
class AddEdgeCaseExample(Command):
    """Add an image (with shapes) as an edge case of the next guideline; undone by removing it.

    Without ``shapes`` the image's live annotations are taken (see
    ``Project.add_edge_case_example``); the inverse keeps the shapes actually
    stored, so redo brings back the same example.
    """

    image_id: int
    note: str
    added_by: int | None = None
    shapes: tuple[ExampleShape, ...] | None = None
    class_name: str | None = None

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Add guideline edge case")

    def _apply(self, project: Project) -> Command:
        example = project.add_edge_case_example(
            self.image_id,
            self.note,
            added_by=self.added_by,
            shapes=list(self.shapes) if self.shapes is not None else None,
            class_name=self.class_name,
        )
        again = AddEdgeCaseExample(
            self.image_id, self.note, self.added_by, example.shapes, example.class_name
        )
        return RemoveGuidelineExample(self.image_id, example, again)


@dataclass(frozen=True)
class RemoveGuidelineExample(Command):
    """Remove an example from the guideline draft; undone by adding it again."""

    image_id: int
    example: GuidelineExample
    again: AddEdgeCaseExample

    @property
    def text(self) -> str:
        """What the edit does."""
        return self.again.text

    def _apply(self, project: Project) -> Command:
        project.remove_guideline_example(self.example.id, self.again.added_by)
        return self.again


@dataclass(frozen=True)
class CompositeCommand(Command):
    """Several commands applied in one transaction as one undo step (paste, accept all)."""

    commands: tuple[Command, ...]
    text_: str
    image_id: int = field(init=False)

    def __post_init__(self) -> None:
        if not self.commands:
            raise ValueError("a composite command needs at least one command")
        object.__setattr__(self, "image_id", self.commands[0].image_id)

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def changes_labels(self) -> bool:
        """True when one of the commands changes labels."""
        return any(command.changes_labels() for command in self.commands)

    def _apply(self, project: Project) -> Command:
        inverses = [command.apply(project) for command in self.commands]
        return CompositeCommand(tuple(reversed(inverses)), self.text_)


def accept_predictions(
    image_id: int, prediction_ids: Sequence[int], annotator_id: int
) -> CompositeCommand | None:
    """One undoable step accepting several pre-labels unchanged (None when there are none)."""
    commands = tuple(AcceptPrediction(image_id, pid, annotator_id) for pid in prediction_ids)
    if not commands:
        return None
    n = len(commands)
    return CompositeCommand(
        commands, ngettext("Accept {n} pre-label", "Accept {n} pre-labels", n).format(n=n)
    )


def paste_shapes(
    image_id: int, shapes: Sequence[tuple[int, Geometry]], annotator_id: int
) -> CompositeCommand | None:
    """One undoable step adding copied ``(class_id, geometry)`` shapes to an image."""
    commands = tuple(
        AddAnnotation(image_id, class_id, geometry, annotator_id) for class_id, geometry in shapes
    )
    if not commands:
        return None
    n = len(commands)
    return CompositeCommand(
        commands, ngettext("Paste {n} shape", "Paste {n} shapes", n).format(n=n)
    )


def created_annotation_id(inverse: Command) -> int | None:
    """The annotation an add, paste-of-one or accept created, read from the inverse it returned."""
    if isinstance(inverse, DeleteAnnotation | _DeleteAccepted):
        return inverse.annotation_id
    return None
