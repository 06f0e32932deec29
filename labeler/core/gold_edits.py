"""Marking and unmarking gold images as undoable edits (the app's QA lead uses these).

:class:`MarkGold` marks (or unmarks) an image and returns a :class:`RestoreGold` that
puts the image's previous gold record back exactly (not gold, or gold with its earlier
reference); restoring returns the mark again, so undo and redo alternate.
"""

from __future__ import annotations

from dataclasses import dataclass

from labeler.core.commands import Command
from labeler.core.i18n import _
from labeler.core.store import Project
from labeler.core.store.gold import GoldSnapshot


@dataclass(frozen=True)
class MarkGold(Command):
    """Mark an image gold (its reviewed labels become the reference), or unmark it."""

    image_id: int
    person_id: int
    gold: bool = True

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Mark as gold") if self.gold else _("Unmark gold")

    def _apply(self, project: Project) -> Command:
        before = project.gold_snapshot(self.image_id)
        if self.gold:
            project.mark_gold(self.image_id, self.person_id)
        else:
            project.unmark_gold(self.image_id, self.person_id)
        return RestoreGold(self.image_id, self.person_id, before, self.gold)


@dataclass(frozen=True)
class RestoreGold(Command):
    """Put an image's gold record back as it was (the inverse of :class:`MarkGold`)."""

    image_id: int
    person_id: int
    snapshot: GoldSnapshot | None
    redo_gold: bool

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Unmark gold") if self.redo_gold else _("Mark as gold")

    def _apply(self, project: Project) -> Command:
        project.restore_gold(self.image_id, self.snapshot, self.person_id)
        return MarkGold(self.image_id, self.person_id, self.redo_gold)
