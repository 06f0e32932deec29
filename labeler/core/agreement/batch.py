"""Many matching problems at once, with exactly the pairs :func:`match_shapes` would find.

Whole-project analysis matches hundreds of thousands of small shape lists. Doing
them one by one spends nearly all its time in per-call overhead, so here every
problem's IoUs are computed in one numpy pass (the same arithmetic as
:func:`labeler.core.matching.iou_matrix` for boxes). Where the pairs reaching
the threshold are unambiguous (each shape has at most one candidate), the
optimal assignment is those pairs, which is what ``match_shapes`` returns. Any
other problem, and any problem holding a polygon, goes through ``match_shapes``
itself: there is still one matching engine, this only skips it where its answer
is already known.

Shapes live in a :class:`ShapeTable`; a problem names rows of it.
"""

from __future__ import annotations

from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

import numpy as np

from labeler.core.geometry import Box
from labeler.core.matching import Shape, match_shapes
from labeler.core.store.bulk import ShapeColumns


class LazyShapes(Sequence[Shape]):
    """The :class:`Shape` of each row of shape columns, made when first asked for."""

    def __init__(self, columns: ShapeColumns) -> None:
        self._columns = columns
        self._made: dict[int, Shape] = {}

    def __len__(self) -> int:
        return len(self._columns)

    def __getitem__(self, row: int) -> Shape:  # type: ignore[override]
        row = int(row)
        found = self._made.get(row)
        if found is None:
            c = self._columns
            score = None if c.score is None else float(c.score[row])
            owner = int(c.owner[row]) if c.score is None else f"run:{int(c.owner[row])}"
            found = Shape(int(c.id[row]), int(c.class_id[row]), c.geometry(row), score, owner)
            self._made[row] = found
        return found


@dataclass
class ShapeTable:
    """Shapes as arrays: bounds, class codes, and whether IoU can be done by arithmetic."""

    shapes: Sequence[Shape]
    boxes: np.ndarray
    labels: np.ndarray
    is_box: np.ndarray
    codes: dict[Hashable, int] = field(default_factory=dict)

    @classmethod
    def from_columns(cls, columns: ShapeColumns) -> ShapeTable:
        """The table of shape columns (rows alike); Shapes are only made when needed."""
        classes, labels = np.unique(columns.class_id, return_inverse=True)
        is_box = np.ones(len(columns), dtype=bool)
        is_box[list(columns.polygons)] = False
        codes: dict[Hashable, int] = {int(c): i for i, c in enumerate(classes.tolist())}
        return cls(LazyShapes(columns), columns.boxes, labels.astype(np.int64), is_box, codes)

    @classmethod
    def of(cls, shapes: Sequence[Shape]) -> ShapeTable:
        """The table of these shapes, row ``i`` being ``shapes[i]``."""
        codes: dict[Hashable, int] = {}
        labels = np.fromiter(
            (codes.setdefault(s.label, len(codes)) for s in shapes), np.int64, len(shapes)
        )
        boxes = np.array([s.geometry.bounds() for s in shapes], dtype=float).reshape(-1, 4)
        is_box = np.fromiter((isinstance(s.geometry, Box) for s in shapes), bool, len(shapes))
        return cls(list(shapes), boxes, labels, is_box, codes)


@dataclass
class Ragged:
    """A list of row lists: problem ``p`` holds ``rows[offsets[p]:offsets[p + 1]]``."""

    rows: np.ndarray
    offsets: np.ndarray

    @classmethod
    def of(cls, lists: Sequence[Sequence[int]]) -> Ragged:
        """From Python lists of rows."""
        sizes = np.fromiter((len(x) for x in lists), np.int64, len(lists))
        offsets = np.zeros(len(lists) + 1, dtype=np.int64)
        np.cumsum(sizes, out=offsets[1:])
        rows = np.fromiter((r for x in lists for r in x), np.int64, int(offsets[-1]))
        return cls(rows, offsets)

    def __len__(self) -> int:
        return len(self.offsets) - 1

    def problem_of(self) -> np.ndarray:
        """The problem each position belongs to."""
        return np.repeat(np.arange(len(self)), np.diff(self.offsets))


