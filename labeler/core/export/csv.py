"""CSV, one row per object: ``annotations.csv``.

Columns: ``split, image, image_id, width, height, class, kind, x1, y1, x2, y2,
points, annotation_ids``. ``points`` is ``x y;x y;...`` for polygons; tags have
only a class. An image without objects gets one row with an empty class and
kind, so background images are not lost. :func:`read_csv` reads the file back.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from labeler.core.domain import LabelClass
from labeler.core.errors import AnnotationFormatError
from labeler.core.export.model import Dataset, ExportImage, num_text
from labeler.core.export.parts import TextParts
from labeler.core.export.writer import DatasetWriter
from labeler.core.formats.records import ParsedFile, ParsedImage, ParsedShape
from labeler.core.geometry import Box, Geometry, Polygon, Tag
from labeler.core.i18n import _

COLUMNS = (
    "split",
    "image",
    "image_id",
    "width",
    "height",
    "class",
    "kind",
    "x1",
    "y1",
    "x2",
    "y2",
    "points",
    "annotation_ids",
)
FILE_NAME = "annotations.csv"


def _row(image: ExportImage, split: str, class_name: str, geometry: Geometry | None) -> list[str]:
    record = image.record
    row = [split, image.name, str(record.id), str(record.width), str(record.height)]
    if geometry is None:
        return [*row, "", "", "", "", "", "", "", ""]
    bounds = geometry.bounds()
    coords = [num_text(v) for v in bounds] if bounds is not None else ["", "", "", ""]
    points = ""
    if isinstance(geometry, Polygon):
        points = ";".join(f"{num_text(x)} {num_text(y)}" for x, y in geometry.points)
    return [*row, class_name, geometry.kind, *coords, points]


class CsvSink:
    """Writes ``annotations.csv`` as images arrive in id order (the same file as before)."""

    def __init__(self, classes: list[LabelClass], writer: DatasetWriter, parts: TextParts) -> None:
        self._writer, self._parts = writer, parts
        self._names = {c.id: c.name for c in classes}
        self.add_rows([COLUMNS])

    def add_rows(self, rows: Iterable[Sequence[str]]) -> None:
        """Append rows as the csv module writes them."""
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(rows)
        self._parts.append(FILE_NAME, buffer.getvalue())

    def add(self, images: list[ExportImage]) -> None:
        """Append these images' rows (in id order, after every image added before)."""
        rows: list[list[str]] = []
        for image in images:
            if not image.objects:
                rows.append([*_row(image, image.split, "", None), ""])
            for obj in image.objects:
                ids = " ".join(str(i) for i in obj.annotation_ids)
                rows.append([*_row(image, image.split, self._names[obj.class_id], obj.geometry),
                             ids])
        self.add_rows(rows)

    def finish(self) -> dict[str, Any]:
        """Write the file; returns notes for the manifest."""
        self._writer.write_chunks(FILE_NAME, self._parts.read(FILE_NAME))
        return {"file": FILE_NAME}


def write_csv(dataset: Dataset, writer: DatasetWriter) -> dict[str, Any]:
    """Write ``annotations.csv``; returns notes for the manifest."""
    parts = TextParts(writer.root)
    try:
        sink = CsvSink(dataset.classes, writer, parts)
        sink.add(dataset.images)
        return sink.finish()
    finally:
        parts.close()


def image_path(image: ExportImage) -> str:
    """Where CSV exports put an image file when images are copied or linked."""
    return f"images/{image.split}/{image.name}"


def _geometry(path: Path, line: int, row: dict[str, str]) -> Geometry:
    kind = row["kind"]
    try:
        if kind == "tag":
            return Tag()
        if kind == "box":
            x1, y1, x2, y2 = (float(row[k]) for k in ("x1", "y1", "x2", "y2"))
            return Box(x1, y1, x2, y2)
        if kind == "polygon":
            pairs = [p.split() for p in row["points"].split(";")]
            return Polygon(tuple((float(x), float(y)) for x, y in pairs))
    except (ValueError, TypeError) as exc:
        raise AnnotationFormatError(
            path, f"line {line}", _("bad {kind} coordinates: {exc}").format(kind=kind, exc=exc)
        ) from exc
    raise AnnotationFormatError(path, f"line {line}", _("unknown kind {kind!r}").format(kind=kind))


def read_csv(path: Path) -> ParsedFile:
    """Read an exported ``annotations.csv`` back as a :class:`ParsedFile`."""
    text = path.read_text(encoding="utf-8")
    reader = csv.DictReader(io.StringIO(text))
    if tuple(reader.fieldnames or ()) != COLUMNS:
        raise AnnotationFormatError(
            path, "line 1", _("expected the columns {columns}").format(columns=", ".join(COLUMNS))
        )
    images: dict[str, ParsedImage] = {}
    classes: list[str] = []
    for line, row in enumerate(reader, start=2):
        image = images.setdefault(
            row["image"], ParsedImage(row["image"], int(row["width"]), int(row["height"]))
        )
        if not row["kind"]:
            continue
        image.shapes.append(ParsedShape(row["class"], _geometry(path, line, row)))
        if row["class"] not in classes:
            classes.append(row["class"])
    return ParsedFile(path, "csv", list(images.values()), classes)
