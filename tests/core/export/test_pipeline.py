"""The export pipeline: determinism, all-or-nothing writing, filters and the manifest."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from labeler.core.domain import Role
from labeler.core.errors import OperationCancelled
from labeler.core.export import ExportError, ExportOptions, export_dataset
from labeler.core.geometry import Box
from labeler.core.progress import Progress
from labeler.core.store import Project
from tests.core.export.helpers import label_with_truth, synth_project


def _tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.fixture
def unsuitable(tmp_path: Path) -> Project:
    """Ten images plus a near duplicate, a blurry and a dark copy (the exact copy is
    deduplicated at import), all labeled by Ana."""
    project, _samples = synth_project(tmp_path, n=10, unsuitable=True)
    yield project
    project.close()


FULL = ExportOptions(
    format="coco",
    splits={"train": 0.7, "val": 0.3},
    seed=3,
    dedupe=True,
    drop_unsuitable=True,
    images="copy",
)


def test_exporting_twice_gives_byte_identical_output(tmp_path: Path, unsuitable: Project) -> None:
    export_dataset(unsuitable, tmp_path / "a", FULL)
    export_dataset(unsuitable, tmp_path / "b", FULL)
    first, second = _tree(tmp_path / "a"), _tree(tmp_path / "b")
    assert first == second
    assert "manifest.json" in first and any(k.startswith("images/") for k in first)


def test_manifest_explains_every_excluded_image(tmp_path: Path, unsuitable: Project) -> None:
    result = export_dataset(unsuitable, tmp_path / "out", FULL)
    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert manifest == result.manifest
    names = {e["file"].rsplit("/", 1)[-1]: e for e in manifest["excluded"]}
    assert names["synth_0012_blurry.jpg"]["reason_codes"] == ["blurry"]
    assert names["synth_0013_dark.jpg"]["reason_codes"] == ["dark"]
    assert names["synth_0011_near_duplicate.jpg"]["reason_codes"] == ["near_duplicate"]
    assert all(e["reasons"] for e in manifest["excluded"])
    counts = manifest["counts"]
    assert counts["images"] + counts["excluded"] == counts["images_in_project"] == 13
    assert sum(s["images"] for s in manifest["splits"]["counts"].values()) == counts["images"]
    filters = {f["name"]: f for f in manifest["filters"]}
    assert filters["unsuitable"]["excluded_by_check"] == {"blurry": 1, "dark": 1}
    assert filters["duplicates"]["excluded"] == 1
    assert filters["duplicates"]["settings"] == {"hamming_threshold": 10, "near": True}
    assert manifest["export"]["quality"]["blur_threshold"] == pytest.approx(1.5)


def test_without_filters_nothing_is_decoded_or_excluded(
    tmp_path: Path, unsuitable: Project
) -> None:
    result = export_dataset(unsuitable, tmp_path / "out", ExportOptions(format="csv"))
    assert result.manifest["excluded"] == []
    assert result.manifest["counts"]["images"] == 13
    sidecar = unsuitable.path.with_name(unsuitable.path.name + ".imagestats.json")
    assert not sidecar.exists()


def test_near_duplicates_never_straddle_splits(tmp_path: Path, unsuitable: Project) -> None:
    options = ExportOptions(format="csv", splits={"train": 0.5, "val": 0.5}, seed=1)
    for seed in range(4):
        out = tmp_path / f"out{seed}"
        result = export_dataset(
            unsuitable, out, ExportOptions(**{**options.__dict__, "seed": seed})
        )
        rows = [r.split(",") for r in (out / "annotations.csv").read_text().splitlines()[1:]]
        split_of = {int(r[2]): r[0] for r in rows}
        for cluster in result.manifest["duplicate_clusters"]:
            assert len({split_of[i] for i in cluster["image_ids"]}) == 1


def test_data_time_is_the_newest_change_not_the_run(tmp_path: Path, unsuitable: Project) -> None:
    first = export_dataset(unsuitable, tmp_path / "a", ExportOptions())
    newest = max(e.at for e in unsuitable.events())
    assert first.manifest["data_time"] == newest
    unsuitable.add_person("Quinn", Role.QA_LEAD, "Vendor Q")
    second = export_dataset(unsuitable, tmp_path / "b", ExportOptions())
    assert second.manifest["data_time"] > newest
    assert second.manifest["vendors"] == ["Vendor Q"]
    assert {p["name"] for p in second.manifest["people"]} == {"Ana", "Quinn"}


def test_failed_export_leaves_nothing_behind(tmp_path: Path, unsuitable: Project) -> None:
    victim = unsuitable.image_path(unsuitable.images()[5])
    moved = victim.with_suffix(".moved")
    shutil.move(victim, moved)
    with pytest.raises(ExportError, match="cannot copy"):
        export_dataset(unsuitable, tmp_path / "out", ExportOptions(images="copy"))
    assert not (tmp_path / "out").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    shutil.move(moved, victim)


def test_cancel_leaves_existing_export_untouched(tmp_path: Path, unsuitable: Project) -> None:
    export_dataset(unsuitable, tmp_path / "out", ExportOptions(format="yolo"))
    before = _tree(tmp_path / "out")
    progress = Progress()
    progress.cancel()
    options = ExportOptions(format="coco", overwrite=True)
    with pytest.raises(OperationCancelled):
        export_dataset(unsuitable, tmp_path / "out", options, progress)
    assert _tree(tmp_path / "out") == before
    with pytest.raises(ExportError, match="not empty"):
        export_dataset(unsuitable, tmp_path / "out", ExportOptions(format="coco"))
    export_dataset(unsuitable, tmp_path / "out", options)
    assert (tmp_path / "out" / "annotations" / "instances_all.json").is_file()
    assert not (tmp_path / "out" / "data.yaml").exists()
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(".")) == []


def test_label_issues_are_flagged_not_dropped(tmp_path: Path, unsuitable: Project) -> None:
    record = unsuitable.images()[0]
    annotation = unsuitable.annotations(image_id=record.id)[0]
    other = next(c for c in unsuitable.classes() if c.id != annotation.class_id)
    run = unsuitable.start_model_run("f" * 64, "demo", {"conf": 0.25}, "cpu")
    unsuitable.add_predictions(
        run.id,
        record.id,
        [(other.id, annotation.geometry, 0.93), (other.id, Box(1, 1, 30, 30), 0.97)],
    )
    unsuitable.finish_model_run(run.id)
    result = export_dataset(unsuitable, tmp_path / "out", ExportOptions(format="csv"))
    issues = result.manifest["label_issues"]
    assert issues["counts"]["swapped"] == 1
    assert issues["counts"]["overlooked"] >= 1
    assert result.manifest["counts"]["images"] == 13
    assert result.manifest["model_runs"][0]["model"] == "demo"


def test_only_reviewed_and_consensus_modes(tmp_path: Path) -> None:
    project, samples = synth_project(tmp_path, n=4)
    label_with_truth(project, samples[:2], annotator="Vik", organization="Vendor A")
    reviewer = project.add_person("Rita", Role.REVIEWER)
    images = project.images()
    project.add_review("image", images[3].id, reviewer.id, "accept")
    project.add_review("image", images[2].id, reviewer.id, "reject", "blurry")

    def included(only: str) -> list[int]:
        out = tmp_path / f"out-{only}"
        result = export_dataset(project, out, ExportOptions(format="csv", only=only))
        excluded = {e["image_id"] for e in result.manifest["excluded"]}
        return [r.id for r in images if r.id not in excluded]

    assert included("all") == [images[0].id, images[1].id, images[3].id]
    assert included("reviewed") == [images[3].id]
    assert included("consensus") == [images[0].id, images[1].id, images[3].id]
    project.close()


def test_unresolved_clusters_handled_as_configured(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=2)
    vik = project.add_person("Vik", Role.ANNOTATOR)
    record = project.images()[0]
    ana_shape = next(
        a for a in project.annotations(image_id=record.id) if isinstance(a.geometry, Box)
    )
    for a in project.annotations(image_id=record.id):
        if a.id != ana_shape.id:
            project.delete_annotation(a.id)
    other = next(
        c for c in project.classes() if c.id != ana_shape.class_id and c.kind.value == "box"
    )
    project.add_annotation(record.id, other.id, ana_shape.geometry, vik.id)
    base = {"format": "csv"}
    excluded = export_dataset(project, tmp_path / "a", ExportOptions(**base))
    assert excluded.manifest["excluded"][0]["reason_codes"] == ["unresolved"]
    assert excluded.manifest["unresolved"][0]["action"] == "image excluded"
    kept = export_dataset(project, tmp_path / "b", ExportOptions(**base, unresolved="keep"))
    assert kept.manifest["counts"]["objects"] == len(
        project.annotations(image_id=record.id)
    ) - 1 + len(project.annotations(image_id=project.images()[1].id))
    dropped = export_dataset(project, tmp_path / "c", ExportOptions(**base, unresolved="drop"))
    assert dropped.manifest["excluded"] == []
    assert dropped.manifest["counts"]["objects"] == kept.manifest["counts"]["objects"] - 1
    project.close()


def test_linked_images_and_clashing_file_names(tmp_path: Path) -> None:
    from labeler.core.importing import import_images
    from tests.core.conftest import write_image

    project = Project.create(tmp_path / "p.labeler", ["scratch"])
    write_image(tmp_path / "a" / "x.png", seed=1)
    write_image(tmp_path / "b" / "X.png", seed=2)
    import_images(project, [tmp_path / "a", tmp_path / "b"])
    person = project.add_person("Ana")
    for record in project.images():
        project.add_annotation(record.id, 1, Box(5, 5, 50, 40), person.id)
    out = tmp_path / "out"
    export_dataset(project, out, ExportOptions(format="yolo", images="link"))
    linked = sorted((out / "images" / "all").iterdir())
    assert [p.name for p in linked] == ["X-2.png", "x-1.png"]
    assert all(p.is_symlink() and p.resolve().is_file() for p in linked)
    assert sorted(p.name for p in (out / "labels" / "all").iterdir()) == ["X-2.txt", "x-1.txt"]
    project.close()
