"""Undoable edits of the class list: add, rename, recolour, reorder, merge (and their inverses).

The same shape as :mod:`labeler.core.commands`: each edit is an immutable value whose
:meth:`~labeler.core.commands.Command.apply` runs it in one transaction (through the
store's :mod:`~labeler.core.store.class_edits`) and returns the command that undoes it.
A class edit belongs to no image: its ``image_id`` is :data:`NO_IMAGE`, so undoing it
does not move the window to another image.

- :class:`AddClass` is undone by :class:`RemoveClass`, which refuses a class that is in
  use by then (it has annotations, pre-labels or guideline entries).
- :class:`RenameClass` is undone by renaming back; the class's aliases (old names that
  packages still use) are restored exactly.
- :class:`MergeClasses` is undone by :class:`SplitClass`, which brings the source class
  back with its id and moves back exactly the annotations and pre-labels that moved.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from labeler.core.commands import Command, NoLabelChange
from labeler.core.domain import GeometryKind
from labeler.core.i18n import N_, _
from labeler.core.store.class_edits import ClassAlias, ClassRecord, MergeRecord

if TYPE_CHECKING:
    from labeler.core.store import Project

NO_IMAGE = 0  # the image_id of an edit that belongs to no image

__all__ = [
    "NO_IMAGE",
    "AddClass",
    "MergeClasses",
    "RecolourClass",
    "RemoveClass",
    "RenameClass",
    "ReorderClasses",
    "RestoreClass",
    "SplitClass",
    "moved_order",
]


@dataclass(frozen=True)
class AddClass(NoLabelChange):
    """Add a class at the end of the list; undone by removing it while it is unused."""

    name: str
    kind: GeometryKind = GeometryKind.BOX
    color: str | None = None
    person_id: int | None = None
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Add class {name}").format(name=self.name.strip())

    def _apply(self, project: Project) -> Command:
        created = project.create_class(self.name, self.kind, self.color, self.person_id)
        return RemoveClass(created.id, self.person_id, self.text)


@dataclass(frozen=True)
class RemoveClass(NoLabelChange):
    """Remove a class nothing uses; undone by restoring it (same id, colour and place)."""

    class_id: int
    person_id: int | None = None
    text_: str = N_("Remove class")
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        record = project.remove_unused_class(self.class_id, self.person_id)
        return RestoreClass(record, self.person_id, self.text_)


@dataclass(frozen=True)
class RestoreClass(NoLabelChange):
    """Bring a removed class back exactly; undone by removing it again."""

    record: ClassRecord
    person_id: int | None = None
    text_: str = N_("Restore class")
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        project.restore_class(self.record, self.person_id)
        return RemoveClass(self.record.id, self.person_id, self.text_)


@dataclass(frozen=True)
class RenameClass(NoLabelChange):
    """Rename a class; undone by the old name (and the aliases it had before).

    ``aliases``, set on an inverse, are the class's aliases to have afterwards, so an
    undone rename leaves no trace of the name it undid.
    """

    class_id: int
    new_name: str
    person_id: int | None = None
    aliases: tuple[ClassAlias, ...] | None = None
    text_: str = ""
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return (
            _(self.text_)
            if self.text_
            else _("Rename class to {name}").format(name=self.new_name.strip())
        )

    def _apply(self, project: Project) -> Command:
        old = project.class_record(self.class_id).name
        before = tuple(project.class_aliases(self.class_id))
        project.rename_class(self.class_id, self.new_name, self.person_id)
        if self.aliases is not None:
            project.set_class_aliases(self.class_id, self.aliases)
        return RenameClass(self.class_id, old, self.person_id, before, self.text)


@dataclass(frozen=True)
class RecolourClass(NoLabelChange):
    """Give a class another colour (#RRGGBB); undone by the old colour."""

    class_id: int
    color: str
    person_id: int | None = None
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Recolour class")

    def _apply(self, project: Project) -> Command:
        old = project.recolour_class(self.class_id, self.color, self.person_id)
        return RecolourClass(self.class_id, old, self.person_id)


@dataclass(frozen=True)
class ReorderClasses(NoLabelChange):
    """Put the classes in a new order (keys 1-9 follow it); undone by the old order."""

    order: tuple[int, ...]
    person_id: int | None = None
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return _("Reorder classes")

    def _apply(self, project: Project) -> Command:
        before = project.reorder_classes(self.order, self.person_id)
        return ReorderClasses(tuple(before), self.person_id)


@dataclass(frozen=True)
class MergeClasses(Command):
    """Merge class ``source_id`` into ``target_id``; undone by splitting exactly it back."""

    source_id: int
    target_id: int
    person_id: int | None = None
    text_: str = N_("Merge classes")
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        record = project.merge_classes(self.source_id, self.target_id, self.person_id)
        return SplitClass(record, self.person_id, self.text_)


@dataclass(frozen=True)
class SplitClass(Command):
    """Undo a merge: the source class and what moved from it come back; redone by merging."""

    record: MergeRecord
    person_id: int | None = None
    text_: str = N_("Merge classes")
    image_id: int = NO_IMAGE

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        project.split_merged_class(self.record, self.person_id)
        return MergeClasses(
            self.record.source.id, self.record.target_id, self.person_id, self.text_
        )


def moved_order(order: Sequence[int], class_id: int, steps: int) -> tuple[int, ...] | None:
    """``order`` with ``class_id`` moved ``steps`` places (negative: up); None if it cannot."""
    ids = list(order)
    if class_id not in ids:
        return None
    start = ids.index(class_id)
    end = max(0, min(len(ids) - 1, start + steps))
    if end == start:
        return None
    ids.insert(end, ids.pop(start))
    return tuple(ids)
