"""Pascal VOC XML: ``Annotations/<stem>.xml`` per image, ``ImageSets/Main/<split>.txt``.

VOC boxes are whole, 1-based, inclusive pixel indices, the inverse of what the
importer (:mod:`labeler.core.formats.voc`) does: with each edge rounded to the
nearest pixel boundary, ``xmin = round(x1) + 1``, ``ymin = round(y1) + 1``,
``xmax = round(x2)``, ``ymax = round(y2)`` (:func:`voc_box`; a box thinner than a
pixel keeps one pixel). A box at whole pixels is written exactly, so export ->
import -> export is lossless; fractional edges move by at most half a pixel. VOC has
boxes only: polygons are written as their bounding boxes and tags are left out,
both counted in the notes.
"""

from __future__ import annotations

import math
from typing import Any
from xml.sax.saxutils import escape

from labeler.core.domain import LabelClass
from labeler.core.export.model import Dataset, ExportImage
from labeler.core.export.parts import TextParts
from labeler.core.export.writer import DatasetWriter
from labeler.core.geometry import Box, Polygon


def voc_pixels(low: float, high: float, size: int) -> tuple[int, int]:
    """1-based inclusive pixel indices ``(min, max)`` of the span ``[low, high)``.

    Each edge is rounded to the nearest pixel boundary (halves up); a span
    thinner than a pixel keeps one pixel, inside the image (``1 <= min <= max <= size``).
    """
    first = min(max(math.floor(low + 0.5), 0), size - 1)  # 0-based first pixel
    end = min(max(math.floor(high + 0.5), first + 1), size)  # one past the last
    return first + 1, end


def voc_box(
    bounds: tuple[float, float, float, float], width: int, height: int
) -> tuple[int, int, int, int]:
    """``(xmin, ymin, xmax, ymax)`` of a box in VOC's integer, 1-based convention."""
    x1, y1, x2, y2 = bounds
    xmin, xmax = voc_pixels(x1, x2, width)
    ymin, ymax = voc_pixels(y1, y2, height)
    return xmin, ymin, xmax, ymax


def voc_xml(image: ExportImage, class_names: dict[int, str]) -> str:
    """The VOC document of one image."""
    record = image.record
    lines = [
        "<annotation>",
        "  <folder>JPEGImages</folder>",
        f"  <filename>{escape(image.name)}</filename>",
        "  <size>",
        f"    <width>{record.width}</width>",
        f"    <height>{record.height}</height>",
        "    <depth>3</depth>",
        "  </size>",
        "  <segmented>0</segmented>",
    ]
    for obj in image.objects:
        if not isinstance(obj.geometry, Box | Polygon):
            continue
        xmin, ymin, xmax, ymax = voc_box(obj.geometry.bounds(), record.width, record.height)
        lines += [
            "  <object>",
            f"    <name>{escape(class_names[obj.class_id])}</name>",
            "    <pose>Unspecified</pose>",
            "    <truncated>0</truncated>",
            "    <difficult>0</difficult>",
            "    <bndbox>",
            f"      <xmin>{xmin}</xmin>",
            f"      <ymin>{ymin}</ymin>",
            f"      <xmax>{xmax}</xmax>",
            f"      <ymax>{ymax}</ymax>",
            "    </bndbox>",
            "  </object>",
        ]
    lines.append("</annotation>")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines) + "\n"


class VocSink:
    """Writes the VOC files as images arrive in id order (the same files as before)."""

    def __init__(
        self, classes: list[LabelClass], splits: list[str], writer: DatasetWriter, parts: TextParts
    ) -> None:
        self._splits, self._writer, self._parts = splits, writer, parts
        self._names = {c.id: c.name for c in classes}
        self.polygons = 0
        self.tags = 0

    def add(self, images: list[ExportImage]) -> None:
        """Write these images' XML files (in id order, after every image added before)."""
        for image in images:
            self._writer.write_text(f"Annotations/{image.stem}.xml", voc_xml(image, self._names))
            self._parts.append(image.split, f"{image.stem}\n")
            self.polygons += sum(1 for o in image.objects if isinstance(o.geometry, Polygon))
            self.tags += sum(1 for o in image.objects if o.geometry.kind == "tag")

    def finish(self) -> dict[str, Any]:
        """Write the split lists; returns notes for the manifest."""
        for split in self._splits:
            self._writer.write_chunks(f"ImageSets/Main/{split}.txt", self._parts.read(split))
        return {"polygons_as_boxes": self.polygons, "tags_not_written": self.tags}


def write_voc(dataset: Dataset, writer: DatasetWriter) -> dict[str, Any]:
    """Write the VOC files; returns notes for the manifest."""
    parts = TextParts(writer.root)
    try:
        sink = VocSink(dataset.classes, dataset.splits, writer, parts)
        sink.add(dataset.images)
        return sink.finish()
    finally:
        parts.close()


def image_path(image: ExportImage) -> str:
    """Where VOC exports put an image file when images are copied or linked."""
    return f"JPEGImages/{image.name}"
