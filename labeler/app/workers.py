"""One generic worker for everything slower than a frame: a plain function run off the GUI thread.

Orange's pattern: a long job is a plain core function taking a
:class:`~labeler.core.progress.Progress` (which reports steps and carries the
cancel flag). :class:`Job` runs it on a ``QThreadPool`` and reports back
through Qt signals (queued to the GUI thread); :class:`ProgressDialog` shows a
bar, an ETA and a Cancel button that calls ``progress.cancel()``.

A job that touches the project must open its OWN ``Project.open(path)``: a
project's SQLite connection belongs to the thread that opened it.
"""

from __future__ import annotations

import sys
import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, QTimer, Signal
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QVBoxLayout,
    QWidget,
)

from labeler.core.errors import LabelerError, OperationCancelled
from labeler.core.progress import Progress

JobFunction = Callable[[Progress], Any]


class JobSignals(QObject):
    """What a job reports; emitted from the worker thread, delivered on the GUI thread."""

    progressed = Signal(int, int, str)
    succeeded = Signal(object)
    failed = Signal(str)
    cancelled = Signal()
    finished = Signal()


class Job(QRunnable):
    """A plain function with a :class:`Progress`, run once on a thread pool.

    The function's return value arrives in ``signals.succeeded``; a
    :class:`LabelerError` in ``signals.failed`` as its message; any other error too,
    with its traceback printed to stderr (a bug, but never a crash of the app).
    """

    def __init__(self, function: JobFunction, name: str = "job") -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.name = name
        self.function = function
        self.signals = JobSignals()
        self.progress = Progress(self.signals.progressed.emit)
        self.started_at = 0.0

    def run(self) -> None:
        """Run the function (on a pool thread)."""
        self.started_at = time.monotonic()
        try:
            result = self.function(self.progress)
        except OperationCancelled:
            self.signals.cancelled.emit()
        except LabelerError as exc:
            self.signals.failed.emit(str(exc))
        except Exception as exc:  # a bug: report it, keep the app alive
            traceback.print_exc(file=sys.stderr)
            self.signals.failed.emit(
                QCoreApplication.translate(
                    "ProgressDialog", "{job} failed unexpectedly: {error}"
                ).format(job=self.name, error=f"{type(exc).__name__}: {exc}")
            )
        else:
            if self.progress.cancelled:
                self.signals.cancelled.emit()
            else:
                self.signals.succeeded.emit(result)
        finally:
            self.signals.finished.emit()

    def cancel(self) -> None:
        """Ask the function to stop at its next ``progress.check()``."""
        self.progress.cancel()


def make_job(
    function: JobFunction,
    name: str,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[str], None] | None = None,
    on_finished: Callable[[], None] | None = None,
) -> Job:
    """A job with its handlers connected, not started yet."""
    job = Job(function, name)
    if on_success is not None:
        job.signals.succeeded.connect(on_success)
    if on_failure is not None:
        job.signals.failed.connect(on_failure)
    if on_finished is not None:
        job.signals.finished.connect(on_finished)
    return job


class JobRunner(QObject):
    """Starts jobs on its own pool and keeps them alive until they finish."""

    def __init__(self, parent: QObject | None = None, threads: int = 1) -> None:
        super().__init__(parent)
        self.pool = QThreadPool(self)
        self.pool.setMaxThreadCount(threads)
        self._running: set[Job] = set()

    def start(self, job: Job) -> Job:
        """Queue ``job``; returns it so the caller can connect to its signals."""
        self._running.add(job)
        job.signals.finished.connect(lambda: self._running.discard(job))
        self.pool.start(job)
        return job

    def run(
        self,
        function: JobFunction,
        name: str,
        on_success: Callable[[Any], None] | None = None,
        on_failure: Callable[[str], None] | None = None,
        on_finished: Callable[[], None] | None = None,
    ) -> Job:
        """Build a job, connect the handlers, then start it (so no report is missed)."""
        return self.start(make_job(function, name, on_success, on_failure, on_finished))

    @property
    def busy(self) -> bool:
        """True while any job is queued or running."""
        return bool(self._running)

    def shutdown(self, wait_ms: int = 5000) -> None:
        """Cancel every job and wait for the running ones to stop."""
        for job in list(self._running):
            job.cancel()
        self.pool.clear()
        self.pool.waitForDone(wait_ms)


def format_eta(seconds: float) -> str:
    """'12 s', '3 min 05 s' or '1 h 02 min'."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return QCoreApplication.translate("ProgressDialog", "{s} s").format(s=seconds)
    if seconds < 3600:
        return QCoreApplication.translate("ProgressDialog", "{min} min {s} s").format(
            min=seconds // 60, s=f"{seconds % 60:02d}"
        )
    return QCoreApplication.translate("ProgressDialog", "{h} h {min} min").format(
        h=seconds // 3600, min=f"{seconds % 3600 // 60:02d}"
    )


class ProgressDialog(QDialog):
    """Modal progress for a long job: message, bar, done/total, ETA and Cancel."""

    def __init__(self, job: Job, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(title)
        self.setMinimumWidth(420)
        self.job = job
        self._message = QLabel(title)
        self.bar = QProgressBar()
        self.bar.setRange(0, 0)
        self._detail = QLabel(self.tr("starting…"))
        self._detail.setObjectName("secondaryText")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        buttons.rejected.connect(self._cancel)
        self._cancel_button = buttons.button(QDialogButtonBox.StandardButton.Cancel)
        layout = QVBoxLayout(self)
        layout.addWidget(self._message)
        layout.addWidget(self.bar)
        layout.addWidget(self._detail)
        layout.addWidget(buttons)
        self._started = time.monotonic()
        job.signals.progressed.connect(self._on_progress)
        job.signals.finished.connect(self.accept)

    def _on_progress(self, done: int, total: int, message: str) -> None:
        if message:
            self._message.setText(message)
        if total <= 0:
            return
        self.bar.setRange(0, total)
        self.bar.setValue(min(done, total))
        elapsed = time.monotonic() - self._started
        detail = self.tr("{done} of {total}").format(done=f"{done:,}", total=f"{total:,}")
        if 0 < done < total and elapsed > 0.5:
            eta = format_eta(elapsed / done * (total - done))
            detail += self.tr(" · about {eta} left").format(eta=eta)
        self._detail.setText(detail)

    def _cancel(self) -> None:
        self.job.cancel()
        self._cancel_button.setEnabled(False)
        self._detail.setText(self.tr("cancelling… (finished work is kept)"))

    def reject(self) -> None:
        """Escape or closing the dialog cancels the job (the dialog closes when it stops)."""
        self._cancel()


def run_with_dialog(
    runner: JobRunner,
    function: JobFunction,
    title: str,
    parent: QWidget,
    on_success: Callable[[Any], None] | None = None,
    on_failure: Callable[[str], None] | None = None,
) -> Job:
    """Start a job and show a non-blocking modal progress dialog until it ends."""
    job = make_job(function, title, on_success, on_failure)
    dialog = ProgressDialog(job, title, parent)  # connected before the job can report
    dialog.setModal(True)
    job.signals.finished.connect(dialog.deleteLater)
    runner.start(job)
    QTimer.singleShot(0, dialog.show)
    return job
