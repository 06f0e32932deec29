"""Small chart widgets for the QA views, and the debounced background refresh they share.

Charts reuse the HTML report's SVG helpers (:mod:`labeler.core.report.svg`):
:class:`SvgChart` renders one SVG document with QtSvg on a light card, so the
app and the report draw the same charts. :class:`ChartCard` adds a title and a
one-line note. :class:`BackgroundRefresh` runs a plain core function on a
worker (with its own project connection), debounced, one run at a time.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import (
    QByteArray,
    QCoreApplication,
    QEvent,
    QObject,
    QRectF,
    QSize,
    Qt,
    QTimer,
    Signal,
    SignalInstance,
)
from PySide6.QtGui import QColor, QPainter, QPaintEvent
from PySide6.QtSvg import QSvgRenderer
from PySide6.QtWidgets import QFrame, QLabel, QSizePolicy, QVBoxLayout, QWidget

from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workers import Job, JobRunner
from labeler.core.events import Change, Entity
from labeler.core.progress import Progress

CARD_BACKGROUND = QColor(250, 251, 252)
# The words the core's SVG charts draw besides names and numbers (axes, a missing
# value, the confusion matrix's background row); passed in the user's language.
CHART_WORDS = {
    "truth": QT_TRANSLATE_NOOP("ChartCard", "truth"),
    "predicted": QT_TRANSLATE_NOOP("ChartCard", "predicted"),
    "recall": QT_TRANSLATE_NOOP("ChartCard", "recall"),
    "precision": QT_TRANSLATE_NOOP("ChartCard", "precision"),
    "n/a": QT_TRANSLATE_NOOP("ChartCard", "n/a"),
    "background": QT_TRANSLATE_NOOP("ChartCard", "background"),
}


def chart_word(word: str) -> str:
    """One of :data:`CHART_WORDS` in the user's language."""
    return QCoreApplication.translate("ChartCard", CHART_WORDS[word])


def matrix_labels(labels: Iterable[str]) -> list[str]:
    """A confusion matrix's row names: the classes as named, then "background" translated.

    The core appends the background row last (``labeler.core.diagnosis.confusion``).
    """
    names = list(labels)
    if names and names[-1] == "background":
        names[-1] = chart_word("background")
    return names


