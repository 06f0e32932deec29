"""collect_image_files resolves paths as Path.resolve() would, folder by folder."""

from __future__ import annotations

from pathlib import Path

from labeler.core.domain import ImportReport
from labeler.core.importing import collect_image_files
from tests.core.conftest import write_image


def test_collected_paths_are_resolved_and_links_deduplicated(tmp_path: Path) -> None:
    real = tmp_path / "real"
    real.mkdir()
    a = write_image(real / "a.jpg")
    b = write_image(real / "b.png")
    shoot = tmp_path / "shoot"
    shoot.mkdir()
    (shoot / "link_to_a.jpg").symlink_to(a)  # the same file twice: imported once
    (tmp_path / "alias").symlink_to(real, target_is_directory=True)
    named = [real, shoot, tmp_path / "alias" / "b.png", tmp_path / "real" / ".." / "real"]
    found = collect_image_files(named, ImportReport())
    assert found == [a.resolve(), b.resolve()]
    assert all(p == p.resolve() for p in found)
