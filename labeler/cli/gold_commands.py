"""``labeler gold PROJECT mark|unmark|list|score|assign``: gold images and their scores."""

from __future__ import annotations

import argparse
import math
from pathlib import Path

from rich.table import Table

from labeler.cli.i18n import N_, _, ngettext
from labeler.cli.output import print_json, stdout
from labeler.core.domain import Person
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.matching import DEFAULT_IOU_THRESHOLD
from labeler.core.store import Project

QUERY_HELP = N_(
    "which images: space-separated terms that must all hold: all, status:S, name:GLOB, "
    "path:GLOB, ids:1,2,5-9, assigned:NAME, unassigned, limit:N"
)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the gold command to the CLI."""
    gold = commands.add_parser(
        "gold",
        help=_("gold images: mark, unmark, list, score, assign with gold mixed in"),
        description=_("A QA lead marks reviewed images as gold: their reviewed labels are the "
        "reference (an image accepted empty means 'nothing here'). Packages and assignment "
        "batches can carry gold images unseen; everyone's answers on them are scored against "
        "the reference and never become labels."),
    )
    gold.add_argument("project", type=Path, help=_("the project file"))
    sub = gold.add_subparsers(dest="gold_command", metavar="ACTION", required=True)
    for name, help_text in (
        ("mark", _("mark images as gold (their reviewed labels become the reference)")),
        ("unmark", _("make gold images ordinary again")),
    ):
        action = sub.add_parser(name, help=help_text, description=help_text)
        action.add_argument("--images", required=True, metavar="QUERY", help=_(QUERY_HELP))
        action.add_argument("--by", required=True, metavar="NAME", help=_("the QA lead"))
        action.add_argument("--json", action="store_true", help=_("print the result as JSON"))
        action.set_defaults(handler=run_mark if name == "mark" else run_unmark)
    listing = sub.add_parser(
        "list", help=_("list the gold images"), description=_("List gold images.")
    )
    listing.add_argument("--json", action="store_true", help=_("print the list as JSON"))
    listing.set_defaults(handler=run_list)
    _register_score(sub)
    _register_assign(sub)


def _register_score(sub: argparse._SubParsersAction) -> None:
    score = sub.add_parser(
        "score",
        help=_("score everyone's answers on gold images"),
        description=_("Score each person's answers on gold images against the reference with "
        "the matching engine of agreement: F1, mean IoU, class accuracy, empty answers; per "
        "person, per class and per guideline version, and the worst items."),
    )
    score.add_argument(
        "--iou",
        type=float,
        default=DEFAULT_IOU_THRESHOLD,
        help=_("IoU needed to match (default: %(default)s)"),
    )
    score.add_argument("--person", metavar="NAME", help=_("only this person's answers"))
    score.add_argument("--worst", type=int, default=10, help=_("worst items shown (default: 10)"))
    score.add_argument("--json", action="store_true", help=_("print the full report as JSON"))
    score.set_defaults(handler=run_score)


def _register_assign(sub: argparse._SubParsersAction) -> None:
    assign = sub.add_parser(
        "assign",
        help=_("assign images in-house with gold images mixed in"),
        description=_("Assign images to annotate, spread as usual, with gold images the person "
        "never had mixed in at RATE after their first N images, unmarked."),
    )
    assign.add_argument("--images", required=True, metavar="QUERY", help=_(QUERY_HELP))
    assign.add_argument("--to", required=True, metavar="NAMES", help=_("people, comma-separated"))
    assign.add_argument("--rate", type=float, required=True, help=_("share of gold, e.g. 0.1"))
    assign.add_argument("--after", type=int, default=5, help=_("first images without gold (5)"))
    assign.add_argument("--overlap", type=int, default=1, help=_("annotators per image (1)"))
    assign.add_argument("--batch", default="", help=_("the batch name"))
    assign.add_argument("--blind", action="store_true", help=_("blind assignments"))
    assign.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    assign.set_defaults(handler=run_assign)


def _person(project: Project, name: str) -> Person:
    person = project.person_by_name(name)
    if person is None:
        message = _("{project}: no person named {name}")
        raise UnknownEntityError(message.format(project=project.path, name=repr(name)))
    return person


def _images(project: Project, query: str) -> list[int]:
    from labeler.core.packages import select_images

    ids = [i.id for i in select_images(project, query)]
    if not ids:
        raise LabelerError(_("the image query {query} matched no images").format(
            query=repr(query)))
    return ids


def run_mark(args: argparse.Namespace) -> int:
    """Mark images as gold."""
    with Project.open(args.project) as project:
        person = _person(project, args.by)
        ids = _images(project, args.images)
        with project.transaction():
            marked = [project.mark_gold(i, person.id) for i in ids]
        rows = [{"image_id": g.image_id, "reference": g.reference_count} for g in marked]
    if args.json:
        print_json({"marked": rows})
    else:
        for row in rows:
            stdout.print(ngettext("image {id}: gold, {n} reference label",
                                  "image {id}: gold, {n} reference labels",
                                  row["reference"]).format(id=row["image_id"], n=row["reference"]))
    return 0


def run_unmark(args: argparse.Namespace) -> int:
    """Make gold images ordinary again."""
    with Project.open(args.project) as project:
        person = _person(project, args.by)
        ids = _images(project, args.images)
        with project.transaction():
            for image_id in ids:
                project.unmark_gold(image_id, person.id)
    if args.json:
        print_json({"unmarked": ids})
    else:
        stdout.print(ngettext("{n} image is no longer gold", "{n} images are no longer gold",
                              len(ids)).format(n=len(ids)))
    return 0


def run_list(args: argparse.Namespace) -> int:
    """List gold images."""
    with Project.open(args.project) as project:
        names = {p.id: p.name for p in project.people()}
        golds = project.gold_images()
        paths = {i.id: i.path for i in project.images_by_ids([g.image_id for g in golds])}
        rows = [
            {
                "image_id": g.image_id,
                "image": paths[g.image_id],
                "reference": g.reference_count,
                "marked_by": names.get(g.marked_by),
                "marked_at": g.marked_at,
            }
            for g in golds
        ]
    if args.json:
        print_json({"gold_images": rows})
        return 0
    table = Table(title=ngettext("{n} gold image", "{n} gold images", len(rows)).format(
        n=len(rows)))
    for column in (_("image"), _("reference labels"), _("marked by"), _("marked at")):
        table.add_column(column)
    for row in rows:
        table.add_row(
            str(row["image"]),
            str(row["reference"]),
            str(row["marked_by"] or ""),
            str(row["marked_at"] or ""),
        )
    stdout.print(table)
    return 0


def _value(metric: object) -> str:
    value = getattr(metric, "value", float("nan"))
    return "-" if math.isnan(value) else f"{value:.3f}"


def run_score(args: argparse.Namespace) -> int:
    """Score the gold answers."""
    from labeler.core.gold import gold_report

    with Project.open(args.project) as project:
        people = [_person(project, args.person).id] if args.person else None
        report = gold_report(project, args.iou, people=people)
    if args.json:
        print_json(report.to_dict())
        return 0
    title = ngettext("Gold answers on {n} gold image (IoU {iou})",
                     "Gold answers on {n} gold images (IoU {iou})", report.gold_images)
    table = Table(title=title.format(n=report.gold_images, iou=args.iou))
    for column in (
        _("person"),
        _("vendor"),
        _("items"),
        "F1",
        _("mean IoU"),
        _("class acc."),
        _("empty ok"),
        _("false empty"),
    ):
        table.add_column(column)
    for name, organization, counts in report.people:
        table.add_row(
            name,
            organization or "",
            str(counts.items),
            _value(counts.f1),
            _value(counts.mean_iou),
            _value(counts.class_accuracy),
            f"{counts.empty_correct}/{counts.empty_gold}",
            str(counts.false_empty),
        )
    stdout.print(table)
    classes = Table(title=_("Per class"))
    for column in (_("class"), "F1", _("mean IoU"), _("class acc.")):
        classes.add_column(column)
    for name, counts in report.classes:
        classes.add_row(
            name, _value(counts.f1), _value(counts.mean_iou), _value(counts.class_accuracy)
        )
    stdout.print(classes)
    versions = Table(title=_("Per guideline version"))
    for column in (_("version"), _("items"), "F1"):
        versions.add_column(column)
    for name, counts in report.guideline_versions:
        versions.add_row(name, str(counts.items), _value(counts.f1))
    stdout.print(versions)
    worst = Table(title=_("Worst items"))
    for column in (_("score"), _("person"), _("image"), _("reference"), _("answered"),
                   _("matched")):
        worst.add_column(column)
    for item in report.items[: max(0, args.worst)]:
        worst.add_row(
            f"{item.score:.3f}",
            item.person,
            item.image,
            str(item.reference_objects),
            str(item.answered_objects),
            str(item.matched),
        )
    stdout.print(worst)
    return 0


def run_assign(args: argparse.Namespace) -> int:
    """Assign images with gold mixed in."""
    from labeler.core.gold_mix import assign_with_gold

    with Project.open(args.project) as project:
        people = [_person(project, n.strip()) for n in args.to.split(",") if n.strip()]
        plan = assign_with_gold(
            project,
            _images(project, args.images),
            [p.id for p in people],
            rate=args.rate,
            after=args.after,
            overlap=args.overlap,
            blind=args.blind,
            batch=args.batch,
        )
        names = {p.id: p.name for p in people}
    gold = {names[p]: len(ids) for p, ids in plan.per_person.items()}
    if args.json:
        print_json({"gold_per_person": gold, "gold": plan.total})
    else:
        per_person = ", ".join(f"{name} {n}" for name, n in gold.items())
        stdout.print(ngettext("Assigned with {n} gold image mixed in ({people})",
                              "Assigned with {n} gold images mixed in ({people})",
                              plan.total).format(n=plan.total, people=per_person))
    return 0
