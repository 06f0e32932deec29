"""Parsers for annotation files written by other tools: COCO, YOLO, Pascal VOC, labelme.

No Qt and no store: :func:`iter_annotation_files` turns files into plain
:class:`ParsedFile` values (one per annotation file, for one transaction each)
and yields an :class:`AnnotationFormatError` instead of raising for a malformed
file, so the caller can report it and go on with the others.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

from labeler.core.errors import AnnotationFormatError
from labeler.core.formats._common import MAX_FILE_BYTES, load_json
from labeler.core.formats.coco import looks_like_coco, parse_coco
from labeler.core.formats.labelme import looks_like_labelme, parse_labelme
from labeler.core.formats.records import FORMATS, ParsedFile, ParsedImage, ParsedShape
from labeler.core.formats.voc import parse_voc
from labeler.core.formats.yolo import parse_yolo
from labeler.core.formats.yolo_classes import ClassListResolver
from labeler.core.i18n import _

__all__ = [
    "FORMATS",
    "MAX_FILE_BYTES",
    "AnnotationArgumentError",
    "ParsedFile",
    "ParsedImage",
    "ParsedShape",
    "iter_annotation_files",
]

_SUFFIX = {"coco": ".json", "labelme": ".json", "voc": ".xml", "yolo": ".txt"}
_YOLO_NOT_LABELS = frozenset({"classes.txt", "obj.names"})

ImageSizeLookup = Callable[[str], tuple[int, int] | None]


class AnnotationArgumentError(AnnotationFormatError, ValueError):
    """The call itself is wrong: unknown format, missing path, or no image sizes for YOLO."""


def iter_annotation_files(
    path: Path,
    fmt: str,
    *,
    yolo_classes: list[str] | None = None,
    image_size: ImageSizeLookup | None = None,
) -> Iterator[ParsedFile | AnnotationFormatError]:
    """Parse the annotation file ``path``, or every file of format ``fmt`` under folder ``path``.

    ``fmt`` is exactly ``"coco"``, ``"yolo"``, ``"voc"`` or ``"labelme"``. In a
    folder (searched recursively, hidden files and folders skipped, in sorted
    order) the files considered are: COCO, ``*.json`` that look like COCO;
    labelme, ``*.json`` with a ``shapes`` list; VOC, ``*.xml``; YOLO, ``*.txt``
    except ``classes.txt``. JSON files of the other kind are skipped silently.

    Each good file yields one :class:`ParsedFile`; each malformed one an
    :class:`AnnotationFormatError` naming its location. YOLO needs
    ``image_size(label_file_stem)`` -> ``(width, height)`` in pixels (None when
    the image is not in the project, reported as an error for that file) and
    takes class names from ``yolo_classes`` or else a class file beside the labels
    (see :mod:`labeler.core.formats.yolo_classes`); a malformed class file is
    yielded once as an error and the label files that depend on it are skipped.

    Raises :class:`AnnotationArgumentError` (also a ``ValueError``) at once, before
    any file is read, for an unknown ``fmt``, a ``path`` that does not exist, or
    YOLO without ``image_size``.
    """
    if fmt not in FORMATS:
        raise AnnotationArgumentError(
            path,
            "",
            _("unknown annotation format {fmt!r}; expected one of {formats}").format(
                fmt=fmt, formats=", ".join(FORMATS)
            ),
        )
    if fmt == "yolo" and image_size is None:
        raise AnnotationArgumentError(
            path, "", _("YOLO coordinates are normalised: image_size is needed to get pixels")
        )
    if not path.exists():
        raise AnnotationArgumentError(path, "", _("no such file or folder"))
    files = find_annotation_files(path, fmt) if path.is_dir() else [path]
    if fmt == "yolo":
        assert image_size is not None
        return _iter_yolo(files, image_size, yolo_classes)
    return _iter_single(files, fmt, sniff=path.is_dir())


def find_annotation_files(folder: Path, fmt: str) -> list[Path]:
    """Candidate files of format ``fmt`` under ``folder``, recursively, in sorted order."""
    suffix = _SUFFIX[fmt]
    found: list[Path] = []
    for root, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(names):
            if name.startswith(".") or not name.lower().endswith(suffix):
                continue
            if fmt == "yolo" and name.lower() in _YOLO_NOT_LABELS:
                continue
            found.append(Path(root) / name)
    return found


def _iter_single(
    files: list[Path], fmt: str, *, sniff: bool
) -> Iterator[ParsedFile | AnnotationFormatError]:
    """COCO, labelme and VOC: each file stands alone."""
    for file in files:
        try:
            if fmt == "voc":
                yield parse_voc(file)
                continue
            data = load_json(file)
            if fmt == "coco":
                if not sniff or looks_like_coco(data):
                    yield parse_coco(file, data)
            elif not sniff or looks_like_labelme(data):
                yield parse_labelme(file, data)
        except AnnotationFormatError as exc:
            yield exc


def _iter_yolo(
    files: list[Path], image_size: ImageSizeLookup, explicit: list[str] | None
) -> Iterator[ParsedFile | AnnotationFormatError]:
    """YOLO: each label file, with the class list that applies to it."""
    resolver = ClassListResolver(explicit)
    reported: set[Path] = set()
    for file in files:
        try:
            classes, source = resolver.classes_for(file)
        except AnnotationFormatError as exc:
            if exc.path not in reported:
                reported.add(exc.path)
                yield AnnotationFormatError(
                    exc.path,
                    exc.location,
                    _(
                        "{exc.reason} (label files that use this class list are not imported)"
                    ).format(exc=exc),
                )
            continue
        try:
            yield parse_yolo(file, image_size, classes, source)
        except AnnotationFormatError as exc:
            yield exc
