"""Helpers shared by the format parsers: safe reading, JSON, type checks, shapes.

Everything here raises :class:`AnnotationFormatError` with a ``location`` a person
can find in the file, and a reason that says what was found and what was expected.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

from labeler.core.errors import AnnotationFormatError, GeometryError
from labeler.core.formats.records import ParsedShape, ShapeIssue
from labeler.core.geometry import Box, Polygon, Tag, validate_geometry
from labeler.core.i18n import _, ngettext

# Annotation files bigger than this are refused rather than read into memory.
MAX_FILE_BYTES = 1 << 30  # 1 GiB

# Per-shape warnings kept in full; beyond this only a count is reported.
MAX_DETAILED_WARNINGS = 50

# A shape sticking out of the image by more than this (pixels) is reported as
# clipped; less is rounding in the tool that wrote it.
CLIP_REPORTED_PX = 1.0


def read_bytes(path: Path) -> bytes:
    """The file's bytes, refusing files over :data:`MAX_FILE_BYTES`."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise AnnotationFormatError(
                path,
                "",
                _(
                    "file is {size:.0f} MiB; annotation files over {MAX_FILE_BYTES:.0f} MiB "
                    "are refused (split it into smaller files)"
                ).format(size=size / (1 << 20), MAX_FILE_BYTES=MAX_FILE_BYTES / (1 << 20)),
            )
        return path.read_bytes()
    except OSError as exc:
        raise AnnotationFormatError(
            path, "", _("cannot read the file: {strerror}").format(strerror=exc.strerror or exc)
        ) from exc


def decode_text(path: Path, data: bytes, encoding: str = "utf-8") -> str:
    """Decode ``data`` strictly (a UTF-8 byte-order mark is allowed and dropped).

    A byte that is not valid in ``encoding`` gives an error naming its line and column.
    """
    codec = "utf-8-sig" if encoding.lower().replace("_", "-") in ("utf-8", "utf8") else encoding
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        column = exc.start - (data.rfind(b"\n", 0, exc.start) + 1) + 1
        raise AnnotationFormatError(
            path,
            f"line {line} column {column}",
            _(
                "byte 0x{byte:02X} is not valid {encoding_name} text; "
                "save the file as {encoding_name}"
            ).format(byte=data[exc.start], encoding_name=encoding.upper()),
        ) from exc
    except LookupError as exc:
        raise AnnotationFormatError(
            path, "", _("unknown text encoding {encoding!r}").format(encoding=encoding)
        ) from exc


def load_json(path: Path) -> object:
    """Read, decode and parse a JSON file; syntax errors name ``line L column C``."""
    text = decode_text(path, read_bytes(path))
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise AnnotationFormatError(
            path,
            f"line {exc.lineno} column {exc.colno}",
            _("invalid JSON: {exc.msg}").format(exc=exc),
        ) from exc
    except RecursionError as exc:
        raise AnnotationFormatError(path, "", _("invalid JSON: nested too deeply")) from exc


def type_name(value: object) -> str:
    """The JSON name of a value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


def join(location: str, key: str | int) -> str:
    """``join("images[3]", "file_name") == "images[3].file_name"``; ints index lists."""
    if isinstance(key, int):
        return f"{location}[{key}]"
    return f"{location}.{key}" if location else key


def require_key(path: Path, obj: dict[str, object], key: str, location: str) -> object:
    """``obj[key]``, or an error naming the missing field."""
    if key not in obj:
        where = _(" in {location}").format(location=location) if location else ""
        raise AnnotationFormatError(
            path,
            join(location, key),
            _("missing required key {key!r}{where}").format(key=key, where=where),
        )
    return obj[key]


def expect_dict(path: Path, value: object, location: str) -> dict[str, object]:
    """``value`` if it is a JSON object."""
    if not isinstance(value, dict):
        raise AnnotationFormatError(
            path, location, _("expected an object, got {value}").format(value=type_name(value))
        )
    return value


def expect_list(path: Path, value: object, location: str) -> list[object]:
    """``value`` if it is a JSON list."""
    if not isinstance(value, list):
        raise AnnotationFormatError(
            path, location, _("expected a list, got {value}").format(value=type_name(value))
        )
    return value


def expect_str(path: Path, value: object, location: str, *, allow_empty: bool = False) -> str:
    """``value`` if it is a (non-empty, unless allowed) string."""
    if not isinstance(value, str):
        raise AnnotationFormatError(
            path, location, _("expected a string, got {value}").format(value=type_name(value))
        )
    if not allow_empty and not value.strip():
        raise AnnotationFormatError(path, location, _("expected a non-empty string, got ''"))
    return value


def expect_number(path: Path, value: object, location: str) -> float:
    """``value`` as a float if it is a finite JSON number (not a boolean)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise AnnotationFormatError(
            path, location, _("expected a number, got {value}").format(value=type_name(value))
        )
    if not math.isfinite(value):
        raise AnnotationFormatError(
            path, location, _("expected a finite number, got {value}").format(value=value)
        )
    return float(value)


