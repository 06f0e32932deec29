"""Agreement on objects: pooled detection F1 and IoU, and alpha over object clusters.

Objects that the matching engine pairs across annotators form a cluster (one
unit, :func:`labeler.core.consensus.cluster_shapes` with the ``SCORING`` rule); an
annotator who covered the image but did not mark the object contributes
``absent`` to that unit, one who did not cover the image is missing. The
consensus a person is scored against is :mod:`labeler.core.consensus`'s.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from labeler.core.agreement.alpha import alpha_from_counts
from labeler.core.agreement.metric import Metric
from labeler.core.consensus import Cluster
from labeler.core.matching import MatchResult

ABSENT = "absent"


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
