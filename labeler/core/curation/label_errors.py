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
from dataclasses import asdict, dataclass, field

import numpy as np

from labeler.core.agreement.batch import Ragged, ShapeTable, match_rows
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
        """JSON-ready form."""
        return asdict(self)


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
    shapes: list[Shape] = []
    label_rows: list[int] = []
    pred_rows: list[int] = []
    label_sizes = np.zeros(len(chunk), dtype=np.int64)
    pred_sizes = np.zeros(len(chunk), dtype=np.int64)
    for p, (_image, labeled, predictions) in enumerate(chunk):
        mine = [Shape(x.annotation_id, x.class_id, x.geometry) for x in labeled
                if not isinstance(x.geometry, Tag)]
        theirs = [Shape.from_prediction(x) for x in predictions if not isinstance(x.geometry, Tag)]
        label_sizes[p], pred_sizes[p] = len(mine), len(theirs)
        label_rows += range(len(shapes), len(shapes) + len(mine))
        shapes += mine
        pred_rows += range(len(shapes), len(shapes) + len(theirs))
        shapes += theirs
    a = Ragged(np.asarray(label_rows, np.int64), np.r_[0, np.cumsum(label_sizes)].astype(np.int64))
    b = Ragged(np.asarray(pred_rows, np.int64), np.r_[0, np.cumsum(pred_sizes)].astype(np.int64))
    pairs = match_rows(ShapeTable.of(shapes), a, b, config.pair_iou, cross_class=True)
    found: list[list[LabelIssue]] = [[] for _ in chunk]
    for problem, pa, pb, iou, same in zip(
        pairs.problem.tolist(), pairs.a.tolist(), pairs.b.tolist(), pairs.iou.tolist(),
        pairs.same.tolist(), strict=True,
    ):
        label, pred = shapes[label_rows[pa]], shapes[pred_rows[pb]]
        score = pred.score or 0.0
        if not same and score >= config.swap_score:
            found[problem].append(_issue(chunk[problem][0], "swapped", label, pred, iou))
        elif same and iou < config.badloc_iou and score >= config.badloc_score:
            found[problem].append(_issue(chunk[problem][0], "bad_location", label, pred, iou))
    paired = np.zeros(len(pred_rows), dtype=bool)
    paired[pairs.b] = True
    for p, (image_id, _labeled, _predictions) in enumerate(chunk):
        lo, hi = int(b.offsets[p]), int(b.offsets[p + 1])
        unmatched = [shapes[pred_rows[k]] for k in range(lo, hi)
                     if not paired[k] and (shapes[pred_rows[k]].score or 0.0)
                     >= config.overlooked_score]
        if not unmatched:
            continue
        mine = [shapes[label_rows[k]] for k in range(int(a.offsets[p]), int(a.offsets[p + 1]))]
        overlap = iou_matrix([x.geometry for x in unmatched], [x.geometry for x in mine])
        for row, pred in enumerate(unmatched):
            best = float(overlap[row].max()) if mine else 0.0
            found[p].append(_issue(image_id, "overlooked", None, pred, best))
    return [
        issue
        for issues in found
        for issue in sorted(issues, key=lambda i: (-i.score, i.kind, i.prediction_id))
    ]


def project_predictions(
    project: object, image_ids: Collection[int]
) -> Iterator[tuple[int, list[Prediction]]]:
    """The newest covering run's predictions on each of these images, in image order.

    Images no run covered are left out; one covered without detections comes
    with an empty list. A stream from one store query, not one query per image.
    """
    return project.latest_predictions_by_image(image_ids)  # type: ignore[attr-defined]