def expect_size(path: Path, value: object, location: str) -> int:
    """``value`` as a positive pixel count (integral floats such as 640.0 are accepted)."""
    number = expect_number(path, value, location)
    if number != int(number) or number <= 0:
        raise AnnotationFormatError(
            path,
            location,
            _("expected a positive whole number of pixels, got {value!r}").format(value=value),
        )
    return int(number)


def optional_size(path: Path, obj: dict[str, object], key: str, location: str) -> int | None:
    """``obj[key]`` as a pixel count, or None when absent or null."""
    value = obj.get(key)
    return None if value is None else expect_size(path, value, join(location, key))


def expect_id(path: Path, value: object, location: str) -> int | str:
    """``value`` if it can serve as a record id (an integer or a string)."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise AnnotationFormatError(
            path,
            location,
            _("expected an integer or string id, got {value}").format(value=type_name(value)),
        )
    return value


def size_pair(width: int | None, height: int | None) -> tuple[int, int] | None:
    """``(width, height)`` when both are known."""
    return (width, height) if width is not None and height is not None else None


class WarningLog:
    """Warnings for one file, with per-shape messages capped so huge files stay readable.

    Every dropped or altered shape is also kept, uncapped, as a :class:`ShapeIssue`.
    """

    def __init__(self) -> None:
        self.messages: list[str] = []
        self.issues: list[ShapeIssue] = []
        self._skipped = 0

    def add(self, message: str) -> None:
        """A warning that is always kept."""
        self.messages.append(message)

    def skipped(self, message: str, location: str = "", reason: str | None = None) -> None:
        """A skipped-shape warning; after :data:`MAX_DETAILED_WARNINGS` only counted.

        The shape is recorded as dropped at ``location`` with ``reason`` (default:
        ``message``).
        """
        self._skipped += 1
        if self._skipped <= MAX_DETAILED_WARNINGS:
            self.messages.append(message)
        self.issues.append(ShapeIssue(location, "dropped", reason or message))

    def altered(self, location: str, reason: str) -> None:
        """A shape imported in another form than written (reported, not a warning line)."""
        self.issues.append(ShapeIssue(location, "altered", reason))

    def result(self) -> list[str]:
        """All warnings, with a count of the skipped shapes not listed."""
        extra = self._skipped - MAX_DETAILED_WARNINGS
        if extra > 0:
            return [
                *self.messages,
                ngettext(
                    "{extra} more shape skipped (not listed)",
                    "{extra} more shapes skipped (not listed)",
                    extra,
                ).format(extra=extra),
            ]
        return list(self.messages)


def add_shape(
    shapes: list[ParsedShape],
    warnings: WarningLog,
    class_name: str,
    geometry: Box | Polygon | Tag,
    location: str,
    *,
    image_size: tuple[int, int] | None = None,
    attributes: dict[str, object] | None = None,
) -> None:
    """Validate ``geometry`` and append it, or record why it was skipped.

    Shapes that stick out of a known image are clipped to it (shapes inside it
    are kept exactly, vertex order included). Degenerate shapes (no area, fewer
    than 3 points, wholly outside the image) are common in real files, so they
    are skipped with a warning naming ``location`` rather than failing the file.
    """
    try:
        valid = validate_geometry(geometry)
        if isinstance(valid, Polygon) and valid != geometry:
            warnings.altered(location, _("self-intersecting polygon repaired (largest part)"))
        bounds = valid.bounds()
        if image_size is not None and bounds is not None and not _inside(bounds, image_size):
            valid = validate_geometry(valid, image_size)  # clip to the image
            if _overshoot(bounds, image_size) > CLIP_REPORTED_PX:
                width, height = image_size
                warnings.altered(
                    location,
                    _("clipped to the {width}x{height} image").format(width=width, height=height),
                )
    except GeometryError as exc:
        reason = _("shape of class {class_name!r} skipped: {exc}").format(
            class_name=class_name, exc=exc
        )
        warnings.skipped(f"{location}: {reason}", location, reason)
        return
    shapes.append(ParsedShape(class_name, valid, dict(attributes or {})))


def _inside(bounds: tuple[float, float, float, float], image_size: tuple[int, int]) -> bool:
    x1, y1, x2, y2 = bounds
    return x1 >= 0 and y1 >= 0 and x2 <= image_size[0] and y2 <= image_size[1]


def _overshoot(bounds: tuple[float, float, float, float], image_size: tuple[int, int]) -> float:
    """How far (pixels) the bounds reach outside the image, at most."""
    x1, y1, x2, y2 = bounds
    return max(-x1, -y1, x2 - image_size[0], y2 - image_size[1])