def two_sided(
    problems: Sequence[tuple[Sequence[Shape], Sequence[Shape]]],
) -> tuple[list[Shape], Ragged, Ragged]:
    """Each problem's ``a`` and ``b`` shapes laid end to end as rows of one list.

    Returns the shapes (for :meth:`ShapeTable.of`) and the ``a`` and ``b`` rows of
    every problem, ready for :func:`match_rows`.
    """
    shapes: list[Shape] = []
    rows: tuple[list[int], list[int]] = ([], [])
    sizes = np.zeros((2, len(problems)), dtype=np.int64)
    for p, pair in enumerate(problems):
        for side in (0, 1):
            sizes[side, p] = len(pair[side])
            rows[side].extend(range(len(shapes), len(shapes) + len(pair[side])))
            shapes += pair[side]
    a, b = (
        Ragged(np.asarray(rows[k], np.int64), np.r_[0, np.cumsum(sizes[k])].astype(np.int64))
        for k in (0, 1)
    )
    return shapes, a, b


@dataclass
class Pairs:
    """Matched pairs: problem, positions in the ``a`` and ``b`` ragged lists, IoU, same class.

    Within a problem, same-class pairs come first, each pass ordered by ``a`` position
    (the order of ``match_shapes``' ``matches`` and ``class_mismatches``).
    """

    problem: np.ndarray
    a: np.ndarray
    b: np.ndarray
    iou: np.ndarray
    same: np.ndarray


def pair_ious(boxes_a: np.ndarray, boxes_b: np.ndarray) -> np.ndarray:
    """IoU of ``boxes_a[i]`` with ``boxes_b[i]`` (``x1, y1, x2, y2``), as ``iou_matrix`` does."""
    ix = np.clip(
        np.minimum(boxes_a[:, 2], boxes_b[:, 2]) - np.maximum(boxes_a[:, 0], boxes_b[:, 0]), 0, None
    )
    iy = np.clip(
        np.minimum(boxes_a[:, 3], boxes_b[:, 3]) - np.maximum(boxes_a[:, 1], boxes_b[:, 1]), 0, None
    )
    inter = ix * iy
    area_a = (boxes_a[:, 2] - boxes_a[:, 0]) * (boxes_a[:, 3] - boxes_a[:, 1])
    area_b = (boxes_b[:, 2] - boxes_b[:, 0]) * (boxes_b[:, 3] - boxes_b[:, 1])
    union = area_a + area_b - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)


def _all_pairs(a: Ragged, b: Ragged) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (a position, b position) of the same problem, and that problem."""
    a_problem = a.problem_of()
    count = np.diff(b.offsets)[a_problem]
    pa = np.repeat(np.arange(a.rows.size), count)
    within = np.arange(pa.size) - np.repeat(np.cumsum(count) - count, count)
    problem = a_problem[pa]
    return pa, b.offsets[problem] + within, problem


def _class_pairs(
    table: ShapeTable, a: Ragged, b: Ragged
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (a position, b position) of the same problem and class, and that problem."""
    n_codes = max(len(table.codes), 1)
    a_problem = a.problem_of()
    key_a = a_problem * n_codes + table.labels[a.rows]
    key_b = b.problem_of() * n_codes + table.labels[b.rows]
    order_b = np.argsort(key_b, kind="stable")
    sorted_b = key_b[order_b]
    first = np.searchsorted(sorted_b, key_a, side="left")
    count = np.searchsorted(sorted_b, key_a, side="right") - first
    pa = np.repeat(np.arange(a.rows.size), count)
    within = np.arange(pa.size) - np.repeat(np.cumsum(count) - count, count)
    return pa, order_b[np.repeat(first, count) + within], a_problem[pa]


def _ambiguous(
    problem: np.ndarray, pa: np.ndarray, pb: np.ndarray, n: tuple[int, int, int]
) -> np.ndarray:
    """Problems where some shape has two or more candidate pairs."""
    n_problems, n_a, n_b = n
    flagged = np.zeros(n_problems, dtype=bool)
    many_a = np.bincount(pa, minlength=n_a) > 1
    many_b = np.bincount(pb, minlength=n_b) > 1
    flagged[problem[many_a[pa] | many_b[pb]]] = True
    return flagged


