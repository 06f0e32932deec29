"""Confusion matrix with a background row and column, and false-positive/negative slices.

Per image, the truth and the predictions scoring at least ``min_score`` are
matched by :func:`labeler.core.matching.match_shapes` (same class first, then
across classes, IoU >= the threshold). A same-class pair is a hit; a
cross-class pair counts in the truth class's row and the predicted class's
column; a prediction left over lands in the *background* row, a truth object
left over in the *background* column.

Slices list every error with what a canvas needs to open it (image id, the
prediction or annotation id) and a reason:

* false positives: ``wrong_class`` (matched a truth object of another class),
  ``duplicate`` (overlaps, by the threshold, a truth object of its class that
  another prediction already took), ``poor_localization`` (overlaps one of its
  class, but by less than the threshold and at least ``0.1``), ``background``.
* false negatives: ``wrong_class`` (a prediction of another class took it),
  ``poor_localization`` (a prediction of its class overlaps, too little),
  ``missed``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labeler.core.agreement.batch import (
    LazyShapes,
    Pairs,
    Ragged,
    ShapeTable,
    match_rows,
    pair_ious,
)
from labeler.core.matching import Shape, iou_matrix
from labeler.core.store.bulk import ShapeColumns

# Below this IoU an overlap is no evidence of the same object.
MIN_LOCALIZATION_IOU = 0.1
BACKGROUND = "background"


@dataclass(frozen=True)
class SliceItem:
    """One error a canvas can open: the image and the prediction or annotation at fault."""

    image_id: int
    object_id: int
    object_kind: str  # "prediction" or "annotation"
    class_name: str
    score: float | None
    reason: str
    other_class: str | None = None
    iou: float | None = None

    def to_dict(self, image_path: str | None = None) -> dict[str, Any]:
        """JSON-ready."""
        key = "prediction_id" if self.object_kind == "prediction" else "annotation_id"
        return {
            "image_id": self.image_id,
            "image": image_path,
            key: self.object_id,
            "class": self.class_name,
            "score": None if self.score is None else round(self.score, 4),
            "reason": self.reason,
            "other_class": self.other_class,
            "iou": None if self.iou is None else round(self.iou, 4),
        }


@dataclass
class ConfusionResult:
    """The matrix (rows: truth classes + background; columns: predicted + background)."""

    labels: list[str]
    matrix: np.ndarray
    false_positives: list[SliceItem] = field(default_factory=list)
    false_negatives: list[SliceItem] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready matrix; ``matrix[i][j]``: truth ``labels[i]`` predicted as ``labels[j]``."""
        return {
            "labels": self.labels,
            "rows": "truth",
            "columns": "prediction",
            "matrix": self.matrix.astype(int).tolist(),
        }


@dataclass
class _Matched:
    """One batch matching of truth (side a) against predictions (side b), per image."""

    images: list[int]
    table: ShapeTable
    truth: Ragged
    predicted: Ragged
    pairs: Pairs
    class_index: np.ndarray  # table label code -> matrix index
    ids: list[int]  # per table row: annotation or prediction id
    classes: list[int]  # per table row: class id
    scores: list[float | None]  # per table row: prediction score (None for truth)

    @classmethod
    def of(
        cls,
        truth: dict[int, list[Shape]],
        predictions: dict[int, list[Shape]],
        class_ids: Sequence[int],
        iou_threshold: float,
    ) -> _Matched:
        images = [i for i in truth if truth[i] or predictions.get(i)]
        shapes: list[Shape] = []
        sides: tuple[list[list[int]], list[list[int]]] = ([], [])
        for image in images:
            for side, own in zip(sides, (truth[image], predictions.get(image, [])), strict=True):
                side.append(list(range(len(shapes), len(shapes) + len(own))))
                shapes += own
        table = ShapeTable.of(shapes)
        a, b = Ragged.of(sides[0]), Ragged.of(sides[1])
        index = {c: i for i, c in enumerate(class_ids)}
        class_index = np.zeros(max(len(table.codes), 1), dtype=np.int64)
        for label, code in table.codes.items():
            class_index[code] = index[label]  # type: ignore[index]
        return cls(
            images,
            table,
            a,
            b,
            match_rows(table, a, b, iou_threshold),
            class_index,
            [s.id for s in shapes],
            [s.label for s in shapes],  # type: ignore[misc]
            [s.score for s in shapes],
        )

    @classmethod
    def from_columns(
        cls,
        truth: ShapeColumns,
        predictions: ShapeColumns,
        images: Sequence[int],
        class_ids: Sequence[int],
        iou_threshold: float,
    ) -> _Matched:
        """Both sides as columns, each grouped by image in ``images`` order."""
        stacked = ShapeColumns(
            np.concatenate([truth.id, predictions.id]),
            np.concatenate([truth.image_id, predictions.image_id]),
            np.concatenate([truth.class_id, predictions.class_id]),
            np.concatenate([truth.owner, predictions.owner]),
            np.vstack([truth.boxes, predictions.boxes]),
            {**truth.polygons, **{len(truth) + r: p for r, p in predictions.polygons.items()}},
        )
        table = ShapeTable.from_columns(stacked)
        table.shapes = _Stacked(LazyShapes(truth), LazyShapes(predictions))
        ids = np.asarray(images, dtype=np.int64)
        a = Ragged(np.arange(len(truth)), np.searchsorted(truth.image_id, ids_edges(ids)))
        b = Ragged(
            np.arange(len(truth), len(stacked)),
            np.searchsorted(predictions.image_id, ids_edges(ids)),
        )
        index = {c: i for i, c in enumerate(class_ids)}
        class_index = np.zeros(max(len(table.codes), 1), dtype=np.int64)
        for label, code in table.codes.items():
            class_index[code] = index[label]  # type: ignore[index]
        scores = predictions.score.tolist() if predictions.score is not None else []
        return cls(
            list(images),
            table,
            a,
            b,
            match_rows(table, a, b, iou_threshold),
            class_index,
            stacked.id.tolist(),
            stacked.class_id.tolist(),
            [None] * len(truth) + scores,
        )

    def cls(self, rows: np.ndarray) -> np.ndarray:
        """Matrix index of the class of these table rows."""
        return self.class_index[self.table.labels[rows]]


