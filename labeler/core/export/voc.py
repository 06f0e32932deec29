"""Pascal VOC XML: ``Annotations/<stem>.xml`` per image, ``ImageSets/Main/<split>.txt``.

VOC boxes are 1-based inclusive pixel indices, the inverse of what the importer
(:mod:`labeler.core.formats.voc`) does: ``xmin = x1 + 1``, ``ymin = y1 + 1``,
``xmax = x2``, ``ymax = y2``, so export -> import -> export is lossless. VOC has
boxes only: polygons are written as their bounding boxes and tags are left out,
both counted in the notes.
"""

from __future__ import annotations

from typing import Any
from xml.sax.saxutils import escape

from labeler.core.export.model import Dataset, ExportImage, num_text
from labeler.core.export.writer import DatasetWriter
from labeler.core.geometry import Box, Polygon


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
        x1, y1, x2, y2 = obj.geometry.bounds()
        lines += [
            "  <object>",
            f"    <name>{escape(class_names[obj.class_id])}</name>",
            "    <pose>Unspecified</pose>",
            "    <truncated>0</truncated>",
            "    <difficult>0</difficult>",
            "    <bndbox>",
            f"      <xmin>{num_text(x1 + 1)}</xmin>",
            f"      <ymin>{num_text(y1 + 1)}</ymin>",
            f"      <xmax>{num_text(x2)}</xmax>",
            f"      <ymax>{num_text(y2)}</ymax>",
            "    </bndbox>",
            "  </object>",
        ]
    lines.append("</annotation>")
    return '<?xml version="1.0" encoding="utf-8"?>\n' + "\n".join(lines) + "\n"


def write_voc(dataset: Dataset, writer: DatasetWriter) -> dict[str, Any]:
    """Write the VOC files; returns notes for the manifest."""
    names = {c.id: c.name for c in dataset.classes}
    for image in dataset.images:
        writer.write_text(f"Annotations/{image.stem}.xml", voc_xml(image, names))
    for split in dataset.splits:
        stems = "".join(f"{i.stem}\n" for i in dataset.by_split(split))
        writer.write_text(f"ImageSets/Main/{split}.txt", stems)
    objects = [o for i in dataset.images for o in i.objects]
    return {
        "polygons_as_boxes": sum(1 for o in objects if isinstance(o.geometry, Polygon)),
        "tags_not_written": sum(1 for o in objects if o.geometry.kind == "tag"),
    }


def image_path(image: ExportImage) -> str:
    """Where VOC exports put an image file when images are copied or linked."""
    return f"JPEGImages/{image.name}"
