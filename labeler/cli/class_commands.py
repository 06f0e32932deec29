"""``labeler classes PROJECT list|add|rename|recolour|reorder|merge``: classes after creation.

Every edit runs as the same core command the app's undo stack uses
(:mod:`labeler.core.class_commands`) and is recorded in the project's event log.
Names print literally (Korean, ``[/]``, ``<b>``: user text is never markup).
"""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rich.table import Table

from labeler.cli.i18n import _
from labeler.cli.output import print_json, stdout
from labeler.cli.words import word
from labeler.core.class_commands import (
    AddClass,
    MergeClasses,
    RecolourClass,
    RenameClass,
    ReorderClasses,
    SplitClass,
)
from labeler.core.domain import GeometryKind, LabelClass
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.store import Project


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``labeler classes`` to the CLI."""
    classes = commands.add_parser(
        "classes",
        help=_("list, add, rename, recolour, reorder and merge classes"),
        description=_("The project's label classes. Renames and merges keep the old name as an "
        "alias, so work packages exported before come back onto the right class; every edit "
        "is recorded in the project's event log."),
    )
    classes.add_argument("project", type=Path, help=_("the project file"))
    sub = classes.add_subparsers(dest="classes_action", metavar="ACTION", required=True)
    list_ = sub.add_parser("list", help=_("every class with its kind, colour, key and use"))
    _common(list_, run_list, who=False)
    add = sub.add_parser("add", help=_("add a class at the end of the list"))
    add.add_argument("name", help=_("the new class's name"))
    add.add_argument(
        "--kind",
        choices=[k.value for k in GeometryKind],
        default=GeometryKind.BOX.value,
        help=_("how it is drawn (default: box)"),
    )
    add.add_argument("--color", help=_("#RRGGBB (default: the next colour of the palette)"))
    _common(add, run_add)
    rename = sub.add_parser("rename", help=_("rename a class (its old name stays an alias)"))
    rename.add_argument("name", help=_("the class's current name"))
    rename.add_argument("new_name", help=_("its new name"))
    _common(rename, run_rename)
    recolour = sub.add_parser("recolour", help=_("give a class another colour"))
    recolour.add_argument("name", help=_("the class"))
    recolour.add_argument("color", help=_("#RRGGBB"))
    _common(recolour, run_recolour)
    reorder = sub.add_parser(
        "reorder", help=_("put the classes in a new order (keys 1-9 follow the drawn classes)")
    )
    reorder.add_argument("names", nargs="+", help=_("every class, in the new order"))
    _common(reorder, run_reorder)
    merge = sub.add_parser(
        "merge", help=_("move all work of one class to another of the same kind and retire it")
    )
    merge.add_argument("source", help=_("the class that goes away"))
    merge.add_argument("target", help=_("the class that takes its annotations and pre-labels"))
    _common(merge, run_merge)


def _common(parser: argparse.ArgumentParser, handler: Any, who: bool = True) -> None:
    if who:
        parser.add_argument(
            "--by", metavar="PERSON", help=_("who makes the change (a QA lead of the project)")
        )
    parser.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    parser.set_defaults(handler=handler)


def find_class(project: Project, name: str) -> LabelClass:
    """The class called ``name``; an old name is not enough (the error says the new one)."""
    found = project.class_by_name(name)
    if found is not None:
        return found
    later = project.resolve_class(name)
    if later is not None:
        message = _("no class is named {name} now; it became {new_name}")
        raise UnknownEntityError(message.format(name=repr(name), new_name=repr(later.name)))
    known = ", ".join(repr(c.name) for c in project.classes()) or _("none")
    message = _("no class named {name} (classes: {classes})")
    raise UnknownEntityError(message.format(name=repr(name), classes=known))


def _person_id(project: Project, name: str | None) -> int | None:
    if name is None:
        return None
    person = project.person_by_name(name)
    if person is None:
        raise UnknownEntityError(_("no person named {name}").format(name=repr(name)))
    return person.id


def class_rows(project: Project) -> list[dict[str, Any]]:
    """Every class in display order, with its number key, use and earlier names."""
    aliases: dict[int, list[str]] = {}
    for alias in project.class_aliases():
        aliases.setdefault(alias.class_id, []).append(alias.name)
    rows = []
    key = 0
    for position, label_class in enumerate(project.classes()):
        drawn = label_class.kind != GeometryKind.TAG
        key += drawn
        usage = project.class_usage(label_class.id)
        rows.append(
            {
                "id": label_class.id,
                "position": position,
                "key": key if drawn and key <= 9 else None,
                "name": label_class.name,
                "kind": label_class.kind.value,
                "color": label_class.color,
                "annotations": usage.annotations,
                "deleted_annotations": usage.deleted_annotations,
                "predictions": usage.predictions,
                "aliases": aliases.get(label_class.id, []),
            }
        )
    return rows


def run_list(args: argparse.Namespace) -> int:
    """Print the classes."""
    with Project.open(args.project) as project:
        rows = class_rows(project)
    if args.json:
        print_json({"classes": rows})
        return 0
    if not rows:
        stdout.print(_("No classes yet; add one with: labeler classes PROJECT add NAME"))
        return 0
    table = Table(_("key"))
    table.add_column(_("name"), overflow="fold")  # a name is shown whole, never cut
    for column in (_("kind"), _("colour"), _("annotations"), _("pre-labels")):
        table.add_column(column)
    table.add_column(_("earlier names"), overflow="fold")
    for row in rows:
        table.add_row(
            str(row["key"] or ""),
            row["name"],
            word(row["kind"]),
            row["color"],
            str(row["annotations"]),
            str(row["predictions"]),
            ", ".join(row["aliases"]),
        )
    stdout.print(table)
    return 0


def _report(
    args: argparse.Namespace, project: Project, message: Any, extra: dict[str, Any] | None = None
) -> int:
    if args.json:
        print_json({**(extra or {}), "classes": class_rows(project)})
    else:
        stdout.print(message)
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Add a class."""
    with Project.open(args.project) as project:
        who = _person_id(project, args.by)
        AddClass(args.name, GeometryKind(args.kind), args.color, who).apply(project)
        added = project.classes()[-1]
        return _report(args, project, _("Added {kind} class {name}").format(
            kind=word(added.kind.value), name=added.name
        ))


