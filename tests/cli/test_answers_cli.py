"""The issue's measurements, through the CLI: negatives and empty answers count everywhere."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from labeler.cli import main
from tests.core.answers.generated import generate
from tests.core.answers.test_answers_everywhere import _pycocotools


def _out(capsys: pytest.CaptureFixture[str], argv: list[str]) -> dict:
    capsys.readouterr()
    assert main(argv) == 0
    return json.loads(capsys.readouterr().out)


def test_cli_diagnose_with_negatives_equals_pycocotools(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = generate(tmp_path / "gen", n_images=30, negatives=12, seed=3)
    stats, _ = _pycocotools(gen)
    project = str(tmp_path / "p.labeler")
    assert main(["init", project, "--classes", "dent,scratch"]) == 0
    truth = str(gen.truth)
    assert main(["import", project, str(gen.images), "--annotations", truth, "--format", "coco",
                 "--annotator", "truth"]) == 0
    assert main(["import", project, "--predictions", str(gen.results), "--format", "coco",
                 "--coco-images", truth, "--model-name", "gen"]) == 0
    data = _out(capsys, ["diagnose", project, "--model", "gen", "--json"])
    assert data["images_evaluated"] == 30 and data["truth_sources"]["empty"] == 12
    assert list(data["metrics"].values()) == [
        None if v < 0 else pytest.approx(round(v, 6)) for v in stats.tolist()
    ]
    named = _out(capsys, ["diagnose", project, "--model", "gen", "--truth", "truth", "--json"])
    assert named["metrics"] == data["metrics"]  # the truth's empty answers count
    capsys.readouterr()
    assert main(["diagnose", project, "--model", "gen"]) == 0
    assert "Evaluated 30 of 30 images" in capsys.readouterr().out
    for who, path in gen.annotators.items():
        assert main(["import", project, "--annotations", str(path), "--format", "coco",
                     "--annotator", who]) == 0
    agreement = _out(capsys, ["agreement", project, "--json"])
    assert agreement["images_compared"] == 30  # every listed image, empty ones too
    export = _out(capsys, ["export", project, str(tmp_path / "out"), "--format", "coco",
                           "--json"])
    assert export["excluded"] == 0  # negatives are exported, nothing unanswered
    assert export["splits"]["all"]["images"] == 30


def test_cli_consensus_counts_negatives(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from labeler.core.geometry import Box
    from labeler.core.importing import import_images
    from labeler.core.store import Project
    from tests.core.conftest import write_image

    for i in range(2):
        write_image(tmp_path / "images" / f"img{i}.png", seed=i)
    with Project.create(tmp_path / "p.labeler", ["dent"]) as project:
        import_images(project, [tmp_path / "images"])
        people = [project.ensure_person(n).id for n in ("Ana", "Bo", "Cy")]
        project.add_annotation(1, 1, Box(10, 10, 40, 40), people[0])
        project.mark_answered_many([(i, p) for i in (1, 2) for p in people], source="workspace")
        path = str(project.path)
    data = _out(capsys, ["consensus", path, "--json"])
    assert data["negatives"] == {"images": 2, "clusters": 1} and data["unresolved"] == []
    assert main(["consensus", path]) == 0
    assert "Negatives: 2 images" in capsys.readouterr().out
