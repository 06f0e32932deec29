"""Undoable question commands: ask, answer and promote, each returning its inverse.

They follow :mod:`labeler.core.commands`: a command is a small frozen value; applying
it performs the edit in one transaction and returns the command that undoes it, so
the app's undo stack and the CLI share one path::

    undo = AskQuestion(image_id, person_id, "crack or scratch?").apply(project)
    redo = undo.apply(project)  # the same question (same id and uid) comes back

Promoting is a guideline draft edit: the inverse removes the edge-case example it
added and leaves the question answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labeler.core.commands import Command, NoLabelChange
from labeler.core.i18n import _
from labeler.core.store.questions import Question, Region

if TYPE_CHECKING:
    from labeler.core.store import Project


@dataclass(frozen=True)
class AskQuestion(NoLabelChange):
    """Ask a question on an image (or on one of the asker's shapes); undone by withdrawing it."""

    image_id: int
    asker_id: int
    question_text: str
    annotation_id: int | None = None
    region: Region | None = None
    class_name: str | None = None
    section: str | None = None

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Ask question")

    def _apply(self, project: Project) -> Command:
        asked = project.ask_question(
            self.image_id,
            self.asker_id,
            self.question_text,
            annotation_id=self.annotation_id,
            region=self.region,
            class_name=self.class_name,
            section=self.section,
        )
        return WithdrawQuestion(self.image_id, asked.id, self.asker_id)


@dataclass(frozen=True)
class WithdrawQuestion(NoLabelChange):
    """Take back an open question; undone by asking it again with the same id and uid."""

    image_id: int
    question_id: int
    person_id: int | None = None

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Ask question")

    def _apply(self, project: Project) -> Command:
        values = project.withdraw_question(self.question_id, self.person_id)
        return _RestoreQuestion(self.image_id, self.question_id, self.person_id, values)


@dataclass(frozen=True)
class _RestoreQuestion(NoLabelChange):
    """Redo of asking: the withdrawn question returns as it was."""

    image_id: int
    question_id: int
    person_id: int | None
    values: dict[str, Any] = field(compare=False, hash=False)

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Ask question")

    def _apply(self, project: Project) -> Command:
        restored = project.restore_question(self.values)
        return WithdrawQuestion(self.image_id, restored.id, self.person_id)


@dataclass(frozen=True)
class AnswerQuestion(NoLabelChange):
    """Answer a question (or replace its answer); undone by putting the earlier answer back."""

    image_id: int
    question_id: int
    answerer_id: int
    answer: str

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Answer question")

    def _apply(self, project: Project) -> Command:
        before = project.question(self.question_id)
        project.answer_question(self.question_id, self.answerer_id, self.answer)
        return _RestoreAnswer(self.image_id, before, self)


@dataclass(frozen=True)
class _RestoreAnswer(NoLabelChange):
    """Undo of answering: the question's earlier answer (or none: open again) comes back."""

    image_id: int
    before: Question
    again: AnswerQuestion

    @property
    def text(self) -> str:
        """What the edit does."""
        return self.again.text

    def _apply(self, project: Project) -> Command:
        project.restore_answer(
            self.before.id,
            self.before.answer,
            self.before.answerer_id,
            self.before.answered_at,
            self.again.answerer_id,
        )
        return self.again


@dataclass(frozen=True)
class PromoteQuestion(NoLabelChange):
    """Make an answered question an edge case of the draft guideline; undone by removing it."""

    image_id: int
    question_id: int
    person_id: int
    class_name: str | None = None

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Promote to guideline edge case")

    def _apply(self, project: Project) -> Command:
        project.promote_question(self.question_id, self.person_id, self.class_name)
        return _UnpromoteQuestion(self.image_id, self)


@dataclass(frozen=True)
class _UnpromoteQuestion(NoLabelChange):
    """Undo of a promotion: its example leaves the draft; the question stays answered."""

    image_id: int
    again: PromoteQuestion

    @property
    def text(self) -> str:
        """What the edit does."""
        return self.again.text

    def _apply(self, project: Project) -> Command:
        project.unpromote_question(self.again.question_id, self.again.person_id)
        return self.again


__all__ = ["AnswerQuestion", "AskQuestion", "PromoteQuestion", "WithdrawQuestion"]
