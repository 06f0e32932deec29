"""The labels of a project arranged for comparison: per image, per annotator."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np

from labeler.core.domain import GeometryKind, ImageStatus, LabelClass, Person
from labeler.core.gold_filter import GoldExclusions
from labeler.core.matching import Shape
from labeler.core.store import Project
from labeler.core.store.bulk import ShapeColumns

# Images a person has finished: labeled with nothing on them, they still count as covered.
FINISHED = {ImageStatus.DONE, ImageStatus.NEEDS_REVIEW, ImageStatus.REJECTED}


@dataclass
class ProjectLabels:
    """Every live annotation of a project, grouped by image and annotator.

    A person *covers* an image when they answered it (finished it, with or without
    objects: see :mod:`labeler.core.store.answers`) or made an annotation on it
    (work in progress counts as what they have so far). An empty answer is a side
    with no objects: it agrees with another empty answer and disagrees with
    objects; a person who never answered an image is not compared on it. Objects
    are what each annotator made: a reviewer's fix is not a side of its own, the
    annotation it replaced stays its annotator's. Objects are held as columns
    sorted by image, annotator and id; ``spans[image, annotator]`` is the row range
    of that side's objects, and :attr:`shapes` the same objects as :class:`Shape` lists.
    """

    classes: dict[int, LabelClass]
    people: dict[int, Person]
    coverage: dict[int, list[int]] = field(default_factory=dict)
    objects: ShapeColumns | None = None
    spans: dict[tuple[int, int], tuple[int, int]] = field(default_factory=dict)
    _tag_rows: list[tuple[int, int, int]] = field(default_factory=list, repr=False)
    finished_images: set[int] = field(default_factory=set)
    facts: dict[tuple[int, int], tuple[int | None, str]] = field(default_factory=dict)
    guidelines: dict[int, str] = field(default_factory=dict)
    seconds: dict[tuple[int, int], float] = field(default_factory=dict)

    @classmethod
    def load(cls, project: Project) -> ProjectLabels:
        """Read the project's classes, people and live annotations (a few bulk queries).

        Gold answers (:mod:`labeler.core.gold_filter`) are left out: they are scored
        against their reference, never compared as labels.
        """
        gold = GoldExclusions.load(project)
        labels = cls(
            classes={c.id: c for c in project.classes()},
            people={p.id: p for p in project.people()},
            finished_images=project.image_ids_with_status(FINISHED),
            guidelines={g.id: f"v{g.number}" for g in project.guideline_versions()},
        )
        groups: dict[tuple[int, int], list[tuple[int | None, int, str]]] = defaultdict(list)
        for image, person, version, count, latest, seconds in gold.rows(
            project.made_annotation_groups()
        ):
            groups[image, person].append((version, count, latest))
            labels.seconds[image, person] = labels.seconds.get((image, person), 0.0) + seconds
        labels.facts = {key: _side_facts(group) for key, group in groups.items()}
        for image, person, version, answered_at in gold.rows(project.answer_rows()):
            if (image, person) not in labels.facts:  # an empty answer: when it was given
                labels.facts[image, person] = (version, _week(answered_at))
        coverage: dict[int, list[int]] = defaultdict(list)
        for image, person in gold.pairs(project.answered_coverage()):
            coverage[image].append(person)
        labels.coverage = dict(coverage)
        labels._tag_rows = gold.rows(project.made_tag_rows()) if labels.has_tag_classes else []
        objects = project.made_object_columns()
        if gold:
            objects = objects.take(np.flatnonzero(gold.side_mask(objects.image_id, objects.owner)))
        order = np.lexsort((objects.id, objects.owner, objects.image_id))
        labels.objects = objects = objects.take(order)
        if len(objects):
            keys = np.stack([objects.image_id, objects.owner], axis=1)
            starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
            ends = np.r_[starts[1:], len(objects)]
            for (image, person), start, end in zip(
                keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True
            ):
                labels.spans[image, person] = (start, end)
        return labels

    def within(self, images: Iterable[int]) -> ProjectLabels:
        """The same labels restricted to ``images`` (a slice): other images are not compared."""
        keep = set(int(i) for i in images)
        objects = self.objects
        if objects is not None:
            objects = objects.take(
                np.flatnonzero(np.isin(objects.image_id, np.fromiter(keep, np.int64, len(keep))))
            )
        labels = ProjectLabels(
            self.classes,
            self.people,
            {i: p for i, p in self.coverage.items() if i in keep},
            objects,
            {},
            [row for row in self._tag_rows if row[0] in keep],
            self.finished_images & keep,
            {k: v for k, v in self.facts.items() if k[0] in keep},
            self.guidelines,
            {k: v for k, v in self.seconds.items() if k[0] in keep},
        )
        if objects is not None and len(objects):
            keys = np.stack([objects.image_id, objects.owner], axis=1)
            starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
            ends = np.r_[starts[1:], len(objects)]
            for (image, person), start, end in zip(
                keys[starts].tolist(), starts.tolist(), ends.tolist(), strict=True
            ):
                labels.spans[image, person] = (start, end)
        return labels

    @cached_property
    def coverage_pairs(self) -> np.ndarray:
        """The sorted ``(image, annotator)`` pairs of who covered what (``n x 2``)."""
        pairs = [(i, p) for i in sorted(self.coverage) for p in self.coverage[i]]
        return np.array(pairs, dtype=np.int64).reshape(len(pairs), 2)

    @cached_property
    def tags(self) -> dict[int, dict[int, set[int]]]:
        """Image -> annotator (who covered it) -> the tag classes they gave it."""
        found = {i: {p: set() for p in people} for i, people in self.coverage.items()}
        for image, person, class_id in self._tag_rows:
            found[image][person].add(class_id)
        return found

    @cached_property
    def shapes(self) -> dict[int, dict[int, list[Shape]]]:
        """Image -> annotator (who covered it) -> their box and polygon shapes, by id."""
        found: dict[int, dict[int, list[Shape]]] = {}
        objects = self.objects
        for image, people in self.coverage.items():
            found[image] = {}
            for person in people:
                start, end = self.spans.get((image, person), (0, 0))
                found[image][person] = [
                    Shape(
                        int(objects.id[r]),
                        int(objects.class_id[r]),
                        objects.geometry(r),
                        None,
                        person,
                    )  # type: ignore[union-attr]
                    for r in range(start, end)
                ]
        return found

    @property
    def has_tag_classes(self) -> bool:
        """True when the schema has image-level tag classes."""
        return any(c.kind == GeometryKind.TAG for c in self.classes.values())

    @property
    def has_object_classes(self) -> bool:
        """True when the schema has box or polygon classes."""
        return any(c.kind != GeometryKind.TAG for c in self.classes.values())

    def image_ids(self) -> list[int]:
        """Images someone covered (answered or labeled), in id order."""
        return sorted(self.coverage)

    def coders(self, image_id: int) -> list[int]:
        """Annotators who covered the image, in id order."""
        return list(self.coverage.get(image_id, []))

    def annotators(self) -> list[int]:
        """Everyone who covered an image (answered it or made an annotation), in id order."""
        return sorted({p for people in self.coverage.values() for p in people})

    def class_name(self, class_id: object) -> str:
        """A class id's name (or the value itself as text when unknown)."""
        found = self.classes.get(class_id) if isinstance(class_id, int) else None
        return found.name if found is not None else str(class_id)

    def person_name(self, person_id: object) -> str:
        """A person id's name (or the value itself as text when unknown)."""
        found = self.people.get(person_id) if isinstance(person_id, int) else None
        return found.name if found is not None else str(person_id)

    def guideline_name(self, version_id: int | None) -> str:
        """``v3`` for a guideline version id; ``none`` before the first was published."""
        if version_id is None:
            return "none"
        return self.guidelines.get(version_id, f"id {version_id}")

    def side_facts(self, image_id: int, annotator_id: int) -> tuple[int | None, str]:
        """The guideline version most of a side's annotations were made under, and their week."""
        return self.facts.get((image_id, annotator_id), (None, "unknown"))


def _side_facts(groups: list[tuple[int | None, int, str]]) -> tuple[int | None, str]:
    """A side's guideline version (most of its annotations; the newer on a tie) and week.

    ``groups`` holds ``(version, count, latest created_at)`` per version.
    """
    if len(groups) == 1:
        return groups[0][0], _week(groups[0][2])
    if not groups:
        return None, "unknown"
    version = max(groups, key=lambda g: (g[1], g[0] or 0))[0]
    return version, _week(max(g[2] for g in groups))


_WEEKS: dict[str, str] = {}


def _week(timestamp: str) -> str:
    """:func:`iso_week`, remembered per calendar day (the part before ``T``)."""
    day = timestamp[:10]
    found = _WEEKS.get(day)
    if found is None:
        found = iso_week(timestamp)
        if found != "unknown" and len(_WEEKS) < 100_000:
            _WEEKS[day] = found
    return found


def iso_week(timestamp: str) -> str:
    """The ISO week (``2026-W07``) of an ISO 8601 timestamp; ``unknown`` if unparsable."""
    try:
        year, week, _ = datetime.fromisoformat(timestamp).isocalendar()
    except ValueError:
        return "unknown"
    return f"{year}-W{week:02d}"
