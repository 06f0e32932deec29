"""Printing for the CLI: messages, JSON, and progress bars with counts and ETA."""

from __future__ import annotations

import json
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

from labeler.core.progress import Progress as CoreProgress

stderr = Console(stderr=True, highlight=False)
stdout = Console(highlight=False)


def fail(message: str, code: int) -> int:
    """Print an error message to stderr and return the exit code."""
    stderr.print(f"[bold red]error:[/] {message}", markup=True, soft_wrap=True)
    return code


def print_json(data: Any) -> None:
    """Write JSON to stdout (nothing else goes to stdout in --json mode)."""
    sys.stdout.write(json.dumps(data, indent=2, sort_keys=False, default=str) + "\n")
    sys.stdout.flush()


@contextmanager
def progress_bar(description: str, enabled: bool = True) -> Iterator[CoreProgress]:
    """A core :class:`Progress` drawn as a bar on stderr with counts, rate and ETA."""
    if not enabled:
        yield CoreProgress()
        return
    bar = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TextColumn("eta"),
        TimeRemainingColumn(),
        console=stderr,
        transient=False,
    )
    task = bar.add_task(description, total=None)

    def update(done: int, total: int, _message: str) -> None:
        bar.update(task, completed=done, total=total or None)

    with bar:
        yield CoreProgress(update)
