"""What the annotation-file parsers return: plain values, no Qt and no store.

Every geometry is in absolute pixels of the image as the other tool saw it, and
has already passed :func:`labeler.core.geometry.validate_geometry`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from labeler.core.geometry import Box, Polygon, Tag

FORMATS: tuple[str, ...] = ("coco", "yolo", "voc", "labelme")


@dataclass(frozen=True)
class ParsedShape:
    """One labelled shape read from another tool's file."""

    class_name: str
    geometry: Box | Polygon | Tag
    # e.g. VOC difficult/truncated, COCO iscrowd, a score if the file has one.
    attributes: dict[str, object] = field(default_factory=dict, hash=False)


@dataclass(frozen=True)
class ShapeIssue:
    """A shape of the file that was not imported as written.

    ``location`` is where it is in the file (``shapes[3]``, ``annotations[12]``,
    ``object[2]``, ``line 4``); ``action`` is ``"dropped"`` (not imported) or
    ``"altered"`` (imported changed: a labelme circle as a polygon, an RLE mask as
    its box, a box clipped to the image); ``reason`` says why, for a person.
    """

    location: str
    action: str
    reason: str

    def to_dict(self) -> dict[str, str]:
        """A JSON-ready form."""
        return {"location": self.location, "action": self.action, "reason": self.reason}


@dataclass
class ParsedImage:
    """One image and its shapes as an annotation file describes it.

    ``image_ref`` is the image path or name exactly as written in the file (COCO
    ``file_name``, VOC ``filename``, labelme ``imagePath``; YOLO: the label file's
    stem). ``width`` and ``height`` are None when the file does not say.
    """

    image_ref: str
    width: int | None
    height: int | None
    shapes: list[ParsedShape] = field(default_factory=list)


@dataclass
class ParsedFile:
    """One annotation file, parsed: what the caller stores in one transaction.

    ``format`` is ``"coco"``, ``"yolo"``, ``"voc"`` or ``"labelme"``. ``classes`` are
    the class names the file declares, in order (COCO categories, the YOLO class
    list); VOC and labelme declare none, so for them it is the classes of the
    imported shapes in order of first use. ``warnings`` say what was skipped or
    approximated (degenerate shapes, labelme types other than rectangle and
    polygon, COCO RLE masks imported as boxes: ``rle_as_box``), capped for
    huge files; ``shape_issues`` lists every dropped or altered shape, uncapped.
    """

    path: Path
    format: str
    images: list[ParsedImage]
    classes: list[str]
    warnings: list[str] = field(default_factory=list)
    shape_issues: list[ShapeIssue] = field(default_factory=list)
