"""Model diagnosis: COCO-style evaluation, confusion matrix, PR curves, FP/FN slices."""

from labeler.core.diagnosis.cocoeval import CocoEvaluation, ObjectSet, coco_evaluate
from labeler.core.diagnosis.confusion import ConfusionResult, SliceItem
from labeler.core.diagnosis.diagnose import Diagnosis, diagnose, resolve_run
from labeler.core.diagnosis.truth import TRUTH_RULE, Truth, resolve_truth

__all__ = [
    "TRUTH_RULE",
    "CocoEvaluation",
    "ConfusionResult",
    "Diagnosis",
    "ObjectSet",
    "SliceItem",
    "Truth",
    "coco_evaluate",
    "diagnose",
    "resolve_run",
    "resolve_truth",
]
