"""``labeler init``, ``labeler import`` and ``labeler info``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli import prediction_import_command
from labeler.cli.output import print_json, progress_bar, stderr, stdout, styled
from labeler.core.domain import GeometryKind, ImportReport
from labeler.core.errors import LabelerError
from labeler.core.images import DEFAULT_MAX_PIXELS
from labeler.core.store import Project

FORMATS = ("coco", "yolo", "voc", "labelme")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the project commands to the CLI."""
    init = commands.add_parser("init", help="create a new project file",
                               description="Create a new project file with its label classes.")
    init.add_argument("project", type=Path, help="the project file to create (PROJECT.labeler)")
    init.add_argument("--classes", required=True,
                      help="comma-separated class names, e.g. scratch,crack,dent")
    init.add_argument("--kind", choices=[k.value for k in GeometryKind], default="box",
                      help="how the classes are drawn (default: box)")
    init.add_argument("--json", action="store_true", help="print the result as JSON")
    init.set_defaults(handler=run_init)

    imp = commands.add_parser(
        "import", help="add images, and optionally annotations from another tool",
        description="Add image files and folders (recursive) to a project. Identical content "
        "is added once; unreadable files are skipped and listed with the reason. With "
        "--annotations, also import another tool's labels, attributed to --annotator.")
    imp.add_argument("project", type=Path, help="the project file")
    imp.add_argument("paths", type=Path, nargs="*", help="image files or folders")
    imp.add_argument("--annotations", type=Path, help="annotation file or folder to import")
    imp.add_argument("--format", choices=FORMATS, help="format of --annotations")
    imp.add_argument("--annotator", help="who made the imported annotations")
    imp.add_argument("--organization", help="the annotator's organization (e.g. a vendor)")
    imp.add_argument("--yolo-classes", help="YOLO class names in index order (a,b,c), when "
                     "no classes.txt or data.yaml lies beside the labels")
    imp.add_argument("--max-megapixels", type=float, default=DEFAULT_MAX_PIXELS / 1e6,
                     help="refuse images larger than this (default: %(default).0f)")
    imp.add_argument("--json", action="store_true", help="print the report as JSON")
    prediction_import_command.add_arguments(imp)
    imp.set_defaults(handler=run_import)

    info = commands.add_parser("info", help="summarise a project",
                               description="Counts of images, classes, people, annotations "
                               "per annotator and class, guideline versions and model runs.")
    info.add_argument("project", type=Path, help="the project file")
    info.add_argument("--json", action="store_true", help="print the summary as JSON")
    info.set_defaults(handler=run_info)


