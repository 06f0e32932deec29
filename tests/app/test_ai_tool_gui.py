"""The AI polygon tool: its gestures (plain events) and the real window driving a real segmenter.

The window tests run real ONNX Runtime sessions: the tiny SAM-layout graphs of
``tests/inference/segmentation_graphs.py`` (their decoder paints a disk centred on the
mean of the positive points and box corners) and, for the demo, the shipped demo segmenter
on a generated dent.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Iterator
from dataclasses import replace
from pathlib import Path
from typing import Any

import cv2
import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from labeler.app import jobs
from labeler.app.ai_polygon import LIVE_DECODE_MS
from labeler.app.canvas.ai_tool import NEGATIVE, POSITIVE, AiAccept, AiPolygonTool, AiPrompt
from labeler.app.main_window import MainWindow
from labeler.app.model_choice import ModelChoice, read_choice, save_choice
from labeler.app.segment_worker import SegmentResult
from labeler.core.domain import AnnotationSource, GeometryKind, Role
from labeler.core.geometry import Box, Polygon
from labeler.core.importing import import_images
from labeler.core.mask_polygons import mask_to_polygons
from labeler.core.prelabel import prelabel_project
from labeler.core.progress import Progress
from labeler.core.store import Project
from labeler.core.tools import Pointer, ShapeLayer
from labeler.demo.build import DEMO_MODEL
from labeler.demo.synth import generate_image
from tests.app.conftest import Mouse, open_window, stored

sys.path.insert(0, str(Path(__file__).parents[1] / "inference"))
from segmentation_graphs import write_pair

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


# "Pre-label this image" keeps the class map of the project's last run


def _french_project(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose classes are French names of the demo model's, and the class map."""
    path = tmp_path / "fr.labeler"
    sample = generate_image(np.random.default_rng(6), 640, 480)  # a scratch, a crack, a dent
    (tmp_path / "images").mkdir()
    assert cv2.imwrite(str(tmp_path / "images" / "phone.png"), sample.image)
    config = tmp_path / "map.json"
    config.write_text(
        json.dumps(
            {
                "task": "detect",
                "names": ["scratch", "crack", "dent"],
                "input_size": [320, 320],
                "class_map": {"scratch": "rayure", "crack": "fissure", "dent": None},
            }
        )
    )
    with Project.create(path, ["rayure", "fissure"], GeometryKind.BOX) as project:
        project.add_person("alice", Role.ANNOTATOR)
        assert import_images(project, [tmp_path / "images"]).added == 1
    return path, config


def test_pre_label_all_new_images_keeps_the_class_map_too(tmp_path: Path) -> None:
    path, config = _french_project(tmp_path)
    with Project.open(path) as project:
        prelabel_project(project, DEMO_MODEL, config_path=config)  # as the CLI's --config
        later = generate_image(np.random.default_rng(5), 640, 480)  # a crack, a scratch, 3 dents
        (tmp_path / "later").mkdir()
        assert cv2.imwrite(str(tmp_path / "later" / "phone2.png"), later.image)
        assert import_images(project, [tmp_path / "later"]).added == 1
        [new] = [r for r in project.images() if r.path.endswith("phone2.png")]
    summary = jobs.prelabel_many(path, [new.id], Progress())  # File ▸ Pre-label all new images
    with stored(path) as project:
        classes = {c.id: c.name for c in project.classes()}
        names = sorted(classes[p.class_id] for p in project.predictions(new.id))
    assert names == ["fissure", "rayure"]
    assert summary.dropped == {"dent": 3}


