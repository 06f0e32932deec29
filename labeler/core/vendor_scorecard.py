"""The vendor scorecard: per vendor and batch, what was delivered, at what quality and cost.

A *batch* is one work package (its export to its imports: the images and people its
export granted) or an in-house assignment batch (annotate assignments sharing a
``batch`` name, grouped by the people's organization; "in-house" for people of none),
leaving out the assignments a package carried. Per batch:

- **sent**: the images given; **delivered**: those the batch's people answered (an
  empty answer is a delivery), and the **objects** they made on them (boxes, polygons
  and tags, what the annotators made, as agreement counts them). An image sent to a
  person in several batches is credited once: to the latest batch sent before the
  answer (or the object) was made, else (a vendor's clock running behind) the first;
- **review**: of those objects, how many a reviewer's latest decision accepted,
  rejected or fixed (the rest are unreviewed);
- **gold**: the people's gold answers on the batch's images scored against the
  references (:mod:`labeler.core.gold`): F1 and items;
- **agreement**: detection F1 of the batch's people against anyone else on the same
  images (agreement's comparisons, pooled as its vendor figures are);
- **median seconds per image** from the image timer, **questions asked** on the
  batch's images by its people;
- **cost**: the batch's price (or the vendor's) per image times images delivered plus
  per object times objects delivered, and that cost per accepted object;
- **trend**: against the vendor's previous batch, the change in gold F1 and in the
  share of reviewed objects accepted.
"""

from __future__ import annotations

import math
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np

from labeler.core.agreement.data import ProjectLabels
from labeler.core.agreement.pooling import ComparisonTable, LabelRows, comparison_table
from labeler.core.gold import gold_report
from labeler.core.matching import DEFAULT_IOU_THRESHOLD
from labeler.core.store import Project
from labeler.core.store.vendor_batches import VendorPrice

IN_HOUSE = "in-house"
NO_BATCH = "(no batch)"


@dataclass(frozen=True)
class Batch:
    """Who was sent which images, as one package or one assignment batch."""

    vendor: str
    name: str
    kind: str  # "package" or "assignments"
    people: frozenset[int]
    images: frozenset[int]
    sent_at: str
    returned_at: str | None
    package_id: str | None = None


@dataclass
class BatchScore:
    """One row of the scorecard."""

    vendor: str
    batch: str
    kind: str
    sent_at: str
    returned_at: str | None
    people: list[str]
    images_sent: int
    images_delivered: int
    objects_delivered: int
    accepted: int
    rejected: int
    fixed: int
    gold_items: int
    gold_f1: float | None
    agreement_f1: float | None
    agreement_comparisons: int
    median_seconds_per_image: float | None
    questions_asked: int
    currency: str | None
    cost: float | None
    cost_per_accepted_object: float | None
    trend: dict[str, float | None] = field(default_factory=dict)

    @property
    def reviewed(self) -> int:
        """Objects a reviewer decided on."""
        return self.accepted + self.rejected + self.fixed

    @property
    def acceptance(self) -> float | None:
        """The share of reviewed objects accepted (None before any review)."""
        return self.accepted / self.reviewed if self.reviewed else None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (numbers rounded to 6 places; None where undefined)."""
        data = {k: _round(v) for k, v in self.__dict__.items() if k != "trend"}
        data["acceptance"] = _round(self.acceptance)
        data["trend"] = {k: _round(v) for k, v in self.trend.items()}
        return data


def _round(value: Any) -> Any:
    return round(value, 6) if isinstance(value, float) else value


@dataclass
class Scorecard:
    """Every batch's row, by vendor and then by when it was sent."""

    batches: list[BatchScore]

    def vendor(self, name: str) -> list[BatchScore]:
        """One vendor's batches, oldest first."""
        return [b for b in self.batches if b.vendor == name]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {"batches": [b.to_dict() for b in self.batches]}


