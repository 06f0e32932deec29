"""ImageIndex answers what Project.find_image answers, for every kind of reference."""

from __future__ import annotations

import pytest

from labeler.core.image_refs import ImageIndex
from labeler.core.store import Project

STORED = [
    "site-a/x.jpg",
    "site-b/x.jpg",  # same name in another folder
    "site-a/deep/y.png",
    "z.jpg",
    "z.png",  # same stem, other suffix
    "only.jpeg",
    "Case.JPG",
    "noext",
    "archive/w.tar.gz",
    "/abs/photos/v.jpg",
    "사진/손상.jpg",  # Korean names
    "[weird]/a%b_c.jpg",  # LIKE and markup characters
]
REFS = [
    "site-a/x.jpg",
    "site-b/x.jpg",
    "x.jpg",
    "x",
    "other/site-a/x.jpg",
    "c:\\data\\site-b\\x.jpg",
    "y.png",
    "deep/y.png",
    "y",
    "site-a/deep/y.png",
    "z.jpg",
    "z",
    "only",
    "only.jpeg",
    "case.jpg",
    "Case.JPG",
    "Case",
    "noext",
    "w.tar.gz",
    "w.tar",
    "w",
    "v.jpg",
    "/abs/photos/v.jpg",
    "손상.jpg",
    "손상",
    "사진/손상.jpg",
    "a%b_c.jpg",
    "a%b_c",
    "[weird]/a%b_c.jpg",
    "ghost.jpg",
    "",
    "a_b_c.jpg",
]


@pytest.fixture
def project(tmp_path) -> Project:
    project = Project.create(tmp_path / "p.labeler", ["scratch"])
    project.load_image_rows(
        (f"{i:064x}", path, 100, 80, 10, "new") for i, path in enumerate(STORED)
    )
    return project


@pytest.mark.parametrize("ref", REFS)
def test_index_equals_find_image(project: Project, ref: str) -> None:
    index = ImageIndex(project.images())
    expected = project.find_image(ref)
    found = index.find(ref)
    assert (found.id if found else None) == (expected.id if expected else None)


def test_known_answers(project: Project) -> None:
    index = ImageIndex(project.images())
    paths = {r.id: r.path for r in project.images()}

    def path_of(ref: str) -> str | None:
        found = index.find(ref)
        return paths[found.id] if found else None

    assert path_of("other/site-a/x.jpg") == "site-a/x.jpg"
    assert path_of("x.jpg") is None  # two images are called x.jpg
    assert path_of("z") is None and path_of("only") == "only.jpeg"
    assert path_of("손상") == "사진/손상.jpg"
    assert path_of("a_b_c.jpg") is None  # _ is no wildcard
