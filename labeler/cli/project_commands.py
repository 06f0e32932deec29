"""``labeler init``, ``labeler import`` and ``labeler info``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli import prediction_import_command
from labeler.cli.i18n import N_, _, ngettext
from labeler.cli.output import print_json, progress_bar, stderr, stdout, styled
from labeler.cli.words import word
from labeler.core.domain import GeometryKind, ImportReport
from labeler.core.errors import LabelerError
from labeler.core.images import DEFAULT_MAX_PIXELS
from labeler.core.store import Project

FORMATS = ("coco", "yolo", "voc", "labelme")


def register(commands: argparse._SubParsersAction) -> None:
    """Add the project commands to the CLI."""
    init = commands.add_parser("init", help=_("create a new project file"),
                               description=_("Create a new project file with its label classes."))
    init.add_argument("project", type=Path, help=_("the project file to create (PROJECT.labeler)"))
    init.add_argument("--classes", required=True,
                      help=_("comma-separated class names, e.g. scratch,crack,dent"))
    init.add_argument("--kind", choices=[k.value for k in GeometryKind], default="box",
                      help=_("how the classes are drawn (default: box)"))
    init.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    init.set_defaults(handler=run_init)

    imp = commands.add_parser(
        "import", help=_("add images, and optionally annotations from another tool"),
        description=_("Add image files and folders (recursive) to a project. Identical content "
        "is added once; unreadable files are skipped and listed with the reason. With "
        "--annotations, also import another tool's labels, attributed to --annotator."))
    imp.add_argument("project", type=Path, help=_("the project file"))
    imp.add_argument("paths", type=Path, nargs="*", help=_("image files or folders"))
    imp.add_argument("--annotations", type=Path, help=_("annotation file or folder to import"))
    imp.add_argument("--format", choices=FORMATS, help=_("format of --annotations"))
    imp.add_argument("--annotator", help=_("who made the imported annotations"))
    imp.add_argument("--organization", help=_("the annotator's organization (e.g. a vendor)"))
    imp.add_argument("--yolo-classes", help=_("YOLO class names in index order (a,b,c), when "
                     "no classes.txt or data.yaml lies beside the labels"))
    imp.add_argument("--max-megapixels", type=float, default=DEFAULT_MAX_PIXELS / 1e6,
                     help=_("refuse images larger than this (default: %(default).0f)"))
    imp.add_argument("--json", action="store_true", help=_("print the report as JSON"))
    prediction_import_command.add_arguments(imp)
    imp.set_defaults(handler=run_import)

    info = commands.add_parser("info", help=_("summarise a project"),
                               description=_("Counts of images, classes, people, annotations "
                               "per annotator and class, guideline versions and model runs."))
    info.add_argument("project", type=Path, help=_("the project file"))
    info.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    info.set_defaults(handler=run_info)


def run_init(args: argparse.Namespace) -> int:
    """Create a project."""
    classes = [c.strip() for c in args.classes.split(",") if c.strip()]
    if not classes:
        raise LabelerError(_("--classes needs at least one class name"))
    if len(set(classes)) != len(classes):
        message = _("--classes lists a name twice: {classes}")
        raise LabelerError(message.format(classes=args.classes))
    with Project.create(args.project, classes, args.kind) as project:
        summary = {"project": str(project.path), "classes": classes, "kind": args.kind}
    if args.json:
        print_json(summary)
    else:
        message = _("Created {project} with classes: {classes} ({kind})")
        stdout.print(message.format(project=args.project, classes=", ".join(classes),
                                    kind=word(args.kind)))
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import images and/or annotations."""
    from labeler.core.importing import import_annotations, import_images

    if not args.paths and not args.annotations and not args.predictions:
        raise LabelerError(_("nothing to import: give image paths, --annotations FILE or "
                             "--predictions FILE"))
    prediction_import_command.check_arguments(args)
    if args.annotations and (not args.format or not args.annotator):
        raise LabelerError(_("--annotations needs --format (coco|yolo|voc|labelme) and "
                             "--annotator NAME"))
    result: dict[str, Any] = {}
    with Project.open(args.project) as project:
        project.require_writable()
        if args.paths:
            with progress_bar(_("images"), enabled=not args.json) as progress:
                report = import_images(project, args.paths, progress,
                                       max_pixels=int(args.max_megapixels * 1e6))
            result["images"] = report.to_dict()
            if not args.json:
                _print_report(_("Images"), report, images=True)
        if args.annotations and not result.get("images", {}).get("cancelled"):
            classes = args.yolo_classes.split(",") if args.yolo_classes else None
            with progress_bar(_("annotation files"), enabled=not args.json) as progress:
                report = import_annotations(project, args.annotations, args.format,
                                            args.annotator, organization=args.organization,
                                            yolo_classes=classes, progress=progress)
            result["annotations"] = report.to_dict()
            if not args.json:
                _print_report(_("Annotations"), report, images=False)
        if args.predictions and not result.get("images", {}).get("cancelled"):
            result["predictions"] = prediction_import_command.run(project, args)
    if args.json:
        print_json(result)
    cancelled = any(part.get("cancelled") for part in result.values())
    return 130 if cancelled else 0


