"""The AI polygon tool: prompts for a promptable segmenter, as a plain state machine.

Like the other canvas tools (:mod:`labeler.core.tools`) it takes plain
:class:`~labeler.core.tools.Pointer` events in image pixels and imports no Qt, so
its gestures are tested without a window. It only collects prompts:

- left click: a positive point; Shift+click (or a right click): a negative point;
- left drag: a box (a new box replaces the old one); box and points combine;
- hovering before the first click: a tentative positive point, so the preview
  follows the mouse (the window turns this off when the decoder is slow);
- Backspace removes the last point (then the box), Esc clears everything,
  Enter ends the gesture with an :class:`AiAccept` result.

Whenever the prompt changes the tool calls ``on_prompt(prompt, tentative)``;
the window decodes it off the GUI thread and draws the mask's outline.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, replace

from labeler.core.geometry import Box
from labeler.core.tools import MIN_SIDE, Pointer, Preview, ShapeLayer, Tool, clamp_point

Point = tuple[float, float]
POSITIVE, NEGATIVE = 1, 0


@dataclass(frozen=True)
class AiPrompt:
    """Points with labels (1 positive, 0 negative) and an optional box, in image pixels."""

    points: tuple[Point, ...] = ()
    labels: tuple[int, ...] = ()
    box: Box | None = None

    @property
    def empty(self) -> bool:
        """Nothing placed yet."""
        return not self.points and self.box is None

    @property
    def decodable(self) -> bool:
        """A segmenter can answer it: a box, or at least one positive point."""
        return self.box is not None or POSITIVE in self.labels

    def with_point(self, point: Point, label: int) -> AiPrompt:
        """The same prompt plus one point."""
        return replace(self, points=(*self.points, point), labels=(*self.labels, label))

    def without_last(self) -> AiPrompt:
        """The same prompt less its last point, or less its box when no point is left."""
        if self.points:
            return replace(self, points=self.points[:-1], labels=self.labels[:-1])
        return replace(self, box=None)

    def to_json(self) -> dict[str, object]:
        """A plain dict (what the provenance record keeps)."""
        return {
            "points": [[round(x, 2), round(y, 2)] for x, y in self.points],
            "labels": list(self.labels),
            "box": None if (b := self.box) is None else [b.x1, b.y1, b.x2, b.y2],
        }


@dataclass(frozen=True)
class AiAccept:
    """Enter was pressed: make a shape from the mask of ``prompt``."""

    prompt: AiPrompt


PromptListener = Callable[[AiPrompt, bool], None]


class AiPolygonTool(Tool):
    """Collect point and box prompts; see the module docstring for the gestures."""

    name = "ai_polygon"
    tracks_hover = True  # the view feeds it moves without a button held

    def __init__(self, layer: ShapeLayer, on_prompt: PromptListener | None = None) -> None:
        super().__init__(layer)
        self.on_prompt = on_prompt
        self.hover_enabled = True
        self.prompt = AiPrompt()
        self._hover: Point | None = None
        self._press: Pointer | None = None
        self._drag_end: Point | None = None

    # State

    @property
    def preview(self) -> Preview | None:
        """The box being dragged out (the mask preview is drawn by the window's own item)."""
        box = self._drag_box()
        return Preview(None, box) if box is not None else None

    @property
    def busy(self) -> bool:
        """True while prompts are placed or a press is under way (Enter/Esc belong to the tool)."""
        return self._press is not None or not self.prompt.empty

    @property
    def hover_point(self) -> Point | None:
        """Where the tentative point is (None once a prompt is placed or hover is off)."""
        return self._hover

    def _drag_box(self) -> Box | None:
        if self._press is None or self._drag_end is None:
            return None
        (x1, y1), (x2, y2) = (self._press.x, self._press.y), self._drag_end
        return Box(min(x1, x2), min(y1, y2), max(x1, x2), max(y1, y2))

    def _notify(self, tentative: bool = False) -> None:
        if self.on_prompt is None:
            return
        if tentative and self._hover is not None:
            self.on_prompt(AiPrompt((self._hover,), (POSITIVE,)), True)
        else:
            self.on_prompt(self.prompt, False)

    # Events

    def press(self, p: Pointer) -> None:
        """Start a click or a box drag."""
        x, y = clamp_point(p.x, p.y, self.layer.image_size)
        self._press = replace(p, x=x, y=y)
        self._drag_end = None
        return None

    def move(self, p: Pointer) -> None:
        """Stretch the box while pressed; else move the tentative point."""
        point = clamp_point(p.x, p.y, self.layer.image_size)
        if self._press is not None:
            moved = math.hypot(point[0] - self._press.x, point[1] - self._press.y)
            if self._drag_end is not None or moved > max(p.tolerance, MIN_SIDE):
                self._drag_end = point
            return
        if not self.hover_enabled or not self.prompt.empty or not self._inside(p):
            if self._hover is not None:
                self._hover = None
                self._notify()
            return
        self._hover = point
        self._notify(tentative=True)

    def release(self, p: Pointer) -> None:
        """End the click (a point) or the drag (a box)."""
        if self._press is None:
            return None
        self.move(p)
        press, box = self._press, self._drag_box()
        self._press = self._drag_end = None
        self._hover = None
        if box is not None:
            if box.width >= MIN_SIDE and box.height >= MIN_SIDE:
                self.prompt = replace(self.prompt, box=box)
                self._notify()
            return None
        label = NEGATIVE if (press.shift or p.shift) else POSITIVE
        self.prompt = self.prompt.with_point((press.x, press.y), label)
        self._notify()
        return None

    def secondary_press(self, p: Pointer) -> None:
        """A right click: a negative point."""
        point = clamp_point(p.x, p.y, self.layer.image_size)
        self._hover = None
        self.prompt = self.prompt.with_point(point, NEGATIVE)
        self._notify()
        return None

    def key(self, name: str) -> AiAccept | None:  # type: ignore[override]
        """Enter accepts, Backspace takes back the last prompt, Escape clears them."""
        if name == "enter":
            prompt = self.prompt
            if not prompt.decodable:
                return None
            self.cancel()
            return AiAccept(prompt)
        if name == "backspace" and not self.prompt.empty:
            self.prompt = self.prompt.without_last()
            self._notify()
            return None
        if name == "escape":
            self.cancel()
        return None

    def cancel(self) -> None:
        """Forget every prompt (and tell the listener, so the preview goes)."""
        had_anything = not self.prompt.empty or self._hover is not None
        self.prompt = AiPrompt()
        self._hover = None
        self._press = self._drag_end = None
        if had_anything:
            self._notify()

    def _inside(self, p: Pointer) -> bool:
        size = self.layer.image_size
        return size is None or (0 <= p.x < size[0] and 0 <= p.y < size[1])
