"""Keeping gold answers out of labels: what exports, consensus, agreement and truth leave out.

Gold answers (see :mod:`labeler.core.store.gold`) are scored against their image's
reference and are never labels: every annotation on a gold image outside its reference,
and every person's answer given on it after it became gold, is left out of whatever
reads labels. A gold image keeps its reference labels and the answers they were
reviewed from, so it exports as the reviewed image it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from labeler.core.domain import Annotation


@dataclass(frozen=True)
class GoldExclusions:
    """The annotations and ``(image, person)`` answer sides that are gold answers.

    ``empty_references``: gold images whose reference is "nothing here" (whatever gold
    answers drew on them, they hold no labels).
    """

    annotation_ids: frozenset[int]
    sides: frozenset[tuple[int, int]]
    empty_references: frozenset[int] = frozenset()

    @classmethod
    def load(cls, project: object) -> GoldExclusions:
        """Read them from a project (two queries; nothing when it has no gold images)."""
        golds = project.gold_images()  # type: ignore[attr-defined]
        if not golds:
            return cls(frozenset(), frozenset())
        sides = project.gold_answer_sides()  # type: ignore[attr-defined]
        return cls(
            frozenset(project.gold_answer_annotation_ids()),  # type: ignore[attr-defined]
            frozenset((s.image_id, s.person_id) for s in sides),
            frozenset(g.image_id for g in golds if g.reference_count == 0),
        )

    def __bool__(self) -> bool:
        return bool(self.annotation_ids or self.sides)

    def annotations(self, annotations: Iterable[Annotation]) -> list[Annotation]:
        """The annotations that are not gold answers."""
        return [a for a in annotations if a.id not in self.annotation_ids]

    def answers(self, answered: Mapping[int, set[int]]) -> dict[int, set[int]]:
        """Image -> who answered it, without the gold answers (images left empty dropped)."""
        found = {
            image: {p for p in people if (image, p) not in self.sides}
            for image, people in answered.items()
        }
        return {image: people for image, people in found.items() if people}

    def pairs(self, pairs: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
        """``(image, person)`` pairs without the gold answer sides."""
        if not self.sides:
            return list(pairs) if not isinstance(pairs, list) else pairs
        return [p for p in pairs if (p[0], p[1]) not in self.sides]

    def rows(self, rows: Iterable[tuple], image: int = 0, person: int = 1) -> list[tuple]:
        """Rows whose ``(row[image], row[person])`` is not a gold answer side."""
        if not self.sides:
            return list(rows) if not isinstance(rows, list) else rows
        return [r for r in rows if (r[image], r[person]) not in self.sides]

    def id_mask(self, ids: np.ndarray) -> np.ndarray:
        """True where an annotation id is not a gold answer."""
        if not self.annotation_ids:
            return np.ones(len(ids), dtype=bool)
        gone = np.fromiter(self.annotation_ids, np.int64, len(self.annotation_ids))
        return ~np.isin(ids, gone)

    def side_mask(self, image_ids: np.ndarray, owners: np.ndarray) -> np.ndarray:
        """True where an ``(image, owner)`` row is not a gold answer side."""
        if not self.sides:
            return np.ones(len(image_ids), dtype=bool)
        return np.array(
            [
                (i, p) not in self.sides
                for i, p in zip(image_ids.tolist(), owners.tolist(), strict=True)
            ],
            dtype=bool,
        )
