"""``labeler package export|open|save|import`` as a vendor and a project owner use them."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from labeler.cli import main
from labeler.core.geometry import Box
from labeler.core.importing import import_images
from labeler.core.store import Project
from labeler.data import data_path
from tests.core.conftest import write_image

GUIDES = data_path("guides", "demo", "en")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    path = tmp_path / "p.labeler"
    for i in range(3):
        write_image(tmp_path / "images" / f"i{i}.png", seed=i)
    with Project.create(path, ["scratch", "crack", "dent"]) as proj:
        import_images(proj, [tmp_path / "images"])
        proj.add_person("Vik", organization="Vendor A")
        proj.add_person("Val", organization="Vendor A")
        proj.add_person("Ana")
        proj.publish_guideline(GUIDES.joinpath("v1.md").read_text(), "first")
    return path


def run_json(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    capsys.readouterr()
    assert main([*map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def frozen_bytes(path: Path) -> bytes:
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    return path.read_bytes()


def test_export_work_offline_and_import(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "vendor_a.lbpkg"
    summary = run_json(
        capsys,
        "package",
        "export",
        project,
        "--to",
        package,
        "--for",
        "Vendor A",
        "--images",
        "all",
        "--blind",
        "--assign",
        "Vik,Val",
        "--overlap",
        "2",
    )
    assert (summary["images"], summary["assignments"], summary["people"]) == (3, 6, 2)
    opened = run_json(capsys, "package", "open", package)
    with Project.open(opened["project"]) as inner:
        vik = inner.person_by_name("Vik")
        assert vik is not None and inner.assignments_for(vik.id)[0].blind
        inner.acknowledge(vik.id)
        inner.add_annotation(1, 1, Box(1, 1, 40, 40), vik.id)
    assert run_json(capsys, "package", "save", package)["package"] == str(package)
    result = run_json(capsys, "package", "import", project, package)
    assert result["changed"] and result["vendor"] == "Vendor A" and result["annotations"] == 1
    before = frozen_bytes(project)
    again = run_json(capsys, "package", "import", project, package)
    assert not again["changed"] and frozen_bytes(project) == before
    assert main(["package", "import", str(project), str(package)]) == 0
    assert "nothing new" in capsys.readouterr().out
    with Project.open(project) as proj:
        [made] = proj.annotations()
        assert proj.person(made.annotator_id).organization == "Vendor A"
        assert made.guideline_version_id == proj.current_guideline_id()


def test_refusals_are_one_line_and_change_nothing(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.lbpkg"
    bad.write_bytes(b"PK\x03\x04 truncated")
    before = frozen_bytes(project)
    assert main(["package", "import", str(project), str(bad)]) == 2
    err = capsys.readouterr().err
    assert "not a labeler package or damaged" in err and "Traceback" not in err
    assert frozen_bytes(project) == before
    assert (
        main(
            [
                "package",
                "export",
                str(project),
                "--to",
                str(tmp_path / "x.lbpkg"),
                "--for",
                "Vendor A",
                "--images",
                "status:nope",
            ]
        )
        == 2
    )
    assert "unknown image query term" in capsys.readouterr().err
    assert (
        main(
            [
                "package",
                "export",
                str(project),
                "--to",
                str(tmp_path / "x.zip"),
                "--for",
                "Vendor A",
                "--images",
                "all",
            ]
        )
        == 2
    )
    assert ".lbpkg" in capsys.readouterr().err
    assert (
        main(
            [
                "package",
                "export",
                str(project),
                "--to",
                str(tmp_path / "x.lbpkg"),
                "--for",
                "Vendor A",
                "--images",
                "all",
                "--assign",
                "Ana",
            ]
        )
        == 2
    )
    assert "not from 'Vendor A'" in capsys.readouterr().err
    assert not (tmp_path / "x.lbpkg").exists()


def test_self_promoting_package_is_refused_with_the_field_named(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "cheat.lbpkg"
    run_json(
        capsys,
        "package",
        "export",
        project,
        "--to",
        package,
        "--for",
        "Vendor A",
        "--images",
        "all",
    )
    opened = run_json(capsys, "package", "open", package)
    with Project.open(opened["project"]) as inner:
        lead = inner.add_person("Vera", "qa_lead", "Vendor A")
        inner.acknowledge(lead.id)
        vik = inner.person_by_name("Vik")
        assert vik is not None
        inner.acknowledge(vik.id)
        made = inner.add_annotation(1, 1, Box(1, 1, 40, 40), vik.id)
        inner.review_annotation(made.id, lead.id, "accept")
    run_json(capsys, "package", "save", package)
    before = frozen_bytes(project)
    assert main(["package", "import", str(project), str(package)]) == 2
    err = capsys.readouterr().err
    assert "cheat.lbpkg: refused, people[2].role" in err and "qa_lead" in err
    assert "Traceback" not in err
    assert frozen_bytes(project) == before


def test_review_package_brings_back_its_reviewers_work(
    project: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    package = tmp_path / "review.lbpkg"
    args = ["package", "export", project, "--to", package, "--for", "Vendor A", "--images", "all"]
    assert run_json(capsys, *args, "--for-review")["for_review"] is True
    opened = run_json(capsys, "package", "open", package)
    with Project.open(opened["project"]) as inner:
        lead = inner.add_person("Vera", "reviewer", "Vendor A")
        vik = inner.person_by_name("Vik")
        assert vik is not None
        for person in (lead.id, vik.id):
            inner.acknowledge(person)
        made = inner.add_annotation(1, 1, Box(1, 1, 40, 40), vik.id)
        inner.review_annotation(made.id, lead.id, "accept")
    run_json(capsys, "package", "save", package)
    result = run_json(capsys, "package", "import", project, package)
    assert (result["people"], result["annotations"], result["reviews"]) == (1, 1, 1)
