"""YOLO (Ultralytics layout): ``images/<split>/``, ``labels/<split>/<stem>.txt``, ``data.yaml``.

Coordinates are fractions of the image size with 6 decimals (a box centre that
falls between two millionths gets a 7th). When any class is
drawn as a polygon the dataset is a segmentation dataset: every object is written
as a polygon (boxes as their four corners), because Ultralytics drops the
polygons of a dataset that mixes them with boxes. Otherwise each line is
``class cx cy w h``. Images without objects get an empty label file (background
images). Tags are left out and counted in the notes.
"""

from __future__ import annotations

import json
from typing import Any

from labeler.core.domain import GeometryKind
from labeler.core.export.model import Dataset, ExportImage
from labeler.core.export.writer import DatasetWriter
from labeler.core.geometry import Box, Polygon

DECIMALS = 6
_SCALE = 10**DECIMALS


def _f(value: float) -> str:
    text = f"{value:.{DECIMALS}f}"
    return "0.000000" if text == "-0.000000" else text


def _micros(value: float) -> int:
    """``value`` (a fraction of the image size) in whole millionths, within [0, 1]."""
    return min(_SCALE, max(0, round(value * _SCALE)))


def _fixed(millionths: int, half: bool = False) -> str:
    """Millionths as decimal text; ``half`` adds 0.5 millionth (a 7th decimal of 5)."""
    text = f"{millionths // _SCALE}.{millionths % _SCALE:06d}"
    return text + "5" if half else text


def _box_fields(box: Box, width: int, height: int) -> str:
    """``cx cy w h`` from the box's corners rounded to millionths.

    Rounding the corners (not the centre and size separately) keeps an edge at the
    image border exactly on it, so reading the file back never needs clipping and
    a second export is identical. A centre between two millionths gets a 7th decimal.
    """
    x1, x2 = _micros(box.x1 / width), _micros(box.x2 / width)
    y1, y2 = _micros(box.y1 / height), _micros(box.y2 / height)
    sx, sy = x1 + x2, y1 + y2
    return (
        f"{_fixed(sx // 2, sx % 2 == 1)} {_fixed(sy // 2, sy % 2 == 1)} "
        f"{_fixed(x2 - x1)} {_fixed(y2 - y1)}"
    )


def label_text(image: ExportImage, index: dict[int, int], segment: bool) -> str:
    """The label file of one image."""
    width, height = image.record.width, image.record.height
    lines = []
    for obj in image.objects:
        geometry = obj.geometry
        if isinstance(geometry, Box) and not segment:
            lines.append(f"{index[obj.class_id]} {_box_fields(geometry, width, height)}")
        elif isinstance(geometry, Box | Polygon):
            points = (
                geometry.points
                if isinstance(geometry, Polygon)
                else (
                    (geometry.x1, geometry.y1),
                    (geometry.x2, geometry.y1),
                    (geometry.x2, geometry.y2),
                    (geometry.x1, geometry.y2),
                )
            )
            coords = " ".join(f"{_f(x / width)} {_f(y / height)}" for x, y in points)
            lines.append(f"{index[obj.class_id]} {coords}")
    return "".join(line + "\n" for line in lines)


def data_yaml(dataset: Dataset) -> str:
    """``data.yaml`` in the Ultralytics layout (paths relative to the file)."""
    splits = dataset.splits
    train = "train" if "train" in splits else splits[0]
    val = "val" if "val" in splits else ("valid" if "valid" in splits else train)
    lines = ["# Written by labeler; paths are relative to this file.", "path: ."]
    lines.append(f"train: images/{train}")
    lines.append(f"val: images/{val}")
    if "test" in splits:
        lines.append("test: images/test")
    lines.append(f"nc: {len(dataset.classes)}")
    lines.append("names:")
    lines += [f"  {i}: {json.dumps(c.name)}" for i, c in enumerate(dataset.classes)]
    return "\n".join(lines) + "\n"


def write_yolo(dataset: Dataset, writer: DatasetWriter) -> dict[str, Any]:
    """Write labels and ``data.yaml``; returns notes for the manifest."""
    segment = any(c.kind == GeometryKind.POLYGON for c in dataset.classes)
    index = dataset.class_index()
    for image in dataset.images:
        writer.write_text(
            f"labels/{image.split}/{image.stem}.txt", label_text(image, index, segment)
        )
    writer.write_text("data.yaml", data_yaml(dataset))
    tags = sum(1 for i in dataset.images for o in i.objects if o.geometry.kind == "tag")
    return {"task": "segment" if segment else "detect", "tags_not_written": tags}


def image_path(image: ExportImage) -> str:
    """Where YOLO exports put an image file (labels are found by Ultralytics from it)."""
    return f"images/{image.split}/{image.name}"
