from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from labeler.app.image_browser import ImageFilter
from labeler.app.main_window import MainWindow
from labeler.core.domain import ImageStatus
from labeler.core.store import Project
from tests.app.conftest import Mouse, open_window, stored, write_image

pytestmark = pytest.mark.gui

CTRL = Qt.KeyboardModifier.ControlModifier


def _ids(path: Path) -> list[int]:
    with stored(path) as project:
        return [i.id for i in project.images()]


def test_keys_switch_images_and_status_bar_follows(
    qtbot: QtBot, window: MainWindow, keys: Callable[..., None], project_path: Path
) -> None:
    ids = _ids(project_path)
    assert window.current_image_id() == ids[0]
    assert window.image_browser.row_count() == 4
    keys(Qt.Key.Key_D)
    assert window.current_image_id() == ids[1]
    qtbot.waitUntil(window.is_image_displayed)
    keys(Qt.Key.Key_Right, Qt.Key.Key_Right)
    assert window.current_image_id() == ids[3]
    keys(Qt.Key.Key_D)  # the last image: stays
    assert window.current_image_id() == ids[3]
    keys(Qt.Key.Key_A, Qt.Key.Key_Left)
    assert window.current_image_id() == ids[1]
    assert window.status.index_label.text().startswith("Image 2 / 4")
    assert window.go_to_image(0) and window.current_image_id() == ids[0]


def test_neighbours_are_prefetched(qtbot: QtBot, window: MainWindow, project_path: Path) -> None:
    ids = _ids(project_path)
    with stored(project_path) as project:
        wanted = window.controller.request_for(project.image(ids[1]))
    qtbot.waitUntil(lambda: window.loader.cached(ids[1], wanted.size[0]) is not None, timeout=5000)
    window.go_to_image(1)
    assert window.is_image_displayed()  # from the cache: painted at once, no wait


def test_space_marks_done_undo_and_status_filter(
    qtbot: QtBot, window: MainWindow, keys: Callable[..., None], project_path: Path
) -> None:
    first = window.current_image_id()
    assert first is not None
    keys(Qt.Key.Key_Space)
    with stored(project_path) as project:
        assert project.image(first).status == ImageStatus.DONE
    browser = window.image_browser
    browser.status_filter.setCurrentIndex(browser.status_filter.findData("done"))
    qtbot.waitUntil(lambda: browser.row_count() == 1 and not browser.busy, timeout=5000)
    assert "1 of 4" in browser.count_label.text()
    browser.set_filter(ImageFilter())
    assert browser.row_count() == 4
    keys((Qt.Key.Key_Z, CTRL))
    with stored(project_path) as project:
        assert project.image(first).status == ImageStatus.NEW


def test_search_and_class_filters(
    qtbot: QtBot, window: MainWindow, keys: Callable[..., None], mouse: Mouse
) -> None:
    browser = window.image_browser
    keys(Qt.Key.Key_D, Qt.Key.Key_2, Qt.Key.Key_W)  # a crack on the second image
    mouse.drag((20, 20), (60, 60))
    crack_id = window.workspace.drawable_classes()[1].id
    browser.set_filter(ImageFilter(class_id=crack_id))
    qtbot.waitUntil(lambda: browser.row_count() == 1 and not browser.busy, timeout=5000)
    browser.search.setText("img3")
    qtbot.waitUntil(
        lambda: browser.current_filter.text == "img3" and not browser.busy, timeout=5000
    )
    qtbot.waitUntil(lambda: browser.row_count() == 0, timeout=5000)
    browser.set_filter(ImageFilter(text="img3"))
    qtbot.waitUntil(lambda: browser.row_count() == 1 and not browser.busy, timeout=5000)


def test_undo_goes_back_to_the_image_of_the_edit(
    window: MainWindow, keys: Callable[..., None], mouse: Mouse, project_path: Path
) -> None:
    first = window.current_image_id()
    keys(Qt.Key.Key_W)
    mouse.drag((20, 20), (60, 60))
    keys(Qt.Key.Key_D, (Qt.Key.Key_Z, CTRL))
    assert window.current_image_id() == first
    with stored(project_path) as project:
        assert project.annotations(first) == []


def test_missing_image_shows_a_message_and_the_rest_works(qtbot: QtBot, project_path: Path) -> None:
    with stored(project_path) as project:
        second = project.images()[1]
        missing = project.image_path(second)
    missing.unlink()
    window = open_window(qtbot, project_path)
    window.go_to_image(1)
    qtbot.waitUntil(lambda: window.canvas_view.message is not None, timeout=5000)
    message = window.canvas_view.message
    assert message is not None and "img1.png" in message and "not found" in message
    mouse = Mouse(window)
    window.trigger("tool.box")
    mouse.drag((20, 20), (80, 80))  # labels can still be drawn (the size is known)
    window.go_to_image(2)
    qtbot.waitUntil(window.is_image_displayed)
    assert window.canvas_view.message is None
    with stored(project_path) as project:
        assert len(project.annotations(second.id)) == 1
    window.close()


def test_time_spent_is_recorded_per_image(
    qtbot: QtBot, window: MainWindow, keys: Callable[..., None], project_path: Path
) -> None:
    first = window.current_image_id()
    assert first is not None
    qtbot.wait(250)
    keys(Qt.Key.Key_F, Qt.Key.Key_D)
    window.workspace.flush_time()  # also runs every few seconds and on close
    with stored(project_path) as project:
        person = project.person_by_name("alice")
        assert person is not None
        assert project.image_time(first, person.id) >= 0.2


def test_reviewer_sees_everyones_annotations(qtbot: QtBot, project_path: Path) -> None:
    with Project.open(project_path) as project:
        image = project.images()[0]
        alice = project.person_by_name("alice")
        scratch = project.class_by_name("scratch")
        assert alice is not None and scratch is not None
        from labeler.core.geometry import Box

        project.add_annotation(image.id, scratch.id, Box(10, 10, 50, 50), alice.id)
    reviewer = open_window(qtbot, project_path, person="rita")
    assert len(reviewer.controller.annotations) == 1
    reviewer.close()


def test_empty_project_says_how_to_import_and_imports_in_background(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "empty.labeler"
    with Project.create(path, ["scratch"]) as project:
        project.add_person("alice")
    window = open_window(qtbot, path)
    message = window.canvas_view.message
    assert message is not None and "Import" in message
    folder = tmp_path / "new"
    for i in range(2):
        write_image(folder / f"n{i}.png", seed=10 + i)
    (folder / "notes.txt").write_text("not an image")
    (folder / "broken.jpg").write_bytes(b"not really a jpeg")
    job = window.import_folder(folder)
    with qtbot.waitSignal(job.signals.finished, timeout=20_000):
        pass
    qtbot.waitUntil(lambda: window.image_browser.row_count() == 2, timeout=5000)
    qtbot.waitUntil(lambda: window.current_image_id() is not None and window.is_image_displayed())
    assert window.canvas_view.message is None
    assert "Imported 2 images, 1 skipped" in window.status.currentMessage()
    window.close()


def test_export_runs_in_background(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> None:
    out = tmp_path / "export-coco"
    job = window.export_to(out, "coco")
    with qtbot.waitSignal(job.signals.finished, timeout=90_000):  # generous: a loaded CI box
        pass
    assert out.is_dir() and any(out.rglob("*.json"))