def _print_report(title: str, report: ImportReport, images: bool) -> None:
    if images:
        parts = [_("{n} added").format(n=report.added)]
    else:
        parts = [
            ngettext("{n} annotation added", "{n} annotations added", report.annotations).format(
                n=report.annotations
            ),
            ngettext("{n} image answered", "{n} images answered", report.answered).format(
                n=report.answered
            ),
        ]
    if report.duplicates:
        parts.append(ngettext("{n} duplicate file (same content) counted once",
                              "{n} duplicate files (same content) counted once",
                              report.duplicates).format(n=report.duplicates))
    if report.already_present:
        parts.append(_("{n} already in the project").format(n=report.already_present))
    if report.skipped:
        parts.append(_("{n} skipped").format(n=len(report.skipped)))
    if dropped := report.shapes("dropped"):
        parts.append(ngettext("{n} shape dropped", "{n} shapes dropped", dropped).format(n=dropped))
    if altered := report.shapes("altered"):
        parts.append(ngettext("{n} shape altered", "{n} shapes altered", altered).format(n=altered))
    stdout.print(_("{title}: {parts}").format(title=title, parts=", ".join(parts)))
    for path, reason in report.skipped:
        stderr.print(styled("  [yellow]{}[/] {}: {}", _("skipped"), path, reason), soft_wrap=True)
    _print_shape_issues(report)
    if report.cancelled:
        stderr.print(styled("[yellow]{}[/] {}", _("Interrupted:"),
                            _("the work finished before it was kept.")))


SHAPE_ISSUES_SHOWN = 10
SHAPE_ISSUE = {"dropped": N_("shape dropped"), "altered": N_("shape altered")}


def _print_shape_issues(report: ImportReport) -> None:
    """The first dropped or altered shapes with their reasons (all of them are in --json)."""
    for file, location, action, reason in report.shape_issues[:SHAPE_ISSUES_SHOWN]:
        stderr.print(
            styled("  [yellow]{}[/] {} {}: {}", _(SHAPE_ISSUE.get(action, action)), file, location,
                   reason),
            soft_wrap=True,
        )
    hidden = len(report.shape_issues) - SHAPE_ISSUES_SHOWN
    if hidden > 0:
        stderr.print("  ... " + ngettext(
            "{n} more dropped or altered shape (all of them with --json)",
            "{n} more dropped or altered shapes (all of them with --json)", hidden,
        ).format(n=hidden))


def run_info(args: argparse.Namespace) -> int:
    """Print the project summary."""
    with Project.open(args.project) as project:
        info = project.info()
    if args.json:
        print_json(info)
        return 0
    stdout.print(styled("[bold]{}[/]  ({})", info["name"], _("{project}, schema {version}").format(
        project=info["project"], version=info["schema_version"])))
    statuses = ", ".join(f"{word(k)} {v}" for k, v in sorted(info["image_status"].items()))
    line = _("Images: {n}").format(n=info["images"])
    stdout.print(line + (f"  ({statuses})" if statuses else ""))
    kinds = ", ".join(f"{c['name']} ({word(c['kind'])})" for c in info["classes"])
    stdout.print(_("Classes: {classes}").format(classes=kinds))
    people = ", ".join(f"{p['name']} ({word(p['role'])}" + (f", {p['organization']})"
                       if p["organization"] else ")") for p in info["people"])
    stdout.print(_("People: {people}").format(people=people or _("none")))
    stdout.print(_("Annotations: {annotations}   Predictions: {predictions}").format(
        annotations=info["annotations"], predictions=info["predictions"]))
    if info["annotations_by_annotator_and_class"]:
        table = Table(_("annotator"), _("class"), _("annotations"))
        for row in info["annotations_by_annotator_and_class"]:
            table.add_row(row["annotator"], row["class"], str(row["n"]))
        stdout.print(table)
    versions = ", ".join(f"v{g['number']}" for g in info["guideline_versions"])
    stdout.print(_("Guideline versions: {versions}   Waiting for re-review: {rereview}   "
                   "Open assignments: {assignments}").format(
        versions=versions or _("none"), rereview=info.get("rereview_open", 0),
        assignments=info.get("assignments_open", 0)))
    for run in info["model_runs"]:
        stdout.print(ngettext("Model run {id}: {model} on {provider}, {n} image",
                              "Model run {id}: {model} on {provider}, {n} images",
                              run["images"]).format(id=run["id"], model=run["model"],
                                                    provider=run["provider"], n=run["images"]))
    return 0