def ids_edges(images: np.ndarray) -> np.ndarray:
    """Search keys giving per-image offsets into columns sorted by image (``images`` sorted)."""
    return np.r_[images, images[-1] + 1] if images.size else np.zeros(1, np.int64)


class _Stacked(Sequence[Shape]):
    """Truth rows first, then prediction rows, as one sequence of Shapes."""

    def __init__(self, first: LazyShapes, second: LazyShapes) -> None:
        self._first, self._second = first, second

    def __len__(self) -> int:
        return len(self._first) + len(self._second)

    def __getitem__(self, row: int) -> Shape:  # type: ignore[override]
        row = int(row)
        n = len(self._first)
        return self._first[row] if row < n else self._second[row - n]


def confusion_columns(
    truth: ShapeColumns,
    predictions: ShapeColumns,
    images: Sequence[int],
    class_ids: Sequence[int],
    class_name: Callable[[int], str],
    iou_threshold: float,
) -> ConfusionResult:
    """:func:`confusion` for truth and predictions given as columns grouped by image."""
    return _confusion(
        _Matched.from_columns(truth, predictions, images, class_ids, iou_threshold),
        class_ids,
        class_name,
        iou_threshold,
    )


def confusion(
    truth: dict[int, list[Shape]],
    predictions: dict[int, list[Shape]],
    class_ids: Sequence[int],
    class_name: Callable[[int], str],
    iou_threshold: float,
) -> ConfusionResult:
    """Match every image of ``truth`` with its predictions and count and list the errors."""
    m = _Matched.of(truth, predictions, class_ids, iou_threshold)
    return _confusion(m, class_ids, class_name, iou_threshold)


def _confusion(
    m: _Matched, class_ids: Sequence[int], class_name: Callable[[int], str], iou_threshold: float
) -> ConfusionResult:
    bg = len(class_ids)
    matrix = np.zeros((bg + 1, bg + 1), dtype=np.int64)
    result = ConfusionResult([class_name(c) for c in class_ids] + [BACKGROUND], matrix)
    pairs = m.pairs
    t_rows, p_rows = m.truth.rows[pairs.a], m.predicted.rows[pairs.b]
    np.add.at(matrix, (m.cls(t_rows), m.cls(p_rows)), 1)
    free_t = np.ones(m.truth.rows.size, dtype=bool)
    free_t[pairs.a] = False
    free_p = np.ones(m.predicted.rows.size, dtype=bool)
    free_p[pairs.b] = False
    # numpy's stubs do not accept an index tuple mixing an array and an int (numpy does).
    np.add.at(matrix, (m.cls(m.truth.rows[free_t]), bg), 1)  # type: ignore[arg-type]
    np.add.at(matrix, (bg, m.cls(m.predicted.rows[free_p])), 1)  # type: ignore[arg-type]
    names = {c: class_name(c) for c in set(m.classes)}
    for p, t, pr, iou in zip(
        pairs.problem[~pairs.same].tolist(),
        t_rows[~pairs.same].tolist(),
        p_rows[~pairs.same].tolist(),
        pairs.iou[~pairs.same].tolist(),
        strict=True,
    ):
        image, name_a, name_b = m.images[p], names[m.classes[t]], names[m.classes[pr]]
        result.false_positives.append(
            SliceItem(
                image, m.ids[pr], "prediction", name_b, m.scores[pr], "wrong_class", name_a, iou
            )
        )
        result.false_negatives.append(
            SliceItem(image, m.ids[t], "annotation", name_a, None, "wrong_class", name_b, iou)
        )
    taken = np.zeros(len(m.ids), dtype=bool)
    taken[t_rows[pairs.same]] = True
    result.false_positives += _leftovers(
        m, m.predicted, free_p, m.truth, taken, names, iou_threshold
    )
    result.false_negatives += _leftovers(
        m, m.truth, free_t, m.predicted, None, names, iou_threshold
    )
    result.false_positives.sort(key=lambda s: (-(s.score or 0.0), s.image_id, s.object_id))
    result.false_negatives.sort(key=lambda s: (s.image_id, s.object_id))
    return result


