"""Display (view only) and the shape list, overlays and badges, through the real window."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QImage, QTransform
from pytestqt.qtbot import QtBot

from labeler.app.canvas.items import label_rects, toned
from labeler.app.canvas.overlays import TYPE_STYLES, place_badges
from labeler.app.display_panel import LEGEND_MARKS
from labeler.app.display_settings import DisplaySettings
from labeler.app.main_window import MainWindow
from labeler.core.domain import Role
from labeler.core.geometry import Box
from labeler.core.store import Project
from labeler.core.tools import ShapeKey
from tests.app.conftest import Mouse, open_window, stored
from tests.app.test_triage_gui import make_qa_project

pytestmark = pytest.mark.gui


@pytest.fixture
def shapes(project_path: Path) -> dict[str, int]:
    """On the first image: alice's scratch and crack, bob's scratch over alice's."""
    with Project.open(project_path) as project:
        bob = project.add_person("bob", Role.ANNOTATOR)
        alice = project.person_by_name("alice")
        scratch, crack = project.class_by_name("scratch"), project.class_by_name("crack")
        assert alice and scratch and crack
        image = project.images()[0].id
        a = project.add_annotation(image, scratch.id, Box(20, 20, 80, 70), alice.id)
        c = project.add_annotation(image, crack.id, Box(150, 100, 220, 160), alice.id)
        b = project.add_annotation(image, scratch.id, Box(30, 30, 90, 80), bob.id)
    return {"alice_scratch": a.id, "alice_crack": c.id, "bob_scratch": b.id, "image": image}


@pytest.fixture
def lead(qtbot: QtBot, project_path: Path, shapes: dict[str, int]) -> Iterator[MainWindow]:
    """A reviewer's window (sees everyone's shapes)."""
    window = open_window(qtbot, project_path, "rita")
    yield window
    window.close()


def _drawn(window: MainWindow, kind: str, shape_id: int) -> bool:
    return window.canvas_view.drawn_shape(ShapeKey(kind, shape_id)) is not None


def test_hiding_a_class_is_view_only_and_remembered(
    qtbot: QtBot, project_path: Path, lead: MainWindow, shapes: dict[str, int]
) -> None:
    panel = lead.display_panel
    with stored(project_path) as project:
        crack = project.class_by_name("crack")
        before = project.annotations(shapes["image"])
    assert crack is not None and _drawn(lead, "annotation", shapes["alice_crack"])
    panel.class_checks[crack.id].click()
    assert not _drawn(lead, "annotation", shapes["alice_crack"])
    assert _drawn(lead, "annotation", shapes["alice_scratch"])
    with stored(project_path) as project:
        assert project.annotations(shapes["image"]) == before  # nothing stored changed
    assert lead.undo_stack.count() == 0
    lead.close()
    again = open_window(qtbot, project_path, "rita")  # remembered for rita
    try:
        assert not again.display_panel.class_checks[crack.id].isChecked()
        assert not _drawn(again, "annotation", shapes["alice_crack"])
    finally:
        again.close()
    alice = open_window(qtbot, project_path, "alice")  # per person: alice sees her crack
    try:
        assert _drawn(alice, "annotation", shapes["alice_crack"])
    finally:
        alice.close()


def test_fill_opacity_and_brightness_contrast_change_only_the_view(
    lead: MainWindow, project_path: Path
) -> None:
    panel, view = lead.display_panel, lead.canvas_view
    panel.fill_slider.setValue(60)
    assert view.shapes_item.fill_alpha == round(0.6 * 255)
    item = view.image_item
    decoded = item.shown_image
    assert decoded is not None
    panel.brightness_slider.setValue(40)
    brighter = item.shown_image
    assert brighter is not None and brighter is not decoded
    assert _mean(brighter) > _mean(decoded) + 40
    panel.brightness_slider.setValue(0)
    panel.contrast_slider.setValue(-100)  # flat grey
    flat = item.shown_image
    assert flat is not None and _spread(flat) <= 2 < _spread(decoded)
    panel.reset()
    assert item.tone == (0, 0) and item.shown_image is not None
    assert _mean(item.shown_image) == pytest.approx(_mean(decoded))
    with stored(project_path) as project:
        first = project.images()[0]
        assert Path(project.image_path(first)).stat().st_size > 0  # the file is untouched


