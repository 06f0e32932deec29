"""Each format: what is written, pycocotools loading, export -> import -> export round trips."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from pycocotools import mask as mask_utils
from pycocotools.coco import COCO

from labeler.core.domain import AnnotationSource
from labeler.core.export import ExportOptions, export_dataset
from labeler.core.export.csv import read_csv
from labeler.core.geometry import Box
from labeler.core.importing import import_annotations, import_images
from labeler.core.store import Project
from tests.core.export.helpers import new_project, synth_project


def _files(folder: Path, skip: tuple[str, ...] = ("manifest.json",)) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name not in skip
    }


def test_coco_loads_in_pycocotools_with_areas_and_segmentation(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=6)
    export_dataset(project, tmp_path / "out", ExportOptions(format="coco"))
    path = tmp_path / "out" / "annotations" / "instances_all.json"
    coco = COCO(str(path))
    assert sorted(coco.getImgIds()) == [r.id for r in project.images()]
    assert [c["name"] for c in coco.loadCats(coco.getCatIds())] == ["scratch", "crack", "dent"]
    anns = coco.loadAnns(coco.getAnnIds())
    assert len(anns) == len(project.annotations())
    for ann in anns:
        assert ann["iscrowd"] == 0 and ann["area"] > 0
        assert ann["bbox"][2] > 0 and ann["bbox"][3] > 0
        if ann["segmentation"]:
            # pycocotools rasterises the polygon: its pixel area matches the written area
            # (annToMask is avoided: its numpy 2 DeprecationWarning fails the run)
            image = coco.imgs[ann["image_id"]]
            rle = mask_utils.merge(
                mask_utils.frPyObjects(ann["segmentation"], image["height"], image["width"])
            )
            assert float(mask_utils.area(rle)) == pytest.approx(ann["area"], rel=0.2, abs=20)
    dent = coco.getCatIds(catNms=["dent"])[0]
    assert all(a["segmentation"] for a in anns if a["category_id"] == dent)
    project.close()


def _reimport(tmp_path: Path, source: Project, out: Path, fmt: str, polygons: bool) -> Project:
    """A new project with the same classes and images, labels imported from ``out``."""
    again = new_project(tmp_path / "again.labeler", polygons)
    import_images(again, [tmp_path / "images"])
    assert [r.sha256 for r in again.images()] == [r.sha256 for r in source.images()]
    if fmt == "coco":
        coco_file = out / "annotations" / "instances_all.json"
        report = import_annotations(again, coco_file, "coco", "Ana")
    elif fmt == "yolo":
        report = import_annotations(again, out / "labels", "yolo", "Ana")
    elif fmt == "voc":
        report = import_annotations(again, out / "Annotations", "voc", "Ana")
    else:
        parsed = read_csv(out / "annotations.csv")
        person = again.ensure_person("Ana")
        classes = {c.name: c.id for c in again.classes()}
        for image in parsed.images:
            record = again.find_image(image.image_ref)
            assert record is not None
            shapes = [(classes[s.class_name], s.geometry) for s in image.shapes]
            again.add_annotations(record.id, shapes, person.id, AnnotationSource.IMPORTED)
        return again
    assert report.skipped == [], report.skipped
    return again


@pytest.mark.parametrize(
    ("fmt", "polygons"),
    [("coco", True), ("yolo", True), ("yolo", False), ("voc", False), ("csv", True)],
)
def test_round_trip_export_import_export_is_lossless(
    tmp_path: Path, fmt: str, polygons: bool
) -> None:
    project, _samples = synth_project(tmp_path, n=8, polygons=polygons)
    ana, scratch = project.ensure_person("Ana"), project.class_by_name("scratch")
    assert scratch is not None
    for record in project.images()[:3]:  # boxes on the image border, odd sizes
        w, h = record.width, record.height
        project.add_annotation(record.id, scratch.id, Box(w - 37.1234, h - 20.5, w, h), ana.id)
        project.add_annotation(record.id, scratch.id, Box(0, 0, 13.3, 7.77777), ana.id)
    first, second = tmp_path / "first", tmp_path / "second"
    export_dataset(project, first, ExportOptions(format=fmt))
    again = _reimport(tmp_path, project, first, fmt, polygons)
    assert len(again.annotations()) == len(project.annotations())
    export_dataset(again, second, ExportOptions(format=fmt))
    a, b = _files(first), _files(second)
    if fmt == "coco":
        for files in (a, b):
            for name, data in files.items():
                document = json.loads(data)
                document.pop("info")  # carries the project's data time
                files[name] = json.dumps(document).encode()
    if fmt == "csv":  # the last column names the project's annotation ids: provenance
        for files in (a, b):
            rows = files["annotations.csv"].decode().splitlines()
            files["annotations.csv"] = "\n".join(r.rsplit(",", 1)[0] for r in rows).encode()
    assert a.keys() == b.keys()
    assert a == b
    project.close()
    again.close()


def test_yolo_layout_with_splits_and_copied_images(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=10)
    out = tmp_path / "yolo"
    options = ExportOptions(format="yolo", splits={"train": 0.8, "val": 0.2}, images="copy")
    export_dataset(project, out, options)
    data_yaml = (out / "data.yaml").read_text()
    assert "train: images/train" in data_yaml and "val: images/val" in data_yaml
    assert '2: "dent"' in data_yaml
    for split in ("train", "val"):
        images = sorted(p.stem for p in (out / "images" / split).iterdir())
        labels = sorted(p.stem for p in (out / "labels" / split).iterdir())
        assert images == labels and images
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format_notes"]["task"] == "segment"
    copied = out / "images" / "val" / f"{images[0]}.jpg"
    assert copied.read_bytes() == (tmp_path / "images" / copied.name).read_bytes()
    for relative, digest in manifest["files"].items():
        assert hashlib.sha256((out / relative).read_bytes()).hexdigest() == digest
    project.close()


def test_voc_writes_one_based_inclusive_boxes(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=2, polygons=False)
    record = project.images()[0]
    person = project.ensure_person("Ana")
    scratch = project.class_by_name("scratch")
    assert scratch is not None
    for a in project.annotations(image_id=record.id):
        project.delete_annotation(a.id)
    project.add_annotation(record.id, scratch.id, Box(0, 0, record.width, record.height), person.id)
    export_dataset(project, tmp_path / "voc", ExportOptions(format="voc"))
    xml = (tmp_path / "voc" / "Annotations" / "synth_0000.xml").read_text()
    assert "<xmin>1</xmin>" in xml and "<ymin>1</ymin>" in xml
    assert f"<xmax>{record.width}</xmax>" in xml and f"<ymax>{record.height}</ymax>" in xml
    assert (tmp_path / "voc" / "ImageSets" / "Main" / "all.txt").read_text().splitlines() == [
        "synth_0000",
        "synth_0001",
    ]
    project.close()


def test_csv_has_one_row_per_object_and_keeps_background_images(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=4)
    record = project.images()[0]
    for a in project.annotations(image_id=record.id):
        project.delete_annotation(a.id)
    project.set_image_status(record.id, "done")
    export_dataset(project, tmp_path / "csv", ExportOptions(format="csv"))
    rows = (tmp_path / "csv" / "annotations.csv").read_text().splitlines()
    assert rows[0].startswith("split,image,image_id")
    assert len(rows) == 1 + len(project.annotations()) + 1
    assert any(r.startswith(f"all,{Path(record.path).name},{record.id},") for r in rows)
    project.close()
