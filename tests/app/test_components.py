"""The workspace's building blocks on their own: decode cache, virtual list, time, workers."""

from __future__ import annotations

import hashlib
import time
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from labeler.app.image_browser import ImageFilter, ImageListModel, filtered_image_ids
from labeler.app.image_loader import ImageLoader, ImageRequest, reduction_for_width
from labeler.app.time_tracker import TimeTracker
from labeler.app.workers import JobRunner
from labeler.core.domain import GeometryKind, ImageStatus
from labeler.core.errors import LabelerError
from labeler.core.images import ImageProbe
from labeler.core.progress import Progress
from labeler.core.store import Project
from tests.app.conftest import write_image

pytestmark = pytest.mark.gui


def test_loader_decodes_off_thread_to_the_requested_size(qtbot: QtBot, tmp_path: Path) -> None:
    path = write_image(tmp_path / "a.jpg", seed=1, size=(640, 480))
    loader = ImageLoader()
    request = ImageRequest.for_width(1, path, (640, 480), 200)
    assert request.size == (200, 150) and request.reduce == 2
    assert loader.request(request) is None  # not cached: decoded in the background
    with qtbot.waitSignal(loader.imageReady, timeout=5000) as blocker:
        pass
    assert blocker.args[:2] == [1, 200]
    image = loader.cached(1, 200)
    assert image is not None and (image.width(), image.height()) == (200, 150)
    assert loader.cached(1, 201) is None
    loader.shutdown()


def test_loader_cache_is_bounded_and_missing_files_get_a_message(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = write_image(tmp_path / "a.png", seed=2, size=(100, 100))
    loader = ImageLoader(max_bytes=100 * 100 * 4 * 2)  # room for two images
    for image_id in range(1, 5):
        with qtbot.waitSignal(loader.imageReady, timeout=5000):
            loader.request(ImageRequest(image_id, path, (100, 100)))
    assert loader.cached_bytes <= loader.max_bytes
    assert loader.cached(1) is None and loader.cached(4) is not None
    with qtbot.waitSignal(loader.imageFailed, timeout=5000) as blocker:
        loader.request(ImageRequest(9, tmp_path / "gone.jpg", (10, 10)))
    assert "not found" in blocker.args[1] and "gone.jpg" in blocker.args[1]
    assert reduction_for_width(tmp_path / "x.png", 4000, 500) == 1  # only JPEG decodes reduced
    loader.shutdown()


def test_virtual_list_pages_through_many_images(qtbot: QtBot, tmp_path: Path) -> None:
    file = write_image(tmp_path / "one.png", seed=3)
    with Project.create(tmp_path / "big.labeler", ["a"], GeometryKind.BOX) as project:
        probes = [
            ImageProbe(file, hashlib.sha256(str(i).encode()).hexdigest(), 320, 240, 1, 10, "PNG")
            for i in range(3000)
        ]
        project.add_images(probes)
        ids = [r.id for r in project.images()]
        project.set_image_status(ids[2500], ImageStatus.DONE)
        start = time.perf_counter()
        model = ImageListModel(project, None)
        assert model.rowCount() == 3000
        assert model.record(2999) is not None
        assert time.perf_counter() - start < 1.0  # one count and one page, not 3,000 rows
        assert model.row_of(ids[2777]) == 2777  # binary search over pages
        found = filtered_image_ids(project.path, ImageFilter(status=ImageStatus.DONE), Progress())
        assert found == [ids[2500]]
        model.set_ids(found)
        assert model.rowCount() == 1 and model.row_of(ids[2500]) == 0


def test_time_tracker_counts_active_time_only() -> None:
    now = [0.0]
    tracker = TimeTracker(clock=lambda: now[0], idle_limit=60)
    tracker.switch(1)
    now[0] = 10
    tracker.touch()
    now[0] = 500  # away for a long time: counts as the idle limit only
    assert tracker.switch(2) == (1, 70)
    now[0] = 503
    assert tracker.take() == (2, 3)


def test_job_runner_reports_success_and_errors_as_messages(qtbot: QtBot) -> None:
    runner = JobRunner()
    results: list[object] = []
    errors: list[str] = []
    runner.run(lambda progress: 42, "answer", on_success=results.append)

    def fails(progress: Progress) -> None:
        raise LabelerError("disk is full")

    runner.run(fails, "failing", on_failure=errors.append)
    qtbot.waitUntil(lambda: not runner.busy, timeout=5000)
    assert results == [42]
    assert errors == ["disk is full"]
    runner.shutdown()


@pytest.mark.parametrize("count", [3, 600])  # detailed drawing, and the crowded raster path
def test_shapes_are_drawn_where_they_are(qtbot: QtBot, count: int) -> None:
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QColor, QImage, QPainter
    from PySide6.QtWidgets import QGraphicsScene

    from labeler.app.canvas.items import DrawnShape, ShapesItem
    from labeler.core.geometry import Box, Polygon
    from labeler.core.tools import ShapeKey

    shapes = [
        DrawnShape(ShapeKey("annotation", i), Box(300, 300, 310, 310), "#00ff00", "")
        for i in range(count - 2)
    ]
    shapes.append(DrawnShape(ShapeKey("annotation", 9001), Box(20, 30, 120, 90), "#ff0000", "a"))
    ring = ((150.0, 150.0), (250.0, 150.0), (200.0, 250.0))
    shapes.append(DrawnShape(ShapeKey("annotation", 9002), Polygon(ring), "#0000ff", "b"))
    item = ShapesItem()
    item.set_shapes(shapes, QRectF(0, 0, 400, 300))
    assert item.detailed == (count < 100)
    scene = QGraphicsScene()
    scene.addItem(item)
    image = QImage(400, 300, QImage.Format.Format_RGB32)
    image.fill(QColor(0, 0, 0))
    painter = QPainter(image)
    scene.render(painter, QRectF(0, 0, 400, 300), QRectF(0, 0, 400, 300))
    painter.end()
    assert QColor(image.pixel(70, 30)).red() > 200  # the box's top edge
    assert QColor(image.pixel(70, 60)).red() < 100  # inside: at most a light fill
    assert QColor(image.pixel(200, 150)).blue() > 200  # the polygon's top edge
    scene.removeItem(item)


def test_installed_pyside_keeps_singleton_reference_counts() -> None:
    """PySide6 6.12.0 on CPython 3.11 dropped a reference to None per void Qt call and to
    True/False per emit, aborting the app within a minute; pyproject pins it out."""
    import sys

    from PySide6.QtCore import QObject, QRectF, Signal

    class Emitter(QObject):
        fired = Signal(bool)

    rect, emitter = QRectF(), Emitter()
    none_before, true_before = sys.getrefcount(None), sys.getrefcount(True)
    for _ in range(64):  # few enough to be harmless even on a broken build
        rect.setWidth(1.0)
        emitter.fired.emit(True)
    assert none_before - sys.getrefcount(None) < 32, "this PySide6 build leaks None refs"
    assert true_before - sys.getrefcount(True) < 32, "this PySide6 build leaks True refs"
