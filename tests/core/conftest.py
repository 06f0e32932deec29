"""Fixtures for core tests: real project files and real image files."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import cv2
import numpy as np
import pytest

from labeler.core.store import Project


def write_image(path: Path, width: int = 160, height: int = 120, seed: int = 0) -> Path:
    """Write a real image file with distinct content per seed."""
    rng = np.random.default_rng(seed)
    image = rng.integers(0, 255, (height, width, 3), dtype=np.uint8)
    path.parent.mkdir(parents=True, exist_ok=True)
    assert cv2.imwrite(str(path), image)
    return path


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    """A fresh project with three box classes."""
    with Project.create(tmp_path / "p.labeler", ["scratch", "crack", "dent"]) as proj:
        yield proj


@pytest.fixture
def project_with_images(tmp_path: Path, project: Project) -> Project:
    """The fresh project holding three imported images (img0..img2.png, 160x120)."""
    from labeler.core.importing import import_images

    folder = tmp_path / "images"
    for i in range(3):
        write_image(folder / f"img{i}.png", seed=i)
    report = import_images(project, [folder])
    assert report.added == 3
    return project


@pytest.fixture
def setup(project_with_images: Project) -> tuple[Project, int, int, int]:
    """For command tests: the project with images, Alice, the first image, class scratch.

    Gives ``(project, image id, scratch's class id, Alice's person id)``.
    """
    project = project_with_images
    person = project.add_person("alice")
    image = project.images()[0]
    scratch = project.class_by_name("scratch")
    assert scratch is not None
    return project, image.id, scratch.id, person.id
