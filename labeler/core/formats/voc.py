"""Pascal VOC XML: one ``<annotation>`` file per image, boxes only.

Coordinate convention
---------------------
VOC ``bndbox`` values are 1-based, inclusive pixel indices: ``xmin=1`` is the
first pixel column and ``xmax=W`` the last, so ``(1, 1, W, H)`` is the whole image.
labeler uses continuous pixel coordinates where pixel ``i`` (0-based) covers
``[i, i + 1)``. The conversion is therefore::

    x1 = xmin - 1    y1 = ymin - 1    x2 = xmax    y2 = ymax

so the whole image maps to ``Box(0, 0, W, H)`` and a one-pixel box
(``xmin == xmax``) keeps an area of one pixel. Files written by tools that use
0-based corners (``xmin=0``) would give ``x1=-1``; corners are clamped at 0.
An exporter must use the inverse: ``xmin = x1 + 1``, ``xmax = x2``.

Locations in errors are element paths with 1-based indices, as in XPath:
``object[1]/bndbox/xmax`` is the first object's ``xmax``. ``difficult``,
``truncated``, ``occluded`` (as booleans when 0/1) and ``pose`` go into the shape's
attributes.

Security: documents with a ``<!DOCTYPE`` or ``<!ENTITY`` declaration are refused,
so entity expansion ("billion laughs") cannot be used against the parser.
"""

from __future__ import annotations

import codecs
import math
import re
import xml.etree.ElementTree as ET
from pathlib import Path

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats._common import WarningLog, add_shape, decode_text, read_bytes, size_pair
from labeler.core.formats.records import ParsedFile, ParsedImage, ParsedShape
from labeler.core.geometry import Box
from labeler.core.i18n import _

_ENCODING_DECL = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']""")
_XML_DECL = re.compile(r"^\s*<\?xml.*?\?>", re.DOTALL)
_FORBIDDEN = ("<!DOCTYPE", "<!ENTITY")
_FLAG_ATTRIBUTES = ("difficult", "truncated", "occluded")


def parse_voc(path: Path) -> ParsedFile:
    """Parse the Pascal VOC file at ``path``.

    Raises :class:`AnnotationFormatError` for a malformed file.
    """
    root = _read_xml(path)
    if root.tag != "annotation":
        raise AnnotationFormatError(
            path,
            root.tag,
            _("root element is <{root.tag}>; expected <annotation> (Pascal VOC)").format(root=root),
        )
    warnings = WarningLog()
    image_ref = _text(path, root, "filename", "")
    width, height = _size(path, root, warnings)
    shapes: list[ParsedShape] = []
    classes: list[str] = []
    for number, obj in enumerate(root.findall("object"), start=1):
        loc = f"object[{number}]"
        name = _text(path, obj, "name", loc)
        box = _box(path, obj, loc)
        before = len(shapes)
        add_shape(
            shapes,
            warnings,
            name,
            box,
            loc,
            image_size=size_pair(width, height),
            attributes=_attrs(obj),
        )
        if len(shapes) > before and name not in classes:
            classes.append(name)
    image = ParsedImage(image_ref, width, height, shapes)
    return ParsedFile(path, "voc", [image], classes, warnings.result(), warnings.issues)


def _read_xml(path: Path) -> ET.Element:
    """Read, decode, screen and parse the XML document."""
    data = read_bytes(path)
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    else:
        match = _ENCODING_DECL.match(data)
        encoding = match.group(1).decode("ascii") if match else "utf-8"
    text = decode_text(path, data, encoding).lstrip("\ufeff")
    for marker in _FORBIDDEN:
        at = text.find(marker)
        if at >= 0:
            line = text.count("\n", 0, at) + 1
            column = at - (text.rfind("\n", 0, at) + 1) + 1
            raise AnnotationFormatError(
                path,
                f"line {line} column {column}",
                _(
                    "{marker} declarations are refused (entities can expand into huge "
                    "documents); expected a plain Pascal VOC file without a DTD"
                ).format(marker=marker),
            )
    # The text is already decoded: blank out the declaration (keeping line and
    # column numbers) so that its encoding is not applied a second time.
    text = _XML_DECL.sub(lambda m: re.sub(r"[^\n]", " ", m.group(0)), text, count=1)
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        line, column = exc.position
        reason = str(exc).split(": line ")[0]
        raise AnnotationFormatError(
            path,
            f"line {line} column {column + 1}",
            _("invalid XML: {reason}").format(reason=reason),
        ) from exc


def _where(loc: str, tag: str) -> str:
    return f"{loc}/{tag}" if loc else tag


def _text(path: Path, parent: ET.Element, tag: str, loc: str) -> str:
    """The stripped, non-empty text of ``parent``'s child ``tag``."""
    child = parent.find(tag)
    where = _where(loc, tag)
    if child is None:
        inside = _(" in <{loc}>").format(loc=loc) if loc else ""
        raise AnnotationFormatError(
            path,
            where,
            _("missing required element <{tag}>{inside}").format(tag=tag, inside=inside),
        )
    text = (child.text or "").strip()
    if not text:
        raise AnnotationFormatError(
            path, where, _("<{tag}> is empty; expected a value").format(tag=tag)
        )
    return text


def _number(path: Path, parent: ET.Element, tag: str, loc: str) -> float:
    """The child ``tag`` of ``parent`` as a finite number."""
    text = _text(path, parent, tag, loc)
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not math.isfinite(value):
        raise AnnotationFormatError(
            path, _where(loc, tag), _("expected a number, got {text!r}").format(text=text)
        )
    return value


def _size(path: Path, root: ET.Element, warnings: WarningLog) -> tuple[int | None, int | None]:
    """``size/width`` and ``size/height``; None when absent or written as 0."""
    size = root.find("size")
    if size is None:
        return None, None
    result: list[int | None] = []
    for tag in ("width", "height"):
        if size.find(tag) is None:
            result.append(None)
            continue
        value = _number(path, size, tag, "size")
        if value < 0 or value != int(value):
            raise AnnotationFormatError(
                path,
                f"size/{tag}",
                _("expected a whole number of pixels, got {value:g}").format(value=value),
            )
        if value == 0:
            warnings.add(_("size/{tag} is 0; the image size is treated as unknown").format(tag=tag))
        result.append(int(value) or None)
    return result[0], result[1]


def _box(path: Path, obj: ET.Element, loc: str) -> Box:
    """The object's ``bndbox`` converted from 1-based inclusive indices (see module doc)."""
    bndbox = obj.find("bndbox")
    if bndbox is None:
        raise AnnotationFormatError(
            path, f"{loc}/bndbox", _("missing required element <bndbox> in <{loc}>").format(loc=loc)
        )
    where = f"{loc}/bndbox"
    xmin, ymin, xmax, ymax = (
        _number(path, bndbox, k, where) for k in ("xmin", "ymin", "xmax", "ymax")
    )
    return Box(max(0.0, xmin - 1), max(0.0, ymin - 1), xmax, ymax)


def _attrs(obj: ET.Element) -> dict[str, object]:
    """Difficult / truncated / occluded (booleans when 0 or 1) and pose."""
    attributes: dict[str, object] = {}
    for tag in _FLAG_ATTRIBUTES:
        text = (obj.findtext(tag) or "").strip()
        if text:
            attributes[tag] = {"0": False, "1": True}.get(text, text)
    pose = (obj.findtext("pose") or "").strip()
    if pose:
        attributes["pose"] = pose
    return attributes