def run_init(args: argparse.Namespace) -> int:
    """Create a project."""
    classes = [c.strip() for c in args.classes.split(",") if c.strip()]
    if not classes:
        raise LabelerError("--classes needs at least one class name")
    if len(set(classes)) != len(classes):
        raise LabelerError(f"--classes lists a name twice: {args.classes}")
    with Project.create(args.project, classes, args.kind) as project:
        summary = {"project": str(project.path), "classes": classes, "kind": args.kind}
    if args.json:
        print_json(summary)
    else:
        stdout.print(f"Created {args.project} with classes: {', '.join(classes)} ({args.kind})")
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import images and/or annotations."""
    from labeler.core.importing import import_annotations, import_images

    if not args.paths and not args.annotations and not args.predictions:
        raise LabelerError("nothing to import: give image paths, --annotations FILE or "
                           "--predictions FILE")
    prediction_import_command.check_arguments(args)
    if args.annotations and (not args.format or not args.annotator):
        raise LabelerError("--annotations needs --format (coco|yolo|voc|labelme) and "
                           "--annotator NAME")
    result: dict[str, Any] = {}
    with Project.open(args.project) as project:
        project.require_writable()
        if args.paths:
            with progress_bar("images", enabled=not args.json) as progress:
                report = import_images(project, args.paths, progress,
                                       max_pixels=int(args.max_megapixels * 1e6))
            result["images"] = report.to_dict()
            if not args.json:
                _print_report("Images", report)
        if args.annotations and not result.get("images", {}).get("cancelled"):
            classes = args.yolo_classes.split(",") if args.yolo_classes else None
            with progress_bar("annotation files", enabled=not args.json) as progress:
                report = import_annotations(project, args.annotations, args.format,
                                            args.annotator, organization=args.organization,
                                            yolo_classes=classes, progress=progress)
            result["annotations"] = report.to_dict()
            if not args.json:
                _print_report("Annotations", report)
        if args.predictions and not result.get("images", {}).get("cancelled"):
            result["predictions"] = prediction_import_command.run(project, args)
    if args.json:
        print_json(result)
    cancelled = any(part.get("cancelled") for part in result.values())
    return 130 if cancelled else 0


def _print_report(title: str, report: ImportReport) -> None:
    parts = [f"{report.added} added"] if title == "Images" else [
        f"{report.annotations} annotations added", f"{report.answered} images answered"]
    if report.duplicates:
        parts.append(f"{report.duplicates} duplicate files (same content) counted once")
    if report.already_present:
        parts.append(f"{report.already_present} already in the project")
    if report.skipped:
        parts.append(f"{len(report.skipped)} skipped")
    for action in ("dropped", "altered"):
        if report.shapes(action):
            parts.append(f"{report.shapes(action)} shapes {action}")
    stdout.print(f"{title}: " + ", ".join(parts))
    for path, reason in report.skipped:
        stderr.print(styled("  [yellow]skipped[/] {}: {}", path, reason), soft_wrap=True)
    _print_shape_issues(report)
    if report.cancelled:
        stderr.print(styled("[yellow]Interrupted:[/] the work finished before it was kept."))


SHAPE_ISSUES_SHOWN = 10


def _print_shape_issues(report: ImportReport) -> None:
    """The first dropped or altered shapes with their reasons (all of them are in --json)."""
    for file, location, action, reason in report.shape_issues[:SHAPE_ISSUES_SHOWN]:
        stderr.print(
            styled("  [yellow]shape {}[/] {} {}: {}", action, file, location, reason),
            soft_wrap=True,
        )
    hidden = len(report.shape_issues) - SHAPE_ISSUES_SHOWN
    if hidden > 0:
        stderr.print(f"  ... {hidden} more dropped or altered shapes (all of them with --json)")


def run_info(args: argparse.Namespace) -> int:
    """Print the project summary."""
    with Project.open(args.project) as project:
        info = project.info()
    if args.json:
        print_json(info)
        return 0
    stdout.print(styled("[bold]{}[/]  ({}, schema {})", info["name"], info["project"],
                        info["schema_version"]))
    statuses = ", ".join(f"{k} {v}" for k, v in sorted(info["image_status"].items()))
    stdout.print(f"Images: {info['images']}" + (f"  ({statuses})" if statuses else ""))
    stdout.print("Classes: " + ", ".join(f"{c['name']} ({c['kind']})" for c in info["classes"]))
    people = ", ".join(f"{p['name']} ({p['role']}" + (f", {p['organization']})"
                       if p["organization"] else ")") for p in info["people"])
    stdout.print(f"People: {people or 'none'}")
    stdout.print(f"Annotations: {info['annotations']}   Predictions: {info['predictions']}")
    if info["annotations_by_annotator_and_class"]:
        table = Table("annotator", "class", "annotations")
        for row in info["annotations_by_annotator_and_class"]:
            table.add_row(row["annotator"], row["class"], str(row["n"]))
        stdout.print(table)
    versions = ", ".join(f"v{g['number']}" for g in info["guideline_versions"])
    stdout.print(f"Guideline versions: {versions or 'none'}   Waiting for re-review: "
                 f"{info.get('rereview_open', 0)}   Open assignments: "
                 f"{info.get('assignments_open', 0)}")
    for run in info["model_runs"]:
        stdout.print(f"Model run {run['id']}: {run['model']} on {run['provider']}, "
                     f"{run['images']} images")
    return 0
