"""Where labels disagree: between two annotators, or between annotators and a model run.

Every comparison goes through the one matching engine: :func:`labeler.core.matching.match_shapes`
for an image, :func:`labeler.core.agreement.batch.match_rows` (the same pairs) for a
project's images twenty thousand at a time. Side
``a`` is the reference: ``missing`` means ``a`` marked an object that ``b`` did
not, ``extra`` the reverse. Against a model, ``a`` is the annotator (or, by
default, the consensus of the image's annotators) and ``b`` the model, and
disagreements are ranked by severity: a confident prediction nobody labeled,
or a confident different class, comes first.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import StrEnum
from itertools import combinations
from typing import TYPE_CHECKING, Any

import numpy as np

from labeler.core.agreement.batch import ShapeTable, match_rows, two_sided
from labeler.core.agreement.data import ProjectLabels
from labeler.core.consensus import SCORING, shape_consensus, tag_consensus
from labeler.core.domain import Person
from labeler.core.errors import UnknownEntityError
from labeler.core.geometry import Tag
from labeler.core.i18n import _
from labeler.core.matching import (
    DEFAULT_IOU_THRESHOLD,
    DEFAULT_LOW_OVERLAP,
    Shape,
    compare_tags,
    match_shapes,
)
from labeler.core.store import Project

if TYPE_CHECKING:
    from labeler.core.diagnosis.truth import Truth

# Severity of an object or tag the model missed (no model confidence to weigh it by).
MODEL_MISSED_SEVERITY = 0.5


class DisagreementType(StrEnum):
    """How two sides disagree on an image."""

    MISSING = "missing"
    EXTRA = "extra"
    CLASS_MISMATCH = "class_mismatch"
    LOW_OVERLAP = "low_overlap"
    TAG_MISMATCH = "tag_mismatch"


@dataclass(frozen=True)
class Disagreement:
    """One disagreement on one image; ids are annotation ids (or prediction ids for a model)."""

    type: DisagreementType
    image_id: int
    severity: float
    side_a: str
    side_b: str
    a_id: int | None = None
    b_id: int | None = None
    a_class: str | None = None
    b_class: str | None = None
    iou: float | None = None
    score: float | None = None

    def to_dict(self, image_path: str | None = None) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "type": self.type.value,
            "image_id": self.image_id,
            "image": image_path,
            "severity": round(self.severity, 4),
            "a": self.side_a,
            "b": self.side_b,
            "a_id": self.a_id,
            "b_id": self.b_id,
            "a_class": self.a_class,
            "b_class": self.b_class,
            "iou": None if self.iou is None else round(self.iou, 4),
            "score": None if self.score is None else round(self.score, 4),
        }


@dataclass(frozen=True)
class _Sides:
    """Names of the two sides and whether ``b`` is a model (severity by its score)."""

    a: str
    b: str
    model: bool = False


def compare_image(
    labels: ProjectLabels,
    image_id: int,
    shapes: tuple[Sequence[Shape], Sequence[Shape]],
    tags: tuple[Iterable[Hashable], Iterable[Hashable]],
    sides: _Sides,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    low_overlap: float = DEFAULT_LOW_OVERLAP,
) -> list[Disagreement]:
    """The disagreements of two sides' shapes and tags (with scores on ``b``'s) on one image."""
    result = match_shapes(shapes[0], shapes[1], iou_threshold, low_overlap)
    found = _shape_disagreements(
        labels, image_id, sides, result.unmatched_a, result.unmatched_b,
        [(m.a, m.b, m.iou) for m in result.class_mismatches],
        [(m.a, m.b, m.iou) for m in result.low_overlap],
    )
    return found + _tag_disagreements(labels, image_id, tags, sides)


Compared = tuple[int, tuple[Sequence[Shape], Sequence[Shape]], tuple[Iterable[Hashable], ...]]


def compare_images(
    labels: ProjectLabels,
    items: Sequence[Compared],
    sides: _Sides,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    low_overlap: float = DEFAULT_LOW_OVERLAP,
) -> list[Disagreement]:
    """:func:`compare_image` of many images, ``(image, shapes, tags)`` each, matched at once.

    The pairs are those ``match_shapes`` makes image by image (the agreement engine's
    :func:`~labeler.core.agreement.batch.match_rows`), and each image's disagreements
    come in the order :func:`compare_image` gives them.
    """
    if not items:
        return []
    shapes, a, b = two_sided([pair for _image, pair, _tags in items])
    pairs = match_rows(ShapeTable.of(shapes), a, b, iou_threshold, cross_class=True)
    paired_a, paired_b = np.zeros(a.rows.size, bool), np.zeros(b.rows.size, bool)
    paired_a[pairs.a], paired_b[pairs.b] = True, True
    bounds = np.searchsorted(pairs.problem, np.arange(len(items) + 1))
    found: list[Disagreement] = []
    for p, (image, _pair, tags) in enumerate(items):
        alone = [
            [shapes[ragged.rows[k]] for k in range(ragged.offsets[p], ragged.offsets[p + 1])
             if not paired[k]]
            for ragged, paired in ((a, paired_a), (b, paired_b))
        ]
        mismatched, overlapping = [], []
        for k in range(bounds[p], bounds[p + 1]):
            match = (shapes[a.rows[pairs.a[k]]], shapes[b.rows[pairs.b[k]]], float(pairs.iou[k]))
            if not pairs.same[k]:
                mismatched.append(match)
            elif match[2] < low_overlap:
                overlapping.append(match)
        found += _shape_disagreements(labels, image, sides, alone[0], alone[1], mismatched,
                                      overlapping)
        found += _tag_disagreements(labels, image, (tags[0], tags[1]), sides)
    return found


def _shape_disagreements(
    labels: ProjectLabels,
    image_id: int,
    sides: _Sides,
    missing: Sequence[Shape],
    extra: Sequence[Shape],
    mismatched: Sequence[tuple[Shape, Shape, float]],
    overlapping: Sequence[tuple[Shape, Shape, float]],
) -> list[Disagreement]:
    """One image's shape disagreements, in :func:`compare_image`'s order."""
    name = labels.class_name
    found: list[Disagreement] = []

    def add(
        kind: DisagreementType,
        severity: float,
        a: Shape | None,
        b: Shape | None,
        iou: float | None = None,
    ) -> None:
        found.append(
            Disagreement(
                kind,
                image_id,
                severity,
                sides.a,
                sides.b,
                a.id if a else None,
                b.id if b else None,
                name(a.label) if a else None,
                name(b.label) if b else None,
                iou,
                b.score if b else None,
            )
        )

    def weight(b: Shape | None, default: float = 1.0) -> float:
        if not sides.model:
            return default
        return b.score if b is not None and b.score is not None else MODEL_MISSED_SEVERITY

    for shape in missing:
        add(DisagreementType.MISSING, weight(None), shape, None)
    for shape in extra:
        add(DisagreementType.EXTRA, weight(shape), None, shape)
    for a, b, iou in mismatched:
        add(DisagreementType.CLASS_MISMATCH, weight(b), a, b, iou)
    for a, b, iou in overlapping:
        severity = (1.0 - iou) * (weight(b) if sides.model else 1.0)
        add(DisagreementType.LOW_OVERLAP, severity, a, b, iou)
    return found


class _Batches:
    """Images to compare, matched :data:`BATCH_IMAGES` at a time."""

    def __init__(self, labels: ProjectLabels, sides: _Sides, iou: float, low: float) -> None:
        self._labels, self._sides, self._iou, self._low = labels, sides, iou, low
        self._items: list[Compared] = []
        self.found: list[Disagreement] = []

    def add(self, image: int, shapes: tuple[Sequence[Shape], Sequence[Shape]],
            tags: tuple[Iterable[Hashable], Iterable[Hashable]]) -> None:
        self._items.append((image, shapes, tags))
        if len(self._items) >= BATCH_IMAGES:
            self.flush()

    def flush(self) -> None:
        self.found += compare_images(self._labels, self._items, self._sides, self._iou,
                                     self._low)
        self._items = []

    def ranked(self) -> list[Disagreement]:
        self.flush()
        return _ranked(self.found)


BATCH_IMAGES = 20_000  # images matched in one array pass


def _tag_disagreements(
    labels: ProjectLabels,
    image_id: int,
    tags: tuple[Iterable[Hashable], Iterable[Hashable]],
    sides: _Sides,
) -> list[Disagreement]:
    """Tags given by one side only; ``b``'s tags may be ``(class_id, score)`` pairs."""
    scores: dict[Hashable, float | None] = {}
    b_tags = []
    for tag in tags[1]:
        class_id, score = tag if isinstance(tag, tuple) else (tag, None)
        scores[class_id] = score
        b_tags.append(class_id)
    comparison = compare_tags(tags[0], b_tags)
    found = []
    for class_id in sorted(comparison.only_a, key=str):
        severity = MODEL_MISSED_SEVERITY if sides.model else 1.0
        found.append(
            Disagreement(
                DisagreementType.TAG_MISMATCH,
                image_id,
                severity,
                sides.a,
                sides.b,
                a_class=labels.class_name(class_id),
            )
        )
    for class_id in sorted(comparison.only_b, key=str):
        score = scores.get(class_id)
        severity = score if sides.model and score is not None else 1.0
        found.append(
            Disagreement(
                DisagreementType.TAG_MISMATCH,
                image_id,
                severity,
                sides.a,
                sides.b,
                b_class=labels.class_name(class_id),
                score=score,
            )
        )
    return found


