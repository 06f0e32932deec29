"""The data behind the HTML report, gathered from the project through the core API."""

from __future__ import annotations

import contextlib
import os
from collections.abc import Collection
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from labeler import __version__
from labeler.core.agreement import agreement_report
from labeler.core.agreement.data import ProjectLabels
from labeler.core.diagnosis import diagnose
from labeler.core.diagnosis.diagnose import DEFAULT_MIN_SCORE, resolve_run
from labeler.core.errors import LabelerError
from labeler.core.i18n import N_, _
from labeler.core.matching import DEFAULT_IOU_THRESHOLD
from labeler.core.report.counts import disagreement_counts
from labeler.core.report.curation import curation_data
from labeler.core.report.html import render_html
from labeler.core.report.questions_section import questions_data
from labeler.core.report.slices_section import slices_data
from labeler.core.report.vendor_section import vendors_data
from labeler.core.scratch import scratch_file, sweep_stale
from labeler.core.store import Project

SLICE_ROWS = 25


def _project_summary(project: Project) -> dict[str, Any]:
    info = project.info()
    return {
        "name": info["name"],
        "file": Path(info["project"]).name,
        "images": info["images"],
        "image_status": info["image_status"],
        "classes": info["classes"],
        "people": info["people"],
        "annotations": info["annotations"],
        "predictions": info["predictions"],
        "answers": project.answer_counts(),
        "model_runs": info["model_runs"],
        "guideline_versions": info["guideline_versions"],
    }


def report_data(
    project: Project,
    run_id: int | None = None,
    truth_annotator: str | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    curation: bool = False,
    against: int | None = None,
    images: Collection[int] | None = None,
) -> dict[str, Any]:
    """Everything the report shows, JSON-ready.

    The diagnosis is of ``run_id``, or of the latest complete model run when there is
    one (an interrupted run is never the default); ``diagnosis.run_choice`` says which.
    ``curation`` adds the curation checks (they read every image's pixels once,
    then use the statistics cache), so it is opt-in. ``against`` adds the comparison
    of the diagnosed run (A) with that run (B). ``images`` (a slice) limits the
    agreement, disagreements, diagnosis and comparison to those images.
    """
    run_choice = "chosen"
    if run_id is not None:
        resolve_run(project, run_id)  # an unknown id names the runs there are
    elif (latest := project.latest_complete_run()) is not None:
        run_id, run_choice = latest.id, N_("the latest complete run")  # shown translated
    elif truth_annotator is not None:
        raise LabelerError(
            _("--truth needs a complete model run to diagnose, and the project has none")
        )
    diagnosis = None
    if run_id is not None:
        result = diagnose(
            project, run_id, truth_annotator, iou_threshold, DEFAULT_MIN_SCORE, images
        )
        diagnosis = {**result.to_dict(SLICE_ROWS), "run_choice": run_choice}
    labels = _labels(project, images)  # one load for agreement, disagreements and vendors
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "labeler_version": __version__,
        "project": _project_summary(project),
        "agreement": agreement_report(project, iou_threshold, images, labels).to_dict(),
        "disagreements": disagreement_counts(labels, iou_threshold),
        "diagnosis": diagnosis,
        "curation": curation_data(project) if curation else None,
        "questions": questions_data(project),
        "comparison": _comparison(project, run_id, against, truth_annotator, iou_threshold, images),
        "slices": slices_data(project),
        "vendors": vendors_data(project, None if images is not None else labels),
        "scope": None if images is None else len(set(images)),
    }


def _labels(project: Project, images: Collection[int] | None) -> ProjectLabels:
    labels = ProjectLabels.load(project)
    return labels if images is None else labels.within(images)


def _comparison(
    project: Project,
    run_id: int | None,
    against: int | None,
    truth: str | None,
    iou: float,
    images: Collection[int] | None,
) -> dict[str, Any] | None:
    """The compare-runs section's data, when a run to compare against is named."""
    if against is None:
        return None
    if run_id is None:
        raise LabelerError(_("--against needs a model run to compare (--model), and there is none"))
    from labeler.core.report.compare_section import comparison_data

    return comparison_data(project, run_id, against, truth, iou, images)


def build_report(
    project: Project,
    run_id: int | None = None,
    truth_annotator: str | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    curation: bool = False,
    against: int | None = None,
    images: Collection[int] | None = None,
) -> str:
    """The report as one self-contained HTML document (see :func:`report_data`)."""
    return render_html(
        report_data(project, run_id, truth_annotator, iou_threshold, curation, against, images)
    )


def write_report(
    project: Project,
    output: Path | str,
    run_id: int | None = None,
    truth_annotator: str | None = None,
    iou_threshold: float = DEFAULT_IOU_THRESHOLD,
    curation: bool = False,
    against: int | None = None,
    images: Collection[int] | None = None,
) -> Path:
    """Write the report to ``output`` (UTF-8) and return its path.

    The file appears complete or not at all: it is written to a temporary file
    beside ``output`` and renamed over it, so a full disk leaves neither a 0-byte
    or partial report nor a damaged earlier one.
    """
    output = Path(output)
    if not output.parent.is_dir():
        raise LabelerError(
            _("{output}: folder {output.parent} does not exist").format(output=output)
        )
    document = build_report(
        project, run_id, truth_annotator, iou_threshold, curation, against, images
    )
    write_file_atomically(output, document.encode("utf-8"))
    return output


def write_file_atomically(output: Path, data: bytes) -> None:
    """Write ``data`` to ``output`` through a temporary file and a rename, or raise.

    Raises :class:`LabelerError` naming ``output`` and the problem; nothing is left behind.
    """
    try:
        sweep_stale(output.parent)
        temporary = scratch_file(output.parent, "report", suffix=".html")
        handle = os.open(temporary, os.O_WRONLY)
    except OSError as exc:
        raise LabelerError(
            _("{output}: cannot write ({strerror})").format(
                output=output, strerror=exc.strerror or exc
            )
        ) from exc
    try:
        os.fchmod(handle, 0o644)  # as an ordinary new file, not mkstemp's owner-only mode
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, output)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise LabelerError(
            _("{output}: cannot write ({strerror}); nothing was written").format(
                output=output, strerror=exc.strerror or exc
            )
        ) from exc
