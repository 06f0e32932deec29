"""The labels of a project arranged for comparison: per image, per annotator."""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

import numpy as np

from labeler.core.agreement.sides import (
    NO_VERSION,
    CoverageView,
    FactView,
    SecondsView,
    Sides,
    SpanView,
)
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
    sorted by image, annotator and id; :attr:`sides` holds one row per side (its
    object rows, guideline version, week and seconds) as columns too, and
    :attr:`coverage`, :attr:`spans`, :attr:`facts` and :attr:`seconds` are read-only
    mapping views of it (see :mod:`.sides`: a million images fit in a few hundred MB).
    """

    classes: dict[int, LabelClass]
    people: dict[int, Person]
    sides: Sides = field(default_factory=Sides.empty)
    objects: ShapeColumns | None = None
    _tag_rows: list[tuple[int, int, int]] = field(default_factory=list, repr=False)
    guidelines: dict[int, str] = field(default_factory=dict)

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
            guidelines={g.id: f"v{g.number}" for g in project.guideline_versions()},
        )
        pairs = project.answered_coverage_array()
        if gold:
            pairs = pairs[gold.side_mask(pairs[:, 0], pairs[:, 1])]
        groups = (
            gold.rows(project.made_annotation_group_stream())
            if gold
            else (project.made_annotation_group_stream())
        )
        answers = gold.rows(project.answer_row_stream()) if gold else project.answer_row_stream()
        sides = _sides_of(pairs, groups, answers)
        labels._tag_rows = gold.rows(project.made_tag_rows()) if labels.has_tag_classes else []
        objects = project.made_object_columns()
        if gold:
            objects = objects.take(np.flatnonzero(gold.side_mask(objects.image_id, objects.owner)))
        objects.reorder(np.lexsort((objects.id, objects.owner, objects.image_id)))
        labels.objects = objects
        _set_spans(sides, labels.objects)
        labels.sides = sides
        return labels

    def within(self, images: Iterable[int]) -> ProjectLabels:
        """The same labels restricted to ``images`` (a slice): other images are not compared."""
        keep = np.unique(np.fromiter((int(i) for i in images), dtype=np.int64))
        objects = self.objects
        if objects is not None:
            objects = objects.take(np.flatnonzero(np.isin(objects.image_id, keep)))
        s = self.sides
        rows = np.flatnonzero(np.isin(s.image, keep))
        sides = Sides(
            s.image[rows],
            s.person[rows],
            np.zeros(rows.size, np.int64),
            np.zeros(rows.size, np.int64),
            s.version[rows],
            s.week[rows],
            s.week_names,
            s.seconds[rows],
        )
        if objects is not None:
            _set_spans(sides, objects)
        kept = set(keep.tolist())
        return ProjectLabels(
            self.classes,
            self.people,
            sides,
            objects,
            [row for row in self._tag_rows if row[0] in kept],
            self.guidelines,
        )

    @property
    def coverage(self) -> CoverageView:
        """Image id -> the people who covered it, in id order."""
        return CoverageView(self.sides)

    @property
    def spans(self) -> SpanView:
        """``(image, person) -> (start, end)``: the row range of that side's objects."""
        return SpanView(self.sides)

    @property
    def facts(self) -> FactView:
        """``(image, person) -> (guideline version id or None, ISO week)`` of each side."""
        return FactView(self.sides)

    @property
    def seconds(self) -> SecondsView:
        """``(image, person) -> seconds`` recorded on that side's annotations."""
        return SecondsView(self.sides)

    @cached_property
    def coverage_pairs(self) -> np.ndarray:
        """The sorted ``(image, annotator)`` pairs of who covered what (``n x 2``)."""
        return np.stack([self.sides.image, self.sides.person], axis=1).reshape(-1, 2)

    @cached_property
    def tags(self) -> dict[int, dict[int, set[int]]]:
        """Image -> annotator (who covered it) -> the tag classes they gave it."""
        return {image: self.image_tags(image) for image in self.sides.images.tolist()}

    @cached_property
    def shapes(self) -> dict[int, dict[int, list[Shape]]]:
        """Image -> annotator (who covered it) -> their box and polygon shapes, by id.

        Every object of the project as a :class:`Shape`: a pass over a large project
        asks :meth:`image_shapes` image by image instead.
        """
        return {image: self.image_shapes(image) for image in self.sides.images.tolist()}

    def image_shapes(self, image_id: int) -> dict[int, list[Shape]]:
        """:attr:`shapes` of one image, made when asked (nothing is kept for the others).

        Empty for an image nobody covered.
        """
        s, objects = self.sides, self.objects
        slot = s.image_slot(image_id)
        if slot < 0:
            return {}
        lo, hi = int(s.offsets[slot]), int(s.offsets[slot + 1])
        found: dict[int, list[Shape]] = {}
        for person, start, end in zip(
            s.person[lo:hi].tolist(), s.start[lo:hi].tolist(), s.end[lo:hi].tolist(), strict=True
        ):
            found[person] = [] if objects is None else [
                Shape(int(objects.id[r]), int(objects.class_id[r]), objects.geometry(r), None,
                      person)
                for r in range(start, end)
            ]
        return found

    def image_tags(self, image_id: int) -> dict[int, set[int]]:
        """:attr:`tags` of one image (empty for an image nobody covered)."""
        found: dict[int, set[int]] = {person: set() for person in self.coverage.get(image_id, [])}
        for person, class_id in self._tags_by_image.get(image_id, ()):
            found[person].add(class_id)
        return found

    @cached_property
    def _tags_by_image(self) -> dict[int, list[tuple[int, int]]]:
        """Image -> ``(annotator, tag class)`` of the images that have tags."""
        found: dict[int, list[tuple[int, int]]] = {}
        for image, person, class_id in self._tag_rows:
            found.setdefault(image, []).append((person, class_id))
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


