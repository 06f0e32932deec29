"""``labeler import PROJECT --predictions FILE``: a model run made elsewhere, as one run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeler.cli.i18n import _
from labeler.cli.output import progress_bar, stderr, stdout, styled
from labeler.core.errors import LabelerError

if TYPE_CHECKING:
    from labeler.core.prediction_import import PredictionImportReport

SHOWN_PER_FILE = 10


def add_arguments(imp: argparse.ArgumentParser) -> None:
    """The predictions options of ``labeler import``."""
    group = imp.add_argument_group(
        "model predictions",
        "Import a model run made elsewhere (--format coco or yolo) as one complete run. "
        "Images are matched by path (longest suffix) or unique file stem; images not in the "
        "project and classes the project lacks are skipped and listed.",
    )
    group.add_argument(
        "--predictions",
        type=Path,
        metavar="FILE",
        help=_("COCO file with scored annotations, COCO results list (with --coco-images), or "
        "a folder of YOLO .txt with a confidence column"),
    )
    group.add_argument("--model-name", metavar="NAME", help=_("the model that made them"))
    group.add_argument(
        "--coco-images",
        type=Path,
        metavar="GT.json",
        help=_("for a COCO results list: the COCO file naming the images and categories"),
    )


def check_arguments(args: argparse.Namespace) -> None:
    """Refuse incomplete predictions options before anything is imported."""
    if args.predictions is None:
        if args.model_name or args.coco_images:
            raise LabelerError("--model-name and --coco-images go with --predictions FILE")
        return
    if args.format not in ("coco", "yolo") or not args.model_name:
        raise LabelerError("--predictions needs --format coco|yolo and --model-name NAME")
    if args.annotations:
        raise LabelerError("import --annotations and --predictions in separate commands "
                           "(--format applies to one of them)")


def run(project: object, args: argparse.Namespace) -> dict[str, Any]:
    """Import the predictions; print the report unless ``--json``; return its dict."""
    from labeler.core.prediction_import import import_predictions

    classes = args.yolo_classes.split(",") if args.yolo_classes else None
    with progress_bar("prediction files", enabled=not args.json) as progress:
        report = import_predictions(
            project,
            args.predictions,
            args.format,
            args.model_name,
            coco_images=args.coco_images,
            yolo_classes=classes,
            progress=progress,
        )
    if not args.json:
        print_report(report)
    return report.to_dict()


def print_report(report: PredictionImportReport) -> None:
    """The run id and counts on stdout; what was skipped, per file, on stderr."""
    by_class = ", ".join(f"{k} {v}" for k, v in sorted(report.predictions_by_class.items()))
    stdout.print(
        f"Predictions: model run {report.run_id} ({report.model_name}), "
        f"{report.images_covered} images covered ({report.images_with_predictions} with "
        f"detections), {report.predictions} predictions" + (f" ({by_class})" if by_class else "")
    )
    for entry in report.files:
        _print_file_problems(entry)
    if report.dropped_invalid:
        stderr.print(f"  {report.dropped_invalid} predictions with no area inside the image "
                     "were dropped")


def _print_file_problems(entry: dict[str, Any]) -> None:
    file = entry["file"]
    unmatched = entry["unmatched_images"]
    if unmatched:
        hidden = len(unmatched) - SHOWN_PER_FILE
        shown = ", ".join(unmatched[:SHOWN_PER_FILE]) + (f", ... {hidden} more" if hidden > 0
                                                          else "")
        stderr.print(styled("  [yellow]not in the project[/] {}: {} images ({})", file,
                            len(unmatched), shown), soft_wrap=True)
    for mismatch in entry["size_mismatches"][:SHOWN_PER_FILE]:
        (w, h), (pw, ph) = mismatch["size_in_file"], mismatch["size_in_project"]
        stderr.print(styled("  [yellow]size differs[/] {}: {} is {}x{} there, {}x{} in the "
                            "project (skipped)", file, mismatch["image"], w, h, pw, ph),
                     soft_wrap=True)
    if len(entry["size_mismatches"]) > SHOWN_PER_FILE:
        stderr.print(f"  ... {len(entry['size_mismatches']) - SHOWN_PER_FILE} more size "
                     "mismatches (see --json)")
    for name, count in sorted(entry["unknown_classes"].items()):
        stderr.print(styled("  [yellow]unknown class[/] {}: '{}' is not a project class, {} "
                            "predictions skipped", file, name, count), soft_wrap=True)
    for message in entry["warnings"][:SHOWN_PER_FILE]:
        stderr.print(styled("  [yellow]warning[/] {}: {}", file, message), soft_wrap=True)
