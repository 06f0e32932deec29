"""``labeler slice PROJECT save|list|show|diff|delete|send``: named, saved subsets of images.

Also the ``--slice NAME`` option every command that takes a set of images shares:
:func:`add_slice_option` adds it and :func:`slice_ids` resolves it to image ids.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.table import Table

from labeler.cli.i18n import _, ngettext
from labeler.cli.output import print_json, stdout, styled
from labeler.cli.words import word
from labeler.core.errors import LabelerError
from labeler.core.i18n import translate

if TYPE_CHECKING:  # the store loads with a command that opens a project, not with parsing
    from labeler.core.store import Project

SHOW_ROWS = 20


def add_slice_option(cmd: argparse.ArgumentParser, help_text: str) -> None:
    """Add ``--slice NAME`` to a command that takes a set of images (``help_text``: translated)."""
    cmd.add_argument("--slice", metavar="NAME", help=help_text)


def slice_ids(project: Project, args: argparse.Namespace) -> list[int] | None:
    """The frozen image ids of ``--slice NAME``, or None when no slice was named."""
    name = getattr(args, "slice", None)
    if name is None:
        return None
    from labeler.core.slices import slice_image_ids

    return slice_image_ids(project, name)


def images_or_query(project: Project, args: argparse.Namespace) -> Any:
    """``--slice NAME``'s image records, else ``args.images`` (the command's own query).

    An empty slice is refused: there is nothing to work on.
    """
    ids = slice_ids(project, args)
    if ids is None:
        return args.images
    if not ids:
        raise LabelerError(_("slice {name} holds no images").format(name=repr(args.slice)))
    return project.images_by_ids(ids)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the slice commands to the CLI."""
    from labeler.core.slices import RULE_HELP

    rule_help = translate(RULE_HELP, "core")  # the core's words: its catalog
    cmd = commands.add_parser(
        "slice",
        help=_("save, list, show, compare and send named subsets of images"),
        description=_("A slice is a named subset of images with the rule that made it, frozen "
        "as a list of image ids when saved (re-evaluate with `diff`). Every command that "
        "takes a set of images accepts --slice NAME. RULE: {rule}.").format(rule=rule_help),
    )
    cmd.add_argument("project", type=Path, help=_("the project file"))
    sub = cmd.add_subparsers(dest="slice_command", metavar="ACTION", required=True)
    save = sub.add_parser("save", help=_("evaluate a rule (or take a list) and save the images"))
    save.add_argument("name", help=_("the slice's name (unique in the project)"))
    source = save.add_mutually_exclusive_group(required=True)
    source.add_argument("--rule", help=_("which images: {rule}").format(rule=rule_help))
    source.add_argument("--images", metavar="IDS", help=_("a hand-picked list: 1,2,5-9"))
    save.add_argument("--note", default="", help=_("why this slice exists"))
    save.add_argument("--by", metavar="NAME", help=_("the person saving it"))
    save.add_argument("--json", action="store_true", help=_("print the slice as JSON"))
    save.set_defaults(handler=run_save)
    listing = sub.add_parser("list", help=_("every slice with its rule and size"))
    listing.add_argument("--json", action="store_true", help=_("print the list as JSON"))
    listing.set_defaults(handler=run_list)
    show = sub.add_parser("show", help=_("a slice's rule, images, work sent and what changed"))
    show.add_argument("name")
    show.add_argument(
        "--limit", type=int, help=_("list at most this many images ({n})").format(n=SHOW_ROWS)
    )
    show.add_argument("--json", action="store_true", help=_("print the slice as JSON"))
    show.set_defaults(handler=run_show)
    diff = sub.add_parser("diff", help=_("re-evaluate the rule: images it would add and remove"))
    diff.add_argument("name")
    diff.add_argument("--refresh", action="store_true", help=_("then freeze the new list"))
    diff.add_argument("--json", action="store_true", help=_("print the difference as JSON"))
    diff.set_defaults(handler=run_diff)
    delete = sub.add_parser("delete", help=_("delete a slice (its images stay)"))
    delete.add_argument("name")
    delete.set_defaults(handler=run_delete)
    _register_send(sub)


def _register_send(sub: argparse._SubParsersAction) -> None:
    send = sub.add_parser(
        "send",
        help=_("send a slice to work: assignments for people, or a vendor package"),
        description=_("In one step, assign the slice's images to in-house people (--to) or "
        "write a package for a vendor (--vendor, --package), with a note of why. `slice "
        "show` then says what changed on those images since."),
    )
    send.add_argument("name")
    send.add_argument("--note", required=True, help=_('why, e.g. "false negatives of run 3"'))
    send.add_argument("--to", metavar="NAMES", help=_("assign to these people (comma-separated)"))
    send.add_argument("--vendor", help=_("write a package for this vendor (organization)"))
    send.add_argument("--package", type=Path, help=_("with --vendor: the package (NAME.lbpkg)"))
    send.add_argument("--assign", metavar="NAMES", help=_("with --vendor: first assign to these"))
    send.add_argument("--overlap", type=int, default=1, help=_("annotators per image (default 1)"))
    send.add_argument("--blind", action="store_true", help=_("blind assignments"))
    send.add_argument(
        "--with-prelabels", action="store_true",
        help=_("show the model's pre-labels (in-house: not hidden; package: included)"),
    )  # fmt: skip
    send.add_argument("--by", metavar="NAME", help=_("the person sending it"))
    send.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    send.set_defaults(handler=run_send)


