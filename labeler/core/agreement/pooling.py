"""Object agreement over a whole project in a few array passes (see :mod:`.batch`).

Every pairwise comparison, cluster and leave-one-out consensus of the report is
computed here for all images at once; the numbers are those of
:func:`~labeler.core.matching.match_shapes`, :func:`labeler.core.consensus.cluster_shapes`,
:func:`labeler.core.consensus.shape_consensus` (rule ``SCORING``) and
:func:`.objects.cluster_alpha` applied image by image.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np

from labeler.core.agreement.alpha import alpha_from_counts
from labeler.core.agreement.batch import (
    Clusters,
    Ragged,
    ShapeTable,
    cluster_columns,
    coverage_ranks,
    match_rows,
)
from labeler.core.agreement.data import ProjectLabels
from labeler.core.agreement.metric import Metric
from labeler.core.agreement.objects import Counts
from labeler.core.agreement.sides import NO_VERSION
from labeler.core.consensus import SCORING

MATCH_CHUNK = 20_000  # comparisons matched at once (see _chunked_match_counts)


@dataclass
class LabelRows:
    """The project's objects as one table (rows sorted by image, annotator and id)."""

    table: ShapeTable
    labels: ProjectLabels

    @classmethod
    def of(cls, labels: ProjectLabels) -> LabelRows:
        """The table of ``labels.objects``."""
        assert labels.objects is not None
        return cls(ShapeTable.from_columns(labels.objects), labels)

    def span(self, image: int, coder: int) -> tuple[int, int]:
        """The row range of one side's objects (empty for a side with tags only)."""
        return self.labels.spans.get((image, coder), (0, 0))

    def code(self, label: Hashable) -> int:
        """The table's code of a class (-1 when no shape carries it)."""
        return self.table.codes.get(label, -1)


def ranges(spans: Sequence[tuple[int, int]] | np.ndarray) -> Ragged:
    """The problems holding the row ranges ``[start, end)``."""
    bounds = np.asarray(spans, dtype=np.int64).reshape(len(spans), 2)
    sizes = bounds[:, 1] - bounds[:, 0]
    offsets = np.zeros(len(spans) + 1, dtype=np.int64)
    np.cumsum(sizes, out=offsets[1:])
    rows = np.repeat(bounds[:, 0] - offsets[:-1], sizes) + np.arange(int(offsets[-1]))
    return Ragged(rows, offsets)


@dataclass
class ComparisonTable:
    """Every pair of annotators on every image both covered, matched, as arrays."""

    image: np.ndarray
    a: np.ndarray
    b: np.ndarray
    guideline: np.ndarray  # code into guideline_names
    guideline_names: list[str]
    week: np.ndarray  # code into week_names
    week_names: list[str]
    tp: np.ndarray
    n_a: np.ndarray
    n_b: np.ndarray
    iou_sum: np.ndarray
    class_tp: np.ndarray  # [comparison, class code]
    class_n_a: np.ndarray
    class_n_b: np.ndarray
    class_iou: np.ndarray

    def __len__(self) -> int:
        return int(self.image.size)

    def counts(self, index: np.ndarray | None = None, code: int | None = None) -> Counts:
        """The pooled counts of some comparisons (all by default), of all classes or one."""
        idx = np.arange(len(self)) if index is None else np.asarray(index, dtype=np.int64)
        if code is None:
            tp, n_a, n_b, iou = self.tp, self.n_a, self.n_b, self.iou_sum
        elif code < 0:
            return Counts(comparisons=int(idx.size))
        else:
            tp, n_a, n_b = self.class_tp[:, code], self.class_n_a[:, code], self.class_n_b[:, code]
            iou = self.class_iou[:, code]
        return Counts(
            int(tp[idx].sum()),
            int(n_a[idx].sum()),
            int(n_b[idx].sum()),
            float(sum(iou[idx].tolist())),  # in order, as adding Counts one by one does
            int(idx.size),
        )

    def pooled(
        self, member: np.ndarray, codes: np.ndarray, names: Sequence[str]
    ) -> list[tuple[str, Counts]]:
        """Counts per name: comparison ``member[i]`` counts under ``names[codes[i]]``."""
        if not codes.size:
            return []
        order = np.lexsort((member, codes))
        codes, member = codes[order], member[order]
        starts = np.flatnonzero(np.r_[True, codes[1:] != codes[:-1]])
        ends = np.r_[starts[1:], codes.size]
        found = [
            (names[int(codes[s])], self.counts(member[s:e]))
            for s, e in zip(starts.tolist(), ends.tolist(), strict=True)
        ]
        return sorted(found, key=lambda item: item[0])

    def involving(self, person: int) -> np.ndarray:
        """The comparisons a person took part in."""
        return np.flatnonzero((self.a == person) | (self.b == person))


def _side_counts(table: ShapeTable, side: Ragged, n_codes: int) -> tuple[np.ndarray, np.ndarray]:
    problem = side.problem_of()
    total = np.diff(side.offsets)
    by_class = np.bincount(
        problem * n_codes + table.labels[side.rows], minlength=len(side) * n_codes
    ).reshape(len(side), n_codes)
    return total, by_class


