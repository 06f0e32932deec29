"""COCO JSON (``instances_*.json``): boxes and polygon segmentations.

* ``bbox`` is ``[x, y, width, height]`` in pixels, so ``[10, 20, 30, 40]`` becomes
  ``Box(10, 20, 40, 60)``.
* A polygon ``segmentation`` (a list of flat ``[x1, y1, x2, y2, ...]`` lists)
  becomes a :class:`Polygon`; an object drawn in several parts keeps its largest
  part, with a warning.
* An RLE ``segmentation`` (an object with ``counts`` and ``size``) is imported as
  its ``bbox`` and counted in a warning that starts with ``rle_as_box``.
* ``iscrowd`` and ``score``, when present, go into the shape's attributes.

Structural problems (missing keys, wrong types, references to unknown images or
categories) make the whole file an :class:`AnnotationFormatError` whose location
is a field path such as ``annotations[12].bbox``; degenerate shapes are skipped
with a warning.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats._common import (
    WarningLog,
    add_shape,
    expect_dict,
    expect_id,
    expect_list,
    expect_number,
    expect_str,
    join,
    load_json,
    optional_size,
    require_key,
    size_pair,
)
from labeler.core.formats.records import ParsedFile, ParsedImage
from labeler.core.geometry import Box, Polygon, box_from_xywh
from labeler.core.i18n import _

# RLE locations listed by name in the rle_as_box warning; the rest are only counted.
_RLE_LISTED = 10


def looks_like_coco(data: object) -> bool:
    """Whether parsed JSON has COCO's shape: ``images`` plus annotations or categories."""
    return (
        isinstance(data, dict)
        and isinstance(data.get("images"), list)
        and ("annotations" in data or "categories" in data)
    )


def parse_coco(path: Path, data: object | None = None) -> ParsedFile:
    """Parse the COCO file at ``path`` (or its already-loaded JSON ``data``).

    Raises :class:`AnnotationFormatError` for a malformed file.
    """
    if data is None:
        data = load_json(path)
    root = expect_dict(path, data, "top level")
    categories = _categories(path, root)
    images = _images(path, root)
    warnings = WarningLog()
    if "annotations" not in root:
        warnings.add(_("no 'annotations' key: the images are imported without shapes"))
    raw_annotations = expect_list(path, root.get("annotations", []), "annotations")
    rle: list[str] = []
    for index, raw in enumerate(raw_annotations):
        _annotation(path, raw, f"annotations[{index}]", categories, images, warnings, rle)
    if rle:
        listed = ", ".join(rle[:_RLE_LISTED]) + (", ..." if len(rle) > _RLE_LISTED else "")
        warnings.add(
            "rle_as_box: "  # a fixed tag that programs look for, then the sentence
            + _("{n} RLE segmentation(s) imported as their bbox ({listed})").format(
                n=len(rle), listed=listed
            )
        )
    classes = list(dict.fromkeys(categories.values()))
    return ParsedFile(
        path, "coco", list(images.values()), classes, warnings.result(), warnings.issues
    )


def _categories(path: Path, root: dict[str, object]) -> dict[int | str, str]:
    """Category id → name, in file order."""
    raw_list = expect_list(path, require_key(path, root, "categories", ""), "categories")
    categories: dict[int | str, str] = {}
    first_at: dict[int | str, int] = {}
    for index, raw in enumerate(raw_list):
        loc = f"categories[{index}]"
        category = expect_dict(path, raw, loc)
        cat_id = expect_id(path, require_key(path, category, "id", loc), join(loc, "id"))
        name = expect_str(path, require_key(path, category, "name", loc), join(loc, "name"))
        if cat_id in categories:
            raise AnnotationFormatError(
                path,
                join(loc, "id"),
                _(
                    "category id {cat_id!r} is already used by categories[{first}]; "
                    "expected unique ids"
                ).format(cat_id=cat_id, first=first_at[cat_id]),
            )
        categories[cat_id] = name.strip()
        first_at[cat_id] = index
    return categories


def _images(path: Path, root: dict[str, object]) -> dict[int | str, ParsedImage]:
    """Image id → image (with no shapes yet), in file order."""
    raw_list = expect_list(path, require_key(path, root, "images", ""), "images")
    images: dict[int | str, ParsedImage] = {}
    first_at: dict[int | str, int] = {}
    for index, raw in enumerate(raw_list):
        loc = f"images[{index}]"
        image = expect_dict(path, raw, loc)
        image_id = expect_id(path, require_key(path, image, "id", loc), join(loc, "id"))
        file_name = expect_str(
            path, require_key(path, image, "file_name", loc), join(loc, "file_name")
        )
        width = optional_size(path, image, "width", loc)
        height = optional_size(path, image, "height", loc)
        if image_id in images:
            raise AnnotationFormatError(
                path,
                join(loc, "id"),
                _(
                    "image id {image_id!r} is already used by images[{first}]; expected unique ids"
                ).format(image_id=image_id, first=first_at[image_id]),
            )
        images[image_id] = ParsedImage(file_name, width, height, [])
        first_at[image_id] = index
    return images


