"""Agreement on objects: pairwise detection F1 and IoU, clusters, consensus, alpha over clusters.

Objects that the matching engine pairs across annotators form a cluster (one
unit); an annotator who covered the image but did not mark the object
contributes ``absent`` to that unit, one who did not cover the image is missing.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TypeVar

import numpy as np

from labeler.core.agreement.alpha import alpha_from_counts
from labeler.core.agreement.metric import Metric
from labeler.core.matching import (
    DEFAULT_IOU_THRESHOLD,
    MatchResult,
    Shape,
    iou_matrix,
    match_shapes,
)

ABSENT = "absent"
# Who marked a set of shapes: a person id, a run id, a name (any hashable key).
_Coder = TypeVar("_Coder", bound=Hashable)


@dataclass
class Counts:
    """Pooled detection counts: same-class matches, objects on each side, summed IoU."""

    tp: int = 0
    n_a: int = 0
    n_b: int = 0
    iou_sum: float = 0.0
    comparisons: int = 0

    def add(self, other: Counts) -> None:
        """Add another pool into this one."""
        self.tp += other.tp
        self.n_a += other.n_a
        self.n_b += other.n_b
        self.iou_sum += other.iou_sum
        self.comparisons += other.comparisons

    @classmethod
    def of(cls, result: MatchResult, label: Hashable | None = None) -> Counts:
        """The counts of one match result, of every class or of one ``label``."""
        matches = [m for m in result.matches if label is None or m.a.label == label]
        if label is None:
            n_a, n_b = result.n_a, result.n_b
        else:
            shapes_a = [m.a for m in result.matches + result.class_mismatches]
            shapes_b = [m.b for m in result.matches + result.class_mismatches]
            n_a = sum(s.label == label for s in [*shapes_a, *result.unmatched_a])
            n_b = sum(s.label == label for s in [*shapes_b, *result.unmatched_b])
        return cls(len(matches), n_a, n_b, sum(m.iou for m in matches), 1)

    @property
    def f1(self) -> Metric:
        """Detection F1 ``2 TP / (n_a + n_b)``."""
        total = self.n_a + self.n_b
        if total == 0:
            return Metric.undefined("neither side marked any object")
        return Metric(2.0 * self.tp / total, self.comparisons)

    @property
    def mean_iou(self) -> Metric:
        """Mean IoU of the matched objects."""
        if self.tp == 0:
            return Metric.undefined("no objects were matched", self.comparisons)
        return Metric(self.iou_sum / self.tp, self.tp)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready summary."""
        return {
            "f1": self.f1.to_dict(),
            "mean_iou": self.mean_iou.to_dict(),
            "matched": self.tp,
            "objects_a": self.n_a,
            "objects_b": self.n_b,
            "comparisons": self.comparisons,
        }


@dataclass
class Cluster:
    """One object as marked by several coders: coder -> their shape."""

    image_id: int
    members: dict[Hashable, Shape] = field(default_factory=dict)

    @property
    def representative(self) -> Shape:
        """The first member's shape (what later coders are matched against)."""
        return next(iter(self.members.values()))


def cluster_objects(
    image_id: int,
    shapes_by_coder: Mapping[_Coder, Sequence[Shape]],
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
) -> list[Cluster]:
    """Group one image's objects across coders (in the mapping's order) into clusters.

    Each coder's shapes are matched (same class first, then across classes) to the
    clusters formed so far; unmatched shapes start clusters of their own.
    """
    clusters: list[Cluster] = []
    for coder, shapes in shapes_by_coder.items():
        reps = [c.representative for c in clusters]
        result = match_shapes(reps, list(shapes), iou_threshold)
        by_rep = {id(c.representative): c for c in clusters}
        for match in (*result.matches, *result.class_mismatches):
            by_rep[id(match.a)].members[coder] = match.b
        for shape in result.unmatched_b:
            members: dict[Hashable, Shape] = {coder: shape}
            clusters.append(Cluster(image_id, members))
    return clusters


def consensus_of(clusters: Iterable[Cluster], coders: int) -> list[Shape]:
    """Consensus objects: clusters marked by at least half the ``coders``.

    The class is the majority class (first seen wins a tie); the shape is the
    member of that class that overlaps the other members most. ``score`` holds
    the share of coders who marked it.
    """
    result: list[Shape] = []
    for cluster in clusters:
        members = list(cluster.members.values())
        if 2 * len(members) < coders:
            continue
        label = Counter(s.label for s in members).most_common(1)[0][0]
        candidates = [s for s in members if s.label == label]
        overlap = iou_matrix([s.geometry for s in candidates], [s.geometry for s in members])
        best = candidates[int(np.argmax(overlap.sum(axis=1)))]
        result.append(Shape(best.id, label, best.geometry, len(members) / coders, "consensus"))
    return result


def cluster_alpha(
    clusters: Sequence[Cluster],
    coverage: Mapping[int, Sequence[Hashable]],
    label: Hashable | None = None,
) -> Metric:
    """Nominal Krippendorff's alpha over object clusters.

    ``coverage`` maps an image to the coders who covered it: they contribute their
    class, or ``absent``; other coders are missing. With ``label``, only clusters
    holding that class count and values become "that class" or not.
    """
    rows: list[Counter[Hashable]] = []
    for cluster in clusters:
        labels = [s.label for s in cluster.members.values()]
        if label is not None and label not in labels:
            continue
        values: Counter[Hashable] = Counter()
        for coder in coverage.get(cluster.image_id, ()):
            shape = cluster.members.get(coder)
            value: Hashable = ABSENT if shape is None else shape.label
            if label is not None:
                value = value == label
            values[value] += 1
        rows.append(values)
    codes: dict[Hashable, int] = {}
    for values in rows:
        for value in values:
            codes.setdefault(value, len(codes))
    counts = np.zeros((len(rows), len(codes)), dtype=float)
    for i, values in enumerate(rows):
        for value, n in values.items():
            counts[i, codes[value]] = n
    return alpha_from_counts(counts)
