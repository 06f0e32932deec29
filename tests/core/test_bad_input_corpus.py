"""The bad-input corpus (tests/corpus/bad_inputs.py) through the real import.

Every case ends in what a person can act on: good files imported (tiny ones too),
bad ones skipped with a reason naming the file, every dropped or altered shape
reported with its file and element, and nothing stored from a refused file.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import cv2
import pytest

import labeler.core.importing as importing
from labeler.core.images import decode_image, probe_image
from labeler.core.importing import import_annotations, import_images
from labeler.core.store import Project
from tests.core.conftest import write_image
from tests.corpus.bad_inputs import (
    annotation_cases,
    png_bomb,
    write_annotation_corpus,
    write_good_image,
    write_image_corpus,
)


@pytest.fixture
def project(tmp_path: Path) -> Project:
    with Project.create(tmp_path / "corpus.labeler", ["dent"]) as opened:
        yield opened


def test_image_corpus_imports_the_good_and_skips_the_bad(project: Project, tmp_path: Path) -> None:
    cases = write_image_corpus(tmp_path / "images")
    report = import_images(project, [tmp_path / "images"])
    assert not report.cancelled
    reasons = {Path(path).name: reason for path, reason in report.skipped}
    stored = {Path(image.path).name: (image.width, image.height) for image in project.images()}
    for case in cases:
        if case.imported:
            assert stored.get(case.name) == case.size, case.name
        else:
            assert case.name in reasons and case.name not in stored, case.name
            assert case.reason in reasons[case.name], (case.name, reasons[case.name])
    assert {Path(path).parent for path, _ in report.skipped} == {(tmp_path / "images").resolve()}
    assert report.added == sum(case.imported for case in cases)


def test_tiny_images_decode_the_way_they_were_stored(tmp_path: Path) -> None:
    for case in write_image_corpus(tmp_path / "images"):
        if not case.imported:
            continue
        path = tmp_path / "images" / case.name
        probe = probe_image(path)
        for reduce in (1, 2, 4, 8):
            height, width = decode_image(path, reduce).shape[:2]
            if reduce == 1:
                assert (width, height) == (probe.width, probe.height), case.name


def test_tiny_image_before_the_first_batch_keeps_the_good_ones(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importing, "BATCH_SIZE", 2)
    folder = tmp_path / "shoot"
    cases = {c.name: c for c in write_image_corpus(tmp_path / "all")}
    for name in ("tiny_1x1.png", "tiny_2x3.bmp", "tiny_3x3.tif", "tiny_1x1.webp"):
        folder.mkdir(exist_ok=True)
        (folder / f"a_{name}").write_bytes(cases[name].data)
    for i in range(5):
        write_image(folder / f"b_good{i}.jpg", 64, 48, seed=i)
    report = import_images(project, [folder])
    assert report.skipped == [] and report.added == 9 == project.image_count()


def test_a_decoder_crash_on_one_file_is_that_files_reason(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "shoot"
    for i in range(4):
        write_image(folder / f"{i}.png", 40, 30, seed=i)
    real_probe = importing.probe_image

    def probe(path: Path, max_pixels: int) -> object:
        if path.name == "1.png":
            raise cv2.error("OpenCV(5.0.0) resize.cpp: error: (-215:Assertion failed)")
        if path.name == "2.png":
            raise KeyError("broken TIFF tag")
        return real_probe(path, max_pixels)

    monkeypatch.setattr(importing, "probe_image", probe)
    report = import_images(project, [folder])
    reasons = {Path(p).name: r for p, r in report.skipped}
    assert set(reasons) == {"1.png", "2.png"}
    assert "error" in reasons["1.png"] and "KeyError" in reasons["2.png"]
    assert report.added == 2 == project.image_count()


def test_image_path_in_an_unreadable_folder_is_reported(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    good = write_image(tmp_path / "ok.png", 40, 30)
    inside_a_file = good / "photo.png"  # a path whose parent is a file: ENOTDIR, even as root
    locked = tmp_path / "locked"
    locked.mkdir()
    write_image(locked / "secret.png", 40, 30, seed=2)
    real_is_dir = Path.is_dir

    def is_dir(path: Path) -> bool:
        if path.parent == locked or path == locked / "deeper":
            raise PermissionError(13, "Permission denied", str(path))
        return real_is_dir(path)

    monkeypatch.setattr(Path, "is_dir", is_dir)
    report = import_images(project, [good, inside_a_file, locked / "secret.png"])
    reasons = {Path(p).name: r for p, r in report.skipped}
    assert "photo.png" in reasons and "secret.png" in reasons
    assert "Permission denied" in reasons["secret.png"]
    assert report.added == 1


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads folders whatever their mode")
def test_unreadable_subfolder_is_reported_not_silently_skipped(
    project: Project, tmp_path: Path
) -> None:
    folder = tmp_path / "shoot"
    write_image(folder / "ok.png", 40, 30)
    write_image(folder / "locked" / "hidden.png", 40, 30, seed=1)
    (folder / "locked").chmod(0)
    try:
        report = import_images(project, [folder])
    finally:
        (folder / "locked").chmod(0o755)
    assert report.added == 1
    assert any(Path(p).name == "locked" for p, _ in report.skipped)


BOMB_PROBE = """
import json, resource, sys, time
from pathlib import Path
from labeler.core.errors import BadImageError
from labeler.core.images import probe_image
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
try:
    probe_image(Path(sys.argv[1]))
    reason = None