def run_rename(args: argparse.Namespace) -> int:
    """Rename a class."""
    with Project.open(args.project) as project:
        who = _person_id(project, args.by)
        label_class = find_class(project, args.name)
        RenameClass(label_class.id, args.new_name, who).apply(project)
        new = project.label_class(label_class.id).name
        message = _("Renamed class {name} to {new_name}").format(
            name=label_class.name, new_name=new
        )
        return _report(args, project, message)


def run_recolour(args: argparse.Namespace) -> int:
    """Recolour a class."""
    with Project.open(args.project) as project:
        who = _person_id(project, args.by)
        label_class = find_class(project, args.name)
        RecolourClass(label_class.id, args.color, who).apply(project)
        color = project.label_class(label_class.id).color
        return _report(args, project, _("Class {name} is now {color}").format(
            name=label_class.name, color=color
        ))


def run_reorder(args: argparse.Namespace) -> int:
    """Reorder the classes."""
    with Project.open(args.project) as project:
        who = _person_id(project, args.by)
        order = tuple(find_class(project, name).id for name in args.names)
        missing = [c.name for c in project.classes() if c.id not in order]
        if missing or len(set(order)) != len(order):
            message = _("name every class exactly once, in the new order")
            if missing:
                message += _("; missing: {names}").format(names=", ".join(map(repr, missing)))
            raise LabelerError(message)
        ReorderClasses(order, who).apply(project)
        names = ", ".join(c.name for c in project.classes())
        return _report(args, project, _("Classes in order: {names}").format(names=names))


def run_merge(args: argparse.Namespace) -> int:
    """Merge one class into another."""
    with Project.open(args.project) as project:
        who = _person_id(project, args.by)
        source, target = find_class(project, args.source), find_class(project, args.target)
        undo = MergeClasses(source.id, target.id, who).apply(project)
        assert isinstance(undo, SplitClass)
        moved, predictions = len(undo.record.annotation_ids), len(undo.record.prediction_ids)
        message = _(
            "Merged class {source} into {target}: {annotations} annotations and "
            "{predictions} pre-labels moved; packages that name {source} now land on {target}"
        ).format(source=source.name, target=target.name, annotations=moved,
                 predictions=predictions)
        merged = {
            "source": source.name,
            "target": target.name,
            "annotations": moved,
            "predictions": predictions,
        }
        return _report(args, project, message, {"merged": merged})
