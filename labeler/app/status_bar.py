"""The status bar: image index, zoom, cursor, tool, inference provider, guideline, save state."""

from __future__ import annotations

import math
import time

from PySide6.QtCore import QCoreApplication, QTimer
from PySide6.QtWidgets import QLabel, QStatusBar, QWidget

from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.core.errors import LabelerError

_TOOL_NAMES = {
    "select": QT_TRANSLATE_NOOP("WorkspaceStatusBar", "Select"),
    "box": QT_TRANSLATE_NOOP("WorkspaceStatusBar", "Box (W)"),
    "polygon": QT_TRANSLATE_NOOP("WorkspaceStatusBar", "Polygon (P)"),
    "ai_polygon": QT_TRANSLATE_NOOP("WorkspaceStatusBar", "AI polygon (S)"),
}


class WorkspaceStatusBar(QStatusBar):
    """Permanent fields on the right, transient messages on the left."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.index_label = QLabel("–")
        self.zoom_label = QLabel("100%")
        self.cursor_label = QLabel("")
        self.tool_label = QLabel(self.tr("Select"))
        self.provider_label = QLabel(self.tr("Model: –"))
        self.guideline_label = QLabel(self.tr("Guideline: –"))
        self.save_label = QLabel(self.tr("✓ All changes saved"))
        self.save_label.setObjectName("saveOk")
        self.cursor_label.setMinimumWidth(120)
        self.zoom_label.setMinimumWidth(56)
        for label in (
            self.index_label,
            self.tool_label,
            self.zoom_label,
            self.cursor_label,
            self.provider_label,
            self.guideline_label,
            self.save_label,
        ):
            self.addPermanentWidget(label)
        self._saved_at: float | None = None
        self._tick = QTimer(self)
        self._tick.setInterval(15_000)
        self._tick.timeout.connect(self._refresh_saved)
        self._tick.start()

    def set_index(self, row: int, count: int, name: str = "", status: str = "") -> None:
        """'Image 3 / 40 · name.jpg · in progress'."""
        text = (
            self.tr("Image {index} / {count}").format(index=f"{row + 1:,}", count=f"{count:,}")
            if row >= 0
            else f"– / {count:,}"
        )
        for part in (name, status):
            if part:
                text += f" · {part}"
        self.index_label.setText(text)

    def set_zoom(self, scale: float) -> None:
        """Zoom as a percentage."""
        self.zoom_label.setText(f"{scale * 100:.0f}%")

    def set_cursor(self, x: float, y: float) -> None:
        """Cursor position in image pixels (blank outside the image)."""
        if math.isnan(x) or math.isnan(y):
            self.cursor_label.setText("")
        else:
            self.cursor_label.setText(f"x {int(x)}  y {int(y)}")

    def set_tool(self, name: str) -> None:
        """The active tool."""
        known = _TOOL_NAMES.get(name)
        shown = QCoreApplication.translate("WorkspaceStatusBar", known) if known else name
        self.tool_label.setText(shown)

    def set_provider(self, label: str) -> None:
        """Where inference runs: 'CPU', 'CUDA', or 'none' before the first run."""
        text = self.tr("no model run yet") if label in ("", "none") else label
        self.provider_label.setText(self.tr("Inference: {provider}").format(provider=text))
        self.provider_label.setToolTip(
            self.tr(
                "Execution provider of the newest model run (the one actually used, "
                "not requested)"
            )
        )

    def set_guideline(self, text: str, ok: bool, tip: str = "") -> None:
        """The guideline version in force: 'Guideline v3' (red while not acknowledged)."""
        self.guideline_label.setObjectName("" if ok else "saveError")
        self.guideline_label.style().unpolish(self.guideline_label)
        self.guideline_label.style().polish(self.guideline_label)
        self.guideline_label.setText(text)
        self.guideline_label.setToolTip(tip)

    def set_save_state(self, message: str, ok: bool) -> None:
        """'All changes saved' (green) or what failed (red)."""
        self.save_label.setObjectName("saveOk" if ok else "saveError")
        self.save_label.style().unpolish(self.save_label)
        self.save_label.style().polish(self.save_label)
        if ok:
            self._saved_at = time.time()
            self.save_label.setText(self.tr("✓ All changes saved"))
            self.save_label.setToolTip(
                self.tr("Every edit is written to the project file as it is made")
            )
        else:
            self.save_label.setText(self.tr("⚠ Not saved"))
            self.save_label.setToolTip(message)
            self.showMessage(message, 10_000)

    def _refresh_saved(self) -> None:
        if self._saved_at is None or self.save_label.objectName() != "saveOk":
            return
        seconds = time.time() - self._saved_at
        if seconds < 60:
            self.save_label.setToolTip(self.tr("Last edit saved just now"))
        else:
            self.save_label.setToolTip(
                self.tr("Last edit saved %n min ago", "", int(seconds // 60))
            )

    def show_error(self, error: LabelerError | str) -> None:
        """A transient error message."""
        self.showMessage(str(error), 10_000)
