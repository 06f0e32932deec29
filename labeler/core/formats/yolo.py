"""YOLO label files: one ``.txt`` per image, one object per line, normalised.

Line forms (fields separated by whitespace, coordinates in [0, 1] as fractions
of the image width and height):

* ``class cx cy w h`` — a box given by its centre and size;
* ``class cx cy w h confidence`` — the same, as written by predictions with
  ``save_conf``; the confidence becomes the ``score`` attribute;
* ``class x1 y1 x2 y2 x3 y3 ...`` — a polygon (segmentation), at least 3 points.

The image is the label file's stem; its size in pixels comes from the caller's
``image_size`` callback. Blank lines are ignored. Coordinates up to
:data:`COORD_TOLERANCE` outside [0, 1] are accepted (and clipped to the image);
anything else wrong in a line makes the file an :class:`AnnotationFormatError`
located at ``line N``.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats._common import WarningLog, add_shape, decode_text, read_bytes
from labeler.core.formats.records import ParsedFile, ParsedImage, ParsedShape
from labeler.core.formats.yolo_classes import CLASS_FILE_NAMES, SEARCH_DEPTH
from labeler.core.geometry import Box, Polygon
from labeler.core.i18n import _, ngettext

# How far outside [0, 1] a normalised coordinate may be (rounding in converters).
COORD_TOLERANCE = 0.01

_BOX_FIELDS = ("x_center", "y_center", "width", "height")

ImageSize = Callable[[str], tuple[int, int] | None]


@dataclass(frozen=True)
class _Line:
    """One parsed label line, still normalised."""

    number: int
    class_index: int
    coords: tuple[float, ...]
    score: float | None


def parse_yolo(
    path: Path,
    image_size: ImageSize,
    classes: list[str] | None,
    classes_source: Path | None = None,
) -> ParsedFile:
    """Parse the YOLO label file at ``path``.

    ``classes`` maps class indices to names (None: classes are named by their
    index, with a warning); ``classes_source`` is the file they came from, for
    messages. ``image_size(stem)`` gives the image's (width, height) in pixels or
    None when the image is not in the project, which is an error.
    """
    text = decode_text(path, read_bytes(path))
    where = f" ({classes_source.name})" if classes_source else ""
    lines = [
        _parse_line(path, number, fields, classes, where)
        for number, fields in enumerate((line.split() for line in text.splitlines()), start=1)
        if fields
    ]
    size = image_size(path.stem)
    if size is None:
        raise AnnotationFormatError(
            path,
            "",
            _(
                "image {path.stem!r} is not in the project; YOLO coordinates are fractions "
                "of the image size, so add the image to the project before importing its "
                "labels"
            ).format(path=path),
        )
    width, height = size
    warnings = WarningLog()
    if classes is None:
        warnings.add(
            _(
                "no class list found ({CLASS_FILE_NAMES} beside the labels or up to "
                "{SEARCH_DEPTH} folders above); classes are named by their index"
            ).format(CLASS_FILE_NAMES=", ".join(CLASS_FILE_NAMES), SEARCH_DEPTH=SEARCH_DEPTH)
        )
        used = sorted({line.class_index for line in lines})
        names = {i: str(i) for i in used}
        declared = [str(i) for i in used]
    else:
        names = dict(enumerate(classes))
        declared = list(dict.fromkeys(classes))
    shapes: list[ParsedShape] = []
    for line in lines:
        _add(shapes, warnings, line, names[line.class_index], (width, height))
    image = ParsedImage(path.stem, width, height, shapes)
    return ParsedFile(path, "yolo", [image], declared, warnings.result(), warnings.issues)


def _add(
    shapes: list[ParsedShape],
    warnings: WarningLog,
    line: _Line,
    class_name: str,
    size: tuple[int, int],
) -> None:
    """Convert one line to pixels and add its shape (or warn why it was skipped)."""
    width, height = size
    c = line.coords
    geometry: Box | Polygon
    if len(c) == 4:
        cx, cy, w, h = c[0] * width, c[1] * height, c[2] * width, c[3] * height
        geometry = Box(cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2)
    else:
        geometry = Polygon(
            tuple((x * width, y * height) for x, y in zip(c[0::2], c[1::2], strict=True))
        )
    attributes: dict[str, object] = {} if line.score is None else {"score": line.score}
    add_shape(
        shapes,
        warnings,
        class_name,
        geometry,
        f"line {line.number}",
        image_size=size,
        attributes=attributes,
    )


def _parse_line(
    path: Path, number: int, fields: list[str], classes: list[str] | None, where: str
) -> _Line:
    """Check one line's field count, class index and coordinates."""
    loc = f"line {number}"
    count = len(fields)
    if count not in (5, 6) and (count < 7 or count % 2 == 0):
        raise AnnotationFormatError(
            path,
            loc,
            ngettext(
                "{count} field; expected 5 (class x_center y_center width height), 6 (the "
                "same and a confidence) or an odd number of at least 7 (class x1 y1 x2 y2 x3 "
                "y3 ...)",
                "{count} fields; expected 5 (class x_center y_center width height), 6 (the "
                "same and a confidence) or an odd number of at least 7 (class x1 y1 x2 y2 x3 "
                "y3 ...)",
                count,
            ).format(count=count),
        )
    class_index = _class_index(path, loc, fields[0])
    if classes is not None and class_index >= len(classes):
        raise AnnotationFormatError(
            path,
            loc,
            _(
                "class index {class_index} is out of range: the class list{where} has "
                "{n_classes} classes (0..{last_index})"
            ).format(
                class_index=class_index,
                where=where,
                n_classes=len(classes),
                last_index=len(classes) - 1,
            ),
        )
    values = [_number(path, loc, i + 2, token) for i, token in enumerate(fields[1:])]
    score = values.pop() if count == 6 else None
    names = (
        _BOX_FIELDS
        if count in (5, 6)
        else [f"{a}{i // 2 + 1}" for i, a in enumerate("xy" * (count // 2))]
    )
    for name, value in zip(names, values, strict=True):
        if not -COORD_TOLERANCE <= value <= 1 + COORD_TOLERANCE:
            raise AnnotationFormatError(
                path,
                loc,
                _(
                    "{name} = {value:g} is outside [0, 1]; YOLO coordinates are fractions of "
                    "the image width and height"
                ).format(name=name, value=value),
            )
    return _Line(number, class_index, tuple(values), score)


def _class_index(path: Path, loc: str, token: str) -> int:
    """The class index field: a whole number ≥ 0 (``3.0`` is accepted as 3)."""
    try:
        value = float(token)
    except ValueError:
        value = math.nan
    if not math.isfinite(value) or value < 0 or value != int(value):
        raise AnnotationFormatError(
            path,
            loc,
            _("class index {token!r} is not a whole number ≥ 0 (field 1)").format(token=token),
        )
    return int(value)


def _number(path: Path, loc: str, field_number: int, token: str) -> float:
    """One coordinate field as a finite number."""
    try:
        value = float(token)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise AnnotationFormatError(
            path,
            loc,
            _("field {field_number} {token!r} is not a number").format(
                field_number=field_number, token=token
            ),
        )
    return value
