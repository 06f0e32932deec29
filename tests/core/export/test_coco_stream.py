"""The streamed COCO file is byte for byte the document json.dumps would write."""

from __future__ import annotations

import json

import pytest

from labeler.core.domain import GeometryKind, ImageRecord, LabelClass
from labeler.core.export.coco import coco_document
from labeler.core.export.model import Dataset, ExportImage, ExportObject
from labeler.core.geometry import Box, Polygon, Tag


def _image(ident: int, objects: list[ExportObject]) -> ExportImage:
    record = ImageRecord(ident, f"{ident:064x}", f"이미지 {ident}.jpg", 64, 48, 1, 10, "t")
    return ExportImage(record, None, f"이미지 <{ident}>.jpg", "all", objects)


def _sink_text(tmp_path, dataset: Dataset, info: dict, runs: list[int]) -> str:
    """The one-split COCO file a CocoSink writes when fed the images in these runs."""
    from labeler.core.export.coco import CocoSink
    from labeler.core.export.parts import TextParts
    from labeler.core.export.writer import DatasetWriter

    with DatasetWriter(tmp_path / "out") as writer:
        parts = TextParts(writer.root)
        sink = CocoSink(dataset.classes, dataset.splits, writer, info, parts)
        done = 0
        for size in runs:
            sink.add(dataset.images[done : done + size])
            done += size
        sink.finish()
        parts.close()
    return (tmp_path / "out" / "annotations" / "instances_all.json").read_text("utf-8")


@pytest.mark.parametrize("runs", [[5], [1, 1, 1, 1, 1], [2, 0, 3]])
def test_sink_writes_the_json_dumps_of_the_document(tmp_path, runs: list[int]) -> None:
    """Empty first and last images, tags left out, quotes and markup in names: same bytes."""
    classes = [LabelClass(1, "찍힘", "#fff", GeometryKind.POLYGON),
               LabelClass(2, 'a "box"', "#000", GeometryKind.BOX)]
    images = [
        _image(1, []),  # empty first: no stray comma
        _image(2, [ExportObject(2, Box(1.5, 2, 10, 20.25), (5,)),
                   ExportObject(1, Polygon(((0, 0), (4, 0), (4, 3))), (6,)),
                   ExportObject(1, Tag(), (7,))]),
        _image(3, []),
        _image(4, [ExportObject(2, Box(0, 0, 1, 1), (8,))]),
        _image(5, []),  # empty last
    ]
    dataset = Dataset(classes, images, ["all"])
    info = {"description": "현장 <b>", "version": 1}
    expected = json.dumps(coco_document(dataset, images, info), separators=(",", ":")) + "\n"
    assert _sink_text(tmp_path, dataset, info, runs) == expected


def test_sink_with_no_images_writes_an_empty_document(tmp_path) -> None:
    classes = [LabelClass(1, "dent", "#fff", GeometryKind.BOX)]
    dataset = Dataset(classes, [], ["all"])
    expected = json.dumps(coco_document(dataset, [], {}), separators=(",", ":")) + "\n"
    assert _sink_text(tmp_path, dataset, {}, []) == expected


def test_sink_fed_in_runs_writes_each_split_as_the_document(tmp_path) -> None:
    from itertools import pairwise

    from labeler.core.export.coco import CocoSink
    from labeler.core.export.parts import TextParts
    from labeler.core.export.writer import DatasetWriter

    classes = [LabelClass(1, "찍힘", "#fff", GeometryKind.POLYGON),
               LabelClass(2, "box", "#000", GeometryKind.BOX)]
    images = [
        _image(n, [ExportObject(2, Box(n, 1, n + 5, 9), (n,))] * (n % 3)) for n in range(1, 12)
    ]
    for n, image in enumerate(images):
        image.split = ("train", "val", "test")[n % 4 % 3]  # "test" and "val" unevenly
    info = {"description": "d"}
    dataset = Dataset(classes, images, ["train", "val", "test", "empty"])
    with DatasetWriter(tmp_path / "out") as writer:
        parts = TextParts(writer.root)
        sink = CocoSink(classes, dataset.splits, writer, info, parts)
        for lo, hi in pairwise([0, 1, 4, 4, 11]):  # runs of 1, 3, 0 and 7 images
            sink.add(images[lo:hi])
        notes = sink.finish()
        parts.close()
    assert notes["annotation_files"]["empty"] == "annotations/instances_empty.json"
    for split in dataset.splits:
        document = coco_document(dataset, dataset.by_split(split), info)
        expected = json.dumps(document, separators=(",", ":")) + "\n"
        written = (tmp_path / "out" / "annotations" / f"instances_{split}.json").read_text("utf-8")
        assert written == expected
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["annotations"]
