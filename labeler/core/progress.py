"""Progress and cancellation for long core operations (import, pre-label, export).

A long job is a plain function taking a :class:`Progress`; the CLI drives it with
a rich progress bar, the GUI with a worker thread and a dialog (Orange's pattern).
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from labeler.core.errors import OperationCancelled
from labeler.core.i18n import _


class Progress:
    """Reports ``done`` of ``total`` steps and carries a thread-safe cancel flag."""

    def __init__(self, callback: Callable[[int, int, str], None] | None = None) -> None:
        self._callback = callback
        self._cancel = threading.Event()
        self.total = 0
        self.done = 0

    def start(self, total: int, message: str = "") -> None:
        """Begin a phase of ``total`` steps."""
        self.total, self.done = total, 0
        self._emit(message)

    def advance(self, steps: int = 1, message: str = "") -> None:
        """Record finished steps."""
        self.done += steps
        self._emit(message)

    def _emit(self, message: str) -> None:
        if self._callback is not None:
            self._callback(self.done, self.total, message)

    def cancel(self) -> None:
        """Ask the job to stop at its next check (safe from any thread)."""
        self._cancel.set()

    @property
    def cancelled(self) -> bool:
        """True once :meth:`cancel` was called."""
        return self._cancel.is_set()

    def check(self) -> None:
        """Raise :class:`OperationCancelled` if cancellation was requested."""
        if self._cancel.is_set():
            raise OperationCancelled(_("cancelled by the user; finished work was kept"))
