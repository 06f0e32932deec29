"""The dataset an export writes: plain values every format writer reads."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from labeler.core.domain import ImageRecord, LabelClass
from labeler.core.geometry import Geometry

# Coordinates are written rounded to this many decimals, so that an export read
# back and exported again is byte-identical (float noise never reaches the files).
DECIMALS = 3
DEFAULT_SPLIT = "all"
_SCALES = {3: 1000, 6: 1_000_000}


def num(value: float, decimals: int = DECIMALS) -> float | int:
    """``value`` rounded for output; whole numbers become ints (``12`` not ``12.0``).

    ``value`` must be finite (stored geometry always is).
    """
    scale = _SCALES.get(decimals) or 10**decimals
    scaled = round(value * scale)
    return scaled // scale if scaled % scale == 0 else scaled / scale


def num_text(value: float, decimals: int = DECIMALS) -> str:
    """:func:`num` as text."""
    return repr(num(value, decimals))


@dataclass(frozen=True)
class ExportObject:
    """One object of the dataset: its class, shape and the annotations behind it."""

    class_id: int
    geometry: Geometry
    annotation_ids: tuple[int, ...]


@dataclass
class ExportImage:
    """One image of the dataset, its unique file name in the export, and its split."""

    record: ImageRecord
    source: Path | None  # the image file, when images are copied or linked (YOLO: always)
    name: str
    split: str = DEFAULT_SPLIT
    objects: list[ExportObject] = field(default_factory=list)

    @property
    def stem(self) -> str:
        """The file name without suffix (YOLO and VOC name label files after it)."""
        stem, dot, _suffix = self.name.rpartition(".")
        return stem if dot and stem else self.name


@dataclass
class Dataset:
    """Classes in project order, and images in id order with their objects."""

    classes: list[LabelClass]
    images: list[ExportImage]
    splits: list[str]

    def class_index(self) -> dict[int, int]:
        """Project class id -> 0-based position in the export's class list."""
        return {c.id: i for i, c in enumerate(self.classes)}

    def by_split(self, split: str) -> list[ExportImage]:
        """Images of one split, in id order."""
        return [i for i in self.images if i.split == split]


def split_name(path: str) -> tuple[str, str]:
    """``(stem, suffix)`` of the last part of a stored (POSIX) path."""
    name = path.rsplit("/", 1)[-1]
    stem, dot, suffix = name.rpartition(".")
    return (stem, dot + suffix) if dot and stem else (name, "")


def unique_names(records: list[tuple[int, str]]) -> dict[int, str]:
    """A unique export file name per image id (``name``, or ``stem-ID.suffix`` on a clash).

    Names are compared case-insensitively so the export also works on Windows and macOS.
    """
    parts = {image_id: split_name(path) for image_id, path in records}
    wanted: dict[str, int] = {}
    for stem, suffix in parts.values():
        key = (stem + suffix).lower()
        wanted[key] = wanted.get(key, 0) + 1
    used: set[str] = set()
    names: dict[int, str] = {}
    for image_id in sorted(parts):
        stem, suffix = parts[image_id]
        name = stem + suffix
        if wanted[name.lower()] > 1 or name.lower() in used:
            name = f"{stem}-{image_id}{suffix}"
        while name.lower() in used:
            stem = f"{stem}-{image_id}"
            name = f"{stem}{suffix}"
        used.add(name.lower())
        names[image_id] = name
    return names
