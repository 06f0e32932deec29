"""The project's agreement report on tags and objects, with breakdowns.

Breakdowns go by class, person (against the others and their consensus),
vendor, guideline version and week, plus each person's labeling speed.

Everything is computed from the public :class:`~labeler.core.store.Project` API
through :class:`~labeler.core.agreement.data.ProjectLabels`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from labeler.core.agreement.alpha import krippendorff_alpha
from labeler.core.agreement.data import ProjectLabels
from labeler.core.agreement.kappa import category_counts, cohen_kappa, fleiss_kappa
from labeler.core.agreement.metric import Metric
from labeler.core.agreement.objects import (
    Cluster,
    Counts,
    cluster_alpha,
    cluster_objects,
    consensus_of,
)
from labeler.core.domain import GeometryKind
from labeler.core.matching import DEFAULT_IOU_THRESHOLD, MatchResult, match_shapes
from labeler.core.store import Project


@dataclass(frozen=True)
class Comparison:
    """Two annotators' objects on one image, matched, with the facts to group it by."""

    image_id: int
    a: int
    b: int
    result: MatchResult
    guideline: str
    week: str


@dataclass
class TagAgreement:
    """Agreement on image-level tags; a rating is the set of tags a person gave an image."""

    pairs: list[tuple[str, str, Metric]]
    fleiss: Metric
    alpha: Metric
    per_class: list[tuple[str, Metric, Metric]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "pairs": [{"a": a, "b": b, "cohen_kappa": k.to_dict()} for a, b, k in self.pairs],
            "fleiss_kappa": self.fleiss.to_dict(),
            "krippendorff_alpha": self.alpha.to_dict(),
            "per_class": [
                {"class": c, "fleiss_kappa": f.to_dict(), "krippendorff_alpha": a.to_dict()}
                for c, f, a in self.per_class
            ],
        }


@dataclass
class ObjectAgreement:
    """Agreement on boxes and polygons."""

    overall: Counts
    alpha: Metric
    pairs: list[tuple[str, str, Counts]]
    per_class: list[tuple[str, Counts, Metric]]

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            **self.overall.to_dict(),
            "krippendorff_alpha": self.alpha.to_dict(),
            "pairs": [{"a": a, "b": b, **c.to_dict()} for a, b, c in self.pairs],
            "per_class": [
                {"class": name, **c.to_dict(), "krippendorff_alpha": a.to_dict()}
                for name, c, a in self.per_class
            ],
        }


@dataclass
class PersonAgreement:
    """One annotator against the others and against the others' consensus, and their speed."""

    name: str
    organization: str | None
    vs_others: Counts
    vs_consensus: Counts
    tag_kappa_vs_consensus: Metric
    seconds_per_image: Metric
    seconds_per_object: Metric

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "name": self.name,
            "organization": self.organization,
            "vs_others": self.vs_others.to_dict(),
            "vs_consensus": self.vs_consensus.to_dict(),
            "tag_kappa_vs_consensus": self.tag_kappa_vs_consensus.to_dict(),
            "median_seconds_per_image": self.seconds_per_image.to_dict(),
            "median_seconds_per_object": self.seconds_per_object.to_dict(),
        }