class SvgChart(QWidget):
    """One SVG chart drawn at its natural size (scaled down to fit, never up) on a light card."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._renderer = QSvgRenderer(self)
        self._svg = ""
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    @property
    def svg(self) -> str:
        """The SVG document shown ('' for none)."""
        return self._svg

    def set_svg(self, svg: str) -> None:
        """Show another chart."""
        self._svg = svg
        self._renderer.load(QByteArray(svg.encode("utf-8")))
        self.updateGeometry()
        self.update()

    def sizeHint(self) -> QSize:
        """The chart's own size plus a margin."""
        size = self._renderer.defaultSize() if self._svg else QSize(300, 40)
        return QSize(size.width() + 16, size.height() + 16)

    def minimumSizeHint(self) -> QSize:
        """Charts shrink down to half their size."""
        hint = self.sizeHint()
        return QSize(hint.width() // 2, hint.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        """The card, then the chart centred in it, aspect kept."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(CARD_BACKGROUND)
        painter.drawRoundedRect(QRectF(self.rect()), 6, 6)
        if not self._svg:
            return
        size = self._renderer.defaultSize()
        area = QRectF(self.rect()).adjusted(8, 8, -8, -8)
        scale = min(1.0, area.width() / max(size.width(), 1), area.height() / max(size.height(), 1))
        w, h = size.width() * scale, size.height() * scale
        self._renderer.render(
            painter, QRectF(area.left() + (area.width() - w) / 2, area.top(), w, h)
        )
        painter.end()


class ChartCard(QFrame):
    """A titled chart with a short note under it (what the numbers mean, or why there are none)."""

    def __init__(self, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel(title)
        self.title.setObjectName("panelTitle")
        self.chart = SvgChart()
        self.note = QLabel()
        self.note.setObjectName("secondaryText")
        self.note.setWordWrap(True)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 8)
        layout.addWidget(self.title)
        layout.addWidget(self.chart)
        layout.addWidget(self.note)

    def show_chart(self, svg: str, note: str = "") -> None:
        """Show a chart (and a note)."""
        self.chart.set_svg(svg)
        self.chart.setVisible(True)
        self.note.setText(note)
        self.note.setVisible(bool(note))

    def show_empty(self, note: str) -> None:
        """No chart: say why."""
        self.chart.set_svg("")
        self.chart.setVisible(False)
        self.note.setText(note)
        self.note.setVisible(True)


class BackgroundRefresh(QObject):
    """Recompute something on a worker thread: debounced, one run at a time, latest wins.

    ``compute(progress)`` must open its own ``Project.open(path)``. Its result is
    delivered by ``resultReady(result)``; a :class:`LabelerError` by
    ``failed(message)``. A request while a run is under way queues exactly one
    more run after it (the data may have changed meanwhile).
    """

    resultReady = Signal(object)
    failed = Signal(str)
    busyChanged = Signal(bool)

    def __init__(
        self,
        compute: Callable[[Progress], Any],
        name: str,
        delay_ms: int = 800,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.compute = compute
        self.name = name
        self.runner = JobRunner(self)
        self._job: Job | None = None
        self._pending = False
        self._closed = False
        self.runs = 0
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(delay_ms)
        self._timer.timeout.connect(self.run_now)
        self.stale = True
        """Whether data changed since the last run (true until the first run)."""
        self._widget: QWidget | None = None
        self._watched: frozenset[Entity] = frozenset()

    def follow(self, widget: QWidget, changes: SignalInstance, watched: Iterable[Entity]) -> None:
        """Keep ``widget``'s data current: the skeleton every computed panel shares.

        After a change (from ``changes``, the workspace's ``changed`` signal) of one of
        the ``watched`` entities, rerun soon if the widget is shown, else mark the data
        stale; when the widget is shown (first time, or again), rerun if it is stale.
        """
        self._widget = widget
        self._watched = frozenset(watched)
        widget.installEventFilter(self)
        changes.connect(self._on_change)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """A followed widget is being shown: recompute what changed while it was hidden."""
        if watched is self._widget and event.type() == QEvent.Type.Show:
            self.request_if_stale()
        return False

    def _on_change(self, change: Change) -> None:
        if self._widget is not None and change.entity in self._watched:
            self.request_if_visible(self._widget)

    @property
    def busy(self) -> bool:
        """True while a run is queued or under way."""
        return self._job is not None

    def request(self) -> None:
        """Run after a quiet moment (changes in a burst cause one run)."""
        self.stale = False
        if not self._closed:
            self._timer.start()

    def request_if_visible(self, widget: QWidget) -> None:
        """After a change: recompute soon if ``widget`` is shown, else once it is shown again."""
        if widget.isVisible():
            self.request()
        else:
            self.stale = True

    def request_if_stale(self) -> None:
        """From the widget's ``showEvent``: recompute what changed while it was hidden."""
        if self.stale:
            self.request()

    def run_now(self) -> None:
        """Run at once (or right after the run under way)."""
        self._timer.stop()
        self.stale = False
        if self._closed:
            return
        if self._job is not None:
            self._pending = True
            return
        self._job = self.runner.run(
            self.compute,
            self.name,
            on_success=self._succeeded,
            on_failure=self._failed,
            on_finished=self._finished,
        )
        self.busyChanged.emit(True)

    def _succeeded(self, result: Any) -> None:
        if not self._closed:
            self.resultReady.emit(result)

    def _failed(self, message: str) -> None:
        if not self._closed:
            self.failed.emit(message)

    def _finished(self) -> None:
        self._job = None
        self.runs += 1
        if self._closed:
            return
        self.busyChanged.emit(False)
        if self._pending:
            self._pending = False
            self.run_now()

    def shutdown(self) -> None:
        """Cancel and wait for the run under way; nothing is delivered afterwards."""
        self._closed = True
        self._timer.stop()
        self.runner.shutdown()