def match_counts(
    table: ShapeTable, a: Ragged, b: Ragged, threshold: float
) -> tuple[np.ndarray, ...]:
    """Same-class matches of each problem: tp, n_a, n_b, IoU sum, and those per class code."""
    n, n_codes = len(a), max(len(table.codes), 1)
    pairs = match_rows(table, a, b, threshold, cross_class=False)
    tp = np.bincount(pairs.problem, minlength=n)
    iou = np.bincount(pairs.problem, weights=pairs.iou, minlength=n)
    codes = table.labels[a.rows[pairs.a]] if pairs.a.size else np.zeros(0, np.int64)
    flat = pairs.problem * n_codes + codes
    class_tp = np.bincount(flat, minlength=n * n_codes).reshape(n, n_codes)
    class_iou = np.bincount(flat, weights=pairs.iou, minlength=n * n_codes).reshape(n, n_codes)
    n_a, class_n_a = _side_counts(table, a, n_codes)
    n_b, class_n_b = _side_counts(table, b, n_codes)
    return tp, n_a, n_b, iou, class_tp, class_n_a, class_n_b, class_iou


def pair_positions(pairs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Positions in ``pairs`` of both sides of every pair of coders of each image.

    In image order, then in :func:`itertools.combinations` order.
    """
    starts: np.ndarray | list[int] = (
        np.flatnonzero(np.r_[True, pairs[1:, 0] != pairs[:-1, 0]]) if len(pairs) else []
    )
    sizes = np.diff(np.r_[starts, len(pairs)]).astype(np.int64)
    found_a, found_b, keys = [], [], []
    for k in np.unique(sizes).tolist():
        if k < 2:
            continue
        base = np.asarray(starts)[sizes == k]
        first, second = np.triu_indices(k, 1)
        found_a.append((base[:, None] + first[None, :]).ravel())
        found_b.append((base[:, None] + second[None, :]).ravel())
        keys.append(np.repeat(base, first.size))
    if not found_a:
        empty = np.zeros(0, np.int64)
        return empty, empty
    side_a, side_b, key = (np.concatenate(x) for x in (found_a, found_b, keys))
    order = np.argsort(key, kind="stable")
    return side_a[order], side_b[order]


def comparison_table(labels: ProjectLabels, rows: LabelRows, threshold: float) -> ComparisonTable:
    """Every pair of annotators matched on every image both covered (answered or labeled)."""
    pairs = _coverage_pairs(labels)
    sides = labels.sides  # one row per pair, in the same order
    spans = np.stack([sides.start, sides.end], axis=1).reshape(-1, 2)
    side_a, side_b = pair_positions(pairs)  # two empty sides agree: a comparison too
    versions, version = np.unique(sides.version, return_inverse=True)  # NO_VERSION first
    names = [
        labels.guideline_name(None if v == NO_VERSION else int(v)) for v in versions.tolist()
    ] + ["mixed"]
    mixed = version[side_a] != version[side_b]
    guideline = np.where(mixed, len(versions), version[side_a])
    used, week = np.unique(sides.week, return_inverse=True)
    weeks = [sides.week_names[int(w)] for w in used.tolist()]
    counts = _chunked_match_counts(rows.table, spans[side_a], spans[side_b], threshold)
    return ComparisonTable(
        compact(pairs[side_a, 0]),
        compact(pairs[side_a, 1]),
        compact(pairs[side_b, 1]),
        compact(guideline),
        names,
        compact(np.maximum(week[side_a], week[side_b])),
        weeks,
        *counts,
    )


def compact(values: np.ndarray) -> np.ndarray:
    """Integers as int32 when every one fits (half the memory, the same numbers), else as given.

    Sums of int32 columns are still taken in int64 (numpy widens them), so every
    figure computed from a compacted column is the one the int64 column gives.
    """
    if values.dtype.kind not in "iu" or values.dtype.itemsize <= 4:
        return values
    if values.size and (values.min() < _INT32.min or values.max() > _INT32.max):
        return values
    return values.astype(np.int32)


_INT32 = np.iinfo(np.int32)


def _chunked_match_counts(
    table: ShapeTable, spans_a: np.ndarray, spans_b: np.ndarray, threshold: float
) -> tuple[np.ndarray, ...]:
    """:func:`match_counts` of many comparisons, :data:`MATCH_CHUNK` at a time.

    The matching's candidate pairs are transient arrays several times the size of the
    result; chunking bounds them, so a million images match within a fixed budget.
    """
    parts = [
        tuple(
            compact(column)
            for column in match_counts(
                table,
                ranges(spans_a[lo : lo + MATCH_CHUNK]),
                ranges(spans_b[lo : lo + MATCH_CHUNK]),
                threshold,
            )
        )
        for lo in range(0, len(spans_a), MATCH_CHUNK)
    ]
    if not parts:
        return match_counts(table, ranges(spans_a), ranges(spans_b), threshold)
    return tuple(np.concatenate(column) for column in zip(*parts, strict=True))


def _coverage_pairs(labels: ProjectLabels) -> np.ndarray:
    """The sorted ``(image, annotator)`` pairs of who covered what, as an array."""
    return labels.coverage_pairs


def project_clusters(labels: ProjectLabels, rows: LabelRows, threshold: float) -> ImageClusters:
    """The clusters of every image with objects, over all who covered it."""
    objects = labels.objects
    assert objects is not None
    images = np.unique(objects.image_id)
    group = np.searchsorted(images, objects.image_id)
    coder = coverage_ranks(objects.image_id, objects.owner, _coverage_pairs(labels))
    clusters = cluster_columns(
        rows.table, np.arange(len(objects)), group, coder, images.size, threshold
    )
    return ImageClusters(images, clusters)


@dataclass
class ImageClusters:
    """Clusters (see :func:`.batch.cluster_rows`) with the image of each group."""

    images: np.ndarray  # int64, the image of each group
    clusters: Clusters


def clusters_alpha(
    labels: ProjectLabels, rows: LabelRows, found: ImageClusters, label: Hashable | None = None
) -> Metric:
    """:func:`.objects.cluster_alpha` of the project's clusters (coverage: who covered)."""
    clusters = found.clusters
    n, n_codes = len(clusters), max(len(rows.table.codes), 1)
    if n == 0:
        return alpha_from_counts(np.zeros((0, 0)))
    covering = labels.sides.coders_of(found.images)
    covered = covering[clusters.group]
    sizes = clusters.sizes()
    by_label = np.bincount(
        clusters.member_cluster * n_codes + rows.table.labels[clusters.member_row],
        minlength=n * n_codes,
    ).reshape(n, n_codes)
    if label is None:  # the units x values matrix made once, as floats (a million images)
        counts = np.empty((n, n_codes + 1), dtype=float)
        counts[:, :n_codes] = by_label
        del by_label
        counts[:, n_codes] = covered - sizes
        return alpha_from_counts(counts)
    code = rows.code(label)
    if code < 0:
        return alpha_from_counts(np.zeros((0, 0)))
    chosen = by_label[:, code] > 0
    counts = np.stack([covered - by_label[:, code], by_label[:, code]], axis=1)[chosen]
    return alpha_from_counts(counts if counts.shape[0] else np.zeros((0, 0)))


def leave_one_out(labels: ProjectLabels, rows: LabelRows, person: int, threshold: float) -> Counts:
    """A person's objects against the consensus of the others, pooled over images.

    The consensus is :data:`~labeler.core.consensus.SCORING` leaving ``person`` out.
    """
    from labeler.core.consensus_batch import consensus_many  # it imports this package

    rule = SCORING.with_iou(threshold).left_out(person)
    objects = labels.objects
    assert objects is not None
    sides = labels.sides
    mine_rows = np.flatnonzero(sides.person == person)
    ids = sides.image[mine_rows][sides.coders_of(sides.image[mine_rows]) >= 2]
    images = ids.tolist()
    others = np.flatnonzero(np.isin(objects.image_id, ids) & (objects.owner != rule.leave_out))
    group = np.searchsorted(ids, objects.image_id[others])
    coder = coverage_ranks(objects.image_id[others], objects.owner[others], _coverage_pairs(labels))
    clusters = cluster_columns(rows.table, others, group, coder, len(images), threshold)
    n_coders = sides.coders_of(ids) - 1
    best, _ = consensus_many(rows.table, clusters, n_coders[clusters.group], rule)
    kept = np.flatnonzero(best >= 0)
    kept = kept[np.argsort(clusters.group[kept], kind="stable")]
    sizes = np.bincount(clusters.group[kept], minlength=len(images))
    at = sides.find_many(ids, np.full(ids.size, person, dtype=np.int64))
    mine = np.stack([sides.start[at], sides.end[at]], axis=1).reshape(-1, 2)
    keep = np.flatnonzero((mine[:, 1] > mine[:, 0]) | (sizes > 0))
    offsets = np.r_[0, np.cumsum(sizes)]
    consensus_rows = best[kept]
    del best, kept, clusters, others, group, coder
    tp = n_a = n_b = 0
    ious = []
    for lo in range(0, keep.size, MATCH_CHUNK):  # the matching's transients stay bounded
        part = keep[lo : lo + MATCH_CHUNK]
        theirs = ranges(np.stack([offsets[part], offsets[part + 1]], axis=1))
        theirs.rows = consensus_rows[theirs.rows]
        found = match_counts(rows.table, ranges(mine[part]), theirs, threshold)
        tp += int(found[0].sum())
        n_a += int(found[1].sum())
        n_b += int(found[2].sum())
        ious.append(found[3])
    iou = np.concatenate(ious) if ious else np.zeros(0)
    return Counts(tp, n_a, n_b, float(sum(iou.tolist())), int(keep.size))
