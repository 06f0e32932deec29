"""The AI polygon tool: its gestures (plain events) and the real window driving a real segmenter.

The window tests run real ONNX Runtime sessions: the tiny SAM-layout graphs of
``tests/inference/segmentation_graphs.py`` (their decoder paints a disk centred on the
mean of the positive points and box corners) and, for the demo, the shipped demo segmenter
on a generated dent.
"""

from __future__ import annotations

from labeler.app.canvas.ai_tool import NEGATIVE, POSITIVE, AiAccept, AiPolygonTool, AiPrompt
from labeler.core.geometry import Box
from labeler.core.tools import Pointer, ShapeLayer

# The tool's gestures, without a window


def _tool() -> tuple[AiPolygonTool, list[tuple[AiPrompt, bool]]]:
    seen: list[tuple[AiPrompt, bool]] = []
    tool = AiPolygonTool(ShapeLayer(image_size=(320, 240)), lambda p, t: seen.append((p, t)))
    return tool, seen


def test_hover_is_a_tentative_positive_point_until_the_first_click() -> None:
    tool, seen = _tool()
    tool.move(Pointer(50, 60))
    assert seen[-1] == (AiPrompt(((50, 60),), (POSITIVE,)), True)
    assert not tool.busy  # a hover alone leaves Enter/Esc to the window
    tool.press(Pointer(52, 61))
    tool.release(Pointer(52, 61))
    assert seen[-1] == (AiPrompt(((52, 61),), (POSITIVE,)), False)
    count = len(seen)
    tool.move(Pointer(100, 100))  # after a click the preview stays on what was clicked
    assert len(seen) == count
    tool.hover_enabled = False
    tool.cancel()
    tool.move(Pointer(10, 10))
    assert seen[-1] == (AiPrompt(), False)


def test_shift_and_right_click_are_negative_and_drag_is_a_box() -> None:
    tool, seen = _tool()
    tool.press(Pointer(10, 10))
    tool.move(Pointer(60, 40))
    assert tool.preview is not None and tool.preview.geometry == Box(10, 10, 60, 40)
    tool.release(Pointer(80, 50))
    assert tool.prompt.box == Box(10, 10, 80, 50)
    tool.press(Pointer(30, 30, shift=True))
    tool.release(Pointer(30, 30, shift=True))
    tool.secondary_press(Pointer(40, 20))
    tool.press(Pointer(45, 25))
    tool.release(Pointer(45, 25))
    assert tool.prompt.points == ((30, 30), (40, 20), (45, 25))
    assert tool.prompt.labels == (NEGATIVE, NEGATIVE, POSITIVE)
    assert seen[-1] == (tool.prompt, False)
    tool.key("backspace")
    assert tool.prompt.labels == (NEGATIVE, NEGATIVE)
    assert tool.prompt.decodable  # the box still selects something
    tool.press(Pointer(100, 100))
    tool.move(Pointer(160, 160))
    tool.release(Pointer(160, 160))
    assert tool.prompt.box == Box(100, 100, 160, 160)  # a new box replaces the old one


def test_enter_accepts_only_a_decodable_prompt_and_escape_clears() -> None:
    tool, seen = _tool()
    tool.secondary_press(Pointer(30, 30))
    assert tool.busy and not tool.prompt.decodable
    assert tool.key("enter") is None  # negative points alone select nothing
    tool.press(Pointer(50, 50))
    tool.release(Pointer(50, 50))
    prompt = tool.prompt
    assert tool.key("enter") == AiAccept(prompt)
    assert tool.prompt.empty and not tool.busy
    tool.press(Pointer(70, 70))
    tool.release(Pointer(70, 70))
    tool.key("escape")
    assert tool.prompt.empty and seen[-1] == (AiPrompt(), False)


def test_points_are_kept_inside_the_image() -> None:
    tool, _seen = _tool()
    tool.press(Pointer(400, -5))
    tool.release(Pointer(400, -5))
    assert tool.prompt.points == ((320, 0),)
    assert tool.prompt.to_json() == {"points": [[320, 0]], "labels": [1], "box": None}
