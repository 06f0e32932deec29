"""Scoring gold answers against their image's reference, with the agreement's matching engine.

Each person's answer on a gold image (see :mod:`labeler.core.store.gold`) is matched
against the reference by :func:`labeler.core.matching.match_shapes` (same class first,
then across classes, IoU threshold as agreement's); tags compare as sets. Counts pool
as agreement's :class:`~labeler.core.agreement.objects.Counts` do, the reference as
side ``a`` and the answer as side ``b``:

- **F1** ``2 TP / (reference objects + answered objects)`` (tags count as objects: a
  common tag is a match);
- **mean IoU** of the same-class matches;
- **class accuracy**: of the objects found where the reference has one (matched by
  place, whatever the class), the share given the right class;
- **empty answers**: "nothing here" on an empty gold image is correct (it scores 1 as
  an item, and adds nothing to the pooled F1, like two empty sides in agreement); on a
  non-empty one every reference object is a miss. ``empty_gold`` counts answers on
  empty gold images, ``empty_correct`` those answered empty, ``false_empty`` answers
  of nothing on a gold image that has objects.

An item's own score is its F1, 1 for an empty answer on an empty gold image. Results
go per person, per reference class and per guideline version (the version the answer
was given under); items list worst first.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from typing import Any

from labeler.core.agreement.metric import Metric
from labeler.core.agreement.objects import Counts
from labeler.core.geometry import Tag
from labeler.core.i18n import _
from labeler.core.matching import DEFAULT_IOU_THRESHOLD, Shape, compare_tags, match_shapes
from labeler.core.store import Project

NO_VERSION = "none"


@dataclass
class GoldCounts:
    """Pooled gold counts: matches as agreement pools them, plus classes and empty answers."""

    counts: Counts = field(default_factory=Counts)  # boxes and polygons
    tags: Counts = field(default_factory=Counts)  # image tags as sets: common ones match
    class_mismatches: int = 0
    items: int = 0
    empty_gold: int = 0
    empty_correct: int = 0
    false_empty: int = 0
    score_sum: float = 0.0

    def add(self, other: GoldCounts) -> None:
        """Add another pool into this one."""
        self.counts.add(other.counts)
        self.tags.add(other.tags)
        self.class_mismatches += other.class_mismatches
        self.items += other.items
        self.empty_gold += other.empty_gold
        self.empty_correct += other.empty_correct
        self.false_empty += other.false_empty
        self.score_sum += other.score_sum

    @property
    def reference_objects(self) -> int:
        """Objects and tags in the references."""
        return self.counts.n_a + self.tags.n_a

    @property
    def answered_objects(self) -> int:
        """Objects and tags in the answers."""
        return self.counts.n_b + self.tags.n_b

    @property
    def matched(self) -> int:
        """Same-class matches and common tags."""
        return self.counts.tp + self.tags.tp

    @property
    def f1(self) -> Metric:
        """Detection F1 of the answers against the references (tags count as objects)."""
        total = self.reference_objects + self.answered_objects
        if not self.items:
            return Metric.undefined(_("no gold answers"))
        if total == 0:
            return Metric.undefined(_("every answer and reference was empty"), self.items)
        return Metric(2.0 * self.matched / total, self.items)

    @property
    def mean_iou(self) -> Metric:
        """Mean IoU of the same-class matches."""
        return self.counts.mean_iou

    @property
    def class_accuracy(self) -> Metric:
        """Of the reference objects found by place, the share given the right class."""
        found = self.counts.tp + self.class_mismatches
        if found == 0:
            return Metric.undefined(_("no reference object was found by place"))
        return Metric(self.counts.tp / found, found)

    @property
    def mean_item_score(self) -> Metric:
        """The mean of the items' own scores (an empty answer on empty gold scores 1)."""
        if not self.items:
            return Metric.undefined(_("no gold answers"))
        return Metric(self.score_sum / self.items, self.items)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "items": self.items,
            "f1": self.f1.to_dict(),
            "mean_iou": self.mean_iou.to_dict(),
            "class_accuracy": self.class_accuracy.to_dict(),
            "mean_item_score": self.mean_item_score.to_dict(),
            "matched": self.matched,
            "class_mismatches": self.class_mismatches,
            "reference_objects": self.reference_objects,
            "answered_objects": self.answered_objects,
            "empty_gold": self.empty_gold,
            "empty_correct": self.empty_correct,
            "false_empty": self.false_empty,
        }


