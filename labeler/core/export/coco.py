"""COCO detection/segmentation JSON, one ``annotations/instances_<split>.json`` per split.

Boxes are absolute ``[x, y, width, height]`` with ``area`` = the written width x
height (:func:`box_area`, the area diagnosis uses for COCO's area ranges);
polygons also carry their ``segmentation`` (one flat ring) and their own
``area``; every annotation has ``iscrowd: 0`` (pycocotools needs ``area`` and
``iscrowd``). Category ids are
1-based positions in the project's class order. Image ids are the project's
image ids. Tags (image-level classes) have no COCO form and are counted in the
notes instead.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from itertools import chain
from typing import Any

from labeler.core.domain import LabelClass
from labeler.core.export.model import DECIMALS, Dataset, ExportImage, num
from labeler.core.export.parts import TextParts
from labeler.core.export.writer import DatasetWriter
from labeler.core.geometry import Box, Polygon


def coco_document(dataset: Dataset, images: list[ExportImage], info: dict[str, Any]) -> dict:
    """The COCO document of some images of the dataset (whole, in memory)."""
    coco_images, annotations = [], []
    for image_entry, image_annotations in _coco_rows(dataset, images):
        coco_images.append(image_entry)
        annotations += image_annotations
    return {
        "info": info,
        "licenses": [],
        "categories": _categories(dataset),
        "images": coco_images,
        "annotations": annotations,
    }


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _categories(dataset: Dataset) -> list[dict[str, Any]]:
    return _category_list(dataset.classes)


def _category_list(classes: list[LabelClass]) -> list[dict[str, Any]]:
    return [{"id": i + 1, "name": c.name, "supercategory": ""} for i, c in enumerate(classes)]


def _coco_rows(
    dataset: Dataset, images: list[ExportImage]
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each image's COCO entry and its annotations (ids numbered from 1 across images)."""
    category = {c.id: i + 1 for i, c in enumerate(dataset.classes)}
    next_id = 1
    for image in images:
        entry, annotations, next_id = _coco_entry(image, category, next_id)
        yield entry, annotations


def _coco_shape(
    geometry: object,
) -> tuple[list[float | int], float | int, list[list[float | int]]] | None:
    """``bbox``, ``area`` and ``segmentation`` of a box or polygon (None for a tag)."""
    if isinstance(geometry, Box):
        x1, y1, x2, y2 = num(geometry.x1), num(geometry.y1), num(geometry.x2), num(geometry.y2)
        return [x1, y1, num(x2 - x1), num(y2 - y1)], box_area(num(x2 - x1), num(y2 - y1)), []
    if isinstance(geometry, Polygon):
        flat = [num(c) for point in geometry.points for c in point]
        xs, ys = flat[0::2], flat[1::2]
        x1, y1, x2, y2 = min(xs), min(ys), max(xs), max(ys)
        area = num(_ring_area(flat))  # of the written points: stable in a round trip
        return [x1, y1, num(x2 - x1), num(y2 - y1)], area, [flat]
    return None


def box_area(width: float | int, height: float | int) -> float | int:
    """A box's ``area``: its written width x height, exactly (as diagnosis judges it).

    Width and height have 3 decimals, so their product has at most 6: rounding
    to 6 removes float noise only (a 96 x 96 box at x = 32.2 has area 9216).
    """
    return num(width * height, 2 * DECIMALS)


def _ring_area(flat: list[float | int]) -> float:
    """Shoelace area of a flat ``[x1, y1, x2, y2, ...]`` ring."""
    xs, ys = flat[0::2], flat[1::2]
    n = len(xs)
    twice = sum(xs[i] * ys[(i + 1) % n] - xs[(i + 1) % n] * ys[i] for i in range(n))
    return abs(twice) / 2.0