def project_batches(project: Project) -> list[Batch]:
    """Every package and in-house assignment batch of the project."""
    people = project.people()
    by_name = {p.name: p.id for p in people}
    orgs = {p.id: p.organization for p in people}
    imports = project.package_import_times()
    batches: list[Batch] = []
    carried: set[tuple[int, int]] = set()
    named: set[str] = set()  # batch names earlier packages took
    assignment_rows = project.annotate_assignment_rows()
    for grant in project.package_exports():
        members = {pid for pid, org in orgs.items() if org == grant.vendor}
        members |= {by_name[n] for n in grant.people if n in by_name}
        carried |= {(i, p) for i in grant.image_ids for p in members}
        names = {b for i, p, b, _, _ in assignment_rows if i in grant.image_ids and p in members}
        names -= named | {""}
        name = names.pop() if len(names) == 1 else grant.package_id[:8]
        named.add(name)
        times = imports.get(grant.package_id, [])
        batches.append(
            Batch(
                grant.vendor,
                name,
                "package",
                frozenset(members),
                grant.image_ids,
                grant.exported_at,
                max(times) if times else None,
                grant.package_id,
            )
        )
    groups: dict[tuple[str, str], list[tuple[int, int, str, str | None]]] = defaultdict(list)
    for image, person, batch, created, done in assignment_rows:
        if (image, person) not in carried:
            vendor = orgs.get(person) or IN_HOUSE
            groups[vendor, batch].append((image, person, created, done))
    for (vendor, batch), rows in groups.items():
        done = [d for *_, d in rows if d is not None]
        batches.append(
            Batch(
                vendor,
                batch or NO_BATCH,
                "assignments",
                frozenset(p for _, p, _, _ in rows),
                frozenset(i for i, _, _, _ in rows),
                min(c for _, _, c, _ in rows),
                max(done) if len(done) == len(rows) else None,
            )
        )
    return sorted(batches, key=lambda b: (b.vendor, b.sent_at, b.name))


def _price(prices: list[VendorPrice], batch: Batch) -> VendorPrice | None:
    exact = {(p.vendor, p.batch): p for p in prices}
    keys = [(batch.vendor, batch.name)]
    if batch.package_id:
        keys.append((batch.vendor, batch.package_id))
    keys.append((batch.vendor, ""))
    return next((exact[k] for k in keys if k in exact), None)


@dataclass
class _ProjectFacts:
    """Whole-project reads the rows share (each read once)."""

    answers: dict[tuple[int, int], datetime]
    labels: list[Any]
    times: dict[tuple[int, int], float]
    questions: list[tuple[int, int]]
    comparisons: ComparisonTable
    prices: list[VendorPrice]
    names: dict[int, str]
    answer_batch: dict[tuple[int, int], int] = field(default_factory=dict)
    label_batch: dict[tuple[int, int, int], int] = field(default_factory=dict)

    @classmethod
    def load(
        cls, project: Project, iou_threshold: float, labels: ProjectLabels | None = None
    ) -> _ProjectFacts:
        labels = labels if labels is not None else ProjectLabels.load(project)
        table = comparison_table(labels, LabelRows.of(labels), iou_threshold)
        return cls(
            {(i, p): _time(at) for i, p, _, at in project.answer_rows()},
            project.made_labels(),
            project.image_times(),
            [(q.image_id, q.asker_id) for q in project.questions()],
            table,
            project.vendor_prices(),
            {p.id: p.name for p in project.people()},
        )


def vendor_scorecard(
    project: Project,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    labels: ProjectLabels | None = None,
) -> Scorecard:
    """The scorecard of every vendor batch of the project, with trends per vendor.

    ``labels`` are the project's labels when the caller has them loaded already.
    A project without batches reads nothing else (64 s of a 1M-image report).
    """
    batches = project_batches(project)
    if not batches:
        return Scorecard([])
    facts = _ProjectFacts.load(project, iou_threshold, labels)
    facts.answer_batch = _credit(batches, facts.answers.items())
    facts.label_batch = _credit(
        batches,
        (((m.image_id, m.annotator_id, m.annotation_id), m.created_at) for m in facts.labels),
    )
    rows = [_score(project, n, batch, facts, iou_threshold) for n, batch in enumerate(batches)]
    previous: dict[str, BatchScore] = {}
    for row in rows:  # sorted by vendor, then by when each batch was sent
        before = previous.get(row.vendor)
        row.trend = {
            "gold_f1": _delta(row.gold_f1, before.gold_f1 if before else None),
            "acceptance": _delta(row.acceptance, before.acceptance if before else None),
        }
        previous[row.vendor] = row
    return Scorecard(rows)