def match_rows(
    table: ShapeTable, a: Ragged, b: Ragged, threshold: float, cross_class: bool = True
) -> Pairs:
    """Match every problem ``a[p]`` against ``b[p]`` like ``match_shapes`` (IoU >= threshold).

    With ``cross_class=False`` only the same-class pass is reported (it does not
    depend on the second pass).
    """
    n = (len(a), a.rows.size, b.rows.size)
    pa, pb, problem = _all_pairs(a, b) if cross_class else _class_pairs(table, a, b)
    ra, rb = a.rows[pa], b.rows[pb]
    iou = pair_ious(table.boxes[ra], table.boxes[rb])
    exact = _with_polygons(table, a, b, n[0])[problem]
    if exact.any():  # as iou_matrix: every pair of such a problem through shapely
        iou[exact] = shape_pair_ious(table, ra[exact], rb[exact])
    ok = iou >= threshold
    same = table.labels[ra] == table.labels[rb]
    fallback = np.zeros(n[0], dtype=bool)
    first = ok & same
    fallback |= _ambiguous(problem[first], pa[first], pb[first], n)
    taken_a = np.zeros(n[1], dtype=bool)
    taken_b = np.zeros(n[2], dtype=bool)
    taken_a[pa[first]] = True
    taken_b[pb[first]] = True
    second = ok & ~same & ~taken_a[pa] & ~taken_b[pb] if cross_class else np.zeros_like(ok)
    fallback |= _ambiguous(problem[second], pa[second], pb[second], n)
    keep = (first | second) & ~fallback[problem]
    found = [problem[keep], pa[keep], pb[keep], iou[keep], same[keep]]
    extra = _fallback_pairs(table, a, b, np.flatnonzero(fallback), threshold, cross_class)
    merged = [np.concatenate([x, y]) for x, y in zip(found, extra, strict=True)]
    order = np.lexsort((merged[1], ~merged[4], merged[0]))
    return Pairs(*(x[order] for x in merged))


def _with_polygons(table: ShapeTable, a: Ragged, b: Ragged, n_problems: int) -> np.ndarray:
    """Problems with a polygon on either side (``iou_matrix`` then uses shapely for all)."""
    flagged = np.zeros(n_problems, dtype=bool)
    flagged[a.problem_of()[~table.is_box[a.rows]]] = True
    flagged[b.problem_of()[~table.is_box[b.rows]]] = True
    return flagged


