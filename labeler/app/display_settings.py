"""What the canvas shows, never what is stored: hidden classes and shapes, fill, brightness.

:class:`DisplaySettings` is a small view-state object the canvas controller and
the image item read; the Display and Shapes docks change it. Nothing here is a
label edit: no command, no event log, no undo. Per-person preferences (hidden
classes, fill opacity, brightness/contrast, overlays) are remembered in
``QSettings`` under the project and the person; hidden and locked shapes last
for the session only.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QSettings, Signal

from labeler.core.domain import Person, Role
from labeler.core.tools import ShapeKey

DEFAULT_FILL_OPACITY = 0.15  # of the class colour inside annotations
ADJUST_LIMIT = 100  # brightness and contrast run from -100 to +100


def _int_set(value: object) -> frozenset[int]:
    values = value if isinstance(value, list) else [value] if isinstance(value, str | int) else []
    return frozenset(int(v) for v in values if str(v).lstrip("-").isdigit())


def _clamp(value: float) -> int:
    return max(-ADJUST_LIMIT, min(ADJUST_LIMIT, int(value)))


class DisplaySettings(QObject):
    """The view state of one person's window.

    ``changed`` fires after any change (the controller redraws the shapes);
    ``imageAdjusted`` after brightness or contrast changed (the image item
    re-tones its pixels); ``overlaysChanged(shown)`` when the overlays are
    switched on or off.
    """

    changed = Signal()
    imageAdjusted = Signal()
    overlaysChanged = Signal(bool)

    def __init__(
        self,
        project_id: str,
        person: Person,
        settings: QSettings | None = None,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings = settings or QSettings()
        self._prefix = f"display/{project_id}/{person.id}/"
        self._overlay_key = f"overlays/{project_id}/{person.id}/{person.role.value}"
        read = self.settings.value
        self._hidden_classes = _int_set(read(self._prefix + "hidden_classes", []))
        self._fill = self._float(read(self._prefix + "fill_opacity"), DEFAULT_FILL_OPACITY)
        self._brightness = _clamp(self._float(read(self._prefix + "brightness"), 0))
        self._contrast = _clamp(self._float(read(self._prefix + "contrast"), 0))
        saved = read(self._overlay_key)
        # Off by default for annotators (they label, QA reads the marks); on for the others.
        default = person.role != Role.ANNOTATOR
        self._overlays = default if saved is None else str(saved).lower() in ("true", "1")
        self._hidden_shapes: set[ShapeKey] = set()
        self._locked_shapes: set[ShapeKey] = set()

    @staticmethod
    def _float(value: object, default: float) -> float:
        try:
            return float(value) if value is not None else default  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return default

    # Classes

    @property
    def hidden_classes(self) -> frozenset[int]:
        """Classes whose shapes are not drawn."""
        return self._hidden_classes

    def class_shown(self, class_id: int) -> bool:
        """True when the class's shapes are drawn."""
        return class_id not in self._hidden_classes

    def set_class_shown(self, class_id: int, shown: bool) -> None:
        """Show or hide every shape of one class (remembered for this person)."""
        hidden = self._hidden_classes - {class_id} if shown else self._hidden_classes | {class_id}
        if hidden != self._hidden_classes:
            self._hidden_classes = frozenset(hidden)
            self.settings.setValue(self._prefix + "hidden_classes", sorted(hidden))
            self.changed.emit()

    # Fill and image tone

    @property
    def fill_opacity(self) -> float:
        """Opacity (0-1) of the class colour filling annotations."""
        return self._fill

    def set_fill_opacity(self, opacity: float) -> None:
        """Change the fill opacity (0 = outlines only, 1 = solid)."""
        opacity = max(0.0, min(1.0, float(opacity)))
        if abs(opacity - self._fill) > 1e-9:
            self._fill = opacity
            self.settings.setValue(self._prefix + "fill_opacity", opacity)
            self.changed.emit()

    @property
    def brightness(self) -> int:
        """-100 (black) .. 0 (as decoded) .. +100 (white)."""
        return self._brightness

    @property
    def contrast(self) -> int:
        """-100 (flat grey) .. 0 (as decoded) .. +100 (twice the contrast)."""
        return self._contrast

    def set_tone(self, brightness: int, contrast: int) -> None:
        """Change how the image's pixels are shown (never the file)."""
        brightness, contrast = _clamp(brightness), _clamp(contrast)
        if (brightness, contrast) != (self._brightness, self._contrast):
            self._brightness, self._contrast = brightness, contrast
            self.settings.setValue(self._prefix + "brightness", brightness)
            self.settings.setValue(self._prefix + "contrast", contrast)
            self.imageAdjusted.emit()

    # Overlays

    @property
    def overlays(self) -> bool:
        """True when the agreement overlays are drawn (per person and role)."""
        return self._overlays

    def set_overlays(self, shown: bool) -> None:
        """Switch the overlays on or off (remembered for this person in this role)."""
        if shown != self._overlays:
            self._overlays = shown
            self.settings.setValue(self._overlay_key, shown)
            self.overlaysChanged.emit(shown)

    # Shapes (this session)

    def shape_shown(self, key: ShapeKey) -> bool:
        """True unless the shape was hidden in the shape list."""
        return key not in self._hidden_shapes

    def set_shape_shown(self, key: ShapeKey, shown: bool) -> None:
        """Hide or show one shape on the canvas."""
        if shown == (key not in self._hidden_shapes):
            return
        if shown:
            self._hidden_shapes.discard(key)
        else:
            self._hidden_shapes.add(key)
        self.changed.emit()

    def is_locked(self, key: ShapeKey) -> bool:
        """True when the mouse may select the shape but not move or reshape it."""
        return key in self._locked_shapes

    @property
    def locked_shapes(self) -> frozenset[ShapeKey]:
        """Every locked shape."""
        return frozenset(self._locked_shapes)

    def set_locked(self, key: ShapeKey, locked: bool) -> None:
        """Lock or unlock one shape against mouse edits."""
        if locked == (key in self._locked_shapes):
            return
        if locked:
            self._locked_shapes.add(key)
        else:
            self._locked_shapes.discard(key)
        self.changed.emit()

    def drawn(self, key: ShapeKey, class_id: int) -> bool:
        """Whether a shape of ``class_id`` is drawn at all."""
        return class_id not in self._hidden_classes and key not in self._hidden_shapes