def resolve_person(project: Project, name: str) -> Person:
    """The person of this exact name; raises :class:`UnknownEntityError` naming the known ones."""
    found = project.person_by_name(name)
    if found is None:
        known = ", ".join(p.name for p in project.people()) or "nobody yet"
        raise UnknownEntityError(
            _("no person named {name!r} in the project (known: {known})").format(
                name=name, known=known
            )
        )
    return found


def _ranked(found: list[Disagreement]) -> list[Disagreement]:
    return sorted(
        found, key=lambda d: (-d.severity, d.image_id, d.type.value, d.a_id or 0, d.b_id or 0)
    )


def disagreements_between(
    project: Project,
    person_a: str,
    person_b: str,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    low_overlap: float = DEFAULT_LOW_OVERLAP,
    labels: ProjectLabels | None = None,
) -> list[Disagreement]:
    """Disagreements of two annotators (by name) on the images both covered, worst first."""
    a, b = resolve_person(project, person_a), resolve_person(project, person_b)
    labels = labels or ProjectLabels.load(project)
    batches = _Batches(labels, _Sides(a.name, b.name), iou_threshold, low_overlap)
    for image in labels.image_ids():
        if not {a.id, b.id} <= set(labels.coverage.get(image, ())):
            continue
        shapes, tags = labels.image_shapes(image), labels.image_tags(image)
        batches.add(image, (shapes[a.id], shapes[b.id]), (tags[a.id], tags[b.id]))
    return batches.ranked()


