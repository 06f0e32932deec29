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
from collections.abc import Iterator
from typing import Any

from labeler.core.export.model import DECIMALS, Dataset, ExportImage, num
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


def coco_text_chunks(
    dataset: Dataset, images: list[ExportImage], info: dict[str, Any], batch: int = 2_000
) -> Iterator[str]:
    """The text ``json.dumps`` gives for :func:`coco_document` plus a newline, in pieces.

    The same bytes, but a million images' annotations never exist as one document or
    one string: each image's entry and annotations are encoded as they are made.
    """
    yield (
        f'{{"info":{_dumps(info)},"licenses":[],"categories":{_dumps(_categories(dataset))},'
        '"images":['
    )
    pending: list[str] = []
    written = False
    for image_entry, _annotations in _coco_rows(dataset, images):
        pending.append(_dumps(image_entry))
        if len(pending) == batch:
            yield ("," if written else "") + ",".join(pending)
            written, pending = True, []
    if pending:
        yield ("," if written else "") + ",".join(pending)
    yield '],"annotations":['
    first = True
    for _image_entry, image_annotations in _coco_rows(dataset, images):
        if image_annotations:
            yield ("" if first else ",") + ",".join(_dumps(a) for a in image_annotations)
            first = False
    yield "]}\n"


def _dumps(value: object) -> str:
    return json.dumps(value, separators=(",", ":"))


def _categories(dataset: Dataset) -> list[dict[str, Any]]:
    return [
        {"id": i + 1, "name": c.name, "supercategory": ""} for i, c in enumerate(dataset.classes)
    ]


def _coco_rows(
    dataset: Dataset, images: list[ExportImage]
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]]]]:
    """Each image's COCO entry and its annotations (ids numbered from 1 across images)."""
    category = {c.id: i + 1 for i, c in enumerate(dataset.classes)}
    next_id = 1
    for image in images:
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


def write_coco(dataset: Dataset, writer: DatasetWriter, info: dict[str, Any]) -> dict[str, Any]:
    """Write one COCO file per split; returns notes for the manifest."""
    files = {}
    for split in dataset.splits:
        relative = f"annotations/instances_{split}.json"
        writer.write_chunks(relative, coco_text_chunks(dataset, dataset.by_split(split), info))
        files[split] = relative
    tags = sum(1 for i in dataset.images for o in i.objects if o.geometry.kind == "tag")
    return {"annotation_files": files, "image_folder": "images/<split>", "tags_not_written": tags}


def image_path(image: ExportImage) -> str:
    """Where COCO exports put an image file when images are copied or linked."""
    return f"images/{image.split}/{image.name}"
