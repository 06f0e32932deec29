"""labelme JSON: one file per image, with ``imagePath`` and a list of ``shapes``.

``rectangle`` shapes become boxes (the bounds of their points) and ``polygon``
shapes polygons; a shape without ``shape_type`` is a polygon, as in old labelme
versions. A ``circle`` (centre and a point on the rim) becomes a
:data:`CIRCLE_VERTICES`-point polygon, reported as altered. Other types (``point``,
``line``, ``linestrip``, ``mask``...) have no area to import and are skipped with a
warning such as ``labelme shape 3 of type 'line' skipped``, reported as dropped.
``group_id``, non-empty ``flags`` and ``description`` go into the shape's
attributes. Locations in errors are field paths such as ``shapes[2].points``.
"""

from __future__ import annotations

import math
from pathlib import Path

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats._common import (
    WarningLog,
    add_shape,
    expect_dict,
    expect_list,
    expect_number,
    expect_str,
    join,
    load_json,
    optional_size,
    require_key,
    size_pair,
    type_name,
)
from labeler.core.formats.records import ParsedFile, ParsedImage, ParsedShape
from labeler.core.geometry import Box, Polygon
from labeler.core.i18n import _

IMPORTED_TYPES = ("rectangle", "polygon", "circle")
CIRCLE_VERTICES = 32


def looks_like_labelme(data: object) -> bool:
    """Whether parsed JSON has labelme's shape: an object with a ``shapes`` list."""
    return isinstance(data, dict) and isinstance(data.get("shapes"), list)


def parse_labelme(path: Path, data: object | None = None) -> ParsedFile:
    """Parse the labelme file at ``path`` (or its already-loaded JSON ``data``).

    Raises :class:`AnnotationFormatError` for a malformed file.
    """
    if data is None:
        data = load_json(path)
    root = expect_dict(path, data, "top level")
    image_ref = expect_str(path, require_key(path, root, "imagePath", ""), "imagePath")
    width = optional_size(path, root, "imageWidth", "")
    height = optional_size(path, root, "imageHeight", "")
    raw_shapes = expect_list(path, require_key(path, root, "shapes", ""), "shapes")
    warnings = WarningLog()
    shapes: list[ParsedShape] = []
    skipped: dict[str, int] = {}
    classes: list[str] = []
    for index, raw in enumerate(raw_shapes):
        label = _shape(path, raw, index, shapes, warnings, size_pair(width, height), skipped)
        if label is not None and label not in classes:
            classes.append(label)
    if skipped:
        counts = ", ".join(f"{n} {kind}" for kind, n in sorted(skipped.items()))
        warnings.add(
            _(
                "skipped shape types: {counts} (only rectangle, polygon and circle are imported)"
            ).format(counts=counts)
        )
    image = ParsedImage(image_ref, width, height, shapes)
    return ParsedFile(path, "labelme", [image], classes, warnings.result(), warnings.issues)


def _shape(
    path: Path,
    raw: object,
    index: int,
    shapes: list[ParsedShape],
    warnings: WarningLog,
    image_size: tuple[int, int] | None,
    skipped: dict[str, int],
) -> str | None:
    """Add one labelme shape (or warn why not); returns its label when imported."""
    loc = f"shapes[{index}]"
    shape = expect_dict(path, raw, loc)
    label = expect_str(path, require_key(path, shape, "label", loc), join(loc, "label")).strip()
    shape_type = shape.get("shape_type") or "polygon"
    shape_type = expect_str(path, shape_type, join(loc, "shape_type"))
    if shape_type not in IMPORTED_TYPES:
        skipped[shape_type] = skipped.get(shape_type, 0) + 1
        warnings.skipped(
            _("labelme shape {index} of type {shape_type!r} skipped ({loc})").format(
                index=index, shape_type=shape_type, loc=loc
            ),
            loc,
            _(
                "labelme shape type {shape_type!r} is not imported (only rectangle, polygon "
                "and circle have an area)"
            ).format(shape_type=shape_type),
        )
        return None
    points = _points(path, require_key(path, shape, "points", loc), join(loc, "points"))
    geometry: Box | Polygon
    if shape_type in ("rectangle", "circle") and len(points) < 2:
        reason = _("{shape_type} with {n_points} point(s) skipped: needs 2").format(
            shape_type=shape_type, n_points=len(points)
        )
        warnings.skipped(f"{loc}: {reason}", loc, reason)
        return None
    if shape_type == "rectangle":
        xs, ys = [p[0] for p in points], [p[1] for p in points]
        geometry = Box(min(xs), min(ys), max(xs), max(ys))
    elif shape_type == "circle":
        geometry = circle_polygon(points[0], points[1])
        warnings.altered(
            loc,
            _("labelme circle imported as a {CIRCLE_VERTICES}-point polygon").format(
                CIRCLE_VERTICES=CIRCLE_VERTICES
            ),
        )
    else:
        geometry = Polygon(tuple(points))
    before = len(shapes)
    add_shape(
        shapes, warnings, label, geometry, loc, image_size=image_size, attributes=_attrs(shape)
    )
    return label if len(shapes) > before else None


def circle_polygon(centre: tuple[float, float], rim: tuple[float, float]) -> Polygon:
    """A labelme circle (its centre and a point on the rim) as a regular polygon."""
    radius = math.dist(centre, rim)
    cx, cy = centre
    return Polygon(
        tuple(
            (
                cx + radius * math.cos(2 * math.pi * i / CIRCLE_VERTICES),
                cy + radius * math.sin(2 * math.pi * i / CIRCLE_VERTICES),
            )
            for i in range(CIRCLE_VERTICES)
        )
    )


def _points(path: Path, value: object, loc: str) -> list[tuple[float, float]]:
    """A labelme ``points`` list of ``[x, y]`` pairs."""
    points: list[tuple[float, float]] = []
    for index, raw in enumerate(expect_list(path, value, loc)):
        point_loc = f"{loc}[{index}]"
        if not isinstance(raw, list) or len(raw) != 2:
            got = f"{len(raw)} values" if isinstance(raw, list) else type_name(raw)
            raise AnnotationFormatError(
                path, point_loc, _("expected an [x, y] pair, got {got}").format(got=got)
            )
        points.append(
            (
                expect_number(path, raw[0], f"{point_loc}[0]"),
                expect_number(path, raw[1], f"{point_loc}[1]"),
            )
        )
    return points


def _attrs(shape: dict[str, object]) -> dict[str, object]:
    """The labelme extras worth keeping: group id, set flags, description."""
    attributes: dict[str, object] = {}
    if shape.get("group_id") is not None:
        attributes["group_id"] = shape["group_id"]
    flags = shape.get("flags")
    if isinstance(flags, dict) and flags:
        attributes["flags"] = dict(flags)
    description = shape.get("description")
    if isinstance(description, str) and description.strip():
        attributes["description"] = description
    return attributes
