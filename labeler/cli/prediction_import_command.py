"""``labeler import PROJECT --predictions FILE``: a model run made elsewhere, as one run."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeler.cli.i18n import _, ngettext
from labeler.cli.output import progress_bar, stderr, stdout, styled
from labeler.core.errors import LabelerError

if TYPE_CHECKING:
    from labeler.core.prediction_import import PredictionImportReport

SHOWN_PER_FILE = 10


def add_arguments(imp: argparse.ArgumentParser) -> None:
    """The predictions options of ``labeler import``."""
    group = imp.add_argument_group(
        _("model predictions"),
        _("Import a model run made elsewhere (--format coco or yolo) as one complete run. "
          "Images are matched by path (longest suffix) or unique file stem; images not in the "
          "project and classes the project lacks are skipped and listed."),
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
            raise LabelerError(_("--model-name and --coco-images go with --predictions FILE"))
        return
    if args.format not in ("coco", "yolo") or not args.model_name:
        raise LabelerError(_("--predictions needs --format coco|yolo and --model-name NAME"))
    if args.annotations:
        raise LabelerError(_("import --annotations and --predictions in separate commands "
                             "(--format applies to one of them)"))


def run(project: object, args: argparse.Namespace) -> dict[str, Any]:
    """Import the predictions; print the report unless ``--json``; return its dict."""
    from labeler.core.prediction_import import import_predictions

    classes = args.yolo_classes.split(",") if args.yolo_classes else None
    with progress_bar(_("prediction files"), enabled=not args.json) as progress:
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
        _("Predictions: model run {run} ({model}), {covered} images covered ({detected} with "
          "detections), {n} predictions").format(
            run=report.run_id, model=report.model_name, covered=report.images_covered,
            detected=report.images_with_predictions, n=report.predictions)
        + (f" ({by_class})" if by_class else "")
    )
    for entry in report.files:
        _print_file_problems(entry)
    if report.dropped_invalid:
        stderr.print("  " + ngettext(
            "{n} prediction with no area inside the image was dropped",
            "{n} predictions with no area inside the image were dropped",
            report.dropped_invalid).format(n=report.dropped_invalid))


def _print_file_problems(entry: dict[str, Any]) -> None:
    file = entry["file"]
    unmatched = entry["unmatched_images"]
    if unmatched:
        hidden = len(unmatched) - SHOWN_PER_FILE
        more = _(", ... {n} more").format(n=hidden) if hidden > 0 else ""
        shown = ", ".join(unmatched[:SHOWN_PER_FILE]) + more
        images = ngettext("{n} image ({names})", "{n} images ({names})", len(unmatched))
        stderr.print(styled("  [yellow]{}[/] {}: {}", _("not in the project"), file,
                            images.format(n=len(unmatched), names=shown)), soft_wrap=True)
    for mismatch in entry["size_mismatches"][:SHOWN_PER_FILE]:
        (w, h), (pw, ph) = mismatch["size_in_file"], mismatch["size_in_project"]
        sizes = _("{image} is {w}x{h} there, {pw}x{ph} in the project (skipped)").format(
            image=mismatch["image"], w=w, h=h, pw=pw, ph=ph)
        stderr.print(styled("  [yellow]{}[/] {}: {}", _("size differs"), file, sizes),
                     soft_wrap=True)
    if len(entry["size_mismatches"]) > SHOWN_PER_FILE:
        extra = len(entry["size_mismatches"]) - SHOWN_PER_FILE
        stderr.print("  ... " + _("{n} more size mismatches (see --json)").format(n=extra))
    for name, count in sorted(entry["unknown_classes"].items()):
        unknown = ngettext("'{name}' is not a project class, {n} prediction skipped",
                           "'{name}' is not a project class, {n} predictions skipped", count)
        stderr.print(styled("  [yellow]{}[/] {}: {}", _("unknown class"), file,
                            unknown.format(name=name, n=count)), soft_wrap=True)
    for message in entry["warnings"][:SHOWN_PER_FILE]:
        stderr.print(styled("  [yellow]{}[/] {}: {}", _("warning"), file, message), soft_wrap=True)
