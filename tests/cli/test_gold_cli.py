"""``labeler gold PROJECT mark|unmark|list|score|assign`` and ``package export --gold-rate``."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.commands import SetAnswered
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from tests.core.conftest import write_image


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """Eight images; img6 (a reviewed crack) and img7 (accepted empty) can become gold."""
    path = tmp_path / "p.labeler"
    for i in range(8):
        write_image(tmp_path / "images" / f"img{i}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as proj:
        import_images(proj, [tmp_path / "images"])
        quinn = proj.add_person("Quinn", "qa_lead")
        ana = proj.add_person("Ana")
        proj.add_person("Vik", organization="Vendor A")
        images = proj.images()
        crack = proj.add_annotation(images[6].id, 2, Box(20, 20, 60, 50), ana.id)
        proj.review_annotation(crack.id, quinn.id, "accept")
        SetAnswered(images[7].id, ana.id).apply(proj)
        proj.add_review("image", images[7].id, quinn.id, "accept")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_mark_list_score_and_unmark(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    marked = run_json(capsys, "gold", project, "mark", "--images", "ids:7-8", "--by", "Quinn")
    assert [m["reference"] for m in marked["marked"]] == [1, 0]
    listed = run_json(capsys, "gold", project, "list")["gold_images"]
    assert [(g["image"].rsplit("/", 1)[-1], g["marked_by"]) for g in listed] == [
        ("img6.png", "Quinn"),
        ("img7.png", "Quinn"),
    ]
    with Project.open(project) as proj:
        vik = proj.person_by_name("Vik")
        assert vik is not None
        six, seven = (i.id for i in proj.images()[6:8])
        proj.add_annotation(six, 2, Box(22, 22, 60, 50), vik.id)  # IoU 38*28/40*30
        SetAnswered(six, vik.id).apply(proj)
        SetAnswered(seven, vik.id).apply(proj)
    score = run_json(capsys, "gold", project, "score")
    (row,) = score["people"]
    assert row["person"] == "Vik" and row["items"] == 2
    assert row["f1"]["value"] == 1.0 and row["empty_correct"] == 1
    assert row["mean_iou"]["value"] == pytest.approx(38 * 28 / (40 * 30), abs=1e-6)
    capsys.readouterr()
    assert main(["gold", str(project), "score"]) == 0
    out = capsys.readouterr().out
    assert "Vik" in out and "Worst items" in out and "1/1" in out
    assert run_json(capsys, "gold", project, "unmark", "--images", "ids:8", "--by", "Quinn") == {
        "unmarked": [8]
    }
    assert len(run_json(capsys, "gold", project, "list")["gold_images"]) == 1


def test_refusals_print_a_message_not_a_traceback(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    capsys.readouterr()
    assert main(["gold", str(project), "mark", "--images", "ids:1", "--by", "Quinn"]) == 2
    assert "no reviewed labels" in capsys.readouterr().err
    assert main(["gold", str(project), "mark", "--images", "ids:7", "--by", "Ana"]) == 2
    assert "cannot audit" in capsys.readouterr().err
    assert main(["gold", str(project), "mark", "--images", "ids:7", "--by", "Nobody"]) == 2
    assert "no person named 'Nobody'" in capsys.readouterr().err
    assert main(["gold", str(project), "unmark", "--images", "ids:1", "--by", "Quinn"]) == 2
    assert "not a gold image" in capsys.readouterr().err


def test_package_export_mixes_gold_in_and_assign_does_in_house(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    run_json(capsys, "gold", project, "mark", "--images", "ids:7-8", "--by", "Quinn")
    summary = run_json(
        capsys, "package", "export", project, "--to", tmp_path / "va.lbpkg", "--for",
        "Vendor A", "--images", "ids:1-6", "--assign", "Vik", "--gold-rate", "0.5",
        "--gold-after", "2",
    )  # fmt: skip
    assert summary["images"] == 8 and summary["assignments"] == 8  # 6 + both gold images
    with zipfile.ZipFile(tmp_path / "va.lbpkg") as archive:
        assert "gold" not in archive.read("manifest.json").decode().lower()
    with Project.open(project) as proj:
        proj.add_person("Bo")
    assigned = run_json(
        capsys, "gold", project, "assign", "--images", "ids:1-6", "--to", "Bo", "--rate",
        "0.2", "--batch", "week 2", "--blind",
    )  # fmt: skip
    assert assigned == {"gold_per_person": {"Bo": 1}, "gold": 1}
    capsys.readouterr()
    assert main(["gold", str(project), "assign", "--images", "all", "--to", "Bo", "--rate",
                 "1.5"]) == 2  # fmt: skip
    assert "gold rate" in capsys.readouterr().err
    assert main(["gold", str(project), "assign", "--images", "all", "--to", "Bo", "--rate",
                 "0.2"]) == 2  # fmt: skip
    assert "blind assignments only" in capsys.readouterr().err
