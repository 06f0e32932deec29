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
from typing import Any

from labeler.core.export.model import DECIMALS, Dataset, ExportImage, num
from labeler.core.export.writer import DatasetWriter
from labeler.core.geometry import Box, Polygon


def coco_document(dataset: Dataset, images: list[ExportImage], info: dict[str, Any]) -> dict:
    """The COCO document of some images of the dataset."""
    category = {c.id: i + 1 for i, c in enumerate(dataset.classes)}
    coco_images = []
    annotations = []
    next_id = 1
    for image in images:
        record = image.record
        coco_images.append(
            {
                "id": record.id,
                "file_name": image.name,
                "width": record.width,
                "height": record.height,
            }
        )
        for obj in image.objects:
            geometry = obj.geometry
            if isinstance(geometry, Box):
                x1, y1, x2, y2 = (
                    num(geometry.x1),
                    num(geometry.y1),
                    num(geometry.x2),
                    num(geometry.y2),
                )
                segmentation: list[list[float | int]] = []
                area = box_area(num(x2 - x1), num(y2 - y1))
            elif isinstance(geometry, Polygon):
                flat = [num(c) for point in geometry.points for c in point]
                xs, ys = flat[0::2], flat[1::2]
                x1, y1, x2, y2 = min(xs), min(ys), max(xs), max(ys)
                segmentation = [flat]
                area = num(_ring_area(flat))  # of the written points: stable in a round trip
            else:
                continue
            annotations.append(
                {
                    "id": next_id,
                    "image_id": record.id,
                    "category_id": category[obj.class_id],
                    "bbox": [x1, y1, num(x2 - x1), num(y2 - y1)],
                    "area": area,
                    "iscrowd": 0,
                    "segmentation": segmentation,
                }
            )
            next_id += 1
    categories = [
        {"id": i + 1, "name": c.name, "supercategory": ""} for i, c in enumerate(dataset.classes)
    ]
    return {
        "info": info,
        "licenses": [],
        "categories": categories,
        "images": coco_images,
        "annotations": annotations,
    }


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
        document = coco_document(dataset, dataset.by_split(split), info)
        relative = f"annotations/instances_{split}.json"
        writer.write_text(relative, json.dumps(document, separators=(",", ":")) + "\n")
        files[split] = relative
    tags = sum(1 for i in dataset.images for o in i.objects if o.geometry.kind == "tag")
    return {"annotation_files": files, "image_folder": "images/<split>", "tags_not_written": tags}


def image_path(image: ExportImage) -> str:
    """Where COCO exports put an image file when images are copied or linked."""
    return f"images/{image.split}/{image.name}"
