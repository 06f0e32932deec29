"""The consensus rule of :mod:`labeler.core.consensus` for many images in one array pass.

Two array forms of the one rule live here, each proved equal to the per-image
:func:`~labeler.core.consensus.decide_image` by the tests:

* :func:`two_annotator_pairs`: the clustering of two-annotator images (the export's,
  :data:`~labeler.core.consensus.FINAL_LABELS`; two people's clusters are the same
  whatever ``match_to`` says);
* :func:`consensus_many`: the decision of :data:`~labeler.core.consensus.SCORING`
  (agreement, diagnose truth) for every cluster that
  :func:`~labeler.core.agreement.batch.cluster_columns` made.

Two-annotator clustering.

Most images of a double-annotated project carry the shapes of exactly two people. For
them :func:`labeler.core.consensus.image_consensus` clusters by one
:func:`~labeler.core.matching.match_shapes` call (the first annotator's shapes against
the second's, same class first, then across classes). Called image by image that is
most of an export's time (half a millisecond per image, so minutes at a million); the
agreement engine's :func:`~labeler.core.agreement.batch.match_rows` computes the same
pairs for all images at once. :func:`two_annotator_pairs` returns them per image, and
``image_consensus(..., shape_pairs=...)`` builds the same clusters from them.
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence

import numpy as np

from labeler.core.agreement.batch import Clusters, Ragged, ShapeTable, match_rows, pair_ious
from labeler.core.consensus import FINAL_LABELS, ConsensusConfig
from labeler.core.domain import Annotation, ReviewDecision
from labeler.core.geometry import Tag
from labeler.core.matching import Shape, iou_matrix

CHUNK_IMAGES = 20_000  # images matched at once: bounds the arrays of one pass
ShapePairs = tuple[tuple[int, int], ...]  # (first annotator's id, second's id), matched


def two_annotator_pairs(
    by_image: Mapping[int, Sequence[Annotation]],
    decisions: Mapping[int, ReviewDecision],
    config: ConsensusConfig = FINAL_LABELS,
) -> dict[int, ShapePairs]:
    """Matched shape pairs of every image whose live shapes come from exactly two people.

    Live means what ``image_consensus`` counts under ``config``: not rejected in the
    latest review (with ``config.reviews``), not by ``config.leave_out``. Images with
    one annotator's shapes, or three or more, are left out (they take the per-image
    path).
    """
    if not config.reviews:
        decisions = {}
    iou_threshold = config.iou_threshold
    found: dict[int, ShapePairs] = {}
    batch: list[tuple[int, list[Annotation], list[Annotation]]] = []
    for image_id in sorted(by_image):
        sides = _two_sides(by_image[image_id], decisions, config.leave_out)
        if sides is not None:
            batch.append((image_id, *sides))
        if len(batch) == CHUNK_IMAGES:
            found.update(_match(batch, iou_threshold))
            batch = []
    found.update(_match(batch, iou_threshold))
    return found


def _two_sides(
    annotations: Sequence[Annotation],
    decisions: Mapping[int, ReviewDecision],
    leave_out: Hashable | None,
) -> tuple[list[Annotation], list[Annotation]] | None:
    live = [
        a
        for a in annotations
        if decisions.get(a.id) != ReviewDecision.REJECT
        and not isinstance(a.geometry, Tag)
        and a.annotator_id != leave_out
    ]
    owners = sorted({a.annotator_id for a in live})
    if len(owners) != 2:
        return None
    ordered = sorted(live, key=lambda a: a.id)
    return (
        [a for a in ordered if a.annotator_id == owners[0]],
        [a for a in ordered if a.annotator_id == owners[1]],
    )


def _match(
    batch: list[tuple[int, list[Annotation], list[Annotation]]], iou_threshold: float
) -> dict[int, ShapePairs]:
    if not batch:
        return {}
    shapes: list[Shape] = []
    a_rows: list[int] = []
    b_rows: list[int] = []
    a_sizes = np.zeros(len(batch), dtype=np.int64)
    b_sizes = np.zeros(len(batch), dtype=np.int64)
    for p, (_image, first, second) in enumerate(batch):
        for side, rows, sizes in ((first, a_rows, a_sizes), (second, b_rows, b_sizes)):
            sizes[p] = len(side)
            for annotation in side:
                geometry = annotation.geometry
                assert not isinstance(geometry, Tag), "_two_sides keeps boxes and polygons only"
                rows.append(len(shapes))
                shapes.append(Shape(annotation.id, annotation.class_id, geometry))
    table = ShapeTable.of(shapes)
    a = Ragged(np.asarray(a_rows, np.int64), np.r_[0, np.cumsum(a_sizes)].astype(np.int64))
    b = Ragged(np.asarray(b_rows, np.int64), np.r_[0, np.cumsum(b_sizes)].astype(np.int64))
    pairs = match_rows(table, a, b, iou_threshold, cross_class=True)
    per_problem: list[list[tuple[int, int]]] = [[] for _ in batch]
    for problem, pa, pb in zip(
        pairs.problem.tolist(), pairs.a.tolist(), pairs.b.tolist(), strict=True
    ):
        per_problem[problem].append((shapes[a_rows[pa]].id, shapes[b_rows[pb]].id))
    return {image: tuple(per_problem[p]) for p, (image, _f, _s) in enumerate(batch)}


def batch_supports(config: ConsensusConfig) -> bool:
    """True when :func:`consensus_many` computes ``config``'s rule."""
    return (
        config.votes == "members"
        and config.tie == "first_seen"
        and config.match_to == "first"
        and config.pick == "most_overlap"
        and not config.reviews
    )


