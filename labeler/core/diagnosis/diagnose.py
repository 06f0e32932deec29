"""``diagnose(project, run_id)``: how a model run fares against the project's truth.

COCO-style AP (equal to pycocotools' ``COCOeval``, see
:mod:`labeler.core.diagnosis.cocoeval`) over every prediction, and a confusion
matrix with false-positive/negative slices over predictions scoring at least
``min_score``. The truth follows :data:`labeler.core.diagnosis.truth.TRUTH_RULE`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labeler.core.diagnosis.cocoeval import CocoEvaluation, ObjectSet, coco_evaluate
from labeler.core.diagnosis.confusion import ConfusionResult, SliceItem, confusion_columns
from labeler.core.diagnosis.truth import Truth, resolve_truth
from labeler.core.disagreements import resolve_person
from labeler.core.domain import GeometryKind, LabelClass, ModelRun
from labeler.core.errors import UnknownEntityError
from labeler.core.i18n import N_, _
from labeler.core.matching import DEFAULT_IOU_THRESHOLD
from labeler.core.store import Project

DEFAULT_MIN_SCORE = 0.5
NOT_COVERED = N_("not covered by the model run")  # a JSON key: translated where shown
PR_IOUS = (0.5, 0.75)


@dataclass
class Diagnosis:
    """Everything ``labeler diagnose`` prints."""

    run: ModelRun
    truth: Truth
    classes: list[LabelClass]
    coco: CocoEvaluation
    confusion: ConfusionResult
    iou_threshold: float
    min_score: float
    predictions: int
    image_paths: dict[int, str]  # of the images in the error slices (what they list)
    left_out: dict[str, int] = field(default_factory=dict)  # reason -> images not evaluated

    def metrics(self) -> dict[str, float | None]:
        """The twelve COCO summary numbers (None where undefined)."""
        return {k: _defined(v) for k, v in self.coco.summary().items()}

    def per_class(self) -> list[dict[str, Any]]:
        """AP, AP50 and AP75 of each object class, with its truth and prediction counts."""
        rows = []
        for k, label_class in enumerate(self.classes):
            rows.append(
                {
                    "class": label_class.name,
                    "ap": _defined(self.coco.ap(None, label_class.id)),
                    "ap50": _defined(self.coco.ap(0.5, label_class.id)),
                    "ap75": _defined(self.coco.ap(0.75, label_class.id)),
                    "truth": int(self.coco.ground_truth[k]),
                    "predictions": int(self.coco.detections[k]),
                }
            )
        return rows

    def pr_curves(self) -> list[dict[str, Any]]:
        """Interpolated precision at 101 recall points per class with truth, at IoU .5 and .75."""
        curves = []
        for k, label_class in enumerate(self.classes):
            if not self.coco.ground_truth[k]:
                continue
            for iou in PR_IOUS:
                recall, precision = self.coco.pr_curve(label_class.id, iou)
                curves.append(
                    {
                        "class": label_class.name,
                        "iou": iou,
                        "recall": [round(float(r), 4) for r in recall],
                        "precision": [round(float(p), 6) for p in precision],
                    }
                )
        return curves

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """JSON-ready; ``limit`` caps each slice list (totals stay exact)."""
        fps, fns = self.confusion.false_positives, self.confusion.false_negatives
        return {
            "run": {
                "id": self.run.id,
                "model": self.run.model_name,
                "provider": self.run.provider,
                "finished_at": self.run.finished_at,
            },
            "truth": self.truth.description,
            "truth_sources": self.truth.source_counts(),
            "iou_threshold": self.iou_threshold,
            "min_score": self.min_score,
            "images": self.coco.images,
            "images_evaluated": len(self.truth.images),
            "images_left_out": dict(sorted(self.left_out.items())),
            "truth_objects": int(self.coco.ground_truth.sum()),
            "predictions": self.predictions,
            "metrics": self.metrics(),
            "per_class": self.per_class(),
            "pr_curves": self.pr_curves(),
            "confusion_matrix": self.confusion.to_dict(),
            "false_positives": self._slice(fps, limit),
            "false_negatives": self._slice(fns, limit),
        }

    def _slice(self, items: list[SliceItem], limit: int | None) -> dict[str, Any]:
        return {
            "total": len(items),
            "by_reason": dict(sorted(Counter(s.reason for s in items).items())),
            "items": [s.to_dict(self.image_paths.get(s.image_id)) for s in items[:limit]],
        }


def _defined(value: float) -> float | None:
    return None if value < 0 else round(value, 6)


def resolve_run(project: Project, run_id: int) -> ModelRun:
    """The model run with this id; an unknown id names the runs there are."""
    runs = project.model_runs()
    for run in runs:
        if run.id == run_id:
            return run
    known = ", ".join(f"{r.id} ({r.model_name})" for r in runs) or _("none yet")
    raise UnknownEntityError(
        _("no model run with id {id} (runs: {known})").format(id=run_id, known=known)
    )


def diagnose(
    project: Project,
    run_id: int,
    truth_annotator: str | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    min_score: float = DEFAULT_MIN_SCORE,
    images: Collection[int] | None = None,
) -> Diagnosis:
    """Evaluate a model run against the reviewed/consensus labels (or one annotator's).

    ``images`` limits the evaluation to those images (a slice, or the images two runs
    both covered); images outside it are neither evaluated nor counted as left out.
    """
    run = resolve_run(project, run_id)
    person = resolve_person(project, truth_annotator) if truth_annotator is not None else None
    classes = [c for c in project.classes() if c.kind != GeometryKind.TAG]
    names = {c.id: c.name for c in project.classes()}
    covered = project.run_image_ids(run.id)
    scope = project.image_count() if images is None else len(set(images))
    if images is not None:
        covered = covered & set(images)
    truth = resolve_truth(project, covered, person, iou_threshold)
    evaluated = truth.images
    predictions = project.prediction_columns(run.id)
    predictions = predictions.take(
        np.flatnonzero(np.isin(predictions.image_id, np.asarray(evaluated, dtype=np.int64)))
    )
    class_ids = [c.id for c in classes]
    gt, dt = ObjectSet.from_columns(truth.columns), ObjectSet.from_columns(predictions)
    coco = coco_evaluate(gt, dt, evaluated, class_ids)
    confident = predictions.take(np.flatnonzero(predictions.score >= min_score))  # type: ignore[operator]
    matrix = confusion_columns(
        truth.columns,
        confident,
        evaluated,
        class_ids,
        lambda c: names.get(c, str(c)),
        iou_threshold,
    )
    erring = {s.image_id for s in (*matrix.false_positives, *matrix.false_negatives)}
    paths = {r.id: r.path for r in project.images_by_ids(sorted(erring))}
    left_out = dict(truth.left_out)
    not_covered = scope - len(covered)
    if not_covered:
        left_out[NOT_COVERED] = not_covered
    return Diagnosis(
        run,
        truth,
        classes,
        coco,
        matrix,
        iou_threshold,
        min_score,
        len(predictions),
        paths,
        left_out,
    )
