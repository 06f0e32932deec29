"""The project's agreement report on tags and objects, with breakdowns.

Breakdowns go by class, person (against the others and their consensus),
vendor, guideline version and week, plus each person's labeling speed.

Everything is computed from the public :class:`~labeler.core.store.Project` API
(its bulk reads) through :class:`~labeler.core.agreement.data.ProjectLabels`; object
comparisons, clusters and consensus run for all images at once
(:mod:`labeler.core.agreement.pooling`), with the results of the per-image
functions of :mod:`labeler.core.agreement.objects`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Hashable, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from labeler.core.agreement.alpha import krippendorff_alpha
from labeler.core.agreement.data import ProjectLabels
from labeler.core.agreement.kappa import category_counts, cohen_kappa, fleiss_kappa
from labeler.core.agreement.metric import Metric
from labeler.core.agreement.objects import Counts
from labeler.core.agreement.pooling import (
    ComparisonTable,
    LabelRows,
    clusters_alpha,
    comparison_table,
    leave_one_out,
    project_clusters,
)
from labeler.core.domain import GeometryKind
from labeler.core.matching import DEFAULT_IOU_THRESHOLD
from labeler.core.memory import release_free_memory
from labeler.core.store import Project


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
    project: Project,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    images: Collection[int] | None = None,
    labels: ProjectLabels | None = None,
) -> AgreementReport:
    """Compute the agreement report of a project (of ``images`` only, when given).

    ``labels`` are the project's labels (already within ``images``) when the
    caller has them loaded: the report shares one load with its other sections.
    """
    if labels is None:
        labels = ProjectLabels.load(project)
        if images is not None:
            labels = labels.within(images)
    release_free_memory()  # each stage's transient arrays, before the next one's
    rows = LabelRows.of(labels)
    comparisons = comparison_table(labels, rows, iou_threshold)
    release_free_memory()
    report = AgreementReport(
        iou_threshold=iou_threshold,
        annotators=[labels.person_name(p) for p in labels.annotators()],
        images_compared=int(np.count_nonzero(labels.sides.coder_counts() >= 2)),
        tags=tag_agreement(labels) if labels.has_tag_classes else None,
        objects=(
            object_agreement(labels, rows, comparisons, iou_threshold)
            if labels.has_object_classes
            else None
        ),
    )
    release_free_memory()
    seconds = _seconds(project, labels, images)
    report.people = [
        _person(labels, rows, person, comparisons, iou_threshold, seconds)
        for person in labels.annotators()
    ]
    report.vendors = _vendor_groups(labels, comparisons)
    every = np.arange(len(comparisons))
    report.guideline_versions = comparisons.pooled(
        every, comparisons.guideline, comparisons.guideline_names
    )
    report.weeks = comparisons.pooled(every, comparisons.week, comparisons.week_names)
    return report


def object_agreement(
    labels: ProjectLabels, rows: LabelRows, comparisons: ComparisonTable, iou_threshold: float
) -> ObjectAgreement:
    """Pairwise F1 and IoU, and Krippendorff's alpha over object clusters, overall and per class."""
    base = int(max(comparisons.a.max(initial=0), comparisons.b.max(initial=0))) + 1
    keys = comparisons.a.astype(np.int64) * base + comparisons.b  # int64: no overflow
    pair_keys, pair_codes = np.unique(keys, return_inverse=True)
    pair_names = [
        f"{labels.person_name(int(k // base))}\x00{labels.person_name(int(k % base))}"
        for k in pair_keys.tolist()
    ]
    by_pair = comparisons.pooled(np.arange(len(comparisons)), pair_codes, pair_names)
    order = {name: i for i, name in enumerate(pair_names)}
    by_pair.sort(key=lambda item: order[item[0]])
    clusters = project_clusters(labels, rows, iou_threshold)
    per_class = []
    for class_id, label_class in labels.classes.items():
        if label_class.kind == GeometryKind.TAG:
            continue
        counts = comparisons.counts(code=rows.code(class_id))
        per_class.append(
            (label_class.name, counts, clusters_alpha(labels, rows, clusters, class_id))
        )
    return ObjectAgreement(
        overall=comparisons.counts(),
        alpha=clusters_alpha(labels, rows, clusters),
        pairs=[(*name.split("\x00"), counts) for name, counts in by_pair],  # type: ignore[misc]
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


def _fleiss(table: Sequence[Sequence[Hashable | None]]) -> Metric:
    """Fleiss' kappa over the units every coder rated."""
    if len(table) < 2:
        return Metric.undefined("Fleiss' kappa needs at least two annotators")
    complete = [list(unit) for unit in zip(*table, strict=True) if None not in unit]
    if not complete:
        return Metric.undefined("no image was rated by every annotator")
    counts, _ = category_counts(complete)
    return fleiss_kappa(counts)


def _vendor_groups(labels: ProjectLabels, comparisons: ComparisonTable) -> list[tuple[str, Counts]]:
    """Per organization: its members against anyone (a pair inside it counts once)."""
    names = sorted({p.organization or "(none)" for p in labels.people.values()})
    code = {p.id: names.index(p.organization or "(none)") for p in labels.people.values()}
    org_a = np.array([code.get(int(p), -1) for p in comparisons.a.tolist()], dtype=np.int64)
    org_b = np.array([code.get(int(p), -1) for p in comparisons.b.tolist()], dtype=np.int64)
    every = np.arange(len(comparisons))
    second = org_b != org_a
    member = np.concatenate([every, every[second]])
    codes = np.concatenate([org_a, org_b[second]])
    known = codes >= 0
    return comparisons.pooled(member[known], codes[known], names)


@dataclass
class _Seconds:
    """Working time per person: per image (timer, else the annotations' sum), per object.

    Each person's values as one array (the order is irrelevant: only medians are taken).
    """

    per_image: dict[int, np.ndarray]
    per_object: dict[int, np.ndarray]


def _by_person(person: np.ndarray, values: np.ndarray) -> dict[int, np.ndarray]:
    if not person.size:
        return {}
    order = np.argsort(person, kind="stable")
    person, values = person[order], values[order]
    starts = np.flatnonzero(np.r_[True, person[1:] != person[:-1]])
    ends = np.r_[starts[1:], person.size]
    return {
        int(person[s]): values[s:e] for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
    }


def _seconds(
    project: Project, labels: ProjectLabels, images: Collection[int] | None = None
) -> _Seconds:
    person, seconds, image = project.object_seconds_columns()
    if images is not None:  # a slice's agreement times its own objects
        kept = np.isin(image, np.fromiter((int(i) for i in images), np.int64))
        person, seconds = person[kept], seconds[kept]
    per_object = _by_person(person, seconds)
    sides = labels.sides
    timer = np.zeros(len(sides))
    t_image, t_person, t_seconds = project.image_time_columns()
    at = sides.find_many(t_image, t_person)
    timer[at[at >= 0]] = t_seconds[at >= 0]
    value = np.where(timer > 0, timer, sides.seconds)  # empty answers take time too
    timed = value > 0
    return _Seconds(_by_person(sides.person[timed], value[timed]), per_object)


def _person(
    labels: ProjectLabels,
    rows: LabelRows,
    person: int,
    comparisons: ComparisonTable,
    iou_threshold: float,
    seconds: _Seconds,
) -> PersonAgreement:
    mine = comparisons.involving(person)
    info = labels.people.get(person)
    return PersonAgreement(
        name=labels.person_name(person),
        organization=info.organization if info else None,
        vs_others=comparisons.counts(mine),
        vs_consensus=leave_one_out(labels, rows, person, iou_threshold),
        tag_kappa_vs_consensus=_tag_vs_consensus(labels, person),
        seconds_per_image=_median(seconds.per_image.get(person, []), "no timed images"),
        seconds_per_object=_median(seconds.per_object.get(person, []), "no timed objects"),
    )


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


def _median(values: np.ndarray | list[float], reason: str) -> Metric:
    if not len(values):
        return Metric.undefined(reason)
    return Metric(float(np.median(values)), len(values))
