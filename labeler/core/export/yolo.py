"""YOLO (Ultralytics layout): ``images/<split>/``, ``labels/<split>/<stem>.txt``, ``data.yaml``.

Coordinates are fractions of the image size with 6 decimals (a box centre that
falls between two millionths gets a 7th). When any class is
drawn as a polygon the dataset is a segmentation dataset: every object is written
as a polygon (boxes as their four corners), because Ultralytics drops the
polygons of a dataset that mixes them with boxes. Otherwise each line is
``class cx cy w h``. Images without objects get an empty label file (background
images). Tags are left out and counted in the notes. When the images are not
copied or linked, ``data.yaml`` points at list files of the images' absolute
paths (see :func:`data_yaml`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from labeler.core.domain import GeometryKind, LabelClass
from labeler.core.export.model import Dataset, ExportImage
from labeler.core.export.parts import TextParts
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


def data_yaml(dataset: Dataset, listed: bool = False) -> str:
    """``data.yaml`` in the Ultralytics layout, every path relative to the file.

    There is no ``path:`` key: Ultralytics then resolves the split paths against
    the folder of ``data.yaml`` (``path: .`` would mean the working directory).
    With images copied or linked each split is a folder ``images/<split>``; with
    ``listed`` (images referenced where they are) it is a list file
    ``<split>.txt`` of absolute image paths beside ``data.yaml``.
    """
    splits = dataset.splits
    train = "train" if "train" in splits else splits[0]
    val = "val" if "val" in splits else ("valid" if "valid" in splits else train)

    def where(split: str) -> str:
        return f"{split}.txt" if listed else f"images/{split}"

    lines = ["# Written by labeler; paths are relative to this file."]
    if listed:
        lines += [
            "# Images are not copied: each split lists the absolute paths of the images.",
            "# Ultralytics looks for an image's labels by replacing /images/ with /labels/",
            "# in its path, so it does not find labels/<split>/ here; export with",
            "# --copy-images or --link-images to train with Ultralytics.",
        ]
    lines.append(f"train: {where(train)}")
    lines.append(f"val: {where(val)}")
    if "test" in splits:
        lines.append(f"test: {where('test')}")
    lines.append(f"nc: {len(dataset.classes)}")
    lines.append("names:")
    lines += [f"  {i}: {json.dumps(c.name)}" for i, c in enumerate(dataset.classes)]
    return "\n".join(lines) + "\n"


def image_list(images: list[ExportImage]) -> str:
    """A split's list file: one absolute image path per line, in id order."""
    return "".join(f"{Path(i.source).absolute()}\n" for i in images if i.source is not None)


class YoloSink:
    """Writes the YOLO files as images arrive in id order (the same files as before).

    Label files are written at once; each split's list file is kept as a scratch part
    until :meth:`finish`, which also writes ``data.yaml``.
    """

    def __init__(
        self,
        classes: list[LabelClass],
        splits: list[str],
        writer: DatasetWriter,
        images: str,
        parts: TextParts,
    ) -> None:
        self._classes, self._splits, self._writer, self._parts = classes, splits, writer, parts
        self._segment = any(c.kind == GeometryKind.POLYGON for c in classes)
        self._index = {c.id: i for i, c in enumerate(classes)}
        self._listed = images == "none"
        self.tags = 0

    def add(self, images: list[ExportImage]) -> None:
        """Write these images' label files (in id order, after every image added before)."""
        for image in images:
            self._writer.write_text(
                f"labels/{image.split}/{image.stem}.txt",
                label_text(image, self._index, self._segment),
            )
            if self._listed:
                self._parts.append(image.split, image_list([image]))
            self.tags += sum(1 for o in image.objects if o.geometry.kind == "tag")

    def finish(self) -> dict[str, Any]:
        """Write the list files and ``data.yaml``; returns notes for the manifest."""
        if self._listed:
            for split in self._splits:
                self._writer.write_chunks(f"{split}.txt", self._parts.read(split))
        self._writer.write_text(
            "data.yaml", data_yaml(Dataset(self._classes, [], self._splits), self._listed)
        )
        notes: dict[str, Any] = {
            "task": "segment" if self._segment else "detect",
            "tags_not_written": self.tags,
        }
        if self._listed:
            notes["image_lists"] = {split: f"{split}.txt" for split in self._splits}
        return notes


def write_yolo(dataset: Dataset, writer: DatasetWriter, images: str = "none") -> dict[str, Any]:
    """Write labels, ``data.yaml`` and (images not copied) list files; returns notes."""
    parts = TextParts(writer.root)
    try:
        sink = YoloSink(dataset.classes, dataset.splits, writer, images, parts)
        sink.add(dataset.images)
        return sink.finish()
    finally:
        parts.close()


def image_path(image: ExportImage) -> str:
    """Where YOLO exports put an image file (labels are found by Ultralytics from it)."""
    return f"images/{image.split}/{image.name}"
