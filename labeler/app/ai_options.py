"""The AI polygon tool's options bar: tolerance, parts, vertex count, model and encoder state.

A small toolbar shown while the tool is active. It holds no logic: it reports
``settingsChanged`` and shows what the tool's controller tells it.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QLabel,
    QSlider,
    QToolBar,
    QWidget,
)

from labeler.app.i18n import QT_TRANSLATE_NOOP

SETTINGS_TOLERANCE = "ai_polygon/tolerance"
SETTINGS_PARTS = "ai_polygon/parts"
DEFAULT_TOLERANCE = 1.0
MAX_TOLERANCE = 20.0
_SLIDER_STEPS = 10  # slider units per pixel of tolerance
PARTS_CHOICES = (
    ("largest", QT_TRANSLATE_NOOP("AiOptionsBar", "Largest part")),
    ("all", QT_TRANSLATE_NOOP("AiOptionsBar", "One polygon per part")),
)


class AiOptionsBar(QToolBar):
    """Tolerance (pixels, spin box and slider), parts choice, vertex count, status.

    ``settingsChanged()`` fires when the tolerance or the parts choice changes;
    both are remembered for the next session.
    """

    settingsChanged = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("AI polygon"))
        self.setObjectName("toolbar_ai_polygon")
        self.setMovable(False)
        self._settings = QSettings()
        self.tolerance_spin = QDoubleSpinBox()
        self.tolerance_spin.setRange(0.0, MAX_TOLERANCE)
        self.tolerance_spin.setSingleStep(0.5)
        self.tolerance_spin.setDecimals(1)
        self.tolerance_spin.setSuffix(" px")
        self.tolerance_spin.setToolTip(
            self.tr("Simplification tolerance: how far the outline may stray from the mask")
        )
        self.tolerance_slider = QSlider(Qt.Orientation.Horizontal)
        self.tolerance_slider.setRange(0, int(MAX_TOLERANCE * _SLIDER_STEPS))
        self.tolerance_slider.setFixedWidth(120)
        self.parts_combo = QComboBox()
        for value, text in PARTS_CHOICES:
            self.parts_combo.addItem(QCoreApplication.translate("AiOptionsBar", text), value)
        self.vertex_label = QLabel("–")
        self.vertex_label.setMinimumWidth(130)
        self.model_label = QLabel(self.tr("no segmentation model"))
        self.state_label = QLabel("")
        self.state_label.setObjectName("secondaryText")
        for label in (self.vertex_label, self.model_label, self.state_label):
            label.setTextFormat(Qt.TextFormat.PlainText)  # file and model names stay literal
        for widget in (self.tolerance_spin, self.tolerance_slider, self.parts_combo):
            widget.setFocusPolicy(Qt.FocusPolicy.ClickFocus)
        self.addWidget(QLabel(self.tr(" AI polygon · tolerance ")))
        self.addWidget(self.tolerance_spin)
        self.addWidget(self.tolerance_slider)
        self.addSeparator()
        self.addWidget(self.parts_combo)
        self.addSeparator()
        self.addWidget(self.vertex_label)
        self.addSeparator()
        self.addWidget(self.model_label)
        self.addWidget(self.state_label)
        self._restore()
        self.tolerance_spin.valueChanged.connect(self._on_spin)
        self.tolerance_slider.valueChanged.connect(self._on_slider)
        self.parts_combo.currentIndexChanged.connect(self._on_parts)

    def _restore(self) -> None:
        saved = self._settings.value(SETTINGS_TOLERANCE, DEFAULT_TOLERANCE)
        try:
            tolerance = float(saved) if isinstance(saved, int | float | str) else DEFAULT_TOLERANCE
        except (TypeError, ValueError):
            tolerance = DEFAULT_TOLERANCE
        self.tolerance_spin.setValue(tolerance)
        self.tolerance_slider.setValue(round(tolerance * _SLIDER_STEPS))
        index = self.parts_combo.findData(self._settings.value(SETTINGS_PARTS, "largest"))
        self.parts_combo.setCurrentIndex(max(index, 0))

    @property
    def tolerance(self) -> float:
        """Simplification tolerance in image pixels."""
        return float(self.tolerance_spin.value())

    def set_tolerance(self, value: float) -> None:
        """Change the tolerance (as the spin box would)."""
        self.tolerance_spin.setValue(value)

    @property
    def parts(self) -> str:
        """``largest`` or ``all``."""
        return str(self.parts_combo.currentData())

    def set_parts(self, parts: str) -> None:
        """Choose ``largest`` or ``all``."""
        self.parts_combo.setCurrentIndex(max(self.parts_combo.findData(parts), 0))

    def show_shapes(self, polygons: int, vertices: int, boxes: int = 0) -> None:
        """'1 polygon · 23 vertices' (or '1 box'); '–' when nothing is previewed."""
        if boxes:
            self.vertex_label.setText(self.tr("1 box (from the mask)"))
        elif polygons == 0:
            self.vertex_label.setText("–")
        else:
            shapes = self.tr("%n polygon(s)", "", polygons)
            points = self.tr("%n vertices", "", vertices)  # a polygon has 3 or more
            self.vertex_label.setText(f"{shapes} · {points}")

    def show_model(self, text: str) -> None:
        """The segmentation model in use."""
        self.model_label.setText(text)

    def show_state(self, text: str) -> None:
        """'encoding…', 'encoder 840 ms · decoder 12 ms', ..."""
        self.state_label.setText(f"  {text}" if text else "")

    def _on_spin(self, value: float) -> None:
        self.tolerance_slider.blockSignals(True)
        self.tolerance_slider.setValue(round(value * _SLIDER_STEPS))
        self.tolerance_slider.blockSignals(False)
        self._settings.setValue(SETTINGS_TOLERANCE, value)
        self.settingsChanged.emit()

    def _on_slider(self, value: int) -> None:
        self.tolerance_spin.setValue(value / _SLIDER_STEPS)  # emits through _on_spin

    def _on_parts(self, _index: int) -> None:
        self._settings.setValue(SETTINGS_PARTS, self.parts)
        self.settingsChanged.emit()
