"""Likely label errors, found by comparing labels with a model's predictions.

In the spirit of cleanlab's ObjectLab, three kinds are flagged (never fixed or
dropped: a person reviews them):

* ``overlooked``: a confident prediction that no label covers (a missed object);
* ``swapped``: a confident prediction of another class on a labeled object;
* ``bad_location``: a prediction of the same class whose overlap with the label
  is poor although the model is confident.

Labels and predictions are paired by the shared matching engine
(:func:`labeler.core.matching.match_shapes`) at a low IoU, so a badly placed box
is still paired with its prediction. The predictions should come from a model
that was not trained on these images.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Iterator, Mapping, Sequence
from dataclasses import asdict, dataclass, field, fields

import numpy as np

from labeler.core.agreement.batch import (
    Ragged,
    ShapeTable,
    match_rows,
    pair_ious,
    shape_pair_ious,
    two_sided,
)
from labeler.core.domain import Prediction
from labeler.core.geometry import Box, Polygon, Tag
from labeler.core.matching import Shape, iou_matrix, match_shapes

CHUNK_IMAGES = 20_000  # images matched at once by find_label_errors


@dataclass(frozen=True)
class LabelErrorConfig:
    """Confidence and overlap limits of the label-error checks."""

    overlooked_score: float = 0.8
    swap_score: float = 0.7
    badloc_score: float = 0.6
    badloc_iou: float = 0.5
    pair_iou: float = 0.1

    def to_dict(self) -> dict[str, object]:
        """JSON-ready settings."""
        return asdict(self)


@dataclass(frozen=True)
class LabelIssue:
    """One suspected label error, for review."""

    image_id: int
    kind: str  # "overlooked", "swapped", "bad_location"
    annotation_id: int | None
    prediction_id: int
    class_id: int | None
    predicted_class_id: int
    score: float
    iou: float

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form (``asdict``'s, without its deep copies of every value)."""
        return {name: getattr(self, name) for name in _ISSUE_FIELDS}


_ISSUE_FIELDS = tuple(f.name for f in fields(LabelIssue))