def _reference(
    path: Path, ann: dict[str, object], key: str, loc: str, known: Mapping[int | str, object]
) -> int | str:
    """The id of the image or category an annotation refers to by ``key``."""
    ref = expect_id(path, require_key(path, ann, key, loc), join(loc, key))
    if ref not in known:
        table = "images" if key == "image_id" else "categories"
        raise AnnotationFormatError(
            path,
            join(loc, key),
            _("{key} {ref!r} does not match the id of any entry in {table}").format(
                key=key, ref=ref, table=table
            ),
        )
    return ref


def _annotation(
    path: Path,
    raw: object,
    loc: str,
    categories: dict[int | str, str],
    images: dict[int | str, ParsedImage],
    warnings: WarningLog,
    rle: list[str],
) -> None:
    """Add one annotation's shape to its image, or warn why it was skipped."""
    ann = expect_dict(path, raw, loc)
    image = images[_reference(path, ann, "image_id", loc, images)]
    class_name = categories[_reference(path, ann, "category_id", loc, categories)]
    geometry = _geometry(path, ann, loc, warnings, rle)
    if geometry is None:
        return
    attributes: dict[str, object] = {}
    for key in ("iscrowd", "score"):
        if key in ann and ann[key] is not None:
            attributes[key] = expect_number(path, ann[key], join(loc, key))
    if "iscrowd" in attributes:
        attributes["iscrowd"] = bool(attributes["iscrowd"])
    add_shape(
        image.shapes,
        warnings,
        class_name,
        geometry,
        loc,
        image_size=size_pair(image.width, image.height),
        attributes=attributes,
    )


def _geometry(
    path: Path, ann: dict[str, object], loc: str, warnings: WarningLog, rle: list[str]
) -> Box | Polygon | None:
    """The annotation's polygon if it has one, else its bbox; None when skipped."""
    seg_loc = join(loc, "segmentation")
    segmentation = ann.get("segmentation")
    bbox = _bbox(path, ann["bbox"], join(loc, "bbox")) if ann.get("bbox") is not None else None
    polygon: Polygon | None = None
    if isinstance(segmentation, dict):
        rle.append(loc)
        warnings.altered(loc, _("RLE segmentation imported as its bbox (masks are not kept)"))
    elif isinstance(segmentation, list) and segmentation:
        polygon = _polygon(path, segmentation, seg_loc, warnings)
    elif segmentation is not None and segmentation != []:
        raise AnnotationFormatError(
            path,
            seg_loc,
            _("expected a list of polygons or an RLE object, got {type}").format(
                type=type(segmentation).__name__
            ),
        )
    if polygon is not None:
        return polygon
    if bbox is None:
        require_key(path, ann, "bbox", loc)
        raise AnnotationFormatError(
            path,
            join(loc, "bbox"),
            _("expected [x, y, width, height] (there is no polygon segmentation), got null"),
        )
    x, y, width, height = bbox
    if width < 0 or height < 0:
        reason = _("bbox {bbox} skipped: negative width or height").format(bbox=list(bbox))
        warnings.skipped(f"{loc}: {reason}", loc, reason)
        return None
    return box_from_xywh(x, y, width, height)


def _bbox(path: Path, value: object, loc: str) -> tuple[float, float, float, float]:
    """A COCO ``[x, y, width, height]`` list."""
    items = expect_list(path, value, loc)
    if len(items) != 4:
        raise AnnotationFormatError(
            path,
            loc,
            _("expected 4 numbers [x, y, width, height], got {n_items} values").format(
                n_items=len(items)
            ),
        )
    x, y, w, h = (expect_number(path, v, f"{loc}[{i}]") for i, v in enumerate(items))
    return x, y, w, h


def _polygon(path: Path, parts: list[object], loc: str, warnings: WarningLog) -> Polygon:
    """The largest part of a polygon segmentation (one flat coordinate list per part)."""
    polygons: list[Polygon] = []
    for index, raw in enumerate(parts):
        part_loc = f"{loc}[{index}]"
        coords = expect_list(path, raw, part_loc)
        if len(coords) % 2:
            raise AnnotationFormatError(
                path,
                part_loc,
                _(
                    "expected an even number of coordinates [x1, y1, x2, y2, ...], got {n_coords}"
                ).format(n_coords=len(coords)),
            )
        values = [expect_number(path, v, f"{part_loc}[{i}]") for i, v in enumerate(coords)]
        polygons.append(Polygon(tuple(zip(values[0::2], values[1::2], strict=True))))
    if len(polygons) > 1:
        kept = _("{n_polygons} polygon parts; only the largest was imported").format(
            n_polygons=len(polygons)
        )
        warnings.add(f"{loc}: {kept}")
        warnings.altered(loc, kept)
    return max(polygons, key=lambda p: p.area if len(p.points) >= 3 else -1.0)