def _pixels(image: QImage) -> np.ndarray:
    rgb = image.convertToFormat(QImage.Format.Format_RGB32)
    data = np.frombuffer(rgb.constBits(), np.uint8, rgb.bytesPerLine() * rgb.height())
    return data.reshape(rgb.height(), rgb.bytesPerLine())[:, : rgb.width() * 4].reshape(
        rgb.height(), rgb.width(), 4
    )[..., :3]


def _mean(image: QImage) -> float:
    return float(_pixels(image).mean())


def _spread(image: QImage) -> int:
    pixels = _pixels(image)
    return int(pixels.max()) - int(pixels.min())


def test_toned_is_the_same_image_at_zero() -> None:
    image = QImage(4, 4, QImage.Format.Format_RGB32)
    image.fill(QColor(10, 100, 200))
    assert toned(image, 0, 0) is image
    dark = toned(image, -100, 0)
    assert dark.pixelColor(0, 0) == QColor(0, 0, 0)


@pytest.fixture
def alice(qtbot: QtBot, project_path: Path, shapes: dict[str, int]) -> Iterator[MainWindow]:
    """Alice's window: her own shapes are hers to edit."""
    window = open_window(qtbot, project_path, "alice")
    yield window
    window.close()


def test_shape_list_selects_hides_and_locks(
    alice: MainWindow, shapes: dict[str, int], project_path: Path
) -> None:
    lead = alice
    shape_list, view = lead.shape_list, lead.canvas_view
    mine = ShapeKey("annotation", shapes["alice_scratch"])
    crack = ShapeKey("annotation", shapes["alice_crack"])
    assert {mine, crack} <= set(shape_list.keys())
    assert shape_list.select(crack) and view.selected_key == crack  # list -> canvas
    Mouse(lead).click(50, 25)  # canvas -> list: alice's scratch (only hers at this point)
    assert view.selected_key == mine
    assert shape_list.table.currentRow() == shape_list.row_of(mine)
    shape_list.set_hidden(crack, True)
    assert not _drawn(lead, "annotation", shapes["alice_crack"])
    assert shape_list.row_of(crack) >= 0  # still listed, to show it again
    shape_list.set_hidden(crack, False)
    assert _drawn(lead, "annotation", shapes["alice_crack"])
    shape_list.set_locked(crack, True)
    Mouse(lead).drag((185, 130), (205, 150))  # try to move the locked crack
    assert view.selected_key == crack  # it can be selected...
    with stored(project_path) as project:
        assert project.annotation(crack.id).geometry == Box(150, 100, 220, 160)  # ...not moved
    Mouse(lead).drag((220, 160), (240, 180))  # nor resized by its corner
    with stored(project_path) as project:
        assert project.annotation(crack.id).geometry == Box(150, 100, 220, 160)
    shape_list.set_locked(crack, False)
    Mouse(lead).drag((185, 130), (205, 150))
    with stored(project_path) as project:
        moved = project.annotation(crack.id).geometry
    assert isinstance(moved, Box) and moved.x1 == pytest.approx(170, abs=1.5)


def test_overlapping_shapes_of_different_people_say_whose(
    lead: MainWindow, shapes: dict[str, int]
) -> None:
    def label(key: str) -> str:
        drawn = lead.canvas_view.drawn_shape(ShapeKey("annotation", shapes[key]))
        assert drawn is not None
        return drawn.label

    assert label("alice_scratch") == "scratch · alice"
    assert label("bob_scratch") == "scratch · bob"
    assert label("alice_crack") == "crack"  # overlaps nobody's: no name


