"""The ``labeler`` command line: every command goes through the same core API as the GUI.

Start-up stays light: ``labeler --help`` lists every command by name and help from
:data:`COMMANDS` without importing any command module, and ``labeler NAME ...`` imports
only the module that defines NAME (its heavy imports, numpy, ONNX Runtime, the agreement
code, come with it and with nothing else). :func:`build_parser` still builds the full
parser with every module registered (tests and docs use it).
"""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType

from labeler.cli.about import VersionAction
from labeler.cli.i18n import N_, _
from labeler.cli.parsing import LabelerArgumentParser

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130

# Command name -> (module in labeler.cli that registers it, one-line help). The help is
# repeated here so that ``labeler --help`` needs no command module; a test checks that
# this table matches what the modules register, in the same order. The help is marked
# with N_ and translated when the parser is built (the modules mark theirs with _).
COMMANDS: dict[str, tuple[str, str]] = {
    "init": ("project_commands", N_("create a new project file")),
    "import": ("project_commands", N_("add images, and optionally annotations from another tool")),
    "info": ("project_commands", N_("summarise a project")),
    "classes": ("class_commands", N_("list, add, rename, recolour, reorder and merge classes")),
    "prelabel": ("prelabel_command", N_("pre-label images with a local ONNX model")),
    "open": (
        "gui_commands",
        N_("open a project or a vendor package (or a start screen) in the app"),
    ),
    "demo": ("gui_commands", N_("build the demo project and open it")),
    "guideline": ("guideline_commands", N_("publish, list, show and compare guideline versions")),
    "rereview": (
        "guideline_commands",
        N_("list annotations waiting for re-review after a guideline change"),
    ),
    "package": ("package_commands", N_("vendor work packages: export, import, open, save")),
    "questions": (
        "question_commands",
        N_("annotators' questions: list, ask, answer, promote to a guideline edge case"),
    ),
    "gold": (
        "gold_commands",
        N_("gold images: mark, unmark, list, score, assign with gold mixed in"),
    ),
    "vendors": ("vendor_commands", N_("the vendor scorecard per batch, and unit prices")),
    "disagreements": ("analysis_commands", N_("list where labels disagree, worst first")),
    "agreement": ("analysis_commands", N_("inter-annotator agreement on tags and objects")),
    "diagnose": (
        "analysis_commands",
        N_("evaluate a model run against reviewed or consensus labels"),
    ),
    "report": (
        "analysis_commands",
        N_("write a self-contained HTML report (agreement, disagreements, diagnosis)"),
    ),
    "export": ("dataset_commands", N_("export a cleaned dataset")),
    "curate": (
        "dataset_commands",
        N_("find duplicates, unsuitable images, label errors and rare classes"),
    ),
    "suggest": ("dataset_commands", N_("rank unlabeled images: what to label next")),
    "consensus": ("dataset_commands", N_("list consensus clusters that need adjudication")),
    "models": (
        "model_commands",
        N_("list, add and check the offline model folders (no downloads)"),
    ),
    "segment": (
        "segment_commands",
        N_("segment an image from points and/or a box with a local SAM-family model"),
    ),
    "embed": (
        "segment_commands",
        N_("precompute segmentation embeddings of a project's images (cached beside it)"),
    ),
    "slice": ("slice_commands", N_("save, list, show, compare and send named subsets of images")),
}


def command_modules() -> list[str]:
    """The command modules, in registration order."""
    return list(dict.fromkeys(module for module, _help in COMMANDS.values()))


def _module(name: str) -> ModuleType:
    return importlib.import_module(f"labeler.cli.{name}")


def _top_parser() -> tuple[argparse.ArgumentParser, argparse._SubParsersAction]:
    parser = LabelerArgumentParser(
        prog="labeler",
        description=_("Label and review images with model pre-labels, guidelines and agreement."),
    )
    parser.add_argument("--version", action=VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    return parser, commands


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered (imports every command module)."""
    parser, commands = _top_parser()
    for name in command_modules():
        _module(name).register(commands)
    return parser


def parser_for(argv: Sequence[str]) -> argparse.ArgumentParser:
    """A parser that fully registers only the command ``argv`` names (if any).

    Every other command is listed by its name and help alone, so ``labeler --help`` and
    ``labeler info ...`` import no more than they need.
    """
    wanted = next((arg for arg in argv if not arg.startswith("-")), None)
    chosen = COMMANDS[wanted][0] if wanted in COMMANDS else None
    parser, commands = _top_parser()
    for name, (module, help_text) in COMMANDS.items():
        if name in commands.choices:
            continue
        if module == chosen:
            _module(module).register(commands)
        else:
            commands.add_parser(name, help=_(help_text), add_help=False)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user errors print a message (no traceback) and exit 2."""
    from labeler.core.errors import LabelerError
    from labeler.core.memory import one_shot_collection

    argv = list(sys.argv[1:] if argv is None else argv)
    args = parser_for(argv).parse_args(argv)
    try:
        with one_shot_collection():
            return int(args.handler(args) or 0)
    except LabelerError as exc:
        from labeler.cli.output import fail

        return fail(str(exc), EXIT_USER_ERROR)
    except KeyboardInterrupt:
        from labeler.cli.output import fail

        return fail(_("interrupted; finished work was kept"), EXIT_INTERRUPTED)
    except Exception as exc:  # a full disk, an unreadable folder: one line, not a traceback
        from labeler.cli.output import describe_failure, fail

        message = describe_failure(exc, getattr(args, "project", None))
        if message is None:
            raise
        return fail(message, EXIT_USER_ERROR)


if __name__ == "__main__":
    sys.exit(main())
