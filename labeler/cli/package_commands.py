"""``labeler package export|import|open|save``: vendor work packages."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from labeler.cli.i18n import _
from labeler.cli.output import print_json, stdout
from labeler.cli.slice_commands import add_slice_option, slice_ids
from labeler.core.errors import LabelerError, UnknownEntityError
from labeler.core.store import Project


def register(commands: argparse._SubParsersAction) -> None:
    """Add the package commands to the CLI."""
    package = commands.add_parser(
        "package",
        help=_("vendor work packages: export, import, open, save"),
        description=_("Outsource labeling without a shared server: export a package for a "
        "vendor, who opens it in labeler and works offline; import their work back."),
    )
    sub = package.add_subparsers(dest="package_command", metavar="ACTION", required=True)
    _register_export(sub)
    _register_others(sub)


def _register_export(sub: argparse._SubParsersAction) -> None:
    export = sub.add_parser(
        "export",
        help=_("write a package for one vendor"),
        description=_("Write one .lbpkg file with the selected images (copied), the classes, "
        "the guideline version in force with its examples, the vendor's assignments and "
        "earlier work. No other vendor's labels and no people outside the vendor go in. "
        "QUERY: space-separated terms that must all hold: all, status:S, name:GLOB, "
        "path:GLOB, ids:1,2,5-9, assigned:NAME, unassigned, limit:N."),
    )
    export.add_argument("project", type=Path, help=_("the project file"))
    export.add_argument(
        "--to", dest="to", type=Path, required=True, help=_("the package to write (NAME.lbpkg)")
    )
    export.add_argument("--for", dest="vendor", required=True, help=_("the vendor (organization)"))
    export.add_argument("--images", metavar="QUERY", help=_("which images (or --slice)"))
    add_slice_option(
        export,
        _("send only the images of this saved slice (see `labeler slice PROJECT list`)"),
    )
    export.add_argument(
        "--blind",
        action="store_true",
        help=_("blind assignments: annotators "
        "see neither each other's labels nor (without --with-prelabels) "
        "pre-labels"),
    )
    export.add_argument(
        "--with-prelabels",
        action="store_true",
        help=_("include the model's newest pre-labels of the images"),
    )
    export.add_argument(
        "--for-review",
        action="store_true",
        help=_("the vendor's reviewers review in it (new reviewers may be added and their "
        "reviews come back); implied when the images have review assignments"),
    )
    export.add_argument(
        "--assign",
        metavar="NAMES",
        help=_("first assign the images to these people of the vendor (comma-separated)"),
    )
    export.add_argument(
        "--overlap",
        type=int,
        default=1,
        help=_("with --assign: annotators per image, for agreement (default: 1)"),
    )
    _register_gold(export)
    export.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    export.set_defaults(handler=run_export)


def _register_gold(export: argparse.ArgumentParser) -> None:
    """Options that mix gold images into the package (labeler.core.gold_mix)."""
    export.add_argument(
        "--gold-rate",
        type=float,
        default=0.0,
        help=_("mix in gold images at this share for each of the vendor's annotators, "
        "unmarked (e.g. 0.1; default: none)"),
    )
    export.add_argument(
        "--gold-after",
        type=int,
        default=5,
        help=_("with --gold-rate: each annotator's first images without gold (default: 5)"),
    )


def _with_gold(project: Project, images: list, args: argparse.Namespace) -> list:
    """The images with gold mixed in when --gold-rate asks for it."""
    if not args.gold_rate:
        return images
    from labeler.core.gold_mix import add_gold_to_package

    mixed, _plan = add_gold_to_package(
        project, images, args.vendor, rate=args.gold_rate, after=args.gold_after
    )
    return mixed


def _register_others(sub: argparse._SubParsersAction) -> None:
    imp = sub.add_parser(
        "import",
        help=_("merge a vendor's package into the project"),
        description=_("Merge the vendor's annotations, reviews, acknowledgements and finished "
        "assignments, with provenance. Idempotent; never overwrites anyone's work; a package "
        "from another project or schema, a damaged one or one with any invalid row is "
        "refused and the project is left unchanged."),
    )
    imp.add_argument("project", type=Path, help=_("the project file"))
    imp.add_argument("package", type=Path, help=_("the .lbpkg file"))
    imp.add_argument("--json", action="store_true", help=_("print the summary as JSON"))
    imp.set_defaults(handler=run_import)

    open_ = sub.add_parser(
        "open",
        help=_("extract a package to work in it (prints the project path)"),
        description=_("Extract a package safely to NAME.lbpkg-work/ beside it (or reuse that "
        "folder) and print the project file to open there."),
    )
    open_.add_argument("package", type=Path, help=_("the .lbpkg file"))
    open_.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    open_.set_defaults(handler=run_open)

    save = sub.add_parser(
        "save",
        help=_("write the work back into the package"),
        description=_("Write the working folder's project back into the "
        "package file (atomically), ready to send back."),
    )
    save.add_argument("package", type=Path, help=_("the .lbpkg file"))
    save.add_argument("--json", action="store_true", help=_("print the result as JSON"))
    save.set_defaults(handler=run_save)


def run_export(args: argparse.Namespace) -> int:
    """Export a package."""
    from labeler.core.packages import export_package, select_images

    with Project.open(args.project) as project:
        images = _chosen_images(project, args, select_images)
        if args.assign:
            people = []
            for name in (n.strip() for n in args.assign.split(",") if n.strip()):
                person = project.person_by_name(name)
                if person is None:
                    raise UnknownEntityError(_("no person named {name}").format(name=repr(name)))
                if person.organization != args.vendor:
                    message = _("{name} is not from {vendor}")
                    raise LabelerError(message.format(name=name, vendor=repr(args.vendor)))
                people.append(person.id)
            project.assign_images(
                [i.id for i in images],
                people,
                overlap=args.overlap,
                blind=args.blind,
                hide_prelabels=not args.with_prelabels,
                batch=args.to.name,
            )
        images = _with_gold(project, images, args)
        summary = export_package(
            project,
            args.to,
            args.vendor,
            images,
            blind=args.blind,
            with_prelabels=args.with_prelabels,
            for_review=True if args.for_review else None,
        )
    if args.json:
        print_json(summary.to_dict())
    else:
        stdout.print(
            _("Wrote {path} for {vendor}: {images} images, {assignments} assignments, "
              "{annotations} earlier annotations, guideline v{guideline}").format(
                path=summary.path, vendor=summary.vendor, images=summary.images,
                assignments=summary.assignments, annotations=summary.annotations,
                guideline=summary.guideline)
        )
    return 0


def run_import(args: argparse.Namespace) -> int:
    """Import a package."""
    from labeler.core.packages import import_package

    with Project.open(args.project) as project:
        summary = import_package(project, args.package)
    if args.json:
        print_json(summary.to_dict())
    elif not summary.changed:
        stdout.print(_("{package}: nothing new (already imported)").format(package=args.package))
    else:
        added = summary.added
        stdout.print(
            _("Imported {package} from {vendor}: {annotations} annotations, {reviews} reviews, "
              "{people} new people, {acknowledgements} acknowledgements, {assignments} "
              "assignment updates, {questions} questions").format(
                package=args.package, vendor=summary.vendor, annotations=added["annotations"],
                reviews=added["reviews"], people=added["people"],
                acknowledgements=added["acknowledgements"], assignments=added["assignments"],
                questions=added.get("questions", 0))
        )
    return 0


def run_open(args: argparse.Namespace) -> int:
    """Extract a package for work."""
    from labeler.core.packages import open_package

    path = open_package(args.package)
    if args.json:
        print_json({"package": str(args.package), "project": str(path)})
    else:
        stdout.print(_("Work in {project} (then: labeler package save {package})").format(
            project=path, package=args.package))
    return 0


def run_save(args: argparse.Namespace) -> int:
    """Save the work back into the package."""
    from labeler.core.packages import save_package

    path = save_package(args.package)
    if args.json:
        print_json({"package": str(path)})
    else:
        stdout.print(_("Saved the work into {package}").format(package=path))
    return 0


def _chosen_images(project: Project, args: argparse.Namespace, select: Any) -> list:
    """The images of ``--images QUERY`` or of ``--slice NAME`` (exactly one of them)."""
    if (args.images is None) == (args.slice is None):
        raise LabelerError(
            _("choose the images with --images QUERY or --slice NAME (one of them)")
        )
    ids = slice_ids(project, args)
    if ids is None:
        return select(project, args.images)
    if not ids:
        message = _("slice {name} holds no images: nothing to send")
        raise LabelerError(message.format(name=repr(args.slice)))
    return project.images_by_ids(ids)
