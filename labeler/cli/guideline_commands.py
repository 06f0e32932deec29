"""``labeler guideline publish|list|show|diff`` and ``labeler rereview``."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli.i18n import _, ngettext
from labeler.cli.output import print_json, stdout, styled
from labeler.cli.words import word
from labeler.core.domain import GuidelineVersion
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.store import Project

MAX_GUIDELINE_BYTES = 1_000_000


def register(commands: argparse._SubParsersAction) -> None:
    """Add the guideline commands to the CLI."""
    guideline = commands.add_parser(
        "guideline",
        help=_("publish, list, show and compare guideline versions"),
        description=_("Versioned labeling guidelines: every annotation and review is stamped "
        "with the version in force when it was made."),
    )
    sub = guideline.add_subparsers(dest="guideline_command", metavar="ACTION", required=True)
    _register_publish(sub)
    _register_views(sub)
    rereview = commands.add_parser(
        "rereview",
        help=_("list annotations waiting for re-review after a guideline change"),
        description=_("Annotations of classes a newer guideline version changed, made under an "
        "older version and not reviewed since."),
    )
    rereview.add_argument("project", type=Path, help=_("the project file"))
    rereview.add_argument(
        "--count",
        action="store_true",
        help=_("print only how many are waiting (nothing is listed)"),
    )
    rereview.add_argument(
        "--limit",
        type=_non_negative,
        metavar="N",
        help=_("list at most N (default {n}; 0: all of them)").format(n=DEFAULT_REREVIEW_LIMIT),
    )
    rereview.add_argument(
        "--offset",
        type=_non_negative,
        default=0,
        metavar="K",
        help=_("skip the first K in queue order (the next page: K + N)"),
    )
    rereview.add_argument(
        "--after",
        type=int,
        metavar="ID",
        help=_("start right after this annotation of the queue (a cursor: the last one a page "
        "listed; as fast deep in the queue as at its start)"),
    )
    rereview.add_argument("--json", action="store_true", help=_("print the queue as JSON"))
    rereview.set_defaults(handler=run_rereview)


DEFAULT_REREVIEW_LIMIT = 100


def _non_negative(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 0:
        raise argparse.ArgumentTypeError(
            _("expected a whole number >= 0, got {value}").format(value=repr(text))
        )
    return value


def _register_publish(sub: argparse._SubParsersAction) -> None:
    publish = sub.add_parser(
        "publish",
        help=_("publish a Markdown file as the next version"),
        description=_("Publish FILE.md as the next guideline version (with the examples of the "
        "draft, if any). Annotations of the changed classes made under older versions go to "
        "the re-review queue. Changed classes default to those whose rule section (a heading "
        "named after the class) changed or gained examples."),
    )
    publish.add_argument("project", type=Path, help=_("the project file"))
    publish.add_argument("file", type=Path, help=_("the guideline as Markdown"))
    publish.add_argument("--changes", required=True, help=_("the changelog: what changed and why"))
    publish.add_argument(
        "--classes",
        help=_("comma-separated classes this version changes "
        "(default: detected from the rule sections)"),
    )
    publish.add_argument("--author", help=_("who publishes it (a person of the project)"))
    publish.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    publish.set_defaults(handler=run_publish)


def _register_views(sub: argparse._SubParsersAction) -> None:
    list_ = sub.add_parser(
        "list",
        help=_("list the published versions"),
        description=_("Every published version with its number, author, "
        "time, changed classes and changelog."),
    )
    list_.add_argument("project", type=Path, help=_("the project file"))
    list_.add_argument("--json", action="store_true", help=_("print the versions as JSON"))
    list_.set_defaults(handler=run_list)

    show = sub.add_parser(
        "show",
        help=_("print one version (default: the one in force)"),
        description=_("Print a version's text, per-class rules and examples."),
    )
    show.add_argument("project", type=Path, help=_("the project file"))
    show.add_argument("number", type=int, nargs="?", help=_("version number (default: current)"))
    show.add_argument("--json", action="store_true", help=_("print the version as JSON"))
    show.set_defaults(handler=run_show)

    diff = sub.add_parser(
        "diff",
        help=_("compare two versions"),
        description=_("Unified diff of two versions' text and per-class rules."),
    )
    diff.add_argument("project", type=Path, help=_("the project file"))
    diff.add_argument("old", type=int, help=_("older version number"))
    diff.add_argument("new", type=int, help=_("newer version number"))
    diff.add_argument("--json", action="store_true", help=_("print the diff as JSON"))
    diff.set_defaults(handler=run_diff)


def version_dict(project: Project, version: GuidelineVersion) -> dict[str, Any]:
    """A version's JSON form (without its text)."""
    author = project.person(version.author_id).name if version.author_id else None
    return {
        "number": version.number,
        "content_hash": version.content_hash,
        "author": author,
        "published_at": version.published_at,
        "changelog": version.changelog,
        "changed_classes": project.changed_classes(version.id),
        "examples": len(project.guideline_examples(version.id)),
        "acknowledged_by": len(project.acknowledgements(version.id)),
    }