def disagreements_all_pairs(
    project: Project,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    low_overlap: float = DEFAULT_LOW_OVERLAP,
) -> list[Disagreement]:
    """Disagreements of every pair of annotators who share an image, worst first."""
    labels = ProjectLabels.load(project)
    found: list[Disagreement] = []
    for a, b in combinations(labels.annotators(), 2):
        found += disagreements_between(
            project,
            labels.person_name(a),
            labels.person_name(b),
            iou_threshold,
            low_overlap,
            labels,
        )
    return _ranked(found)


def disagreements_with_consensus(
    project: Project,
    person: str,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    low_overlap: float = DEFAULT_LOW_OVERLAP,
) -> list[Disagreement]:
    """A person's labels (side ``a``) against the consensus of the others who covered each image.

    The consensus holds the objects and tags at least half of the others marked
    (:data:`~labeler.core.consensus.SCORING` leaving the person out, as agreement's
    "F1 vs consensus" does).
    """
    who = resolve_person(project, person)
    labels = ProjectLabels.load(project)
    batches = _Batches(labels, _Sides(who.name, "consensus of others"), iou_threshold,
                       low_overlap)
    others = SCORING.with_iou(iou_threshold).left_out(who.id)
    for image in labels.image_ids():
        coders = labels.coverage.get(image, ())
        if who.id not in coders or len(coders) < 2:
            continue
        shapes, tags = labels.image_shapes(image), labels.image_tags(image)
        consensus = shape_consensus(image, shapes, others)
        batches.add(image, (shapes[who.id], consensus), (tags[who.id], tag_consensus(tags, others)))
    return batches.ranked()