def _best_same_class(
    m: _Matched, side: Ragged, free: np.ndarray, other: Ragged
) -> tuple[np.ndarray, np.ndarray]:
    """Best same-class IoU of each free shape of ``side`` with ``other`` on its image.

    Returns the IoU (0 without a same-class shape) and that shape's row (-1 without),
    the first on a tie.
    """
    positions = np.flatnonzero(free)
    problem = side.problem_of()[positions]
    counts = np.diff(other.offsets)[problem]
    left = np.repeat(positions, counts)
    right = np.repeat(other.offsets[problem], counts) + (
        np.arange(left.size) - np.repeat(np.cumsum(counts) - counts, counts)
    )
    rows_l, rows_r = side.rows[left], other.rows[right]
    same = m.table.labels[rows_l] == m.table.labels[rows_r]
    owner = np.repeat(np.arange(positions.size), counts)[same]
    ious = _exact_ious(m.table, rows_l[same], rows_r[same])
    rows_r = rows_r[same]
    best = np.zeros(positions.size)
    best_row = np.full(positions.size, -1, dtype=np.int64)
    if owner.size:
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        top = np.maximum.reduceat(ious, starts)
        is_top = np.flatnonzero(ious == np.repeat(top, np.diff(np.r_[starts, owner.size])))
        first = is_top[np.r_[True, owner[is_top][1:] != owner[is_top][:-1]]]
        best[owner[first]] = ious[first]
        best_row[owner[first]] = rows_r[first]
    return best, best_row


def _exact_ious(table: ShapeTable, rows_a: np.ndarray, rows_b: np.ndarray) -> np.ndarray:
    """IoU of row pairs: arithmetic for two boxes, shapely where a polygon takes part."""
    ious = pair_ious(table.boxes[rows_a], table.boxes[rows_b])
    poly = np.flatnonzero(~(table.is_box[rows_a] & table.is_box[rows_b]))
    for i in poly.tolist():
        geometry_a = table.shapes[int(rows_a[i])].geometry
        geometry_b = table.shapes[int(rows_b[i])].geometry
        ious[i] = float(iou_matrix([geometry_a], [geometry_b])[0, 0])
    return ious


def _leftovers(
    m: _Matched,
    side: Ragged,
    free: np.ndarray,
    other: Ragged,
    taken: np.ndarray | None,
    names: dict[int, str],
    iou_threshold: float,
) -> list[SliceItem]:
    """Slice items of the unmatched shapes of one side (predictions when ``taken`` is given)."""
    best, best_row = _best_same_class(m, side, free, other)
    problem = side.problem_of()
    items = []
    for position, iou, row in zip(
        np.flatnonzero(free).tolist(), best.tolist(), best_row.tolist(), strict=True
    ):
        r, image = int(side.rows[position]), m.images[int(problem[position])]
        name = names[m.classes[r]]
        if taken is None:
            reason = "poor_localization" if iou >= MIN_LOCALIZATION_IOU else "missed"
            items.append(
                SliceItem(image, m.ids[r], "annotation", name, None, reason, None, iou or None)
            )
            continue
        if row >= 0 and iou >= iou_threshold and taken[row]:
            reason = "duplicate"
        elif iou >= MIN_LOCALIZATION_IOU:
            reason = "poor_localization"
        else:
            reason = BACKGROUND
        items.append(
            SliceItem(image, m.ids[r], "prediction", name, m.scores[r], reason, None, iou or None)
        )
    return items