def run_publish(args: argparse.Namespace) -> int:
    """Publish a Markdown file."""
    try:
        size = args.file.stat().st_size
    except OSError as exc:
        message = _("{path}: cannot read ({reason})")
        raise LabelerError(message.format(path=args.file, reason=exc.strerror or exc)) from exc
    if size > MAX_GUIDELINE_BYTES:
        message = _("{path}: larger than {n} bytes")
        raise LabelerError(message.format(path=args.file, n=f"{MAX_GUIDELINE_BYTES:,}"))
    try:
        text = args.file.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise LabelerError(_("{path}: not UTF-8 text").format(path=args.file)) from exc
    classes = None
    if args.classes is not None:
        classes = [c.strip() for c in args.classes.split(",") if c.strip()]
    with Project.open(args.project) as project:
        author_id = None
        if args.author:
            author = project.person_by_name(args.author)
            if author is None:
                message = _("no person named {name}")
                raise UnknownEntityError(message.format(name=repr(args.author)))
            author_id = author.id
        version = project.publish_guideline(text, args.changes, author_id, classes)
        result = version_dict(project, version)
        result["rereview_queued"] = project.rereview_count_for_version(version.id)
    if args.json:
        print_json(result)
    else:
        changed = ", ".join(result["changed_classes"]) or _("none")
        queued = result["rereview_queued"]
        stdout.print(
            ngettext("Published guideline version {number} (changed classes: {classes}); "
                     "{n} annotation queued for re-review",
                     "Published guideline version {number} (changed classes: {classes}); "
                     "{n} annotations queued for re-review", queued).format(
                number=version.number, classes=changed, n=queued)
        )
    return 0


