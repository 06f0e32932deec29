"""``labeler models list|add|check``: the offline model folders and their manifests."""

from __future__ import annotations

import argparse
from pathlib import Path

from rich.table import Table

from labeler.cli.i18n import _
from labeler.cli.output import print_json, stderr, stdout, styled
from labeler.cli.words import word
from labeler.core.segment_models import (
    KINDS,
    ModelEntry,
    ModelFileProblem,
    add_model,
    check_models,
    list_models,
    model_folders,
    project_models_dir,
    user_models_dir,
)


def register(commands: argparse._SubParsersAction) -> None:
    """Add the models command to the CLI."""
    models = commands.add_parser(
        "models",
        help=_("list, add and check the offline model folders (no downloads)"),
        description=_("Models live in folders with a models.json manifest naming each file and "
        "its sha256: the project's models/ folder, the user's folder ($LABELER_MODELS_DIR or "
        "~/.local/share/labeler/models) and the models shipped with labeler. Nothing is "
        "downloaded. See docs/models.md."),
    )
    sub = models.add_subparsers(dest="models_command", metavar="ACTION", required=True)
    listing = sub.add_parser("list", help=_("every model in every folder, in search order"))
    _project_option(listing)
    listing.add_argument("--json", action="store_true", help=_("print the models as JSON"))
    listing.set_defaults(handler=run_list)

    add = sub.add_parser("add", help=_("copy (or link) a model into a folder and record it"))
    add.add_argument("name", help=_("the model's name (used by --model)"))
    add.add_argument("--encoder", type=Path, help=_("a segmenter's image encoder (.onnx)"))
    add.add_argument("--decoder", type=Path, help=_("a segmenter's prompt decoder (.onnx)"))
    add.add_argument("--detector", type=Path, help=_("a detection model (.onnx) instead"))
    where = add.add_mutually_exclusive_group()
    where.add_argument("--project", type=Path, help=_("add to this project's models/ folder"))
    where.add_argument("--to", type=Path, help=_("add to this folder (default: the user's)"))
    add.add_argument("--link", action="store_true", help=_("link the files instead of copying"))
    add.add_argument("--replace", action="store_true", help=_("replace a model of that name"))
    add.set_defaults(handler=run_add)

    check = sub.add_parser("check", help=_("verify every file against its recorded sha256"))
    check.add_argument("name", nargs="?", help=_("check only this model"))
    _project_option(check)
    check.add_argument("--json", action="store_true", help=_("print the checks as JSON"))
    check.set_defaults(handler=run_check)


def _project_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--project", type=Path, help=_("also the models/ folder of this project"))


def _entry_dict(entry: ModelEntry) -> dict[str, object]:
    return {
        "name": entry.name,
        "kind": entry.kind,
        "layout": entry.layout,
        "source": entry.source,
        "folder": str(entry.folder),
        "files": {f.role: {"path": str(f.path), "sha256": f.sha256} for f in entry.files},
    }


def run_list(args: argparse.Namespace) -> int:
    """Print the models of every folder, in the order ``--model NAME`` searches them."""
    entries = list_models(args.project)
    if args.json:
        print_json({"models": [_entry_dict(e) for e in entries]})
        return 0
    if not entries:
        folders = ", ".join(str(f) for _s, f in model_folders(args.project))
        stdout.print(_("No models in {folders}. Add one with `labeler models add`.").format(
            folders=folders))
        return 0
    table = Table(_("name"), _("kind"), _("layout"), _("where"), _("files"))
    for entry in entries:
        files = ", ".join(f"{f.role} {f.sha256[:12]}" for f in entry.files)
        table.add_row(entry.name, word(entry.kind), entry.layout or "-", word(entry.source), files)
    stdout.print(table)
    return 0


def run_add(args: argparse.Namespace) -> int:
    """Add a segmenter (encoder + decoder, layout detected) or a detector."""
    files, kind, layout = _files_to_add(args)
    folder = args.to or (project_models_dir(args.project) if args.project else user_models_dir())
    entry = add_model(
        folder, args.name, kind, files, layout=layout, link=args.link, replace=args.replace
    )
    stdout.print(
        styled(
            _("Added [bold]{}[/] ({}) to {}"),
            entry.name,
            kind + (_(", layout {layout}").format(layout=layout) if layout else ""),
            entry.folder,
        )
    )
    for spec in entry.files:
        stdout.print(f"  {spec.role}: {spec.path} sha256 {spec.sha256}")
    return 0


def _files_to_add(args: argparse.Namespace) -> tuple[dict[str, Path], str, str | None]:
    if args.detector is not None:
        if args.encoder or args.decoder:
            raise ModelFileProblem(_("give --detector, or --encoder and --decoder, not both"))
        from inference import load_model

        load_model(args.detector, device="cpu")  # refuses what the detector path cannot run
        return {"model": args.detector}, KINDS[1], None
    if args.encoder is None or args.decoder is None:
        raise ModelFileProblem(_("a segmenter needs --encoder and --decoder (or give --detector)"))
    from inference.segmentation import load_segmenter

    segmenter = load_segmenter(args.encoder, args.decoder, providers=["CPUExecutionProvider"])
    return {"encoder": args.encoder, "decoder": args.decoder}, KINDS[0], segmenter.info.layout


def run_check(args: argparse.Namespace) -> int:
    """Check files against their sha256; exit 2 naming every missing or wrong file."""
    entries = [e for e in list_models(args.project) if args.name in (None, e.name)]
    if args.name and not entries:
        stderr.print(styled("[bold red]{}[/] {}", _("error:"),
                            _("no model called {name}").format(name=args.name)))
        return 2
    checks = check_models(entries)
    bad = [c for c in checks if not c.ok]
    if args.json:
        print_json(
            {
                "ok": not bad,
                "files": [
                    {
                        "model": c.model,
                        "role": c.role,
                        "path": str(c.path),
                        "expected_sha256": c.expected_sha256,
                        "actual_sha256": c.actual_sha256,
                        "ok": c.ok,
                    }
                    for c in checks
                ],
            }
        )
    else:
        for check in checks:
            if check.ok:
                stdout.print(f"{_('ok'):<8} {check.model} {check.role}: {check.path}")
            else:
                stdout.print(styled("[red]{}[/]  {}", _("problem"), check.problem()),
                             soft_wrap=True)
        stdout.print(_("{ok} of {n} files ok").format(ok=len(checks) - len(bad), n=len(checks)))
    return 2 if bad else 0
