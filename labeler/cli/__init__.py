"""The ``labeler`` command line: every command goes through the same core API as the GUI."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from labeler import __version__
from labeler.cli import (
    analysis_commands,
    dataset_commands,
    gui_commands,
    guideline_commands,
    package_commands,
    prelabel_command,
    project_commands,
)
from labeler.cli.output import fail
from labeler.core.errors import LabelerError

EXIT_USER_ERROR = 2
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every sub-command registered."""
    parser = argparse.ArgumentParser(
        prog="labeler",
        description="Label and review images with model pre-labels, guidelines and agreement.",
    )
    parser.add_argument("--version", action="version", version=f"labeler {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    project_commands.register(commands)
    prelabel_command.register(commands)
    gui_commands.register(commands)
    guideline_commands.register(commands)
    package_commands.register(commands)
    analysis_commands.register(commands)
    dataset_commands.register(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; user errors print a message (no traceback) and exit 2."""
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return int(args.handler(args) or 0)
    except LabelerError as exc:
        return fail(str(exc), EXIT_USER_ERROR)
    except KeyboardInterrupt:
        return fail("interrupted; finished work was kept", EXIT_INTERRUPTED)


if __name__ == "__main__":
    sys.exit(main())