def run_list(args: argparse.Namespace) -> int:
    """List versions."""
    with Project.open(args.project) as project:
        versions = [version_dict(project, v) for v in project.guideline_versions()]
        draft = project.draft_guideline()
    if args.json:
        print_json({"versions": versions, "draft": draft is not None})
        return 0
    if not versions:
        stdout.print(_("No published guideline version yet."))
        return 0
    table = Table(_("version"), _("published"), _("author"), _("changed classes"), _("changelog"))
    for v in versions:
        table.add_row(
            f"v{v['number']}",
            v["published_at"] or "",
            v["author"] or "",
            ", ".join(v["changed_classes"]),
            v["changelog"],
        )
    stdout.print(table)
    if draft is not None:
        stdout.print(_("A draft of the next version exists."))
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Print a version."""
    with Project.open(args.project) as project:
        version = (
            project.guideline_version(args.number)
            if args.number is not None
            else project.current_guideline()
        )
        if version is None:
            raise LabelerError(_("no guideline version has been published yet"))
        result = version_dict(project, version)
        result["text"] = version.text
        result["rules"] = project.guideline_rules(version.id)
        result["examples"] = [
            {
                "kind": e.kind.value,
                "class": e.class_name,
                "image": project.image(e.image_id).path,
                "shapes": len(e.shapes),
                "note": e.note,
            }
            for e in project.guideline_examples(version.id)
        ]
    if args.json:
        print_json(result)
        return 0
    stdout.print(
        styled(
            "[bold]{}[/]  {}",
            _("Guideline version {number}").format(number=result["number"]),
            f"{result['published_at']}  {result['author'] or ''}  ({result['content_hash'][:12]})",
        )
    )
    stdout.print(result["changelog"])
    stdout.print(result["text"], soft_wrap=True)
    for example in result["examples"]:
        stdout.print(
            _("Example ({kind}, {classes}): {image}: {note}").format(
                kind=word(example["kind"]), classes=example["class"] or _("all classes"),
                image=example["image"], note=example["note"])
        )
    return 0


def run_diff(args: argparse.Namespace) -> int:
    """Compare two versions."""
    with Project.open(args.project) as project:
        diff = project.guideline_diff(args.old, args.new)
    if args.json:
        print_json(diff.to_dict())
        return 0
    stdout.print(
        _("Changed classes: {classes}; examples +{added} -{removed}").format(
            classes=", ".join(diff.changed_classes) or _("none"), added=diff.examples_added,
            removed=diff.examples_removed)
    )
    for line in diff.text:
        style = "green" if line.startswith("+") else "red" if line.startswith("-") else ""
        stdout.print(styled(f"[{style}]{{}}[/]", line) if style else line, soft_wrap=True)
    return 0


def run_rereview(args: argparse.Namespace) -> int:
    """Print the re-review queue (its size, or one page of it)."""
    limit = DEFAULT_REREVIEW_LIMIT if args.limit is None else args.limit or None
    with Project.open(args.project) as project:
        total = project.rereview_count()
        if args.count:
            if args.json:
                print_json({"count": total})
            else:
                stdout.print(ngettext("{n} annotation to re-review", "{n} annotations to re-review",
                                      total).format(n=total))
            return 0
        page = project.rereview_queue(limit=limit, offset=args.offset, after=args.after)
        items = [i.to_dict() for i in page]
        paths = {
            r.id: r.path for r in project.images_by_ids(sorted({i["image_id"] for i in items}))
        }
    for item in items:
        item["image"] = paths.get(item["image_id"], "")
    if args.json:
        print_json(
            {
                "count": total,
                "offset": args.offset,
                "after": args.after,
                "limit": limit,
                "next_after": items[-1]["annotation_id"] if items and limit else None,
                "items": items,
            }
        )
        return 0
    if not total:
        stdout.print(_("Nothing to re-review."))
        return 0
    table = Table(_("annotation"), _("image"), _("class"), _("annotator"), _("made under"),
                  _("changed by"))
    for item in items:
        table.add_row(
            str(item["annotation_id"]),
            item["image"],
            item["class"],
            item["annotator"],
            f"v{item['made_under']}" if item["made_under"] else _("none"),
            f"v{item['queued_by']}",
        )
    stdout.print(table)
    to_review = ngettext("{n} annotation to re-review", "{n} annotations to re-review", total)
    if args.after is None and len(items) < total:
        shown = _("{first}-{last} of {total}").format(
            first=args.offset + 1, last=args.offset + len(items), total=to_review.format(n=total))
    elif args.after is None:
        shown = to_review.format(n=total)
    else:
        shown = _("{n} after annotation {after}, of {total}").format(
            n=len(items), after=args.after, total=to_review.format(n=total))
    stdout.print(shown)
    if items and limit and len(items) == limit:
        stdout.print(_("Next page: --after {id}").format(id=items[-1]["annotation_id"]))
    return 0
