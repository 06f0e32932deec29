"""The streamed COCO file is byte for byte the document json.dumps would write."""

from __future__ import annotations

import json

import pytest

from labeler.core.domain import GeometryKind, ImageRecord, LabelClass
from labeler.core.export.coco import coco_document, coco_text_chunks
from labeler.core.export.model import Dataset, ExportImage, ExportObject
from labeler.core.geometry import Box, Polygon, Tag


def _image(ident: int, objects: list[ExportObject]) -> ExportImage:
    record = ImageRecord(ident, f"{ident:064x}", f"이미지 {ident}.jpg", 64, 48, 1, 10, "t")
    return ExportImage(record, None, f"이미지 <{ident}>.jpg", "all", objects)


@pytest.mark.parametrize("batch", [1, 2, 1000])
def test_chunks_join_to_the_json_dumps_of_the_document(batch: int) -> None:
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
    assert "".join(coco_text_chunks(dataset, images, info, batch=batch)) == expected
    nothing = json.dumps(coco_document(dataset, [], info), separators=(",", ":")) + "\n"
    assert "".join(coco_text_chunks(dataset, [], info)) == nothing


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
        expected = "".join(coco_text_chunks(dataset, dataset.by_split(split), info))
        written = (tmp_path / "out" / "annotations" / f"instances_{split}.json").read_text("utf-8")
        assert written == expected
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["annotations"]
