"""Duplicate and image-quality checks on real files from the synthetic demo generator."""

from __future__ import annotations

import json
from pathlib import Path

import cv2
import numpy as np
import pytest
from PIL import Image

from labeler.core.curation import CurationConfig, curate_project
from labeler.core.curation.duplicates import (
    DEFAULT_HAMMING,
    DuplicateConfig,
    find_duplicates,
    hamming,
)
from labeler.core.curation.quality import QualityConfig, check_quality
from labeler.core.curation.stats import (
    ImageRef,
    ImageStats,
    StatsCache,
    collect_stats,
    compute_stats,
    phash,
)
from labeler.core.errors import OperationCancelled
from labeler.core.images import file_sha256
from labeler.core.progress import Progress
from labeler.demo.synth import write_dataset
from tests.core.export.helpers import synth_project


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("synth")
    return [
        path
        for path, _ in write_dataset(folder, 8, seed=11, width=480, height=360, unsuitable=True)
    ]


def _refs(files: list[Path]) -> list[ImageRef]:
    return [ImageRef(i, p, file_sha256(p), 480, 360) for i, p in enumerate(files, start=1)]


def _by_name(files: list[Path], name: str) -> int:
    return next(i for i, p in enumerate(files, start=1) if p.name == name)


def test_phash_is_stable_under_small_changes_and_differs_across_images(files: list[Path]) -> None:
    stats = collect_stats(_refs(files))
    a, near = (
        stats[_by_name(files, "synth_0001.jpg")],
        stats[_by_name(files, "synth_0009_near_duplicate.jpg")],
    )
    assert hamming(a.phash, near.phash) <= DEFAULT_HAMMING
    distinct = [
        hamming(stats[i].phash, stats[j].phash) for i in range(1, 9) for j in range(i + 1, 9)
    ]
    assert min(distinct) > DEFAULT_HAMMING
    grey = np.full((64, 64), 128, np.uint8)
    assert phash(grey) == phash(grey.copy())


def test_duplicates_found_exact_by_content_and_near_by_phash(files: list[Path]) -> None:
    refs = _refs(files)
    stats = collect_stats(refs)
    report = find_duplicates(stats, {r.image_id: r.sha256 for r in refs})
    exact = [c for c in report.clusters if c.kind == "exact"]
    assert [c.image_ids for c in exact] == [(1, _by_name(files, "synth_0008_duplicate.jpg"))]
    near = [set(c.image_ids) for c in report.clusters if c.kind == "near"]
    assert {2, _by_name(files, "synth_0009_near_duplicate.jpg")} in near
    assert report.dropped()[_by_name(files, "synth_0008_duplicate.jpg")].keep == 1
    strict = find_duplicates(stats, None, DuplicateConfig(hamming_threshold=0, near=True))
    assert all(c.max_distance == 0 for c in strict.clusters)
    json.dumps(report.to_dict())


def test_same_pixels_in_different_files_are_exact_duplicates(tmp_path: Path) -> None:
    image = np.random.default_rng(1).integers(0, 255, (90, 120, 3), dtype=np.uint8)
    cv2.imwrite(str(tmp_path / "a.png"), image)
    Image.fromarray(image[:, :, ::-1]).save(tmp_path / "b.png", pnginfo=_text_chunk())
    paths = [tmp_path / "a.png", tmp_path / "b.png"]
    refs = [ImageRef(i, p, file_sha256(p), 120, 90) for i, p in enumerate(paths, start=1)]
    assert refs[0].sha256 != refs[1].sha256
    report = find_duplicates(collect_stats(refs), {r.image_id: r.sha256 for r in refs})
    assert [(c.kind, c.image_ids) for c in report.clusters] == [("exact", (1, 2))]


def _text_chunk() -> object:
    from PIL.PngImagePlugin import PngInfo

    info = PngInfo()
    info.add_text("Comment", "re-saved by another tool")
    return info


def test_quality_flags_the_blurry_and_dark_copies(files: list[Path]) -> None:
    refs = _refs(files)
    stats = collect_stats(refs)
    report = check_quality(refs, stats)
    flagged = {(files[i.image_id - 1].name, i.check) for i in report.issues}
    assert {("synth_0010_blurry.jpg", "blurry"), ("synth_0011_dark.jpg", "dark")} <= flagged
    # Seed 11 also draws a black phone in dim light (95% of pixels at or below 8 of 255):
    # flagged as dark too, by the same rule. Nothing sharp and well lit is flagged.
    for name, check in flagged - {("synth_0010_blurry.jpg", "blurry")}:
        assert check == "dark"
        assert stats[files.index(next(f for f in files if f.name == name)) + 1].p95 < 20
    relaxed = check_quality(refs, stats, QualityConfig(dark_p95=4.0))
    assert {files[i.image_id - 1].name for i in relaxed.issues} == {
        "synth_0010_blurry.jpg",
        "synth_0011_dark.jpg",
    }


def test_size_aspect_and_unreadable_checks(tmp_path: Path) -> None:
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"not a jpeg")
    refs = [
        ImageRef(1, broken, "x" * 64, 20, 400),
        ImageRef(2, broken, "y" * 64, 640, 480),
    ]
    report = check_quality(refs, collect_stats(refs))
    checks = sorted((i.image_id, i.check) for i in report.issues)
    assert checks == [(1, "odd_aspect"), (1, "too_small"), (1, "unreadable"), (2, "unreadable")]
    off = QualityConfig(min_side=None, max_aspect=None)
    assert [i.check for i in check_quality(refs, None, off).issues] == []


def test_stats_are_cached_by_content_hash(tmp_path: Path, files: list[Path]) -> None:
    refs = _refs(files)[:3]
    cache = StatsCache(tmp_path / "cache.json")
    first = collect_stats(refs, cache)
    assert (tmp_path / "cache.json").is_file()

    def refuse(ref: ImageRef) -> ImageStats:
        raise AssertionError(f"decoded {ref.path} again")

    again = collect_stats(refs, StatsCache(tmp_path / "cache.json"), compute=refuse)
    assert again == first
    assert compute_stats(refs[0]) == first[1]


def test_cancel_stops_the_checks(files: list[Path]) -> None:
    progress = Progress()
    progress.cancel()
    with pytest.raises(OperationCancelled):
        collect_stats(_refs(files), progress=progress)


def test_curate_project_reports_everything_as_plain_data(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=6, unsuitable=True)
    report = curate_project(project, CurationConfig())
    data = json.loads(json.dumps(report.to_dict()))
    assert data["images"] == 9
    assert data["quality"]["counts"] == {"blurry": 1, "dark": 1}
    assert data["duplicates"]["clusters"]
    assert [c["name"] for c in data["class_balance"]["classes"]] == ["scratch", "crack", "dent"]
    sidecar = project.path.with_name(project.path.name + ".imagestats.json")
    assert sidecar.is_file()
    project.close()
