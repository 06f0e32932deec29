"""A package's records are read for its images only, and equal the whole-project read."""

from __future__ import annotations

from pathlib import Path

import pytest

from labeler.core.store import Project, exchange
from labeler.demo.build import build_demo


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_demo(tmp_path_factory.mktemp("demo"), n_images=8, log=lambda _m: None)


@pytest.mark.parametrize("organization", [None, "Vendor A"])
def test_scoped_reads_equal_the_whole_project_read(
    demo: Path, organization: str | None, monkeypatch
) -> None:
    monkeypatch.setattr(exchange, "_SCOPE_CHUNK", 3)  # several queries per table
    with Project.open(demo) as project:
        ids = {r.id for r in project.images()}
        whole = project.exchange_records(None, organization)
        scoped = project.exchange_records(ids, organization)
        assert scoped == whole
        assert scoped["annotations"] and scoped["reviews"] is not None
        some = set(sorted(ids)[::2])
        part = project.exchange_records(some, organization)
        shas = {r.sha256 for r in project.images() if r.id in some}
        assert part["annotations"] and {a["image"] for a in part["annotations"]} <= shas
        assert [a["uid"] for a in part["annotations"]] == [
            a["uid"] for a in whole["annotations"] if a["image"] in shas
        ]