def consensus_many(
    table: ShapeTable, clusters: Clusters, coders: np.ndarray, config: ConsensusConfig
) -> tuple[np.ndarray, np.ndarray]:
    """The decision of :func:`~labeler.core.consensus.decide_image` for every cluster at once.

    ``clusters`` come from :func:`~labeler.core.agreement.batch.cluster_columns`
    (``match_to="first"``) over the coders the caller counts (without
    ``config.leave_out``); ``coders[c]`` is how many coders the group of cluster ``c``
    had. Returns per cluster the row of the chosen member (-1 when the cluster does
    not reach the quorum) and the share of coders who marked it. Only rules with
    :func:`batch_supports` are computed here (a ValueError names any other).
    """
    if not batch_supports(config):
        raise ValueError(f"consensus_many computes the SCORING rule, not {config}")
    n = len(clusters)
    if n == 0:
        return np.zeros(0, np.int64), np.zeros(0)
    size, starts = clusters.sizes(), clusters.starts()
    k = max(len(table.codes), 1)
    label = table.labels[clusters.member_row]
    key = clusters.member_cluster * k + label
    votes = np.bincount(key, minlength=n * k)[key]
    top = np.maximum.reduceat(votes, starts)
    is_top = votes == top[clusters.member_cluster]
    first_top = starts + _first_true(is_top, clusters.member_cluster, n)
    majority = label[first_top]
    candidate = label == majority[clusters.member_cluster]
    chosen = clusters.member_row[first_top].copy()
    ties = np.flatnonzero(np.bincount(clusters.member_cluster[candidate], minlength=n) > 1)
    for lo in range(0, ties.size, TIE_CHUNK):  # each tie is its own: runs bound the pairs
        part = ties[lo : lo + TIE_CHUNK]
        chosen[part] = _best_overlaps(table, clusters, candidate, part)
    share = size / coders
    required = np.maximum(1, np.ceil(config.quorum * coders - 1e-9)).astype(np.int64)
    chosen[size < required] = -1
    return chosen, share


TIE_CHUNK = 50_000  # tied clusters whose members' overlaps are summed at once


def _first_true(flags: np.ndarray, owner: np.ndarray, n: int) -> np.ndarray:
    """Per owner (members sorted by owner), the offset of its first True flag."""
    index = np.flatnonzero(flags)
    first = np.full(n, -1, dtype=np.int64)
    keep = np.r_[True, owner[index][1:] != owner[index][:-1]] if index.size else index.astype(bool)
    first[owner[index][keep]] = index[keep]
    return first - np.searchsorted(owner, np.arange(n))


def _best_overlaps(
    table: ShapeTable, clusters: Clusters, candidate: np.ndarray, ties: np.ndarray
) -> np.ndarray:
    """Per tied cluster, the candidate whose IoUs with all members sum highest (first wins)."""
    starts, sizes = clusters.starts(), clusters.sizes()
    in_tie = np.zeros(len(clusters), dtype=bool)
    in_tie[ties] = True
    cand = np.flatnonzero(candidate & in_tie[clusters.member_cluster])
    owner = clusters.member_cluster[cand]
    repeat = sizes[owner]
    left = np.repeat(cand, repeat)
    right = np.repeat(starts[owner], repeat) + (
        np.arange(left.size) - np.repeat(np.cumsum(repeat) - repeat, repeat)
    )
    rows_l, rows_r = clusters.member_row[left], clusters.member_row[right]
    overlap = pair_ious(table.boxes[rows_l], table.boxes[rows_r])
    sums = np.add.reduceat(overlap, np.r_[0, np.cumsum(repeat)[:-1]])
    best = np.maximum.reduceat(sums, np.searchsorted(owner, ties))
    is_best = sums == best[np.searchsorted(ties, owner)]
    pick = _first_true(is_best, np.searchsorted(ties, owner), ties.size)
    result = clusters.member_row[cand[np.searchsorted(owner, ties) + pick]]
    polygons = np.flatnonzero(~table.is_box[clusters.member_row])
    for c in np.unique(clusters.member_cluster[polygons]).tolist():
        if in_tie[c]:
            members = clusters.member_row[starts[c] : starts[c] + sizes[c]].tolist()
            cands = clusters.member_row[starts[c] : starts[c] + sizes[c]][
                candidate[starts[c] : starts[c] + sizes[c]]
            ].tolist()
            result[np.searchsorted(ties, c)] = _consensus_by_matrix(table, members, cands)
    return result


def _consensus_by_matrix(table: ShapeTable, rows: list[int], candidates: list[int]) -> int:
    overlap = iou_matrix(
        [table.shapes[r].geometry for r in candidates], [table.shapes[r].geometry for r in rows]
    )
    return candidates[int(np.argmax(overlap.sum(axis=1)))]