def _run_images(project: Project, run_id: int) -> Iterator[tuple[int, list[Any]]]:
    """The images a run covered, with its predictions on each (empty when it found nothing).

    An image it covered without detections counts while no newer run covered it since.
    """
    project.model_run(run_id)  # an unknown run is an error that names it
    return project.run_predictions_by_image(run_id)


def _reference(
    labels: ProjectLabels,
    image: int,
    annotator: int | None,
    iou_threshold: float,
    truth: Truth | None,
) -> tuple[list[Shape], set[int]] | None:
    """What the model is judged against on an image, or None when nobody covered it."""
    shapes, tags = labels.image_shapes(image), labels.image_tags(image)
    if annotator is not None:
        return (shapes[annotator], tags[annotator]) if annotator in shapes else None
    if truth is None or image not in truth.sources:
        return None
    return truth.image_shapes(image), tag_consensus(tags, SCORING.with_iou(iou_threshold))


def _truth_objects(project: Project, images: set[int], iou_threshold: float) -> Truth:
    """Diagnose's default truth on ``images`` (reviewed, else consensus, else empty).

    The objects a model is judged against here are those ``labeler diagnose`` and the
    QA view judge it against, so one image has one answer in every view.
    """
    from labeler.core.diagnosis.truth import resolve_truth  # diagnosis imports this module

    return resolve_truth(project, images, iou_threshold=iou_threshold)


def disagreements_with_model(
    project: Project,
    run_id: int,
    annotator: str | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    low_overlap: float = DEFAULT_LOW_OVERLAP,
) -> list[Disagreement]:
    """Disagreements of a model run with one annotator or the annotators' consensus, worst first.

    The reference on an image is the named annotator's labels, or else diagnose's
    default truth (:mod:`labeler.core.diagnosis.truth`: objects a reviewer vouched
    for, else the consensus of everyone who covered it, objects marked by at least
    half of them; images finished with no labels count as labeled empty) with the
    tags at least half of them gave.
    """
    person = resolve_person(project, annotator) if annotator is not None else None
    labels = ProjectLabels.load(project)
    sides = _Sides(person.name if person else "consensus", f"model run {run_id}", model=True)
    batches = _Batches(labels, sides, iou_threshold, low_overlap)
    covered = _run_images(project, run_id)  # a stream: one image's predictions at a time
    truth = None if person else _truth_objects(project, project.run_image_ids(run_id),
                                               iou_threshold)
    for image, predictions in covered:
        reference = _reference(labels, image, person.id if person else None, iou_threshold, truth)
        if reference is None:
            continue
        model_shapes = [
            Shape.from_prediction(p) for p in predictions if not isinstance(p.geometry, Tag)
        ]
        model_tags = [(p.class_id, p.score) for p in predictions if isinstance(p.geometry, Tag)]
        batches.add(image, (reference[0], model_shapes), (reference[1], model_tags))
    return batches.ranked()