@dataclass
class AgreementReport:
    """Everything ``labeler agreement`` prints."""

    iou_threshold: float
    annotators: list[str]
    images_compared: int
    tags: TagAgreement | None
    objects: ObjectAgreement | None
    people: list[PersonAgreement] = field(default_factory=list)
    vendors: list[tuple[str, Counts]] = field(default_factory=list)
    guideline_versions: list[tuple[str, Counts]] = field(default_factory=list)
    weeks: list[tuple[str, Counts]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready (NaN becomes null, with an explanation beside it)."""

        def groups(rows: list[tuple[str, Counts]], key: str) -> list[dict[str, Any]]:
            return [{key: name, **counts.to_dict()} for name, counts in rows]

        return {
            "iou_threshold": self.iou_threshold,
            "annotators": self.annotators,
            "images_compared": self.images_compared,
            "tags": self.tags.to_dict() if self.tags else None,
            "objects": self.objects.to_dict() if self.objects else None,
            "people": [p.to_dict() for p in self.people],
            "vendors": groups(self.vendors, "organization"),
            "guideline_versions": groups(self.guideline_versions, "guideline_version"),
            "weeks": groups(self.weeks, "week"),
        }


def agreement_report(
    project: Project, iou_threshold: float = DEFAULT_IOU_THRESHOLD
) -> AgreementReport:
    """Compute the agreement report of a project."""
    labels = ProjectLabels.load(project)
    comparisons = object_comparisons(labels, iou_threshold)
    multi = [i for i in labels.image_ids() if len(labels.coders(i)) >= 2]
    report = AgreementReport(
        iou_threshold=iou_threshold,
        annotators=[labels.person_name(p) for p in labels.annotators()],
        images_compared=len(multi),
        tags=tag_agreement(labels) if labels.has_tag_classes else None,
        objects=(
            object_agreement(labels, comparisons, iou_threshold)
            if labels.has_object_classes
            else None
        ),
    )
    report.people = [
        _person(project, labels, person, comparisons, iou_threshold)
        for person in labels.annotators()
    ]
    report.vendors = _vendor_groups(labels, comparisons)
    report.guideline_versions = _pooled(comparisons, lambda c: [c.guideline])
    report.weeks = _pooled(comparisons, lambda c: [c.week])
    return report


def object_comparisons(labels: ProjectLabels, iou_threshold: float) -> list[Comparison]:
    """Every pair of annotators matched on every image both covered (with any object)."""
    comparisons = []
    for image in labels.image_ids():
        by_coder = labels.shapes[image]
        for a, b in combinations(labels.coders(image), 2):
            if not by_coder[a] and not by_coder[b]:
                continue
            version_a, week_a = labels.side_facts(image, a)
            version_b, week_b = labels.side_facts(image, b)
            version = "mixed" if version_a != version_b else labels.guideline_name(version_a)
            result = match_shapes(by_coder[a], by_coder[b], iou_threshold)
            comparisons.append(Comparison(image, a, b, result, version, max(week_a, week_b)))
    return comparisons


def _pooled(
    comparisons: Iterable[Comparison], keys: Callable[[Comparison], list[str]]
) -> list[tuple[str, Counts]]:
    pools: dict[str, Counts] = defaultdict(Counts)
    for comparison in comparisons:
        for key in keys(comparison):
            pools[key].add(Counts.of(comparison.result))
    return sorted(pools.items())


def object_agreement(
    labels: ProjectLabels, comparisons: list[Comparison], iou_threshold: float
) -> ObjectAgreement:
    """Pairwise F1 and IoU, and Krippendorff's alpha over object clusters, overall and per class."""
    overall = Counts()
    pairs: dict[tuple[int, int], Counts] = defaultdict(Counts)
    for comparison in comparisons:
        counts = Counts.of(comparison.result)
        overall.add(counts)
        pairs[comparison.a, comparison.b].add(counts)
    clusters: list[Cluster] = []
    for image in labels.image_ids():
        if any(labels.shapes[image].values()):
            clusters += cluster_objects(image, labels.shapes[image], iou_threshold)
    coverage = {image: labels.coders(image) for image in labels.image_ids()}
    per_class = []
    for class_id, label_class in labels.classes.items():
        if label_class.kind == GeometryKind.TAG:
            continue
        counts = Counts()
        for comparison in comparisons:
            counts.add(Counts.of(comparison.result, class_id))
        per_class.append((label_class.name, counts, cluster_alpha(clusters, coverage, class_id)))
    return ObjectAgreement(
        overall=overall,
        alpha=cluster_alpha(clusters, coverage),
        pairs=[
            (labels.person_name(a), labels.person_name(b), counts)
            for (a, b), counts in sorted(pairs.items())
        ],
        per_class=per_class,
    )


def _tag_value(labels: ProjectLabels, tags: set[int]) -> frozenset[str]:
    """A person's rating of an image: the names of the tags they gave it (maybe none)."""
    return frozenset(labels.class_name(t) for t in tags)


def tag_agreement(labels: ProjectLabels) -> TagAgreement:
    """Cohen's kappa per pair, Fleiss' kappa and Krippendorff's alpha on image tags.

    A unit is an image; a person's rating is the set of tags they gave it (empty when
    they covered the image with objects only). Fleiss' kappa uses the images
    every annotator covered; alpha allows missing ratings.
    """
    coders = labels.annotators()
    images = labels.image_ids()
    table = [
        [_tag_value(labels, labels.tags[i][c]) if c in labels.tags[i] else None for i in images]
        for c in coders
    ]
    pairs = []
    for (x, row_x), (y, row_y) in combinations(zip(coders, table, strict=True), 2):
        both = [(u, v) for u, v in zip(row_x, row_y, strict=True) if None not in (u, v)]
        kappa = cohen_kappa([u for u, _ in both], [v for _, v in both])
        pairs.append((labels.person_name(x), labels.person_name(y), kappa))
    per_class = []
    for label_class in labels.classes.values():
        if label_class.kind != GeometryKind.TAG:
            continue
        binary = [[None if v is None else label_class.name in v for v in row] for row in table]
        per_class.append((label_class.name, _fleiss(binary), krippendorff_alpha(binary)))
    return TagAgreement(pairs, _fleiss(table), krippendorff_alpha(table), per_class)


def _fleiss(table: list[list[Hashable | None]]) -> Metric:
    """Fleiss' kappa over the units every coder rated."""
    if len(table) < 2:
        return Metric.undefined("Fleiss' kappa needs at least two annotators")
    complete = [list(unit) for unit in zip(*table, strict=True) if None not in unit]
    if not complete:
        return Metric.undefined("no image was rated by every annotator")
    counts, _ = category_counts(complete)
    return fleiss_kappa(counts)


def _vendor_groups(
    labels: ProjectLabels, comparisons: list[Comparison]
) -> list[tuple[str, Counts]]:
    """Per organization: its members against anyone (a pair inside it counts once)."""

    def keys(comparison: Comparison) -> list[str]:
        orgs = {
            labels.people[p].organization or "(none)"
            for p in (comparison.a, comparison.b)
            if p in labels.people
        }
        return sorted(orgs)

    return _pooled(comparisons, keys)


def _person(
    project: Project,
    labels: ProjectLabels,
    person: int,
    comparisons: list[Comparison],
    iou_threshold: float,
) -> PersonAgreement:
    vs_others = Counts()
    for comparison in comparisons:
        if person in (comparison.a, comparison.b):
            vs_others.add(Counts.of(comparison.result))
    info = labels.people.get(person)
    return PersonAgreement(
        name=labels.person_name(person),
        organization=info.organization if info else None,
        vs_others=vs_others,
        vs_consensus=_vs_consensus(labels, person, iou_threshold),
        tag_kappa_vs_consensus=_tag_vs_consensus(labels, person),
        seconds_per_image=_median_seconds_per_image(project, labels, person),
        seconds_per_object=_median(
            [
                a.seconds_spent
                for a in labels.annotations
                if a.annotator_id == person
                and a.seconds_spent > 0
                and labels.classes[a.class_id].kind != GeometryKind.TAG
            ],
            "no timed objects",
        ),
    )


def _vs_consensus(labels: ProjectLabels, person: int, iou_threshold: float) -> Counts:
    """A person's objects against the consensus of the other annotators (leave one out)."""
    pool = Counts()
    for image in labels.image_ids():
        by_coder = labels.shapes[image]
        if person not in by_coder or len(by_coder) < 2:
            continue
        others = {c: s for c, s in by_coder.items() if c != person}
        consensus = consensus_of(cluster_objects(image, others, iou_threshold), len(others))
        if by_coder[person] or consensus:
            pool.add(Counts.of(match_shapes(by_coder[person], consensus, iou_threshold)))
    return pool


def _tag_vs_consensus(labels: ProjectLabels, person: int) -> Metric:
    """Cohen's kappa of a person's tag sets against the others' majority tag set."""
    if not labels.has_tag_classes:
        return Metric.undefined("the project has no tag classes")
    mine, theirs = [], []
    for image in labels.image_ids():
        by_coder = labels.tags[image]
        if person not in by_coder or len(by_coder) < 2:
            continue
        votes = Counter(_tag_value(labels, t) for c, t in by_coder.items() if c != person)
        mine.append(_tag_value(labels, by_coder[person]))
        theirs.append(votes.most_common(1)[0][0])
    return cohen_kappa(mine, theirs)


def _median_seconds_per_image(project: Project, labels: ProjectLabels, person: int) -> Metric:
    """Median working time per covered image: the image timer, else the annotations' time."""
    spent: dict[int, float] = defaultdict(float)
    for annotation in labels.annotations:
        if annotation.annotator_id == person:
            spent[annotation.image_id] += annotation.seconds_spent
    values = []
    for image, seconds in spent.items():
        timer = project.image_time(image, person)
        values.append(timer if timer > 0 else seconds)
    return _median([v for v in values if v > 0], "no timed images")


def _median(values: list[float], reason: str) -> Metric:
    if not values:
        return Metric.undefined(reason)
    return Metric(float(np.median(values)), len(values))
