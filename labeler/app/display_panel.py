"""The Display dock: what the canvas shows (view only): classes, fill, tone, overlays, legend.

Every control changes :class:`~labeler.app.display_settings.DisplaySettings`,
never a label; the canvas redraws from it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QPainter, QPaintEvent, QPen
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSlider,
    QVBoxLayout,
    QWidget,
)

from labeler.app.canvas.overlays import TYPE_STYLES
from labeler.app.class_panel import color_swatch
from labeler.app.display_settings import ADJUST_LIMIT, DEFAULT_FILL_OPACITY, DisplaySettings
from labeler.app.i18n import QT_TRANSLATE_NOOP
from labeler.app.workspace import Workspace
from labeler.core.events import Change, Entity

# The legend's caption of each disagreement type (marked for translation).
_TYPE_CAPTIONS = {
    "missing": QT_TRANSLATE_NOOP("DisplayPanel", "Missing (disagreement)"),
    "extra": QT_TRANSLATE_NOOP("DisplayPanel", "Extra (disagreement)"),
    "class_mismatch": QT_TRANSLATE_NOOP("DisplayPanel", "Class mismatch (disagreement)"),
    "low_overlap": QT_TRANSLATE_NOOP("DisplayPanel", "Low overlap (disagreement)"),
    "tag_mismatch": QT_TRANSLATE_NOOP("DisplayPanel", "Tag mismatch (disagreement)"),
}

# Every mark the canvas can draw, explained (the legend): (sample, caption), in English;
# shown through QCoreApplication.translate("DisplayPanel", caption).
LEGEND_MARKS: tuple[tuple[str, str], ...] = (
    ("solid", QT_TRANSLATE_NOOP("DisplayPanel", "annotation (filled with its class colour)")),
    ("dashed", QT_TRANSLATE_NOOP("DisplayPanel", "pre-label, with the model's score")),
    (
        "name",
        QT_TRANSLATE_NOOP(
            "DisplayPanel", "“crack · alice”: whose shape, where people's shapes overlap"
        ),
    ),
    *(
        (kind, _TYPE_CAPTIONS.get(kind, f"{style.title} (disagreement)"))
        for kind, style in TYPE_STYLES.items()
    ),
    (
        "side_b",
        QT_TRANSLATE_NOOP(
            "DisplayPanel", "dashed disagreement outline: the other side (person or model)"
        ),
    ),
    (
        "current",
        QT_TRANSLATE_NOOP(
            "DisplayPanel", "thick outline: the disagreement picked in the triage queue"
        ),
    ),
    (
        "count",
        QT_TRANSLATE_NOOP(
            "DisplayPanel", "“+3”: more disagreement badges here than fit beside the shape"
        ),
    ),
)


class LegendRow(QWidget):
    """One sample mark and its caption."""

    def __init__(self, sample: str, caption: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.sample = sample
        self.caption = caption
        self.setToolTip(caption)

    def sizeHint(self) -> QSize:
        """One line of text (elided when the dock is narrower)."""
        return QSize(200, self.fontMetrics().height() + 6)

    def minimumSizeHint(self) -> QSize:
        """The sample and a few letters."""
        return QSize(80, self.fontMetrics().height() + 6)

    def paintEvent(self, event: QPaintEvent) -> None:
        """The sample at the left, the caption beside it."""
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        box = QRectF(4, 4, 22, self.height() - 8)
        self._paint_sample(painter, box)
        painter.setPen(self.palette().text().color())
        text_rect = self.rect().adjusted(34, 0, 0, 0)
        elided = self.fontMetrics().elidedText(
            self.caption, Qt.TextElideMode.ElideRight, text_rect.width()
        )
        painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, elided)
        painter.end()

    def _paint_sample(self, painter: QPainter, box: QRectF) -> None:
        sample = self.sample
        blue = QColor("#56B4E9")
        if sample in TYPE_STYLES or sample in ("side_b", "current"):
            color = QColor(TYPE_STYLES[sample].color) if sample in TYPE_STYLES else blue
            pen = QPen(color, 4 if sample == "current" else 2.5)
            if sample == "side_b":
                pen.setStyle(Qt.PenStyle.DashLine)
            painter.setPen(pen)
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRect(box)
            return
        if sample in ("name", "count"):
            painter.setPen(QPen(blue, 1))
            painter.setBrush(QColor(20, 22, 26))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(blue)
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, "ab" if sample == "name" else "+3")
            return
        pen = QPen(blue, 2 if sample == "solid" else 1.6)
        if sample == "dashed":
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        fill = QColor(blue)
        fill.setAlpha(60 if sample == "solid" else 0)
        painter.setBrush(fill)
        painter.drawRect(box)


def _slider(low: int, high: int, value: int) -> QSlider:
    slider = QSlider(Qt.Orientation.Horizontal)
    slider.setRange(low, high)
    slider.setValue(value)
    return slider


class DisplayPanel(QWidget):
    """Per-class show/hide, fill opacity, brightness/contrast, overlays and the legend."""

    def __init__(
        self, workspace: Workspace, display: DisplaySettings, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.workspace = workspace
        self.display = display
        self.class_checks: dict[int, QCheckBox] = {}
        self.classes_box = QGroupBox(self.tr("Show classes"))
        self._classes_layout = QVBoxLayout(self.classes_box)
        self._classes_layout.setContentsMargins(6, 4, 6, 4)
        self._classes_layout.setSpacing(2)
        self.fill_slider = _slider(0, 100, round(display.fill_opacity * 100))
        self.fill_slider.valueChanged.connect(lambda v: display.set_fill_opacity(v / 100))
        self.brightness_slider = _slider(-ADJUST_LIMIT, ADJUST_LIMIT, display.brightness)
        self.contrast_slider = _slider(-ADJUST_LIMIT, ADJUST_LIMIT, display.contrast)
        for slider in (self.brightness_slider, self.contrast_slider):
            slider.valueChanged.connect(self._on_tone)
        reset = QPushButton(self.tr("Reset"))
        reset.setToolTip(self.tr("Image as decoded, default fill"))
        reset.clicked.connect(self.reset)
        self.overlay_check = QCheckBox(self.tr("Agreement overlays on the canvas"))
        self.overlay_check.setChecked(display.overlays)
        self.overlay_check.setToolTip(self.tr("Remembered for you in this role (O toggles)"))
        self.overlay_check.toggled.connect(display.set_overlays)
        display.overlaysChanged.connect(self._on_overlays)
        self._layout(reset)
        self._fill_classes()
        workspace.changed.connect(self._on_change)

    def _layout(self, reset: QPushButton) -> None:
        form = QFormLayout()
        form.setContentsMargins(0, 0, 0, 0)
        form.addRow(self.tr("Fill"), self.fill_slider)
        form.addRow(self.tr("Brightness"), self.brightness_slider)
        form.addRow(self.tr("Contrast"), self.contrast_slider)
        note = QLabel(self.tr("View only: nothing here changes the labels or the image file."))
        note.setObjectName("secondaryText")
        note.setWordWrap(True)
        legend = QGroupBox(self.tr("Legend"))
        legend_layout = QVBoxLayout(legend)
        legend_layout.setContentsMargins(4, 2, 4, 2)
        legend_layout.setSpacing(0)
        self.legend_rows = [
            LegendRow(sample, QCoreApplication.translate("DisplayPanel", caption))
            for sample, caption in LEGEND_MARKS
        ]
        for row in self.legend_rows:
            legend_layout.addWidget(row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.overlay_check, 1)
        buttons.addWidget(reset)
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.classes_box)
        layout.addLayout(form)
        layout.addLayout(buttons)
        layout.addWidget(note)
        layout.addWidget(legend)
        layout.addStretch(1)
        scroll = QScrollArea()  # scrolls in a short dock instead of making the window taller
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)

    def _fill_classes(self) -> None:
        for check in self.class_checks.values():
            self._classes_layout.removeWidget(check)
            check.deleteLater()
        self.class_checks.clear()
        for label_class in self.workspace.drawable_classes():
            check = QCheckBox(label_class.name)
            check.setIcon(color_swatch(label_class.color))
            check.setChecked(self.display.class_shown(label_class.id))
            check.toggled.connect(
                lambda shown, cid=label_class.id: self.display.set_class_shown(cid, shown)
            )
            self._classes_layout.addWidget(check)
            self.class_checks[label_class.id] = check

    def _on_change(self, change: Change) -> None:
        if change.entity == Entity.CLASS:
            self._fill_classes()

    def _on_tone(self, _value: int) -> None:
        self.display.set_tone(self.brightness_slider.value(), self.contrast_slider.value())

    def _on_overlays(self, shown: bool) -> None:
        if self.overlay_check.isChecked() != shown:
            self.overlay_check.setChecked(shown)

    def reset(self) -> None:
        """Image as decoded and the default fill (hidden classes stay hidden)."""
        self.fill_slider.setValue(round(DEFAULT_FILL_OPACITY * 100))
        self.brightness_slider.setValue(0)
        self.contrast_slider.setValue(0)
