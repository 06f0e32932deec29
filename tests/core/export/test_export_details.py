"""Export details: COCO areas as diagnosis judges them, integer VOC boxes, YOLO list files."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml

from labeler.core.diagnosis.cocoeval import ObjectSet
from labeler.core.export import ExportOptions, export_dataset
from labeler.core.export.voc import voc_box, voc_pixels
from labeler.core.geometry import Box
from labeler.core.importing import import_annotations, import_images
from tests.core.export.helpers import new_project, synth_project


def test_coco_area_is_the_written_width_times_height(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=3, polygons=False)
    record = project.images()[0]
    ana, scratch = project.ensure_person("Ana"), project.class_by_name("scratch")
    assert scratch is not None
    trap = project.add_annotation(record.id, scratch.id, Box(32.2, 32.7, 128.2, 128.7), ana.id)
    export_dataset(project, tmp_path / "out", ExportOptions(format="coco"))
    document = json.loads((tmp_path / "out" / "annotations" / "instances_all.json").read_text())
    by_box = {tuple(a["bbox"]): a for a in document["annotations"]}
    assert by_box[(32.2, 32.7, 96, 96)]["area"] == 9216
    # diagnosis computes the same area from the stored annotations
    annotations = sorted(project.annotations(), key=lambda a: a.id)
    objects = ObjectSet.from_geometries(
        [a.image_id for a in annotations],
        [a.class_id for a in annotations],
        [a.geometry for a in annotations],  # type: ignore[misc]
    )
    written = sorted(a["area"] for a in document["annotations"])  # export orders by image
    np.testing.assert_array_equal(np.sort(objects.area), written)
    assert trap.id in {a.id for a in annotations}
    project.close()


@pytest.mark.parametrize(
    ("low", "high", "size", "expected"),
    [
        (0.0, 10.0, 100, (1, 10)),  # whole pixels: exact
        (0.4, 9.6, 100, (1, 10)),  # to the nearest boundary
        (0.5, 9.5, 100, (2, 10)),  # halves up
        (10.2, 10.4, 100, (11, 11)),  # thinner than a pixel: one pixel
        (99.8, 100.0, 100, (100, 100)),  # one pixel at the far border
        (-0.3, 100.2, 100, (1, 100)),  # inside the image
    ],
)
def test_voc_pixels(low: float, high: float, size: int, expected: tuple[int, int]) -> None:
    assert voc_pixels(low, high, size) == expected


def test_voc_export_is_integer_and_round_trips(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=3, polygons=False)
    record = project.images()[0]
    ana, scratch = project.ensure_person("Ana"), project.class_by_name("scratch")
    assert scratch is not None
    project.add_annotation(record.id, scratch.id, Box(10.4, 20.6, 50.5, 60.49), ana.id)
    first = tmp_path / "first"
    export_dataset(project, first, ExportOptions(format="voc"))
    xml = (first / "Annotations" / f"{Path(record.path).stem}.xml").read_text()
    assert voc_box((10.4, 20.6, 50.5, 60.49), record.width, record.height) == (11, 22, 51, 60)
    assert "<xmin>11</xmin>" in xml and "<ymin>22</ymin>" in xml
    assert "<xmax>51</xmax>" in xml and "<ymax>60</ymax>" in xml
    for folder in (first,):
        for path in (folder / "Annotations").glob("*.xml"):
            text = path.read_text()
            for tag in ("xmin", "ymin", "xmax", "ymax"):
                values = [v.split("<")[0] for v in text.split(f"<{tag}>")[1:]]
                assert all(v.isdigit() for v in values), (path.name, tag, values)
    again = new_project(tmp_path / "again.labeler", polygons=False)
    import_images(again, [tmp_path / "images"])
    import_annotations(again, first / "Annotations", "voc", "Ana")
    imported = {
        a.geometry.bounds()
        for a in again.annotations()
        if a.image_id == again.find_image(Path(record.path).name).id
    }
    assert (10.0, 21.0, 51.0, 60.0) in imported  # xmin - 1, ymin - 1, xmax, ymax
    second = tmp_path / "second"
    export_dataset(again, second, ExportOptions(format="voc"))
    for path in sorted((first / "Annotations").glob("*.xml")):
        assert (second / "Annotations" / path.name).read_text() == path.read_text()
    project.close()
    again.close()


def test_yolo_without_copied_images_lists_existing_paths(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=10, polygons=False)
    out = tmp_path / "yolo"
    options = ExportOptions(format="yolo", splits={"train": 0.8, "val": 0.2})
    export_dataset(project, out, options)
    data = yaml.safe_load((out / "data.yaml").read_text())
    assert "path" not in data  # Ultralytics then resolves against the file's folder
    assert data["names"] == {0: "scratch", 1: "crack", 2: "dent"}
    total = 0
    for split in ("train", "val"):
        listed = out / data[split]
        assert listed.is_file(), data[split]
        paths = [Path(line) for line in listed.read_text().splitlines()]
        assert paths and all(p.is_absolute() and p.is_file() for p in paths)
        labels = sorted(p.stem for p in (out / "labels" / split).iterdir())
        assert sorted(p.stem for p in paths) == labels
        total += len(paths)
    assert total == len(project.images())
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["format_notes"]["image_lists"] == {"train": "train.txt", "val": "val.txt"}
    assert "train.txt" in manifest["files"]
    project.close()


def test_yolo_with_copied_images_points_at_folders(tmp_path: Path) -> None:
    project, _samples = synth_project(tmp_path, n=4, polygons=False)
    out = tmp_path / "yolo"
    export_dataset(project, out, ExportOptions(format="yolo", images="copy"))
    data = yaml.safe_load((out / "data.yaml").read_text())
    assert data["train"] == data["val"] == "images/all"
    assert (out / data["train"]).is_dir() and not (out / "all.txt").exists()
    project.close()