@pytest.mark.gui
def test_prelabel_this_image_keeps_the_class_map_and_names_dropped_classes(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path, config = _french_project(tmp_path)
    with Project.open(path) as project:
        first = prelabel_project(project, DEMO_MODEL, config_path=config)  # as the CLI's --config
        [image] = project.images()
        before = sorted(p.class_id for p in project.predictions(image.id))
    assert first.predictions == 2 and first.dropped == {"dent": 1}
    window = open_window(qtbot, path)
    try:
        assert sorted(p.class_id for p in window.controller.predictions) == before
        with qtbot.waitSignal(window.prelabel_panel.prelabelFinished, timeout=30_000):
            window.trigger("prelabel.run")
        qtbot.waitUntil(lambda: len(window.controller.predictions) == 2, timeout=5000)
        assert sorted(p.class_id for p in window.controller.predictions) == before
        text = window.prelabel_panel.run_status.text()
        assert text.startswith("2 pre-labels")
        assert (
            "Dropped 1 detection of classes the class map or the project does not have: dent ×1"
            in text
        )
        with stored(path) as project:
            assert len(project.model_runs()) == 2  # a new run, with the same map
    finally:
        window.close()


# The tool in the real window, on the tiny SAM-layout graphs


def _centre(shape: Polygon | Box) -> tuple[float, float]:
    x1, y1, x2, y2 = shape.bounds()
    return ((x1 + x2) / 2, (y1 + y2) / 2)


@pytest.fixture(scope="module")
def sam_pair(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return write_pair(tmp_path_factory.mktemp("sam_graphs"), "sam")


@pytest.fixture
def ai_window(
    qtbot: QtBot,
    project_path: Path,
    sam_pair: tuple[Path, Path],
) -> Iterator[MainWindow]:
    """The window on the 320x240 test project with the SAM pair chosen, the AI tool on."""
    with Project.open(project_path) as project:
        save_choice(project, ModelChoice(segment_encoder=sam_pair[0], segment_decoder=sam_pair[1]))
    window = open_window(qtbot, project_path)
    window.trigger("tool.ai_polygon")
    image_id = window.current_image_id()
    qtbot.waitUntil(lambda: window.ai_polygon.service.has_embedding(image_id), timeout=20_000)
    yield window
    window.close()


@pytest.fixture
def ai_keys(ai_window: MainWindow) -> Callable[..., None]:
    """Keys pressed on the AI window's canvas (shortcuts included)."""

    def press(*sequence: Qt.Key | tuple[Qt.Key, Qt.KeyboardModifier]) -> None:
        for item in sequence:
            key, modifier = (
                item if isinstance(item, tuple) else (item, Qt.KeyboardModifier.NoModifier)
            )
            QTest.keyClick(ai_window.canvas_view, key, modifier)
            QApplication.processEvents()

    return press


def _click_and_wait(
    qtbot: QtBot, window: MainWindow, x: float, y: float, **kw: Any
) -> SegmentResult:
    with qtbot.waitSignal(window.ai_polygon.previewPainted, timeout=10_000) as blocker:
        Mouse(window).click(x, y, **kw)
    result = blocker.args[0]
    while result.request.tentative:  # a hover answer may come first; wait for the click's
        with qtbot.waitSignal(window.ai_polygon.previewPainted, timeout=10_000) as blocker:
            pass
        result = blocker.args[0]
    return result


@pytest.mark.gui
def test_one_click_previews_enter_accepts_as_ai_assisted_and_undo_removes(
    qtbot: QtBot, ai_window: MainWindow, project_path: Path, ai_keys: Callable[..., None]
) -> None:
    window = ai_window
    window.pick_class_number(3)  # dent, a polygon class
    image_id = window.current_image_id()
    result = _click_and_wait(qtbot, window, 160, 120)
    [polygon] = window.ai_polygon.preview.shapes
    assert isinstance(polygon, Polygon) and len(polygon.points) >= 8
    cx, cy = _centre(polygon)
    assert abs(cx - 160) < 4 and abs(cy - 120) < 4
    assert 1500 < polygon.area < 2500  # the graph's best mask: a disk of radius 25 px here
    assert "vertices" in window.ai_polygon.options.vertex_label.text()
    with qtbot.waitSignal(window.ai_polygon.shapesAccepted, timeout=10_000) as accepted:
        ai_keys(Qt.Key.Key_Return)
    [annotation_id] = accepted.args[0]
    assert window.ai_polygon.preview.shapes == ()
    with stored(project_path) as project:
        [annotation] = project.annotations(image_id)
        provenance = project.annotation_provenance(annotation_id)
    assert annotation.id == annotation_id
    assert annotation.source == AnnotationSource.AI_ASSISTED
    assert annotation.class_id == window.workspace.drawable_classes()[2].id
    assert annotation.geometry == polygon == result.shapes[0]
    info = window.ai_polygon.service.info
    assert info is not None and provenance is not None
    assert provenance.model_sha256 == info.model_sha256
    [[px, py]] = provenance.prompts["points"]
    assert abs(px - 160) < 2 and abs(py - 120) < 2 and provenance.prompts["labels"] == [1]
    ai_keys((Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    with stored(project_path) as project:
        assert project.annotations(image_id) == []


@pytest.mark.gui
def test_escape_cancels_and_a_second_escape_leaves_the_tool(
    qtbot: QtBot, ai_window: MainWindow, project_path: Path, ai_keys: Callable[..., None]
) -> None:
    window = ai_window
    _click_and_wait(qtbot, window, 100, 100)
    assert window.ai_polygon.preview.shapes
    ai_keys(Qt.Key.Key_Escape)
    assert window.ai_polygon.preview.shapes == ()
    assert window.canvas_view.tool_name == "ai_polygon"
    ai_keys(Qt.Key.Key_Return)  # nothing to accept: Enter goes to the pre-label action, no shape
    with stored(project_path) as project:
        assert project.annotations(window.current_image_id()) == []
    ai_keys(Qt.Key.Key_Escape)
    assert window.canvas_view.tool_name == "select"


@pytest.mark.gui
def test_negative_right_click_and_box_drag_are_kept_in_the_provenance(
    qtbot: QtBot, ai_window: MainWindow, project_path: Path, ai_keys: Callable[..., None]
) -> None:
    window = ai_window
    window.pick_class_number(3)
    view = window.canvas_view.viewport()
    Mouse(window).drag((100, 80), (220, 160))
    qtbot.waitUntil(lambda: bool(window.ai_polygon.preview.shapes), timeout=10_000)
    QTest.mouseClick(
        view,
        Qt.MouseButton.RightButton,
        Qt.KeyboardModifier.NoModifier,
        window.map_image_to_view(30, 30),
    )
    with qtbot.waitSignal(window.ai_polygon.shapesAccepted, timeout=10_000) as accepted:
        ai_keys(Qt.Key.Key_Return)
    [annotation_id] = accepted.args[0]
    with stored(project_path) as project:
        provenance = project.annotation_provenance(annotation_id)
        [annotation] = project.annotations(window.current_image_id())
    assert provenance is not None and provenance.prompts["labels"] == [0]
    x1, y1, x2, y2 = provenance.prompts["box"]
    assert (x2 - x1, y2 - y1) == pytest.approx((120, 80), abs=3)
    assert (x1, y1) == pytest.approx((100, 80), abs=2)
    cx, cy = _centre(annotation.geometry)
    assert abs(cx - 160) < 4 and abs(cy - 120) < 4  # the box's centre


@pytest.mark.gui
def test_tolerance_changes_the_vertex_count(qtbot: QtBot, ai_window: MainWindow) -> None:
    window = ai_window
    window.pick_class_number(3)  # dent, a polygon class
    options = window.ai_polygon.options
    options.set_tolerance(0.0)
    _click_and_wait(qtbot, window, 160, 120)
    fine = window.ai_polygon.preview.shapes[0]
    with qtbot.waitSignal(window.ai_polygon.previewPainted, timeout=10_000):
        options.set_tolerance(6.0)
    coarse = window.ai_polygon.preview.shapes[0]
    assert isinstance(fine, Polygon) and isinstance(coarse, Polygon)
    assert len(coarse.points) < len(fine.points) / 2
    assert f"{len(coarse.points)} vertices" in options.vertex_label.text()


@pytest.mark.gui
def test_a_box_class_gets_the_box_of_the_mask(
    qtbot: QtBot, ai_window: MainWindow, project_path: Path, ai_keys: Callable[..., None]
) -> None:
    window = ai_window
    window.pick_class_number(1)  # scratch, a box class
    _click_and_wait(qtbot, window, 160, 120)
    [box] = window.ai_polygon.preview.shapes
    assert isinstance(box, Box)
    assert 45 <= box.width <= 55 and 45 <= box.height <= 55
    with qtbot.waitSignal(window.ai_polygon.shapesAccepted, timeout=10_000):
        ai_keys(Qt.Key.Key_Return)
    with stored(project_path) as project:
        [annotation] = project.annotations(window.current_image_id())
    assert annotation.geometry == box
    assert annotation.source == AnnotationSource.AI_ASSISTED


@pytest.mark.gui
def test_the_next_images_are_encoded_ahead_and_moving_on_is_a_cache_hit(
    qtbot: QtBot, ai_window: MainWindow
) -> None:
    window = ai_window
    service = window.ai_polygon.service
    ids = [window.image_browser.model.record(r).id for r in range(3)]
    qtbot.waitUntil(lambda: all(service.has_embedding(i) for i in ids), timeout=20_000)
    encoded = service.encode_count
    assert encoded == 3  # the current image and the next two
    window.trigger("image.next")
    assert window.current_image_id() == ids[1]
    assert "cached" in window.ai_polygon.status_label.text()
    result = _click_and_wait(qtbot, window, 160, 120)
    assert result.request.image_id == ids[1] and result.shapes
    qtbot.waitUntil(
        lambda: service.has_embedding(window.image_browser.model.record(3).id), timeout=20_000
    )
    assert service.encode_count == encoded + 1  # only the newly-ahead image was encoded


@pytest.mark.gui
def test_the_model_picker_is_remembered_after_reopening(
    qtbot: QtBot, ai_window: MainWindow, project_path: Path, tmp_path: Path
) -> None:
    window = ai_window
    other = write_pair(tmp_path / "other", "sam_single")
    config = tmp_path / "map.json"
    config.write_text(json.dumps({"class_map": {"scratch": "scratch"}}))
    window.trigger("models.choose")
    dialog = window.model_picker
    dialog.detection.set_path(DEMO_MODEL)
    dialog.config.set_path(config)
    dialog.encoder.set_path(other[0])
    dialog.decoder.set_path(other[1])
    dialog.accept()
    qtbot.waitUntil(lambda: window.ai_polygon.service.model_files == other, timeout=5000)
    window.close()
    again = open_window(qtbot, project_path)
    try:
        assert again.ai_polygon.model_files == other
        again.trigger("models.choose")
        reopened = again.model_picker
        assert reopened.choice() == ModelChoice(DEMO_MODEL.resolve(), config, *other)
        reopened.reject()
    finally:
        again.close()


@pytest.mark.gui
def test_the_picker_names_a_missing_file_and_saves_nothing(
    ai_window: MainWindow, project_path: Path, tmp_path: Path
) -> None:
    window = ai_window
    window.trigger("models.choose")
    dialog = window.model_picker
    dialog.encoder.set_path(tmp_path / "gone.onnx")
    dialog.accept()
    assert "segmentation encoder" in dialog.problems.text()
    assert "gone.onnx (not found)" in dialog.problems.text()
    assert dialog.isVisible()
    dialog.reject()
    with stored(project_path) as project:
        assert read_choice(project).segment_encoder != tmp_path / "gone.onnx"


@pytest.mark.gui
def test_hover_previews_while_the_decoder_is_fast_and_not_when_it_is_slow(
    qtbot: QtBot, ai_window: MainWindow
) -> None:
    window = ai_window
    tool = window.ai_polygon
    viewport = window.canvas_view.viewport()
    with qtbot.waitSignal(tool.previewPainted, timeout=10_000) as hovered:
        QTest.mouseMove(viewport, window.map_image_to_view(120, 90))
    assert hovered.args[0].request.tentative and tool.preview.tentative
    assert tool.decode_ms is not None  # measured on that decode (its figure depends on the load)
    tool.decode_ms = 3 * LIVE_DECODE_MS  # as measured on a slow decoder
    painted: list[SegmentResult] = []
    tool.previewPainted.connect(painted.append)
    for x in (140, 150, 160):
        QTest.mouseMove(viewport, window.map_image_to_view(x, 100))
        qtbot.wait(50)
    qtbot.wait(200)
    assert painted == [] and not tool.live_preview  # no preview follows the mouse now
    result = _click_and_wait(qtbot, window, 160, 100)  # a click still previews
    assert not result.request.tentative and result.shapes


@pytest.mark.gui
def test_a_wrong_segmentation_model_is_named_in_the_window(
    qtbot: QtBot, project_path: Path
) -> None:
    with Project.open(project_path) as project:  # a detector is not an encoder/decoder pair
        save_choice(project, ModelChoice(segment_encoder=DEMO_MODEL, segment_decoder=DEMO_MODEL))
    window = open_window(qtbot, project_path)
    try:
        with qtbot.waitSignal(window.workspace.errorRaised, timeout=20_000) as failed:
            window.trigger("tool.ai_polygon")
        assert failed.args[0].startswith("Segmentation model: ")
        assert "demo_damage.onnx" in failed.args[0]
        Mouse(window).click(100, 100)
        assert "demo_damage.onnx" in window.ai_polygon.status_label.text()
    finally:
        window.close()


@pytest.mark.gui
def test_one_polygon_per_part_is_one_undo_step(
    qtbot: QtBot, ai_window: MainWindow, project_path: Path, ai_keys: Callable[..., None]
) -> None:
    window = ai_window
    tool = window.ai_polygon
    window.pick_class_number(3)
    result = _click_and_wait(qtbot, window, 160, 120)
    two_parts = np.zeros_like(result.mask)
    two_parts[20:60, 20:70] = True  # a second blob beside the disk: a mask of two parts
    two_parts |= result.mask
    tool.last = replace(result, mask=two_parts)
    with qtbot.waitSignal(tool.previewPainted, timeout=10_000):
        tool.options.set_parts("all")
    assert len(tool.preview.shapes) == 2
    assert tool.options.vertex_label.text().startswith("2 polygons")
    with qtbot.waitSignal(tool.shapesAccepted, timeout=10_000) as accepted:
        ai_keys(Qt.Key.Key_Return)
    assert len(accepted.args[0]) == 2
    image_id = window.current_image_id()
    with stored(project_path) as project:
        assert len(project.annotations(image_id)) == 2
    ai_keys((Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier))
    with stored(project_path) as project:
        assert project.annotations(image_id) == []
    tool.options.set_parts("largest")


@pytest.mark.gui
def test_a_click_where_the_hover_was_takes_its_preview_without_decoding_again(
    qtbot: QtBot, ai_window: MainWindow
) -> None:
    window = ai_window
    tool = window.ai_polygon

    def settled() -> bool:  # the options bar shown by the tool may still be laid out
        before = window.map_image_to_view(150, 110)
        QApplication.processEvents()
        return window.map_image_to_view(150, 110) == before

    qtbot.waitUntil(settled, timeout=5_000)
    at = window.map_image_to_view(150, 110)

    def here(result: SegmentResult) -> bool:  # not a preview still coming for an older hover
        x, y = result.request.prompt.points[-1]
        return abs(x - 150) <= 1 and abs(y - 110) <= 1

    with qtbot.waitSignal(tool.previewPainted, timeout=10_000, check_params_cb=here) as hovered:
        QTest.mouseMove(window.canvas_view.viewport(), at)
    qtbot.wait(100)  # nothing else is pending
    decodes = tool.service.decode_count
    with qtbot.waitSignal(tool.previewPainted, timeout=10_000) as clicked:
        QTest.mouseClick(
            window.canvas_view.viewport(),
            Qt.MouseButton.LeftButton,
            Qt.KeyboardModifier.NoModifier,
            at,
        )
    assert not clicked.args[0].request.tentative
    assert clicked.args[0].shapes == hovered.args[0].shapes
    assert tool.service.decode_count == decodes
    assert tool.tool.prompt.points == hovered.args[0].request.prompt.points


# The demo: the shipped demo segmenter on a generated dent


def _direct_mask(files: tuple[Path, Path] | None, bgr: np.ndarray, prompt: AiPrompt) -> np.ndarray:
    """The mask the segmenter gives for ``prompt`` called directly (no window)."""
    from inference.segmentation import Prompt, load_segmenter

    assert files is not None
    segmenter = load_segmenter(*files)
    embedding = segmenter.encode(np.ascontiguousarray(bgr[:, :, ::-1]))
    return segmenter.decode(embedding, Prompt(prompt.points, prompt.labels)).mask


@pytest.mark.gui
def test_one_click_on_a_demo_dent_gives_its_polygon_with_the_shipped_segmenter(
    qtbot: QtBot, tmp_path: Path
) -> None:
    from shapely.geometry import Polygon as ShapelyPolygon

    sample = generate_image(np.random.default_rng(6), 640, 480)
    [dent] = [o for o in sample.objects if o.class_name == "dent"]
    (tmp_path / "images").mkdir()
    assert cv2.imwrite(str(tmp_path / "images" / "phone.png"), sample.image)
    path = tmp_path / "demo.labeler"
    with Project.create(path, ["dent"], GeometryKind.POLYGON) as project:
        project.add_person("alice", Role.ANNOTATOR)
        assert import_images(project, [tmp_path / "images"]).added == 1
    window = open_window(qtbot, path)  # no model chosen: the shipped demo segmenter is found
    try:
        tool = window.ai_polygon
        assert tool.model_files is not None and tool.model_files[0].parent.name == "demo_segmenter"
        window.trigger("tool.ai_polygon")
        image_id = window.current_image_id()
        qtbot.waitUntil(lambda: tool.service.has_embedding(image_id), timeout=60_000)
        x1, y1, x2, y2 = dent.box
        result = _click_and_wait(qtbot, window, (x1 + x2) / 2, (y1 + y2) / 2)
        [polygon] = result.shapes
        shape = ShapelyPolygon(polygon.points)
        direct = _direct_mask(tool.model_files, sample.image, result.request.prompt)
        [largest] = mask_to_polygons(direct, tolerance=result.request.tolerance)
        expected = ShapelyPolygon(largest)
        same = shape.intersection(expected).area / shape.union(expected).area
        assert same > 0.99  # the window shows what the model gives for that click
        truth = ShapelyPolygon(dent.polygon)
        iou = shape.intersection(truth).area / shape.union(truth).area
        assert iou >= 0.5, f"IoU {iou:.2f} with the generator's dent"
        assert len(polygon.points) >= 8  # the guideline asks for 8+ points on a dent
        with qtbot.waitSignal(tool.shapesAccepted, timeout=10_000) as accepted:
            QTest.keyClick(window.canvas_view, Qt.Key.Key_Return)
        [annotation_id] = accepted.args[0]
        with stored(path) as project:
            [annotation] = project.annotations(image_id)
            provenance = project.annotation_provenance(annotation_id)
        assert annotation.source == AnnotationSource.AI_ASSISTED
        assert provenance is not None and provenance.model_name == tool.service.info.name
        QTest.keyClick(window.canvas_view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
        with stored(path) as project:
            assert project.annotations(image_id) == []
    finally:
        window.close()


@pytest.mark.gui
def test_the_options_bar_follows_the_tool_not_the_saved_layout(
    qtbot: QtBot, project_path: Path, sam_pair: tuple[Path, Path]
) -> None:
    with Project.open(project_path) as project:
        save_choice(project, ModelChoice(segment_encoder=sam_pair[0], segment_decoder=sam_pair[1]))
    window = open_window(qtbot, project_path)
    window.trigger("tool.ai_polygon")
    assert window.ai_polygon.options.isVisible()
    window.close()  # the layout is saved with the AI options bar shown
    again = open_window(qtbot, project_path)
    try:
        assert again.canvas_view.tool_name == "select"
        assert not again.ai_polygon.options.isVisible()
        again.trigger("tool.ai_polygon")
        assert again.ai_polygon.options.isVisible()
    finally:
        again.close()