except BadImageError as exc:
    reason = str(exc)
seconds = time.perf_counter() - start
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"reason": reason, "seconds": seconds, "rss_mb": (after - before) / 1024}))
"""


def test_decompression_bomb_is_refused_before_decoding(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_bomb(30_000, 30_000))
    assert bomb.stat().st_size < 1_500_000
    result = subprocess.run(
        [sys.executable, "-c", BOMB_PROBE, str(bomb)], capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    measured = json.loads(result.stdout)
    assert "too large: 30000x30000 = 900 megapixels" in measured["reason"]
    assert str(bomb) in measured["reason"]
    # Decoding would take ~900 MB and seconds; the header alone is a few KB and milliseconds.
    assert measured["rss_mb"] < 200 and measured["seconds"] < 2, measured


@pytest.fixture
def annotated(project: Project, tmp_path: Path) -> tuple[Project, Path]:
    write_good_image(tmp_path / "images")
    assert import_images(project, [tmp_path / "images"]).added == 1
    write_annotation_corpus(tmp_path / "annotations")
    return project, tmp_path / "annotations"


@pytest.mark.parametrize("case", annotation_cases(), ids=lambda c: c.name)
def test_annotation_case(annotated: tuple[Project, Path], case: object) -> None:
    project, folder = annotated
    before = project.info()["annotations"]
    classes = ["dent"] if case.fmt == "yolo" else None
    report = import_annotations(
        project, folder / case.name, case.fmt, f"vera-{case.name}", yolo_classes=classes
    )
    stored = project.info()["annotations"] - before
    assert report.annotations == stored == case.imported
    if case.refused:
        (skipped,) = report.skipped
        assert skipped[0] == str(folder / case.name) and case.refused in skipped[1]
        assert report.shape_issues == []
        return
    assert report.skipped == []
    assert [(loc, action) for _f, loc, action, _r in report.shape_issues] == list(case.issues)
    assert all(f == str(folder / case.name) and reason for f, _l, _a, reason in report.shape_issues)
    data = report.to_dict()
    assert data["shapes_dropped"] == sum(a == "dropped" for _l, a in case.issues)
    assert data["shapes_altered"] == sum(a == "altered" for _l, a in case.issues)


def test_cli_reports_every_dropped_shape(annotated: tuple[Project, Path]) -> None:
    project, folder = annotated
    path = str(project.path)
    command = [
        sys.executable,
        "-m",
        "labeler.cli",
        "import",
        path,
        "--annotations",
        str(folder),
        "--format",
        "labelme",
        "--annotator",
        "lena",
    ]
    as_json = subprocess.run([*command, "--json"], capture_output=True, text=True, timeout=120)
    assert as_json.returncode == 0, as_json.stderr
    report = json.loads(as_json.stdout)["annotations"]
    expected = [c for c in annotation_cases() if c.fmt == "labelme" and not c.refused]
    issues = sum(len(c.issues) for c in expected)
    assert len(report["shape_issues"]) == issues
    assert report["shapes_dropped"] + report["shapes_altered"] == issues
    assert {Path(s["path"]).name for s in report["skipped"]} == {
        "broken.json",
        "no_points.json",
        "bad_points.json",
    }
    again = subprocess.run(
        [*command[:-1], "lena2"],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "COLUMNS": "300"},
    )
    assert again.returncode == 0, again.stderr
    assert f"{report['shapes_dropped']} shapes dropped" in again.stdout
    assert "circles.json shapes[0]: labelme circle imported as a 32-point polygon" in again.stderr
    assert "more dropped or altered shapes (all of them with --json)" in again.stderr


def test_report_lines_for_the_app_list_files_then_shapes(annotated: tuple[Project, Path]) -> None:
    project, folder = annotated
    report = import_annotations(project, folder, "labelme", "mia")
    lines = report.problem_lines(limit=100)
    assert len(lines) == len(report.skipped) + len(report.shape_issues)
    assert lines[0].startswith(str(folder / "bad_points.json"))
    assert any("circles.json shapes[1]: shape altered: labelme circle" in line for line in lines)
    capped = report.problem_lines(limit=3)
    assert capped[:3] == lines[:3] and capped[3] == f"… and {len(lines) - 3} more"


def test_shapes_outside_the_image_as_the_project_knows_it_are_dropped(
    annotated: tuple[Project, Path], tmp_path: Path
) -> None:
    project, _folder = annotated
    # No imageWidth/imageHeight: the parser cannot clip, the project's 200x100 decides.
    doc = {
        "shapes": [
            {"label": "dent", "shape_type": "rectangle", "points": [[10, 10], [40, 40]]},
            {"label": "dent", "shape_type": "rectangle", "points": [[500, 500], [600, 550]]},
        ],
        "imagePath": "good.png",
    }
    path = tmp_path / "sizeless.json"
    path.write_text(json.dumps(doc))
    report = import_annotations(project, path, "labelme", "nora")
    assert report.annotations == 1 and report.skipped == []
    ((file, location, action, reason),) = report.shape_issues
    assert (file, location, action) == (str(path), "good.png shape 1", "dropped")
    assert "outside the 200x100 image" in reason