@dataclass(frozen=True)
class GoldItem:
    """One person's answer on one gold image, scored."""

    image_id: int
    image: str  # the image's stored path
    person_id: int
    person: str
    organization: str | None
    guideline: str
    answered_at: str
    reference_objects: int
    answered_objects: int
    matched: int
    class_mismatches: int
    mean_iou: float
    score: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        data = dict(self.__dict__)
        data["mean_iou"] = round(self.mean_iou, 6) if self.mean_iou == self.mean_iou else None
        data["score"] = round(self.score, 6)
        return data


@dataclass
class GoldReport:
    """What ``labeler gold score`` prints."""

    iou_threshold: float
    gold_images: int
    overall: GoldCounts
    people: list[tuple[str, str | None, GoldCounts]]
    classes: list[tuple[str, GoldCounts]]
    guideline_versions: list[tuple[str, GoldCounts]]
    items: list[GoldItem]  # worst first

    def person(self, name: str) -> GoldCounts | None:
        """One person's pooled counts, or None when they answered no gold image."""
        return next((c for n, _, c in self.people if n == name), None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN becomes null, with an explanation beside it)."""
        return {
            "iou_threshold": self.iou_threshold,
            "gold_images": self.gold_images,
            "overall": self.overall.to_dict(),
            "people": [{"person": n, "organization": o, **c.to_dict()} for n, o, c in self.people],
            "classes": [{"class": n, **c.to_dict()} for n, c in self.classes],
            "guideline_versions": [
                {"guideline_version": n, **c.to_dict()} for n, c in self.guideline_versions
            ],
            "items": [i.to_dict() for i in self.items],
        }


@dataclass
class _Scored:
    """One item's pooled counts, its per-class counts, and the item."""

    total: GoldCounts
    per_class: dict[int, GoldCounts]
    item: GoldItem


def score_answer(
    reference: list[tuple[int, int, Any]],
    answer: list[tuple[int, int, Any]],
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
) -> tuple[GoldCounts, dict[int, GoldCounts]]:
    """Score one answer against one reference: ``(id, class_id, geometry)`` lists.

    Returns the item's counts and its counts per class (of the reference class; an
    answered object of a class the reference lacks counts under its own class).
    """
    ref_shapes = [Shape(i, c, g) for i, c, g in reference if not isinstance(g, Tag)]
    ans_shapes = [Shape(i, c, g) for i, c, g in answer if not isinstance(g, Tag)]
    result = match_shapes(ref_shapes, ans_shapes, iou_threshold)
    tags = compare_tags(
        [c for _, c, g in reference if isinstance(g, Tag)],
        [c for _, c, g in answer if isinstance(g, Tag)],
    )
    common = len(tags.common)
    tag_counts = Counts(common, common + len(tags.only_a), common + len(tags.only_b), 0.0, 1)
    total = GoldCounts(Counts.of(result), tag_counts, len(result.class_mismatches), items=1)
    empty_ref, empty_ans = total.reference_objects == 0, total.answered_objects == 0
    total.empty_gold = int(empty_ref)
    total.empty_correct = int(empty_ref and empty_ans)
    total.false_empty = int(empty_ans and not empty_ref)
    total.score_sum = 1.0 if empty_ref and empty_ans else total.f1.value
    per_class: dict[int, GoldCounts] = {}
    for label in {c for _i, c, _g in reference} | {c for _i, c, _g in answer}:
        in_a, in_b = (
            label in tags.common or label in tags.only_a,
            label in tags.common or label in tags.only_b,
        )
        one_tags = Counts(int(label in tags.common), int(in_a), int(in_b), 0.0, 1)
        mismatched = sum(1 for m in result.class_mismatches if m.a.label == label)
        per_class[label] = GoldCounts(Counts.of(result, label), one_tags, mismatched, items=1)
    return total, per_class


