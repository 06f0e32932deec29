"""The disagreement triage queue and the canvas overlays, driven through the real window."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QGraphicsScene
from pytestqt.qtbot import QtBot

from labeler.app.canvas.overlays import DisagreementMark, DisagreementOverlayItem, type_style
from labeler.app.main_window import MainWindow
from labeler.app.triage_panel import compute_triage
from labeler.core.commands import DeleteAnnotation
from labeler.core.domain import Role
from labeler.core.geometry import Box
from labeler.core.store import Project
from tests.app.conftest import add_predictions, open_window, stored

pytestmark = pytest.mark.gui


def make_qa_project(path: Path) -> dict[str, int]:
    """Two annotators who disagree on images 0 and 1, a QA lead, and a model run on image 0.

    Returns the ids the tests need: ``extra`` (bob's extra crack on image 0),
    ``image0`` and ``image1``.
    """
    add_predictions(path, 0)
    with Project.open(path) as project:
        bob = project.add_person("bob", Role.ANNOTATOR)
        project.add_person("quinn", Role.QA_LEAD)
        alice = project.person_by_name("alice")
        scratch, crack = project.class_by_name("scratch"), project.class_by_name("crack")
        assert alice and scratch and crack
        image0, image1 = (i.id for i in project.images()[:2])
        project.add_annotation(image0, scratch.id, Box(20, 20, 80, 70), alice.id)
        project.add_annotation(image0, crack.id, Box(150, 100, 220, 160), alice.id)
        project.add_annotation(image0, scratch.id, Box(22, 22, 82, 72), bob.id)
        extra = project.add_annotation(image0, crack.id, Box(250, 20, 300, 60), bob.id)
        project.add_annotation(image1, scratch.id, Box(10, 10, 100, 100), alice.id)
        project.add_annotation(image1, crack.id, Box(12, 12, 100, 100), bob.id)
    return {"extra": extra.id, "image0": image0, "image1": image1}


@pytest.fixture
def qa_ids(project_path: Path) -> dict[str, int]:
    return make_qa_project(project_path)


@pytest.fixture
def qa_window(qtbot: QtBot, project_path: Path, qa_ids: dict[str, int]) -> Iterator[MainWindow]:
    """The window signed in as quinn (QA lead), triage dock shown and computed."""
    window = open_window(qtbot, project_path, "quinn")
    panel = window.triage_panel
    assert panel.dock is not None
    panel.dock.show()
    panel.dock.raise_()
    qtbot.waitUntil(lambda: panel.row_count() > 0 and not panel.refresher.busy, timeout=10_000)
    yield window
    window.close()


def test_compute_triage_ranks_people_and_model(project_path: Path, qa_ids: dict[str, int]) -> None:
    data = compute_triage(project_path, "all")
    kinds = {(i.kind, i.model) for i in data.items}
    assert ("missing", False) in kinds and ("extra", False) in kinds
    assert ("class_mismatch", False) in kinds
    assert any(i.model for i in data.items)  # the model run against the consensus
    severities = [i.disagreement.severity for i in data.items]
    assert severities == sorted(severities, reverse=True)
    assert {i.guideline for i in data.items if not i.model} == {"v1"}
    people = compute_triage(project_path, "people")
    assert not any(i.model for i in people.items)


def test_queue_filters_walks_and_opens_images(qa_window: MainWindow, qtbot: QtBot) -> None:
    panel = qa_window.triage_panel
    assert "Missing" in panel.filter_options("type")
    assert "bob" in panel.filter_options("person")
    assert panel.set_filter("type", "Class mismatch")
    assert panel.items() and all(i.kind == "class_mismatch" for i in panel.items())
    assert panel.set_filter("type", "All") and panel.set_filter("class", "crack")
    assert all("crack" in i.classes for i in panel.items())
    panel.set_filter("class", "All")
    total = panel.row_count()
    qa_window.canvas_view.setFocus()
    QTest.keyClick(qa_window.canvas_view, Qt.Key.Key_N)  # the first disagreement
    first = panel.current()
    assert first is not None and panel.current_row() == 0
    qtbot.waitUntil(lambda: qa_window.current_image_id() == first.image_id)
    QTest.keyClick(qa_window.canvas_view, Qt.Key.Key_N)
    assert panel.current_row() == 1 % total
    QTest.keyClick(qa_window.canvas_view, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert panel.current_row() == 0
    item = panel.current()
    assert item is not None and qa_window.current_image_id() == item.image_id


def test_overlays_show_the_image_disagreements(
    qa_window: MainWindow, qa_ids: dict[str, int]
) -> None:
    panel = qa_window.triage_panel
    rows = [i.image_id for i in panel.items()]
    assert panel.set_current_row(rows.index(qa_ids["image0"]))
    assert qa_window.current_image_id() == qa_ids["image0"]
    marks = panel.overlay.marks
    assert len(marks) == len(panel.image_items()) > 0
    assert sum(m.current for m in marks) == 1
    kinds = {m.kind for m in marks}
    assert {"missing", "extra"} <= kinds
    assert all(m.a_geometry or m.b_geometry for m in marks if m.kind != "tag_mismatch")
    assert panel.image_list.count() == len(marks)
    assert panel.overlays_visible()
    qa_window.trigger("view.disagreements")
    assert not panel.overlays_visible() and not panel.overlay_check.isChecked()
    qa_window.trigger("view.disagreements")
    assert panel.overlays_visible()


def test_queue_follows_label_changes(
    qa_window: MainWindow, qa_ids: dict[str, int], qtbot: QtBot
) -> None:
    panel = qa_window.triage_panel

    def extras() -> list[int | None]:
        return [i.disagreement.b_id for i in panel.items() if i.kind == "extra" and not i.model]

    assert qa_ids["extra"] in extras()
    quinn = qa_window.workspace.person.id
    qa_window.workspace.execute(DeleteAnnotation(qa_ids["image0"], qa_ids["extra"], quinn))
    qtbot.waitUntil(lambda: qa_ids["extra"] not in extras(), timeout=10_000)
    qa_window.undo_stack.undo()
    qtbot.waitUntil(lambda: qa_ids["extra"] in extras(), timeout=10_000)


def test_overlay_item_paints_each_type_in_its_colour(qtbot: QtBot) -> None:
    """Offscreen render of the layer alone: every type shows in its own colour."""
    scene = QGraphicsScene()
    item = DisagreementOverlayItem()
    scene.addItem(item)
    item.set_marks(
        [
            DisagreementMark("missing", Box(10, 10, 60, 60), None, "Missing", current=True),
            DisagreementMark("extra", None, Box(100, 10, 150, 60), "Extra"),
            DisagreementMark("tag_mismatch", None, None, "Tag mismatch: blurry"),
        ],
        (200, 120),
    )
    assert [m.current for m in item.marks] == [False, False, True]  # current painted last
    image = QImage(200, 120, QImage.Format.Format_ARGB32)
    image.fill(QColor(0, 0, 0))
    painter = QPainter(image)
    area = QRectF(0, 0, 200, 120)
    scene.render(painter, area, area)
    painter.end()
    colours = {image.pixelColor(x, y).name() for x in range(200) for y in range(120)}
    for kind in ("missing", "extra", "tag_mismatch"):
        assert type_style(kind).color in colours, kind
    item.set_enabled_overlay(False)
    assert not item.isVisible()


def test_the_triage_queue_shown_saves_as_a_slice(
    qa_window: MainWindow, qtbot: QtBot, project_path: Path
) -> None:
    panel = qa_window.triage_panel
    assert panel.set_filter("type", "Class mismatch")
    shown = {i.image_id for i in panel.items()}
    assert shown
    assert panel.save_slice.save("mismatches", "to re-check")
    qtbot.waitUntil(lambda: panel.save_slice.saver.last is not None, timeout=10_000)
    with stored(project_path) as project:
        [saved] = project.slices()
        assert saved.name == "mismatches" and saved.images == len(shown)
        assert set(project.slice_image_ids(saved.id)) == shown
