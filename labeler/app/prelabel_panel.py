"""Pre-label controls: show/hide, confidence slider, accept all, and "Pre-label this image".

Running the model happens on a worker thread with its own project connection;
the canvas stays responsive and shows the new pre-labels when the run is stored.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from labeler.app import jobs
from labeler.app.canvas.controller import DEFAULT_THRESHOLD, CanvasController
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workers import JobRunner
from labeler.app.workspace import Workspace
from labeler.core.events import Change, Entity

SETTINGS_THRESHOLD = "prelabels/threshold"
_DROPPED_ONE = QT_TRANSLATE_NOOP(
    "PrelabelPanel",
    "Dropped %n detection of classes the class map or the project does not have: {classes}",
)
_DROPPED_MANY = QT_TRANSLATE_NOOP(
    "PrelabelPanel",
    "Dropped %n detections of classes the class map or the project does not have: {classes}",
)


class PrelabelPanel(QWidget):
    """Pre-label visibility, threshold, counts and actions for the current image.

    ``providerChanged(label)`` reports where the model actually ran (CPU/CUDA).
    """

    providerChanged = Signal(str)
    prelabelFinished = Signal(int)

    def __init__(
        self, workspace: Workspace, controller: CanvasController, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.controller = controller
        self.runner = JobRunner(self)
        self._settings = QSettings()
        self._build()
        saved = self._settings.value(SETTINGS_THRESHOLD, DEFAULT_THRESHOLD)
        self.set_threshold(
            float(saved) if isinstance(saved, int | float | str) else DEFAULT_THRESHOLD
        )
        controller.shapesChanged.connect(self._update_counts)
        workspace.changed.connect(self._on_change)

    def _build(self) -> None:
        self.show_box = QCheckBox(self.tr("Show pre-labels"))
        self.show_box.setChecked(True)
        self.show_box.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.show_box.toggled.connect(self.controller.set_predictions_visible)
        self.slider = QSlider(Qt.Orientation.Horizontal)
        self.slider.setRange(0, 100)
        self.slider.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.slider.valueChanged.connect(self._on_slider)
        self.threshold_label = QLabel()
        self.threshold_label.setMinimumWidth(36)
        self.counts_label = QLabel()
        self.counts_label.setObjectName("secondaryText")
        self.counts_label.setWordWrap(True)
        self.accept_all_button = QPushButton(self.tr("Accept all shown"))
        self.accept_all_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.accept_all_button.clicked.connect(self.controller.accept_all_visible)
        self.run_button = QPushButton(self.tr("Pre-label this image"))
        self.run_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.run_button.clicked.connect(self.prelabel_current_image)
        self.busy = QProgressBar()
        self.busy.setRange(0, 0)
        self.busy.setMaximumHeight(6)
        self.busy.setTextVisible(False)
        self.busy.hide()
        self.run_status = QLabel()
        self.run_status.setObjectName("secondaryText")
        self.run_status.setWordWrap(True)
        slider_row = QHBoxLayout()
        slider_row.addWidget(QLabel(self.tr("Min. score")))
        slider_row.addWidget(self.slider, 1)
        slider_row.addWidget(self.threshold_label)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_all_button)
        buttons.addWidget(self.run_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(6)
        layout.addWidget(self.show_box)
        layout.addLayout(slider_row)
        layout.addWidget(self.counts_label)
        layout.addLayout(buttons)
        layout.addWidget(self.busy)
        layout.addWidget(self.run_status)
        layout.addStretch(1)

    # Threshold and visibility

    @property
    def threshold(self) -> float:
        """The confidence threshold (0-1)."""
        return self.slider.value() / 100.0

    def set_threshold(self, value: float) -> None:
        """Show pre-labels scoring at least ``value``."""
        self.slider.setValue(round(max(0.0, min(1.0, value)) * 100))
        self._on_slider(self.slider.value())

    def _on_slider(self, value: int) -> None:
        self.threshold_label.setText(f"{value / 100:.2f}")
        self.controller.set_threshold(value / 100.0)
        self._settings.setValue(SETTINGS_THRESHOLD, value / 100.0)

    def toggle_visible(self) -> None:
        """Show or hide pre-labels."""
        self.show_box.setChecked(not self.show_box.isChecked())

    def _update_counts(self) -> None:
        open_ = self.controller.open_predictions()
        visible = self.controller.visible_predictions()
        total = len(self.controller.predictions)
        if total == 0:
            self.counts_label.setText(self.tr("No pre-labels on this image."))
        else:
            below = len(open_) - len(visible)
            done = total - len(open_)
            self.counts_label.setText(
                self.tr(
                    "{shown} shown · {below} below the threshold · {done} accepted/rejected"
                ).format(shown=len(visible), below=below, done=done)
            )
        self.accept_all_button.setEnabled(bool(visible) and self.show_box.isChecked())
        self.accept_all_button.setText(
            self.tr("Accept all shown ({count})").format(count=len(visible))
        )

    # Running the model

    def prelabel_current_image(self) -> None:
        """Run the project's model on the current image in the background."""
        image_id = self.workspace.current_image_id
        if image_id is None or self.runner.busy:
            return
        self.run_button.setEnabled(False)
        self.busy.show()
        self.run_status.setText(self.tr("Running the model…"))
        path = self.workspace.project.path
        self.runner.run(
            lambda progress: jobs.prelabel_one(path, image_id, progress),
            self.tr("Pre-labeling"),
            on_success=lambda summary: self._on_prelabeled(image_id, summary),
            on_failure=self._on_failed,
            on_finished=self._on_finished,
        )

    def _on_prelabeled(self, image_id: int, summary: Any) -> None:
        provider = str(getattr(summary, "provider", "") or "")
        count = getattr(summary, "predictions", None)
        note = getattr(summary, "fallback_note", None)
        text = self.tr("%n pre-labels", "", count) if count is not None else self.tr("Pre-labeled")
        short = provider.removesuffix("ExecutionProvider") or "?"
        text += " · " + self.tr("ran on {provider}").format(provider=short)
        dropped = getattr(summary, "dropped", None)
        if isinstance(dropped, dict):
            text += dropped_note(dropped, count)
        if note:
            text += f"\n{note}"
        self.run_status.setText(text)
        if provider:
            self.providerChanged.emit(short)
        self.workspace.poll_external_changes()  # the job committed through its own connection
        self.prelabelFinished.emit(image_id)

    def _on_failed(self, message: str) -> None:
        text = self.tr("Pre-labeling failed: {message}").format(message=message)
        self.run_status.setText(text)
        self.workspace.errorRaised.emit(text)

    def _on_finished(self) -> None:
        self.busy.hide()
        self.run_button.setEnabled(True)

    def _on_change(self, change: Change) -> None:
        if change.entity == Entity.MODEL_RUN:
            self._update_counts()

    def shutdown(self) -> None:
        """Cancel a running model job and wait for it."""
        self.runner.shutdown()


def dropped_note(dropped: dict[str, int], kept: int | None) -> str:
    """Why detections were left out: the model classes dropped (class map or project lacks them).

    '' when nothing was dropped and something was kept; otherwise a line a person can act on.
    """
    if dropped:
        total = sum(dropped.values())
        classes = ", ".join(
            f"{name} ×{n}" for name, n in sorted(dropped.items(), key=lambda kv: (-kv[1], kv[0]))
        )
        source = _DROPPED_ONE if total == 1 else _DROPPED_MANY
        return "\n" + QCoreApplication.translate("PrelabelPanel", source, "", total).format(
            classes=classes
        )
    if kept == 0:
        return "\n" + QCoreApplication.translate(
            "PrelabelPanel", "The model found nothing on this image at its confidence threshold."
        )
    return ""