_NEVER = datetime.min.replace(tzinfo=UTC)


def _time(text: str) -> datetime:
    """An ISO 8601 time (naive ones read as UTC); unreadable ones as long ago."""
    try:
        found = datetime.fromisoformat(text)
    except ValueError:
        return _NEVER
    return found if found.tzinfo is not None else found.replace(tzinfo=UTC)


def _delta(now: float | None, before: float | None) -> float | None:
    if now is None or before is None:
        return None
    return now - before


def _credit(batches: list[Batch], items: Any) -> dict[Any, int]:
    """Each ``(key, time)`` to the batch that gets the credit; keys start ``image, person``.

    Among the batches that gave the image to the person: the latest sent at or before
    the time, else the first sent.
    """
    given: dict[tuple[int, int], list[tuple[datetime, int]]] = defaultdict(list)
    for n, batch in enumerate(batches):
        sent = _time(batch.sent_at)
        for image in batch.images:
            for person in batch.people:
                given[image, person].append((sent, n))
    credit: dict[Any, int] = {}
    for key, at in items:
        options = sorted(given.get((key[0], key[1]), []))
        if not options:
            continue
        when = at if isinstance(at, datetime) else _time(str(at))
        before = [n for sent, n in options if sent <= when]
        credit[key] = before[-1] if before else options[0][1]
    return credit


def _score(
    project: Project, index: int, batch: Batch, facts: _ProjectFacts, iou_threshold: float
) -> BatchScore:
    people, images = batch.people, batch.images
    answered = {key for key, n in facts.answer_batch.items() if n == index}
    delivered = {i for i, _ in answered}
    made = [
        m
        for m in facts.labels
        if facts.label_batch.get((m.image_id, m.annotator_id, m.annotation_id)) == index
    ]
    decisions = [m.decision for m in made]
    accepted = decisions.count("accept")
    gold = gold_report(project, iou_threshold, sides=answered).overall
    seconds = [
        facts.times[i, p]
        for i in delivered
        for p in people
        if facts.times.get((i, p), 0) > 0 and (i, p) in answered
    ]
    price = _price(facts.prices, batch)
    cost = None
    if price is not None:
        cost = (price.per_image or 0.0) * len(delivered) + (price.per_object or 0.0) * len(made)
    agreement = _agreement(facts.comparisons, people, images)
    return BatchScore(
        batch.vendor,
        batch.name,
        batch.kind,
        batch.sent_at,
        batch.returned_at,
        sorted(facts.names[p] for p in people),
        len(images),
        len(delivered),
        len(made),
        accepted,
        decisions.count("reject"),
        decisions.count("fix"),
        gold.items,
        gold.f1.value if gold.f1.defined else None,
        agreement[0],
        agreement[1],
        float(statistics.median(seconds)) if seconds else None,
        sum(1 for i, p in facts.questions if i in images and p in people),
        price.currency if price else None,
        cost,
        cost / accepted if cost is not None and accepted else None,
    )


def _agreement(
    table: ComparisonTable, people: frozenset[int], images: frozenset[int]
) -> tuple[float | None, int]:
    """F1 of the batch's people against anyone else on the batch's images, and comparisons."""
    if not len(table):
        return None, 0
    wanted_people = np.fromiter(people, np.int64, len(people))
    wanted_images = np.fromiter(images, np.int64, len(images))
    mine = np.isin(table.a, wanted_people) | np.isin(table.b, wanted_people)
    index = np.flatnonzero(mine & np.isin(table.image, wanted_images))
    counts = table.counts(index)
    value = counts.f1.value
    return (None if math.isnan(value) else value), int(index.size)