def _person_id(project: Project, name: str | None) -> int | None:
    if name is None:
        return None
    person = project.person_by_name(name)
    if person is None:
        raise LabelerError(_("no person named {name}").format(name=repr(name)))
    return person.id


def _names(text: str) -> list[str]:
    return [n.strip() for n in text.split(",") if n.strip()]


def run_save(args: argparse.Namespace) -> int:
    """Save a slice."""
    from labeler.core.slices import parse_ids, parse_rule, rule_text, save_image_slice, save_slice
    from labeler.core.store import Project

    with Project.open(args.project) as project:
        by = _person_id(project, args.by)
        if args.rule is not None:
            saved = save_slice(project, args.name, parse_rule(args.rule), args.note, by)
        else:
            saved = save_image_slice(project, args.name, parse_ids(args.images), args.note, by)
    if args.json:
        print_json(_slice_dict(saved))
    else:
        saved_text = ngettext("Saved slice {name}: {n} image ({rule})",
                              "Saved slice {name}: {n} images ({rule})", saved.images)
        stdout.print(saved_text.format(name=repr(saved.name), n=saved.images,
                                       rule=rule_text(saved.rule)))
    return 0


def _slice_dict(saved: Any) -> dict[str, Any]:
    from labeler.core.slices import rule_text

    return {
        "name": saved.name,
        "rule": saved.rule,
        "rule_text": rule_text(saved.rule),
        "note": saved.note,
        "images": saved.images,
        "created_at": saved.created_at,
        "evaluated_at": saved.evaluated_at,
    }


def run_list(args: argparse.Namespace) -> int:
    """List the slices."""
    from labeler.core.slices import rule_text
    from labeler.core.store import Project

    with Project.open(args.project) as project:
        slices = project.slices()
    if args.json:
        print_json({"slices": [_slice_dict(s) for s in slices]})
        return 0
    if not slices:
        stdout.print(_("No slices yet (labeler slice PROJECT save NAME --rule ...)"))
        return 0
    table = Table(_("name"), _("images"), _("rule"), _("note"), _("saved"))
    for s in slices:
        table.add_row(s.name, str(s.images), rule_text(s.rule), s.note, s.created_at[:16])
    stdout.print(table)
    return 0


def run_show(args: argparse.Namespace) -> int:
    """Show one slice."""
    from labeler.core.slices import slice_changes
    from labeler.core.store import Project

    with Project.open(args.project) as project:
        saved = project.slice_named(args.name)
        ids = project.slice_image_ids(saved.id)
        paths = project.image_paths()
        work = project.slice_work(saved.id)
        changes = slice_changes(project, saved.name).to_dict()
    data = {
        **_slice_dict(saved),
        "image_ids": ids,
        "work": [w.__dict__ for w in work],
        "changes": changes,
    }
    if args.json:
        data["images_listed"] = [{"image_id": i, "image": paths.get(i)} for i in ids]
        print_json(data)
        return 0
    limit = SHOW_ROWS if args.limit is None else args.limit
    about = ngettext("{n} image; rule {rule}", "{n} images; rule {rule}", saved.images)
    stdout.print(styled("[bold]{}[/]: {}", saved.name,
                        about.format(n=saved.images, rule=data["rule_text"])))
    if saved.note:
        stdout.print(_("Note: {note}").format(note=saved.note))
    for i in ids[:limit]:
        stdout.print(f"  {i}  {paths.get(i, '')}")
    if len(ids) > limit:
        stdout.print("  ... " + _("{n} more (use --limit or --json)").format(n=len(ids) - limit))
    for w in work:
        sent = ngettext("Sent {n} image to {target} ({kind}) at {time}: {note}",
                        "Sent {n} images to {target} ({kind}) at {time}: {note}", w.images)
        stdout.print(sent.format(n=w.images, target=w.target, kind=word(w.kind),
                                 time=w.sent_at[:16], note=w.note))
    _print_changes(changes)
    return 0


def _since(what: str) -> str:
    """The core's "saved" / "sent to TARGET (KIND)" as words of the sentence "Since ..."."""
    if what == "saved":
        return _("the slice was saved")
    sent = re.fullmatch(r"sent to (?P<target>.+) \((?P<kind>\w+)\)", what)
    if sent:
        return _("it was sent to {target} ({kind})").format(
            target=sent["target"], kind=word(sent["kind"])
        )
    return what


