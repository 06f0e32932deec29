"""``labeler consensus`` says whether an unresolved cluster is a tie or short of the quorum."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.conftest import write_image


def test_consensus_names_a_tie(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    write_image(tmp_path / "images" / "img0.png")
    with Project.create(tmp_path / "p.labeler", ["scratch", "dent"]) as project:
        import_images(project, [tmp_path / "images"])
        image = project.images()[0]
        scratch, dent = (project.class_by_name(n) for n in ("scratch", "dent"))
        assert scratch is not None and dent is not None
        ana, bo = project.ensure_person("Ana"), project.ensure_person("Bo")
        project.add_annotation(image.id, scratch.id, Box(10, 10, 60, 60), ana.id)
        project.add_annotation(image.id, dent.id, Box(11, 11, 61, 61), bo.id)
        path = str(project.path)
    assert main(["consensus", path]) == 0
    err = capsys.readouterr().err
    assert "votes scratch 1, dent 1 (tie: no class has more votes than the others)" in err
    assert main(["consensus", path, "--json"]) == 0
    [cluster] = json.loads(capsys.readouterr().out)["unresolved"]
    assert cluster["reason"] == "tie" and cluster["required"] == 1