@dataclass
class LabelErrorReport:
    """Every suspected error, most confident first within each image."""

    config: LabelErrorConfig
    issues: list[LabelIssue] = field(default_factory=list)
    images_checked: int = 0

    def counts(self) -> dict[str, int]:
        """Issues per kind."""
        counts: dict[str, int] = {}
        for issue in self.issues:
            counts[issue.kind] = counts.get(issue.kind, 0) + 1
        return dict(sorted(counts.items()))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form."""
        return {
            "settings": self.config.to_dict(),
            "images_checked": self.images_checked,
            "counts": self.counts(),
            "issues": [i.to_dict() for i in self.issues],
        }


@dataclass(frozen=True)
class Labeled:
    """A final label to check: the annotation it stands for, its class and shape."""

    annotation_id: int
    class_id: int
    geometry: Box | Polygon | Tag


def image_label_errors(
    image_id: int,
    labels: Sequence[Labeled],
    predictions: Sequence[Prediction],
    config: LabelErrorConfig | None = None,
) -> list[LabelIssue]:
    """Suspected errors on one image (boxes and polygons only; tags are not checked)."""
    config = config or LabelErrorConfig()
    label_shapes = [
        Shape(x.annotation_id, x.class_id, x.geometry)
        for x in labels
        if not isinstance(x.geometry, Tag)
    ]
    pred_shapes = [Shape.from_prediction(p) for p in predictions if not isinstance(p.geometry, Tag)]
    result = match_shapes(label_shapes, pred_shapes, iou_threshold=config.pair_iou)
    issues: list[LabelIssue] = []
    for m in result.class_mismatches:
        if (m.b.score or 0.0) >= config.swap_score:
            issues.append(_issue(image_id, "swapped", m.a, m.b, m.iou))
    for m in result.matches:
        if m.iou < config.badloc_iou and (m.b.score or 0.0) >= config.badloc_score:
            issues.append(_issue(image_id, "bad_location", m.a, m.b, m.iou))
    unmatched = [p for p in result.unmatched_b if (p.score or 0.0) >= config.overlooked_score]
    if unmatched:
        overlap = iou_matrix([p.geometry for p in unmatched], [s.geometry for s in label_shapes])
        for row, pred in enumerate(unmatched):
            best = float(overlap[row].max()) if label_shapes else 0.0
            issues.append(_issue(image_id, "overlooked", None, pred, best))
    return sorted(issues, key=lambda i: (-i.score, i.kind, i.prediction_id))


def _issue(image_id: int, kind: str, label: Shape | None, pred: Shape, iou: float) -> LabelIssue:
    return LabelIssue(
        image_id,
        kind,
        int(label.id) if label is not None else None,
        int(pred.id),
        int(label.label) if label is not None else None,  # type: ignore[call-overload]
        int(pred.label),  # type: ignore[call-overload]
        round(float(pred.score or 0.0), 6),
        round(iou, 6),
    )


def find_label_errors(
    labels: Mapping[int, Sequence[Labeled]],
    predictions: Mapping[int, Sequence[Prediction]] | Iterable[tuple[int, Sequence[Prediction]]],
    config: LabelErrorConfig | None = None,
) -> LabelErrorReport:
    """Suspected errors on every image that has predictions (images in id order).

    ``predictions`` is a mapping of image to predictions, or a stream of
    ``(image_id, predictions)`` pairs in image order (such as the store's
    ``latest_predictions_by_image``), which is read once and never held whole.
    """
    config = config or LabelErrorConfig()
    report = LabelErrorReport(config)
    pairs: Iterable[tuple[int, Sequence[Prediction]]] = (
        ((i, predictions[i]) for i in sorted(predictions))
        if isinstance(predictions, Mapping)
        else predictions
    )
    chunk: list[tuple[int, Sequence[Labeled], Sequence[Prediction]]] = []
    for image_id, found in pairs:
        report.images_checked += 1
        chunk.append((image_id, labels.get(image_id, ()), found))
        if len(chunk) == CHUNK_IMAGES:
            report.issues.extend(_chunk_errors(chunk, config))
            chunk = []
    report.issues.extend(_chunk_errors(chunk, config))
    return report


def _chunk_errors(
    chunk: list[tuple[int, Sequence[Labeled], Sequence[Prediction]]], config: LabelErrorConfig
) -> list[LabelIssue]:
    """:func:`image_label_errors` of many images, matched in one array pass.

    The pairs are those ``match_shapes`` makes image by image (the agreement engine's
    :func:`~labeler.core.agreement.batch.match_rows` computes them for all at once);
    the checks on them are the same, and so is the order of the issues.
    """
    if not chunk:
        return []
    shapes, a, b = _chunk_table(chunk)
    table = ShapeTable.of(shapes)
    scores = np.fromiter((s.score or 0.0 for s in shapes), float, len(shapes))
    found: list[list[LabelIssue]] = [[] for _ in chunk]
    pairs = match_rows(table, a, b, config.pair_iou, cross_class=True)
    pair_score = scores[b.rows[pairs.b]]
    swapped = ~pairs.same & (pair_score >= config.swap_score)
    misplaced = pairs.same & (pairs.iou < config.badloc_iou) & (pair_score >= config.badloc_score)
    for k in np.flatnonzero(swapped | misplaced).tolist():
        problem = int(pairs.problem[k])
        label, pred = shapes[a.rows[pairs.a[k]]], shapes[b.rows[pairs.b[k]]]
        kind = "swapped" if swapped[k] else "bad_location"
        found[problem].append(_issue(chunk[problem][0], kind, label, pred, float(pairs.iou[k])))
    paired = np.zeros(b.rows.size, dtype=bool)
    paired[pairs.b] = True
    unmatched = np.flatnonzero(~paired & (scores[b.rows] >= config.overlooked_score))
    best = _best_overlap(table, a, b, unmatched)
    problem_of = b.problem_of()
    for k, overlap in zip(unmatched.tolist(), best.tolist(), strict=True):
        problem = int(problem_of[k])
        found[problem].append(
            _issue(chunk[problem][0], "overlooked", None, shapes[b.rows[k]], overlap)
        )
    return [
        issue
        for issues in found
        for issue in sorted(issues, key=lambda i: (-i.score, i.kind, i.prediction_id))
    ]


def _chunk_table(
    chunk: list[tuple[int, Sequence[Labeled], Sequence[Prediction]]],
) -> tuple[list[Shape], Ragged, Ragged]:
    """Every label and prediction of the chunk as one shape list, and each image's rows."""
    return two_sided([
        (
            [Shape(x.annotation_id, x.class_id, x.geometry) for x in labeled
             if not isinstance(x.geometry, Tag)],
            [Shape.from_prediction(x) for x in predictions if not isinstance(x.geometry, Tag)],
        )
        for _image, labeled, predictions in chunk
    ])


def _best_overlap(table: ShapeTable, a: Ragged, b: Ragged, unmatched: np.ndarray) -> np.ndarray:
    """For each of these ``b`` positions, its highest IoU with its own problem's ``a`` shapes.

    What ``iou_matrix(unmatched, labels).max(axis=1)`` gives image by image (0 without
    labels): box arithmetic, or shapely for every pair of an image where a polygon
    is among that image's unmatched predictions or its labels.
    """
    best = np.zeros(unmatched.size, dtype=float)
    if unmatched.size == 0:
        return best
    problem = b.problem_of()[unmatched]
    counts = np.diff(a.offsets)[problem]
    which = np.repeat(np.arange(unmatched.size), counts)
    within = np.arange(which.size) - np.repeat(np.cumsum(counts) - counts, counts)
    rows_b = b.rows[unmatched][which]
    rows_a = a.rows[a.offsets[problem][which] + within]
    with_polygon = np.zeros(len(a), dtype=bool)
    with_polygon[problem[~table.is_box[b.rows[unmatched]]]] = True
    with_polygon[a.problem_of()[~table.is_box[a.rows]]] = True
    exact = with_polygon[problem][which]
    iou = pair_ious(table.boxes[rows_b], table.boxes[rows_a])
    if exact.any():
        iou[exact] = shape_pair_ious(table, rows_b[exact], rows_a[exact])
    np.maximum.at(best, which, iou)
    return best


def project_predictions(
    project: object, image_ids: Collection[int]
) -> Iterator[tuple[int, list[Prediction]]]:
    """The newest covering run's predictions on each of these images, in image order.

    Images no run covered are left out; one covered without detections comes
    with an empty list. A stream from one store query, not one query per image.
    """
    return project.latest_predictions_by_image(image_ids)  # type: ignore[attr-defined]