def test_overlays_are_off_for_annotators_and_remembered_per_person_and_role(
    qtbot: QtBot, project_path: Path
) -> None:
    make_qa_project(project_path)
    alice = open_window(qtbot, project_path, "alice")
    try:
        assert not alice.triage_panel.overlays_visible()
        assert not alice.display_panel.overlay_check.isChecked()
        alice.trigger("view.disagreements")  # O: alice wants them
        assert alice.triage_panel.overlays_visible() and alice.display.overlays
    finally:
        alice.close()
    quinn = open_window(qtbot, project_path, "quinn")  # a QA lead: on by default
    try:
        assert quinn.triage_panel.overlays_visible()
        quinn.display_panel.overlay_check.setChecked(False)
        assert not quinn.triage_panel.overlays_visible()
    finally:
        quinn.close()
    again = open_window(qtbot, project_path, "alice")
    try:
        assert again.triage_panel.overlays_visible()  # alice's choice was kept
    finally:
        again.close()
    # the same person in another role has that role's own choice (and default)
    with Project.open(project_path) as project:
        alice_person = project.person_by_name("alice")
        project_id = str(project.meta().get("project_id", ""))
    assert alice_person is not None
    as_lead = replace(alice_person, role=Role.QA_LEAD)
    assert DisplaySettings(project_id, alice_person).overlays
    assert DisplaySettings(project_id, as_lead).overlays  # QA default: on
    DisplaySettings(project_id, as_lead).set_overlays(False)
    assert not DisplaySettings(project_id, as_lead).overlays
    assert DisplaySettings(project_id, alice_person).overlays  # the annotator choice stays


def test_the_legend_explains_every_mark() -> None:
    captions = " ".join(caption for _sample, caption in LEGEND_MARKS)
    for style in TYPE_STYLES.values():
        assert style.title in captions
    for words in ("pre-label", "annotation", "whose", "other side", "thick", "+3"):
        assert words in captions


def test_badges_never_overlap_each_other_or_the_shape_labels() -> None:
    font = QFont()
    font.setPointSizeF(8.5)
    font.setBold(True)
    metrics = QFontMetricsF(font)
    transform = QTransform.fromScale(2, 2)
    shape = QRectF(40, 40, 60, 40)
    labels = [(QPointF(140, 40), "crack · bob", QColor("#ffffff"), False)]  # a label on the right
    taken = label_rects(transform, labels, font)
    crowd = [(shape, f"Missing {i}", QColor("#ff4d6d")) for i in range(7)]
    badges = place_badges(
        transform, crowd, [], taken, metrics, QRectF(0, 0, 800, 600), QPointF(0, 0)
    )
    rects = [rect for rect, _text, _color in badges]
    for i, rect in enumerate(rects):
        assert not any(rect.intersects(other) for other in taken)
        assert not any(rect.intersects(other) for other in rects[i + 1 :])
    texts = [text for _rect, text, _color in badges]
    shown = [t for t in texts if t.startswith("Missing")]
    assert len(shown) < 7
    rest = 7 - len(shown)
    assert f"+{rest} more disagreement{'s' * (rest != 1)}" in texts  # the rest: one count


def test_badges_in_the_window_avoid_the_labels(
    qtbot: QtBot, project_path: Path, qa_ids_window: MainWindow
) -> None:
    window = qa_ids_window
    window.canvas_view.viewport().repaint()
    badges = window.triage_panel.overlay.last_badges
    assert badges
    shapes_item = window.canvas_view.shapes_item
    transform = window.canvas_view.viewportTransform()
    taken = label_rects(transform, shapes_item.labels, shapes_item.label_font)
    for rect, _text, _color in badges:
        assert not any(rect.intersects(other) for other in taken)


@pytest.fixture
def qa_ids_window(qtbot: QtBot, project_path: Path) -> Iterator[MainWindow]:
    make_qa_project(project_path)
    window = open_window(qtbot, project_path, "quinn")
    panel = window.triage_panel
    qtbot.waitUntil(lambda: len(panel.image_items()) > 0, timeout=10_000)
    panel.update_image()
    yield window
    window.close()


def test_shape_labels_step_aside_instead_of_covering_each_other() -> None:
    font = QFont()
    font.setPointSizeF(8.5)
    white = QColor("#ffffff")
    labels = [
        (QPointF(100, 200), "dent 0.52", white, True),  # two pre-labels, one corner
        (QPointF(101, 201), "dent 0.36", white, True),
        (QPointF(100, 100), "crack", white, False),  # two annotations, one corner
        (QPointF(100, 100), "crack · bob", white, False),
    ]
    rects = label_rects(QTransform(), labels, font)
    for i, rect in enumerate(rects):
        assert not any(rect.intersects(other) for other in rects[i + 1 :]), labels[i][1]
