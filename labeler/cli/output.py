"""Printing for the CLI: messages, JSON, and progress bars with counts and ETA.

User text (names of people, classes, organisations, projects, tags, file names)
may contain ``[...]`` that rich would read as markup: ``[/]`` raises, and
``[link=...]`` or ``[bold red]`` would change what is shown. Both consoles
therefore print plain strings literally (no markup, no emoji codes); the few
styled lines are built with :func:`styled`, which escapes every value it is given.
"""

from __future__ import annotations

import errno
import json
import sqlite3
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text

from labeler.cli.i18n import _
from labeler.core.progress import Progress as CoreProgress

# Plain strings (messages, table cells) print exactly as given: user text is never markup.
stderr = Console(stderr=True, highlight=False, markup=False, emoji=False)
stdout = Console(highlight=False, markup=False, emoji=False)

# Fields of a styled() template are marked with private-use characters while parsing.
_FIELD_MARK = 0xF0000


def styled(template: str, *values: object) -> Text:
    """Rich text from a markup ``template`` whose ``{}`` fields are filled with ``values``.

    Only the template is markup; every value (user text) is inserted as plain
    text in the style around its field, so ``styled("[bold]{}[/]", "[/]x")`` shows
    ``[/]x`` in bold and never raises.
    """
    marks = [chr(_FIELD_MARK + i) for i in range(len(values))]
    text = Text.from_markup(template.format(*marks), emoji=False)
    result = Text()
    done = 0
    for mark, value in zip(marks, values, strict=True):
        at = text.plain.index(mark, done)
        result.append_text(text[done:at])
        literal = Text(str(value))
        for span in text[at : at + 1].spans:
            literal.stylize(span.style)
        result.append_text(literal)
        done = at + 1
    result.append_text(text[done:])
    return result


def fail(message: str, code: int) -> int:
    """Print an error message to stderr and return the exit code."""
    stderr.print(styled("[bold red]{}[/] {}", _("error:"), message), soft_wrap=True)
    return code




def describe_failure(exc: BaseException, project: object = None) -> str | None:
    """One line for a failure of the machine rather than of labeler, or None for a bug.

    An ``OSError`` (a full disk, a folder one may not read, a path whose parent is
    a file) names its file; SQLite's "database or disk is full" and disk I/O
    errors name the ``project``; an error of the ``inference`` package carries its
    own message. Anything else is a bug and keeps its traceback.
    """
    full = _("the disk is full; free some space and run it again (nothing half-written was left)")
    if isinstance(exc, OSError):
        what = exc.strerror or str(exc) or type(exc).__name__
        if exc.errno in (errno.ENOSPC, errno.EDQUOT):
            what = f"{what}: {full}"
        return f"{exc.filename}: {what}" if exc.filename else what
    if isinstance(exc, sqlite3.Error):
        name = getattr(exc, "sqlite_errorname", "")
        if name == "SQLITE_FULL":
            return _("{project}: cannot write to the project: {reason}").format(
                project=project, reason=full
            )
        if name.startswith("SQLITE_IOERR"):
            return _("{project}: the disk failed while writing the project ({error})").format(
                project=project, error=exc
            )
        return None
    errors = sys.modules.get("inference.errors")
    if errors is not None and isinstance(exc, errors.InferenceError):
        return str(exc)
    return None


def print_json(data: Any) -> None:
    """Write JSON to stdout (nothing else goes to stdout in --json mode).

    The text of ``json.dumps(data, indent=2, default=str)``, written as it is
    encoded: a diagnosis listing every error of a million images is never one
    string (nor a list of all its pieces) in memory.
    """
    encoder = json.JSONEncoder(indent=2, sort_keys=False, default=str)
    pending: list[str] = []
    size = 0
    for piece in encoder.iterencode(data):
        pending.append(piece)
        size += len(piece)
        if size >= 1 << 16:
            sys.stdout.write("".join(pending))
            pending, size = [], 0
    pending.append("\n")
    sys.stdout.write("".join(pending))
    sys.stdout.flush()


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator[CoreProgress]:
    """A core :class:`Progress` drawn as a bar on stderr with counts, rate and ETA."""
    if not enabled:
        yield CoreProgress()
        return
    bar = Progress(
        TextColumn("{task.description}", style="bold", markup=False),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn(_("eta")),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    )
    task = bar.add_task(description, total=None)

    def update(done: int, total: int, _message: str) -> None:
        bar.update(task, completed=done, total=total or None)

    with bar:
        yield CoreProgress(update)
