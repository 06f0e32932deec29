"""AI-assisted shapes as undoable commands: the mask's polygons (or box) become annotations.

:class:`AddAiAssistedShape` stores one or more geometries (one per mask part when the user
asked for every part) as ordinary annotations with source ``ai_assisted``, each with its
provenance record (model file hash and name, the prompts, the settings such as the
simplification tolerance), in one transaction and one undo step. Its inverse deletes them
(softly, like any delete); undoing that restores the same annotations with the same ids
and provenance. Review, agreement and export treat them like any other annotation.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from labeler.core.commands import Command
from labeler.core.domain import AnnotationSource
from labeler.core.geometry import Geometry
from labeler.core.i18n import N_, _, ngettext

if TYPE_CHECKING:
    from labeler.core.store import Project


@dataclass(frozen=True)
class AddAiAssistedShape(Command):
    """Add the shapes made from a segmenter's mask; undone by deleting them."""

    image_id: int
    class_id: int
    geometries: tuple[Geometry, ...]
    person_id: int
    model_sha256: str
    model_name: str
    prompts: Mapping[str, Any] = field(default_factory=dict)
    settings: Mapping[str, Any] = field(default_factory=dict)
    seconds_spent: float = 0.0

    def __post_init__(self) -> None:
        if not self.geometries:
            raise ValueError("an AI-assisted shape needs at least one geometry")

    @property
    def text(self) -> str:
        """What the edit does."""
        if len(self.geometries) > 1:
            n = len(self.geometries)
            return ngettext("Add {n} AI shape", "Add {n} AI shapes", n).format(n=n)
        kind = self.geometries[0].kind
        if kind == "polygon":
            return _("Add AI polygon")
        if kind == "box":
            return _("Add AI box")
        return _("Add AI {kind}").format(kind=kind)

    def _apply(self, project: Project) -> Command:
        ids = []
        for geometry in self.geometries:
            created = project.add_annotation(
                self.image_id,
                self.class_id,
                geometry,
                self.person_id,
                source=AnnotationSource.AI_ASSISTED,
                seconds_spent=self.seconds_spent / len(self.geometries),
            )
            project.add_annotation_provenance(
                created.id, self.model_sha256, self.model_name, self.prompts, self.settings
            )
            ids.append(created.id)
        return DeleteAiAssistedShapes(self.image_id, tuple(ids), self.person_id, self.text)


@dataclass(frozen=True)
class DeleteAiAssistedShapes(Command):
    """Delete (softly) the annotations an AI-assisted shape made; undone by restoring them."""

    image_id: int
    annotation_ids: tuple[int, ...]
    person_id: int | None = None
    text_: str = N_("Add AI shape")

    @property
    def text(self) -> str:
        """What the edit does (it undoes an add, so it keeps the add's name)."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        for annotation_id in self.annotation_ids:
            project.delete_annotation(annotation_id, self.person_id)
        return RestoreAiAssistedShapes(
            self.image_id, self.annotation_ids, self.person_id, self.text_
        )


@dataclass(frozen=True)
class RestoreAiAssistedShapes(Command):
    """Bring back the annotations of an undone AI-assisted shape (same ids, provenance)."""

    image_id: int
    annotation_ids: tuple[int, ...]
    person_id: int | None = None
    text_: str = N_("Add AI shape")

    @property
    def text(self) -> str:
        """What the edit does."""
        return _(self.text_)

    def _apply(self, project: Project) -> Command:
        for annotation_id in self.annotation_ids:
            project.restore_annotation(annotation_id, self.person_id)
        return DeleteAiAssistedShapes(
            self.image_id, self.annotation_ids, self.person_id, self.text_
        )