def _sides_of(
    pairs: np.ndarray,
    groups: Iterable[tuple[int, int, int | None, int, str, float]],
    answers: Iterable[tuple[int, int, int | None, str]],
) -> Sides:
    """The side columns: ``pairs`` (sorted, unique) with each side's facts and seconds.

    A side's guideline version is the one most of its annotations were made under (the
    newer on a tie), its week that of its latest annotation; a side with no annotation
    (an empty answer) takes both from its answer. Rows stream in; only columns are kept.
    """
    n = len(pairs)
    sides = Sides(
        pairs[:, 0].copy(),
        pairs[:, 1].copy(),
        np.zeros(n, np.int64),
        np.zeros(n, np.int64),
        np.full(n, NO_VERSION, np.int64),
        np.zeros(n, np.int64),
        ["unknown"],
        np.zeros(n),
    )
    days: dict[str, int] = {}
    g_image, g_person, g_version, g_count, g_day = (array("q") for _ in range(5))
    g_seconds = array("d")
    for image, person, version, count, latest, seconds in groups:
        g_image.append(image)
        g_person.append(person)
        g_version.append(NO_VERSION if version is None else version)
        g_count.append(count)
        g_day.append(days.setdefault(str(latest)[:10], len(days)))
        g_seconds.append(seconds)
    a_image, a_person, a_version, a_day = (array("q") for _ in range(4))
    for image, person, version, answered_at in answers:
        a_image.append(image)
        a_person.append(person)
        a_version.append(NO_VERSION if version is None else version)
        a_day.append(days.setdefault(str(answered_at)[:10], len(days)))
    # day codes in date order, so that the latest day is the largest code
    names = sorted(days)
    rank_of_code = np.empty(len(days), dtype=np.int64)
    for name_rank, name in enumerate(names):
        rank_of_code[days[name]] = name_rank
    weeks = sorted({_week(name) for name in names} | {"unknown"})
    week_of_rank = np.searchsorted(weeks, [_week(name) for name in names]).astype(np.int64)
    sides.week_names = weeks
    unknown = weeks.index("unknown")
    sides.week[:] = unknown
    answered = sides.find_many(np.frombuffer(a_image, np.int64), np.frombuffer(a_person, np.int64))
    hit = answered >= 0
    sides.version[answered[hit]] = np.frombuffer(a_version, np.int64)[hit]
    if len(names):
        sides.week[answered[hit]] = week_of_rank[rank_of_code[np.frombuffer(a_day, np.int64)[hit]]]
    side = sides.find_many(np.frombuffer(g_image, np.int64), np.frombuffer(g_person, np.int64))
    hit = side >= 0
    side, versions = side[hit], np.frombuffer(g_version, np.int64)[hit]
    counts, day_codes = np.frombuffer(g_count, np.int64)[hit], np.frombuffer(g_day, np.int64)[hit]
    sides.seconds = np.bincount(side, weights=np.frombuffer(g_seconds)[hit], minlength=n)
    if side.size:
        order = np.lexsort((np.maximum(versions, 0), counts, side))  # per side: the best last
        last = np.flatnonzero(np.r_[side[order][1:] != side[order][:-1], True])
        sides.version[side[order][last]] = versions[order][last]
        latest_rank = np.full(n, -1, dtype=np.int64)
        np.maximum.at(latest_rank, side, rank_of_code[day_codes])
        made = latest_rank >= 0
        sides.week[made] = week_of_rank[latest_rank[made]]
    return sides


def _set_spans(sides: Sides, objects: ShapeColumns) -> None:
    """Fill each side's object row range from objects sorted by image, owner and id."""
    sides.start[:] = 0
    sides.end[:] = 0
    if not len(objects):
        return
    keys = np.stack([objects.image_id, objects.owner], axis=1)
    starts = np.flatnonzero(np.r_[True, np.any(keys[1:] != keys[:-1], axis=1)])
    ends = np.r_[starts[1:], len(objects)]
    rows = sides.find_many(keys[starts, 0], keys[starts, 1])
    hit = rows >= 0
    sides.start[rows[hit]] = starts[hit]
    sides.end[rows[hit]] = ends[hit]


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
