"""Fixtures for GUI tests: a small real project on disk and the real main window on it.

Assertions read the project through a SECOND connection (:func:`stored`): what
another process would see in the file, i.e. what is really saved.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import cv2
import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication, QPoint, QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from labeler.app.i18n import install_translations
from labeler.app.main_window import MainWindow
from labeler.core.domain import GeometryKind, Role
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project

IMAGE_SIZE = (320, 240)


@pytest.fixture(autouse=True, scope="session")
def english_catalog(qapp: QApplication) -> None:
    """GUI tests read what an English user reads ("1 shape", "3 shapes"), as the app does."""
    install_translations(qapp, "en")


@pytest.fixture
def korean(qapp: QApplication) -> Iterator[None]:
    """The app in Korean for one test (the English catalog again afterwards)."""
    assert install_translations(qapp, "ko") == "ko"
    yield
    install_translations(qapp, "en")


def write_image(path: Path, seed: int, size: tuple[int, int] = IMAGE_SIZE) -> Path:
    """A small real image with distinct content per seed."""
    rng = np.random.default_rng(seed)
    image = np.full((size[1], size[0], 3), (60 + seed * 30) % 256, np.uint8)
    image[::8] = rng.integers(0, 255, (len(image[::8]), size[0], 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image)
    return path


@pytest.fixture(scope="session", autouse=True)
def _app_identity() -> None:
    QCoreApplication.setOrganizationName("labeler-tests")
    QCoreApplication.setApplicationName("labeler-tests")


@pytest.fixture(autouse=True)
def _fresh_settings() -> Iterator[None]:
    QSettings().clear()
    yield
    QSettings().clear()


@pytest.fixture
def project_path(tmp_path: Path) -> Path:
    """Four 320x240 images; box classes scratch and crack, polygon class dent, tag blurry."""
    path = tmp_path / "p.labeler"
    with Project.create(path, ["scratch", "crack"], GeometryKind.BOX) as project:
        project.add_class("dent", GeometryKind.POLYGON)
        project.add_class("blurry", GeometryKind.TAG)
        project.add_person("alice", Role.ANNOTATOR)
        project.add_person("rita", Role.REVIEWER)
        folder = tmp_path / "images"
        for i in range(4):
            write_image(folder / f"img{i}.png", seed=i)
        assert import_images(project, [folder]).added == 4
        project.publish_guideline(
            "# Guideline\n\n## scratch\n\nA thin line. Box it end to end.\n\n"
            "## crack\n\nBranching lines from an impact point.\n"
        )
    return path


@contextmanager
def stored(path: Path) -> Iterator[Project]:
    """The project as saved on disk, through its own connection."""
    with Project.open(path) as project:
        yield project


def add_predictions(path: Path, image_index: int = 0) -> list[int]:
    """Two pre-labels (0.9 and 0.3) on one image, as a finished model run."""
    with Project.open(path) as project:
        image = project.images()[image_index]
        scratch = project.class_by_name("scratch")
        assert scratch is not None
        run = project.start_model_run("sha", "demo.onnx", {"conf": 0.1}, "CPUExecutionProvider")
        project.add_predictions(
            run.id,
            image.id,
            [(scratch.id, Box(20, 20, 80, 70), 0.9), (scratch.id, Box(150, 100, 220, 160), 0.3)],
        )
        project.finish_model_run(run.id)
        return [p.id for p in project.predictions(image.id)]


def open_window(qtbot: QtBot, path: Path, person: str = "alice") -> MainWindow:
    """The real main window on ``path``, shown, with its first image painted."""
    project = Project.open(path)
    who = project.person_by_name(person)
    assert who is not None
    window = MainWindow(project, who, thumbnail_dir=path.parent / "thumbs")
    qtbot.addWidget(window)
    window.resize(1100, 760)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.is_image_displayed, timeout=5000)
    return window


@pytest.fixture
def window(qtbot: QtBot, project_path: Path) -> Iterator[MainWindow]:
    """The main window on the test project, signed in as alice (annotator)."""
    main = open_window(qtbot, project_path)
    yield main
    main.close()


class Mouse:
    """Mouse gestures at image coordinates on the real canvas viewport."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.viewport = window.canvas_view.viewport()

    def at(self, x: float, y: float) -> QPoint:
        return self.window.map_image_to_view(x, y)

    def click(
        self, x: float, y: float, modifier: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
    ) -> None:
        QTest.mouseClick(self.viewport, Qt.MouseButton.LeftButton, modifier, self.at(x, y))

    def double_click(self, x: float, y: float) -> None:
        QTest.mouseDClick(
            self.viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, self.at(x, y)
        )

    def drag(self, start: tuple[float, float], end: tuple[float, float], steps: int = 4) -> None:
        left, none = Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
        QTest.mousePress(self.viewport, left, none, self.at(*start))
        for i in range(1, steps + 1):
            t = i / steps
            x = start[0] + (end[0] - start[0]) * t
            y = start[1] + (end[1] - start[1]) * t
            QTest.mouseMove(self.viewport, self.at(x, y))
        QTest.mouseRelease(self.viewport, left, none, self.at(*end))


@pytest.fixture
def mouse(window: MainWindow) -> Mouse:
    return Mouse(window)


@pytest.fixture
def keys(window: MainWindow) -> Callable[..., None]:
    """Press keys as the user would, with the canvas focused (shortcuts included)."""

    def press(*sequence: Qt.Key | tuple[Qt.Key, Qt.KeyboardModifier]) -> None:
        for item in sequence:
            key, modifier = (
                item if isinstance(item, tuple) else (item, Qt.KeyboardModifier.NoModifier)
            )
            QTest.keyClick(window.canvas_view, key, modifier)
            QApplication.processEvents()

    return press
