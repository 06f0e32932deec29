"""``compare_runs(project, a, b)``: two model runs side by side on the same images and truth.

Both runs are diagnosed by :func:`labeler.core.diagnosis.diagnose` on the images
*both* covered (the intersection; a slice narrows it further), so each run's
numbers are exactly what ``labeler diagnose`` prints for it on those images and
equal pycocotools' on their own. The truth is resolved once per run by the same
rule on the same images, so it is the same truth.

Deltas are ``A - B``: positive means run A (``--model``) does better than run B
(``--against``) for AP and AR; for the confusion matrix it is the change in counts.
Per image, an *error* is a false positive or false negative of the confusion
slices (score >= ``min_score``); an image *improved* when A makes fewer errors
there than B, *regressed* when more, and *stayed wrong* when both make the same
number (above zero). Each list is worst first: the largest change, then the
most errors, then the image id.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from labeler.core.diagnosis.confusion import SliceItem
from labeler.core.diagnosis.diagnose import DEFAULT_MIN_SCORE, Diagnosis, diagnose, resolve_run
from labeler.core.errors import LabelerError
from labeler.core.i18n import _
from labeler.core.matching import DEFAULT_IOU_THRESHOLD
from labeler.core.store import Project

IMPROVED, REGRESSED, STAYED_WRONG = "improved", "regressed", "stayed_wrong"
CHANGE_KINDS = (IMPROVED, REGRESSED, STAYED_WRONG)
_SHORT = {"false_positive": "FP", "false_negative": "FN"}

ErrorKey = tuple[str, str, str]  # ("false_positive" | "false_negative", class, reason)


class SameRunError(LabelerError):
    """``--model`` and ``--against`` name the same run."""


@dataclass(frozen=True)
class ImageChange:
    """How one image fares under run A compared with run B."""

    image_id: int
    image: str
    kind: str  # improved, regressed, stayed_wrong
    errors_a: int
    errors_b: int
    fixed: dict[ErrorKey, int]  # B's errors A no longer makes
    new: dict[ErrorKey, int]  # A's errors B did not make

    @property
    def change(self) -> int:
        """How many errors fewer under A (negative: more)."""
        return self.errors_b - self.errors_a

    def what_changed(self) -> str:
        """``errors 3 → 1; fixed: FN dent missed ×2; new: FP scratch background``."""
        parts = [f"errors {self.errors_b} → {self.errors_a}"]
        for title, errors in (("fixed", self.fixed), ("new", self.new)):
            if errors:
                listed = ", ".join(
                    f"{_SHORT[kind]} {name} {reason.replace('_', ' ')}"
                    + (f" ×{n}" if n > 1 else "")
                    for (kind, name, reason), n in sorted(errors.items())
                )
                parts.append(f"{title}: {listed}")
        if not self.fixed and not self.new:
            parts.append("the same errors")
        return "; ".join(parts)

    def line(self) -> str:
        """One line a person can act on: image id, file name, what changed."""
        return f"{self.image_id}  {self.image}  {self.what_changed()}"

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "image_id": self.image_id,
            "image": self.image,
            "kind": self.kind,
            "errors_a": self.errors_a,
            "errors_b": self.errors_b,
            "what_changed": self.what_changed(),
        }


@dataclass
class RunComparison:
    """Everything ``labeler diagnose --model A --against B`` prints."""

    a: Diagnosis
    b: Diagnosis
    covered_a: int
    covered_b: int
    covered_both: int
    scope: int | None  # images asked about (a slice), None for the whole project
    changes: list[ImageChange] = field(default_factory=list)

    @property
    def images_compared(self) -> int:
        """Images both runs were evaluated on (covered by both and with a truth)."""
        return len(self.a.truth.images)

    def metric_deltas(self) -> list[dict[str, Any]]:
        """The twelve COCO numbers of both runs and ``A - B`` (None where undefined)."""
        ma, mb = self.a.metrics(), self.b.metrics()
        return [{"metric": k, "a": ma[k], "b": mb[k], "delta": _delta(ma[k], mb[k])} for k in ma]

    def class_deltas(self) -> list[dict[str, Any]]:
        """Per class: AP, AP50 and AP75 of both runs and their deltas, truth and predictions."""
        rows = []
        for ra, rb in zip(self.a.per_class(), self.b.per_class(), strict=True):
            row: dict[str, Any] = {"class": ra["class"], "truth": ra["truth"]}
            for key in ("ap", "ap50", "ap75"):
                row[f"{key}_a"], row[f"{key}_b"] = ra[key], rb[key]
                row[f"{key}_delta"] = _delta(ra[key], rb[key])
            row["predictions_a"], row["predictions_b"] = ra["predictions"], rb["predictions"]
            rows.append(row)
        return rows

    def confusion(self) -> dict[str, Any]:
        """Both confusion matrices (same labels) and their difference ``A - B``."""
        ma, mb = self.a.confusion.matrix, self.b.confusion.matrix
        return {
            "labels": self.a.confusion.labels,
            "rows": "truth",
            "columns": "prediction",
            "a": ma.astype(int).tolist(),
            "b": mb.astype(int).tolist(),
            "difference": (ma.astype(np.int64) - mb.astype(np.int64)).tolist(),
        }

    def pr_curves(self) -> list[dict[str, Any]]:
        """The PR curves of both runs, each tagged with its run ("a" or "b")."""
        return [
            {**curve, "run": side}
            for side, diagnosis in (("a", self.a), ("b", self.b))
            for curve in diagnosis.pr_curves()
        ]

    def of_kind(self, kind: str) -> list[ImageChange]:
        """The images that improved, regressed or stayed wrong, worst first."""
        return [c for c in self.changes if c.kind == kind]

    def to_dict(self, limit: int | None = None) -> dict[str, Any]:
        """JSON-ready; ``limit`` caps each image list (totals stay exact)."""
        lists = {}
        for kind in CHANGE_KINDS:
            found = self.of_kind(kind)
            lists[kind] = {"total": len(found), "items": [c.to_dict() for c in found[:limit]]}
        return {
            "a": _run_dict(self.a),
            "b": _run_dict(self.b),
            "truth": self.a.truth.description,
            "truth_sources": self.a.truth.source_counts(),
            "iou_threshold": self.a.iou_threshold,
            "min_score": self.a.min_score,
            "images": {
                "scope": self.scope,
                "covered_by_a": self.covered_a,
                "covered_by_b": self.covered_b,
                "covered_by_both": self.covered_both,
                "compared": self.images_compared,
                "left_out": dict(sorted(self.a.left_out.items())),
            },
            "truth_objects": int(self.a.coco.ground_truth.sum()),
            "metrics": self.metric_deltas(),
            "per_class": self.class_deltas(),
            "confusion_matrix": self.confusion(),
            "pr_curves": self.pr_curves(),
            "image_changes": lists,
        }


def _delta(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else round(a - b, 6)


def _run_dict(diagnosis: Diagnosis) -> dict[str, Any]:
    run = diagnosis.run
    return {
        "id": run.id,
        "model": run.model_name,
        "provider": run.provider,
        "finished_at": run.finished_at,
        "predictions": diagnosis.predictions,
        "false_positives": len(diagnosis.confusion.false_positives),
        "false_negatives": len(diagnosis.confusion.false_negatives),
    }


def compare_runs(
    project: Project,
    run_a: int,
    run_b: int,
    truth_annotator: str | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    min_score: float = DEFAULT_MIN_SCORE,
    images: Collection[int] | None = None,
) -> RunComparison:
    """Diagnose runs ``run_a`` and ``run_b`` on the images both covered, and compare them.

    ``images`` (a slice) narrows the images further. Raises :class:`SameRunError`
    when both ids name one run and :class:`LabelerError` when the runs share no image.
    """
    if run_a == run_b:
        raise SameRunError(
            _("--model and --against both name run {run}: pick two runs").format(run=run_a)
        )
    first, second = resolve_run(project, run_a), resolve_run(project, run_b)
    covered_a, covered_b = project.run_image_ids(first.id), project.run_image_ids(second.id)
    scope = None if images is None else set(images)
    if scope is not None:
        covered_a, covered_b = covered_a & scope, covered_b & scope
    both = covered_a & covered_b
    if not both:
        message = (
            _(
                "runs {a} ({model_a}) and {b} ({model_b}) covered no image in common in the "
                "slice ({n_a} and {n_b} images): run both models on the same images"
            )
            if scope is not None
            else _(
                "runs {a} ({model_a}) and {b} ({model_b}) covered no image in common "
                "({n_a} and {n_b} images): run both models on the same images"
            )
        )
        raise LabelerError(
            message.format(
                a=first.id,
                model_a=first.model_name,
                b=second.id,
                model_b=second.model_name,
                n_a=len(covered_a),
                n_b=len(covered_b),
            )
        )
    a = diagnose(project, first.id, truth_annotator, iou_threshold, min_score, both)
    b = diagnose(project, second.id, truth_annotator, iou_threshold, min_score, both)
    changes = image_changes(a, b)
    return RunComparison(
        a,
        b,
        len(covered_a),
        len(covered_b),
        len(both),
        None if scope is None else len(scope),
        changes,
    )


def _errors_by_image(diagnosis: Diagnosis) -> dict[int, Counter[ErrorKey]]:
    found: dict[int, Counter[ErrorKey]] = {}
    for kind, items in (
        ("false_positive", diagnosis.confusion.false_positives),
        ("false_negative", diagnosis.confusion.false_negatives),
    ):
        item: SliceItem
        for item in items:
            found.setdefault(item.image_id, Counter())[(kind, item.class_name, item.reason)] += 1
    return found


def image_changes(a: Diagnosis, b: Diagnosis) -> list[ImageChange]:
    """Per image with errors under either run: improved, regressed or stayed wrong.

    Images where neither run errs are left out (both right). Sorted by kind, then
    worst first within each kind.
    """
    errors_a, errors_b = _errors_by_image(a), _errors_by_image(b)
    changes = []
    for image_id in sorted(set(errors_a) | set(errors_b)):
        ea, eb = errors_a.get(image_id, Counter()), errors_b.get(image_id, Counter())
        na, nb = sum(ea.values()), sum(eb.values())
        kind = IMPROVED if na < nb else REGRESSED if na > nb else STAYED_WRONG
        changes.append(
            ImageChange(
                image_id,
                a.image_paths.get(image_id) or b.image_paths.get(image_id, str(image_id)),
                kind,
                na,
                nb,
                dict(eb - ea),
                dict(ea - eb),
            )
        )
    order = {kind: n for n, kind in enumerate(CHANGE_KINDS)}
    changes.sort(
        key=lambda c: (order[c.kind], -abs(c.change), -max(c.errors_a, c.errors_b), c.image_id)
    )
    return changes