class CocoSink:
    """Writes the COCO files as images arrive in id order.

    Each file holds the bytes ``json.dumps`` gives for :func:`coco_document` of its split.

    Each split's image entries and annotations go to their own scratch parts, joined
    into ``annotations/instances_<split>.json`` by :meth:`finish`: the same bytes as
    :func:`coco_text_chunks` of the split's images, without holding them.
    """

    def __init__(
        self,
        classes: list[LabelClass],
        splits: list[str],
        writer: DatasetWriter,
        info: dict[str, Any],
        parts: TextParts,
    ) -> None:
        self._classes, self._splits, self._writer = classes, splits, writer
        self._info, self._parts = info, parts
        self._category = {c.id: i + 1 for i, c in enumerate(classes)}
        self._next_id = dict.fromkeys(splits, 1)
        self._images = dict.fromkeys(splits, 0)
        self._annotations = dict.fromkeys(splits, 0)
        self.tags = 0

    def add(self, images: list[ExportImage]) -> None:
        """Encode these images (in id order, after every image added before)."""
        for image in images:
            split = image.split
            entry, annotations, self._next_id[split] = _coco_image(
                image, self._category, self._next_id[split]
            )
            self._parts.append(f"images/{split}", ("," if self._images[split] else "") + entry)
            self._images[split] += 1
            if annotations:
                self._parts.append(
                    f"annotations/{split}",
                    ("," if self._annotations[split] else "") + ",".join(annotations),
                )
                self._annotations[split] += len(annotations)
            self.tags += sum(1 for o in image.objects if o.geometry.kind == "tag")

    def finish(self) -> dict[str, Any]:
        """Write one file per split; returns notes for the manifest."""
        files = {}
        head = (
            f'{{"info":{_dumps(self._info)},"licenses":[],'
            f'"categories":{_dumps(_category_list(self._classes))},"images":['
        )
        for split in self._splits:
            relative = f"annotations/instances_{split}.json"
            self._writer.write_chunks(
                relative,
                chain(
                    [head],
                    self._parts.read(f"images/{split}"),
                    ['],"annotations":['],
                    self._parts.read(f"annotations/{split}"),
                    ["]}\n"],
                ),
            )
            files[split] = relative
        return {
            "annotation_files": files,
            "image_folder": "images/<split>",
            "tags_not_written": self.tags,
        }


def _coco_entry(
    image: ExportImage, category: dict[int, int], next_id: int
) -> tuple[dict[str, Any], list[dict[str, Any]], int]:
    """One image's COCO entry and annotations, and the next annotation id."""
    record = image.record
    entry = {"id": record.id, "file_name": image.name, "width": record.width,
             "height": record.height}
    annotations = []
    for obj in image.objects:
        found = _coco_shape(obj.geometry)
        if found is None:
            continue
        bbox, area, segmentation = found
        annotations.append(
            {
                "id": next_id,
                "image_id": record.id,
                "category_id": category[obj.class_id],
                "bbox": bbox,
                "area": area,
                "iscrowd": 0,
                "segmentation": segmentation,
            }
        )
        next_id += 1
    return entry, annotations, next_id


def _coco_image(
    image: ExportImage, category: dict[int, int], next_id: int
) -> tuple[str, list[str], int]:
    """One image's COCO entry and annotations as JSON text, and the next annotation id.

    The bytes ``_dumps`` gives for :func:`_coco_entry`'s dicts, laid out here: the
    numbers are ints and finite floats, whose JSON is their ``repr``.
    """
    record = image.record
    entry = (
        f'{{"id":{_number(record.id)},"file_name":{_dumps(image.name)},'
        f'"width":{_number(record.width)},"height":{_number(record.height)}}}'
    )
    annotations = []
    image_id = _number(record.id)
    for obj in image.objects:
        found = _coco_shape(obj.geometry)
        if found is None:
            continue
        bbox, area, segmentation = found
        # bbox, area and segmentation are num()'s ints and finite floats: JSON is repr
        rings = ",".join("[" + ",".join(map(repr, ring)) + "]" for ring in segmentation)
        annotations.append(
            f'{{"id":{next_id},"image_id":{image_id},"category_id":{category[obj.class_id]!r},'
            f'"bbox":[{",".join(map(repr, bbox))}],"area":{area!r},'
            f'"iscrowd":0,"segmentation":[{rings}]}}'
        )
        next_id += 1
    return entry, annotations, next_id


def _number(value: object) -> str:
    """A number's JSON text as ``json.dumps`` writes it (other values through it)."""
    kind = type(value)
    if kind is int or (kind is float and math.isfinite(value)):  # type: ignore[arg-type]
        return repr(value)
    return _dumps(value)


def write_coco(dataset: Dataset, writer: DatasetWriter, info: dict[str, Any]) -> dict[str, Any]:
    """Write one COCO file per split; returns notes for the manifest."""
    parts = TextParts(writer.root)
    try:
        sink = CocoSink(dataset.classes, dataset.splits, writer, info, parts)
        sink.add(dataset.images)
        return sink.finish()
    finally:
        parts.close()


def image_path(image: ExportImage) -> str:
    """Where COCO exports put an image file when images are copied or linked."""
    return f"images/{image.split}/{image.name}"