def _print_changes(changes: dict[str, Any]) -> None:
    status = ", ".join(f"{word(k)} {v}" for k, v in changes["status"].items())
    stdout.print(
        _("Since {what} ({time}): {changed} of {images} images changed; labels +{added} "
          "~{edited} -{deleted}, {reviews} reviews, {answers} answers; status now: "
          "{status}").format(
            what=_since(changes["since_what"]), time=changes["since"][:16],
            changed=changes["changed"], images=changes["images"], added=changes["labels_added"],
            edited=changes["labels_edited"], deleted=changes["labels_deleted"],
            reviews=changes["reviews"], answers=changes["answers"], status=status or _("none"))
    )
    for row in changes["per_image"][:SHOW_ROWS]:
        line = _("{status}: +{added} ~{edited} -{deleted} labels, {reviews} reviews, "
                 "{answers} answers by {people}").format(
            status=word(row["status"]), added=row["added"], edited=row["edited"],
            deleted=row["deleted"], reviews=row["reviews"], answers=row["answers"],
            people=", ".join(row["by"]))
        stdout.print(f"  {row['image_id']}  {row['image']}  {line}")


def run_diff(args: argparse.Namespace) -> int:
    """Re-evaluate a slice's rule."""
    from labeler.core.slices import diff_slice, refresh_slice
    from labeler.core.store import Project

    with Project.open(args.project) as project:
        diff = (refresh_slice if args.refresh else diff_slice)(project, args.name)
        paths = project.image_paths()
        changes = None
        if not args.refresh:
            from labeler.core.slices import slice_changes

            changes = slice_changes(project, args.name).to_dict()
    data = {**diff.to_dict(paths), "refreshed": args.refresh, "changes": changes}
    if args.json:
        print_json(data)
        return 0
    if args.refresh:
        held = _("Slice {name} holds {frozen} images; its rule now holds {now}: +{added} added, "
                 "-{removed} removed")
    else:
        held = _("Slice {name} holds {frozen} images; its rule would hold {now}: +{added} "
                 "added, -{removed} removed")
    stdout.print(held.format(name=repr(diff.slice.name), frozen=len(diff.frozen),
                             now=len(diff.now), added=len(diff.added), removed=len(diff.removed)))
    for sign, rows in (("+", data["added"]), ("-", data["removed"])):
        for row in rows[:SHOW_ROWS]:
            stdout.print(f"  {sign} {row['image_id']}  {row['image']}")
    if changes is not None:
        _print_changes(changes)
    return 0


def run_delete(args: argparse.Namespace) -> int:
    """Delete a slice."""
    from labeler.core.store import Project

    with Project.open(args.project) as project:
        saved = project.slice_named(args.name)
        project.delete_slice(saved.id)
    deleted = ngettext("Deleted slice {name} ({n} image stays in the project)",
                       "Deleted slice {name} ({n} images stay in the project)", saved.images)
    stdout.print(deleted.format(name=repr(saved.name), n=saved.images))
    return 0


def run_send(args: argparse.Namespace) -> int:
    """Send a slice to work."""
    from labeler.core.slices import send_to_people, send_to_vendor

    if (args.to is None) == (args.vendor is None):
        raise LabelerError(
            _("send to people (--to NAMES) or to a vendor (--vendor V --package F)")
        )
    if args.vendor is not None and args.package is None:
        raise LabelerError(_("--vendor needs --package NAME.lbpkg (the file to write)"))
    from labeler.core.store import Project

    with Project.open(args.project) as project:
        by = _person_id(project, args.by)
        if args.to is not None:
            work, made = send_to_people(
                project, args.name, _names(args.to), args.note, overlap=args.overlap,
                blind=args.blind, hide_prelabels=not args.with_prelabels, sent_by=by,
            )  # fmt: skip
            result: dict[str, Any] = {"work": work.__dict__, "assignments": made}
            message = _("Assigned {n} images of {name} to {target}: {made} new assignments").format(
                n=work.images, name=repr(args.name), target=work.target, made=made)
        else:
            work, summary = send_to_vendor(
                project, args.name, args.vendor, args.package, args.note, blind=args.blind,
                with_prelabels=args.with_prelabels,
                assign=_names(args.assign) if args.assign else None, overlap=args.overlap,
                sent_by=by,
            )  # fmt: skip
            result = {"work": work.__dict__, "package": summary.to_dict()}
            message = _("Wrote {path} for {vendor}: {n} images of {name}, {assignments} "
                        "assignments").format(path=summary.path, vendor=summary.vendor,
                                              n=summary.images, name=repr(args.name),
                                              assignments=summary.assignments)
    if args.json:
        print_json(result)
    else:
        stdout.print(_("{message} (note: {note})").format(message=message, note=args.note))
    return 0