def gold_report(
    project: Project,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    people: Iterable[int] | None = None,
    image_ids: Iterable[int] | None = None,
    sides: Collection[tuple[int, int]] | None = None,
) -> GoldReport:
    """Score every gold answer of the project (or of some ``people`` on some images).

    ``sides``: only these ``(image, person)`` answers (a vendor batch's).
    """
    scored = _score_all(project, iou_threshold, people, image_ids, sides)
    classes = {c.id: c.name for c in project.classes()}
    overall = GoldCounts()
    by_person: dict[tuple[str, str | None], GoldCounts] = defaultdict(GoldCounts)
    by_class: dict[str, GoldCounts] = defaultdict(GoldCounts)
    by_version: dict[str, GoldCounts] = defaultdict(GoldCounts)
    for one in scored:
        overall.add(one.total)
        by_person[one.item.person, one.item.organization].add(one.total)
        by_version[one.item.guideline].add(one.total)
        for class_id, counts in one.per_class.items():
            by_class[classes.get(class_id, str(class_id))].add(counts)
    items = sorted((s.item for s in scored), key=lambda i: (i.score, i.image_id, i.person))
    return GoldReport(
        iou_threshold,
        len(project.gold_image_ids()),
        overall,
        [(n, o, c) for (n, o), c in sorted(by_person.items(), key=lambda kv: kv[0][0])],
        sorted(by_class.items()),
        sorted(by_version.items()),
        items,
    )


def _score_all(
    project: Project,
    iou_threshold: float,
    people: Iterable[int] | None,
    image_ids: Iterable[int] | None,
    only: Collection[tuple[int, int]] | None = None,
) -> list[_Scored]:
    """Every answered gold side scored (work not yet finished is not scored)."""
    wanted_people = set(people) if people is not None else None
    wanted_images = set(image_ids) if image_ids is not None else None
    references = project.gold_references()
    answers: dict[tuple[int, int], list[tuple[int, int, Any]]] = defaultdict(list)
    for annotation_id, image_id, person_id, class_id, geometry in project.gold_answer_labels():
        answers[image_id, person_id].append((annotation_id, class_id, geometry))
    persons = {p.id: p for p in project.people()}
    versions = {g.id: f"v{g.number}" for g in project.guideline_versions()}
    sides = [
        s
        for s in project.gold_answer_sides()
        if s.answered_at is not None
        and (wanted_people is None or s.person_id in wanted_people)
        and (wanted_images is None or s.image_id in wanted_images)
        and (only is None or (s.image_id, s.person_id) in only)
    ]
    paths = {i.id: i.path for i in project.images_by_ids(sorted({s.image_id for s in sides}))}
    scored = []
    for side in sides:
        reference = [(r.annotation_id, r.class_id, r.geometry) for r in references[side.image_id]]
        total, per_class = score_answer(
            reference, answers.get((side.image_id, side.person_id), []), iou_threshold
        )
        person = persons[side.person_id]
        item = GoldItem(
            side.image_id,
            paths[side.image_id],
            side.person_id,
            person.name,
            person.organization,
            versions.get(side.guideline_version_id, NO_VERSION)
            if side.guideline_version_id is not None
            else NO_VERSION,
            str(side.answered_at),
            total.reference_objects,
            total.answered_objects,
            total.matched,
            total.class_mismatches,
            total.mean_iou.value,
            total.score_sum,
        )
        scored.append(_Scored(total, per_class, item))
    return scored