def shape_pair_ious(table: ShapeTable, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """IoU of row ``rows_a[i]`` with ``rows_b[i]`` as ``iou_matrix`` gives it with polygons.

    The same arithmetic: pairs whose bounds overlap go through one vectorised shapely
    intersection; the union is the two areas minus it.
    """
    import shapely

    from labeler.core.geometry import shapely_array

    rows = np.unique(np.concatenate([rows_a, rows_b]))
    geometries = [table.shapes[r].geometry for r in rows.tolist()]
    bounds = np.array([g.bounds() for g in geometries], dtype=float).reshape(-1, 4)
    shapes = shapely_array(geometries)
    ia, ib = np.searchsorted(rows, rows_a), np.searchsorted(rows, rows_b)
    ba, bb = bounds[ia], bounds[ib]
    ix = np.clip(np.minimum(ba[:, 2], bb[:, 2]) - np.maximum(ba[:, 0], bb[:, 0]), 0, None)
    iy = np.clip(np.minimum(ba[:, 3], bb[:, 3]) - np.maximum(ba[:, 1], bb[:, 1]), 0, None)
    result = np.zeros(rows_a.size, dtype=float)
    overlap = np.flatnonzero(ix * iy > 0)
    if overlap.size == 0:
        return result
    ga, gb = shapes[ia[overlap]], shapes[ib[overlap]]
    inter = shapely.area(shapely.intersection(ga, gb))
    areas = shapely.area(shapes)
    union = areas[ia[overlap]] + areas[ib[overlap]] - inter
    with np.errstate(divide="ignore", invalid="ignore"):
        result[overlap] = np.where(union > 0, inter / np.where(union > 0, union, 1.0), 0.0)
    return result


def _fallback_pairs(
    table: ShapeTable,
    a: Ragged,
    b: Ragged,
    problems: np.ndarray,
    threshold: float,
    cross_class: bool,
) -> list[np.ndarray]:
    """The pairs of the given problems, through ``match_shapes`` itself."""
    rows: list[tuple[int, int, int, float, bool]] = []
    for p in problems.tolist():
        a0, a1, b0, b1 = a.offsets[p], a.offsets[p + 1], b.offsets[p], b.offsets[p + 1]
        shapes_a = [table.shapes[r] for r in a.rows[a0:a1].tolist()]
        shapes_b = [table.shapes[r] for r in b.rows[b0:b1].tolist()]
        where_a = {id(s): a0 + i for i, s in enumerate(shapes_a)}
        where_b = {id(s): b0 + i for i, s in enumerate(shapes_b)}
        result = match_shapes(shapes_a, shapes_b, threshold)
        for match in result.matches:
            rows.append((p, where_a[id(match.a)], where_b[id(match.b)], match.iou, True))
        if cross_class:
            for match in result.class_mismatches:
                rows.append((p, where_a[id(match.a)], where_b[id(match.b)], match.iou, False))
    if not rows:
        return [np.zeros(0, np.int64)] * 3 + [np.zeros(0), np.zeros(0, bool)]
    columns = list(zip(*rows, strict=True))
    return [
        np.array(columns[0], np.int64),
        np.array(columns[1], np.int64),
        np.array(columns[2], np.int64),
        np.array(columns[3], float),
        np.array(columns[4], bool),
    ]


@dataclass
class Clusters:
    """Clusters of many groups (images), as arrays.

    Cluster ids run in creation order within each group (the order of
    ``cluster_shapes``); members are sorted by cluster, then by coder position.
    """

    group: np.ndarray  # per cluster
    member_cluster: np.ndarray  # per member
    member_coder: np.ndarray  # position of the member's coder in its group
    member_row: np.ndarray  # table row of the member's shape

    def __len__(self) -> int:
        return int(self.group.size)

    def starts(self) -> np.ndarray:
        """Index of each cluster's first member."""
        return np.searchsorted(self.member_cluster, np.arange(len(self)))

    def sizes(self) -> np.ndarray:
        """Members per cluster."""
        return np.bincount(self.member_cluster, minlength=len(self))


def _reps(
    clusters: tuple[list[np.ndarray], list[np.ndarray]], todo: np.ndarray, n: int
) -> tuple[np.ndarray, Ragged]:
    """The clusters (ids) of the groups in ``todo``, and their representatives as a Ragged."""
    group = np.concatenate(clusters[0]) if clusters[0] else np.zeros(0, np.int64)
    rep = np.concatenate(clusters[1]) if clusters[1] else np.zeros(0, np.int64)
    position = np.full(n, -1, dtype=np.int64)
    position[todo] = np.arange(todo.size)
    order = np.argsort(group, kind="stable")
    chosen = order[position[group[order]] >= 0]
    counts = np.bincount(position[group[chosen]], minlength=todo.size)
    offsets = np.zeros(todo.size + 1, dtype=np.int64)
    np.cumsum(counts, out=offsets[1:])
    return chosen, Ragged(rep[chosen], offsets)


def coverage_ranks(image: np.ndarray, person: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Position of each ``(image, person)`` among its image's people in ``pairs``.

    ``pairs`` holds the sorted, unique ``(image, person)`` rows; every asked pair
    must be among them.
    """
    base = int(max(person.max(initial=0), pairs[:, 1].max(initial=0))) + 1
    keys = pairs[:, 0] * base + pairs[:, 1]
    first = np.searchsorted(pairs[:, 0], pairs[:, 0], side="left")
    rank_of_pair = np.arange(len(pairs)) - first
    return rank_of_pair[np.searchsorted(keys, image * base + person)]


CLUSTER_CHUNK = 20_000  # groups (images) clustered at once by cluster_columns


def cluster_rows(
    table: ShapeTable, groups: Sequence[Sequence[Sequence[int]]], threshold: float
) -> Clusters:
    """:func:`~labeler.core.consensus.cluster_shapes` (SCORING) for many images at once.

    ``groups[g]`` holds one row list per coder, in coder order.
    """
    flat = [
        (g, c, r) for g, group in enumerate(groups) for c, rows in enumerate(group) for r in rows
    ]
    array = np.array(flat, dtype=np.int64).reshape(len(flat), 3)
    return cluster_columns(table, array[:, 2], array[:, 0], array[:, 1], len(groups), threshold)


def cluster_columns(
    table: ShapeTable,
    rows: np.ndarray,
    group: np.ndarray,
    coder: np.ndarray,
    n_groups: int,
    threshold: float,
) -> Clusters:
    """Clusters of shapes given as columns sorted by group, then coder, then shape order.

    Each coder's shapes (coder positions in ascending order, as ``cluster_shapes``
    takes them) are matched to the representatives (first members) of the clusters
    so far; unmatched ones start clusters of their own. ``rows`` holds distinct table
    rows. Groups are clustered :data:`CLUSTER_CHUNK` at a time (the matching's
    transient arrays are several times the result), numbered as one pass numbers them.
    """
    if n_groups <= CLUSTER_CHUNK:
        return _cluster_once(table, rows, group, coder, n_groups, threshold)
    parts, creators = [], []
    for first in range(0, n_groups, CLUSTER_CHUNK):
        lo, hi = np.searchsorted(group, [first, first + CLUSTER_CHUNK])
        part = _cluster_once(
            table, rows[lo:hi], group[lo:hi] - first, coder[lo:hi],
            min(CLUSTER_CHUNK, n_groups - first), threshold,
        )
        part.group = part.group + first
        starts = part.starts()
        local = rows[lo:hi]
        order = np.argsort(local, kind="stable")
        position = order[np.searchsorted(local[order], part.member_row[starts])] + lo
        creators.append((part.member_coder[starts], position))
        parts.append(part)
    return _renumbered(parts, creators)


def _renumbered(
    parts: list[Clusters], creators: list[tuple[np.ndarray, np.ndarray]]
) -> Clusters:
    """The chunks' clusters as one pass makes them: by creating coder step, then row order."""
    # The chunks are dropped (``parts`` and ``creators`` emptied) as soon as they are
    # merged, and the members reordered one column at a time: a million images' clusters
    # then peak at about twice their size here, not four times.
    offsets = np.cumsum([0] + [len(p) for p in parts])
    step = np.concatenate([c[0] for c in creators])
    position = np.concatenate([c[1] for c in creators])
    creators.clear()
    new_of_old = np.empty(step.size, dtype=np.int64)
    new_of_old[np.lexsort((position, step))] = np.arange(step.size)
    del step, position
    group = np.empty(new_of_old.size, dtype=np.int64)
    group[new_of_old] = np.concatenate([p.group for p in parts])
    member_cluster = np.concatenate(
        [new_of_old[p.member_cluster + offsets[k]] for k, p in enumerate(parts)]
    )
    del new_of_old
    member_coder = np.concatenate([p.member_coder for p in parts])
    member_row = np.concatenate([p.member_row for p in parts])
    parts.clear()
    order = np.lexsort((member_coder, member_cluster))
    member_cluster = member_cluster[order]
    member_coder = member_coder[order]
    member_row = member_row[order]
    return Clusters(group, member_cluster, member_coder, member_row)


def _cluster_once(
    table: ShapeTable,
    rows: np.ndarray,
    group: np.ndarray,
    coder: np.ndarray,
    n_groups: int,
    threshold: float,
) -> Clusters:
    """:func:`cluster_columns` of all groups in one pass."""
    made: tuple[list[np.ndarray], list[np.ndarray]] = ([], [])  # cluster group, representative
    members: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []  # cluster ids, coder, rows
    n_clusters = 0
    for step in np.unique(coder).tolist():
        mine = coder == step
        step_rows, step_group = rows[mine], group[mine]
        todo, starts = np.unique(step_group, return_index=True)
        news = Ragged(step_rows, np.r_[starts, step_rows.size].astype(np.int64))
        chosen, reps = _reps(made, todo, n_groups)
        pairs = match_rows(table, reps, news, threshold)
        members.append((chosen[pairs.a], np.full(pairs.a.size, step), news.rows[pairs.b]))
        fresh = np.ones(news.rows.size, dtype=bool)
        fresh[pairs.b] = False
        new_rows = news.rows[fresh]
        ids = np.arange(n_clusters, n_clusters + new_rows.size)
        n_clusters += new_rows.size
        made[0].append(step_group[fresh])
        made[1].append(new_rows)
        members.append((ids, np.full(ids.size, step), new_rows))
    if not members:
        empty = np.zeros(0, np.int64)
        return Clusters(empty, empty, empty, empty)
    cluster = np.concatenate([m[0] for m in members])
    coders = np.concatenate([m[1] for m in members]).astype(np.int64)
    member_rows = np.concatenate([m[2] for m in members])
    order = np.lexsort((coders, cluster))
    return Clusters(np.concatenate(made[0]), cluster[order], coders[order], member_rows[order])
