"""Importing images and other tools' annotations into a project.

Images are probed on a small thread pool (decoding releases the GIL) and added
in batches, one transaction each: an interruption keeps every finished batch and
never leaves a half-written one. Bad files are skipped with a reason; the good
files of the same run still import.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from labeler.core.domain import AnnotationSource, GeometryKind, ImportReport, Role
from labeler.core.errors import (
    AnnotationFormatError,
    BadImageError,
    GeometryError,
    LabelerError,
    OperationCancelled,
)
from labeler.core.formats.records import ParsedFile, ShapeIssue
from labeler.core.geometry import Geometry, Polygon, Tag, validate_geometry
from labeler.core.i18n import _, ngettext
from labeler.core.images import DEFAULT_MAX_PIXELS, ImageProbe, is_image_path, probe_image
from labeler.core.progress import Progress
from labeler.core.store import Project

BATCH_SIZE = 200
PROBE_WINDOW = 256


def collect_image_files(paths: Iterable[Path | str], report: ImportReport) -> list[Path]:
    """Image files named directly or found recursively in folders, in a stable order.

    A named file without an image suffix and a missing path are reported; files
    of other types inside folders (label files, notes) are passed over quietly.
    """
    found: list[Path] = []
    for raw in paths:
        path = Path(raw)
        try:
            if path.is_dir():
                found.extend(_images_in_folder(path, report))
            elif path.is_file():
                if is_image_path(path):
                    found.append(path)
                else:
                    report.skipped.append((str(path), _("not an image file type")))
            else:
                report.skipped.append((str(path), _missing_reason(path)))
        except OSError as exc:  # e.g. a path inside a folder the user may not read
            report.skipped.append(
                (str(path), _("cannot read it ({strerror})").format(strerror=exc.strerror or exc))
            )
    unique: dict[Path, None] = {}
    for path in _real_paths(found):
        unique.setdefault(path, None)
    return list(unique)


def _real_paths(paths: list[Path]) -> Iterator[Path]:
    """``path.resolve()`` of each path, resolving each folder once instead of per file.

    A file that is not itself a symbolic link resolves to its resolved folder plus its
    name; that saves a ``realpath`` (one ``lstat`` per path component) per image.
    """
    folders: dict[Path, Path] = {}
    for path in paths:
        if path.is_symlink():
            yield path.resolve()
            continue
        folder = folders.get(path.parent)
        if folder is None:
            folder = folders[path.parent] = path.parent.resolve()
        yield folder / path.name


def _images_in_folder(folder: Path, report: ImportReport) -> list[Path]:
    """Image files under ``folder``, sorted; unreadable sub-folders are reported, not skipped."""

    def unreadable(exc: OSError) -> None:
        report.skipped.append(
            (
                str(exc.filename or folder),
                _("cannot read folder ({strerror})").format(strerror=exc.strerror or exc),
            )
        )

    found: list[Path] = []
    for root, _dirs, names in os.walk(folder, onerror=unreadable):
        for name in names:
            candidate = Path(root) / name
            if is_image_path(candidate) and candidate.is_file():
                found.append(candidate)
    return sorted(found)


def _missing_reason(path: Path) -> str:
    """Why ``path`` is neither a file nor a folder, as precisely as can be told."""
    for parent in path.parents:
        if parent.is_file():
            return _("no such file: {parent} is a file, not a folder").format(parent=parent)
    return _("no such file or folder")


def _probe(path: Path, max_pixels: int) -> ImageProbe | BadImageError:
    """Probe one file; whatever goes wrong with it becomes its reason, never the run's end."""
    try:
        return probe_image(path, max_pixels)
    except BadImageError as exc:
        return exc
    except Exception as exc:  # a decoder bug on one file must not stop the import
        return BadImageError(
            path,
            _("cannot read this image ({type}: {exc})").format(type=type(exc).__name__, exc=exc),
        )


def _probes_in_order(
    files: list[Path], max_pixels: int, workers: int
) -> Iterator[ImageProbe | BadImageError]:
    """Probe files on a pool, yielding in order with a bounded number in flight.

    A result is a small record (no pixels), so the window is wide enough for the
    workers to keep probing while the caller commits a batch to the store.
    """
    window = max(PROBE_WINDOW, workers * 4)
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="probe") as pool:
        pending: list[Future[ImageProbe | BadImageError]] = []
        index = 0
        try:
            while index < len(files) or pending:
                while index < len(files) and len(pending) < window:
                    pending.append(pool.submit(_probe, files[index], max_pixels))
                    index += 1
                yield pending.pop(0).result()
        finally:
            for future in pending:
                future.cancel()


def import_images(
    project: Project,
    paths: Iterable[Path | str],
    progress: Progress | None = None,
    max_pixels: int = DEFAULT_MAX_PIXELS,
    workers: int = 2,
) -> ImportReport:
    """Add image files and folders to ``project``; returns what was added and skipped.

    Identical content is imported once. Cancelling (or Ctrl+C) keeps the batches
    already committed and marks the report ``cancelled``.
    """
    project.require_writable()
    progress = progress or Progress()
    report = ImportReport()
    files = collect_image_files(paths, report)
    progress.start(len(files), _("importing images"))
    seen: set[str] = set()
    batch: list[ImageProbe] = []
    try:
        for result in _probes_in_order(files, max_pixels, workers):
            progress.check()
            if isinstance(result, BadImageError):
                report.skipped.append((str(result.path), result.reason))
            elif result.sha256 in seen:
                report.duplicates += 1
            else:
                seen.add(result.sha256)
                batch.append(result)
            if len(batch) >= BATCH_SIZE:
                _commit_batch(project, batch, report)
            progress.advance()
        _commit_batch(project, batch, report)
    except (KeyboardInterrupt, OperationCancelled):
        report.cancelled = True
    return report


def _commit_batch(project: Project, batch: list[ImageProbe], report: ImportReport) -> None:
    if not batch:
        return
    for _record, created in project.add_images(batch):
        if created:
            report.added += 1
        else:
            report.already_present += 1
    batch.clear()


def import_annotations(
    project: Project,
    path: Path | str,
    fmt: str,
    annotator: str,
    *,
    organization: str | None = None,
    yolo_classes: list[str] | None = None,
    progress: Progress | None = None,
) -> ImportReport:
    """Import another tool's annotation files, attributed to ``annotator``.

    Each annotation file is stored in one transaction: a malformed file is
    reported with its location and leaves nothing behind, and the other files
    still import. Shapes on images the project does not hold are reported.
    Importing the same file twice adds nothing the second time.
    """
    from labeler.core.formats import iter_annotation_files

    progress = progress or Progress()
    report = ImportReport()
    person = project.ensure_person(annotator, Role.ANNOTATOR, organization)

    def size_of(ref: str) -> tuple[int, int] | None:
        image = project.find_image(ref)
        return (image.width, image.height) if image else None

    progress.start(0, _("importing annotations"))
    files = iter_annotation_files(Path(path), fmt, yolo_classes=yolo_classes,
                                  image_size=size_of)
    try:
        for parsed in files:
            progress.check()
            _import_parsed(project, parsed, person.id, report)
            progress.advance()
    except (KeyboardInterrupt, OperationCancelled):
        report.cancelled = True
    return report


def _import_parsed(project: Project, parsed: ParsedFile | AnnotationFormatError,
                   annotator_id: int, report: ImportReport) -> None:
    """Store one annotation file in its own transaction, or report why it was skipped."""
    if isinstance(parsed, AnnotationFormatError):
        reason = f"{parsed.location}: {parsed.reason}" if parsed.location else parsed.reason
        report.skipped.append((str(parsed.path), reason))
        return
    try:
        with project.transaction():
            report.annotations += _store_parsed_file(project, parsed, annotator_id, report)
    except LabelerError as exc:
        report.skipped.append((str(parsed.path), str(exc)))
        return
    report.add_shape_issues(str(parsed.path), parsed.shape_issues)


def _store_parsed_file(
    project: Project, parsed: ParsedFile, annotator_id: int, report: ImportReport
) -> int:
    """Store one parsed annotation file (inside the caller's transaction).

    Every image the file lists counts as answered by the annotator, objects or not
    (see :mod:`labeler.core.store.answers`), unless every shape it gave was dropped.
    """
    stored = 0
    answered: list[int] = []
    # A one-image file (labelme, VOC, YOLO) whose shapes the parser all dropped is no
    # empty answer: the annotator drew something that could not be read.
    unreadable = len(parsed.images) == 1 and any(
        issue.action == "dropped" for issue in parsed.shape_issues
    )
    for image_labels in parsed.images:
        image = project.find_image(image_labels.image_ref)
        if image is None:
            if image_labels.shapes:
                report.skipped.append(
                    (
                        f"{parsed.path}: {image_labels.image_ref}",
                        ngettext(
                            "image not in the project; {n_shapes} shape not imported",
                            "image not in the project; {n_shapes} shapes not imported",
                            len(image_labels.shapes),
                        ).format(n_shapes=len(image_labels.shapes)),
                    )
                )
            continue
        existing = {
            (a.class_id, _geometry_key(a.geometry))
            for a in project.annotations(image_id=image.id, annotator_id=annotator_id)
        }
        shapes: list[tuple[int, Geometry]] = []
        invalid = 0
        for index, shape in enumerate(image_labels.shapes):
            try:
                geometry = validate_geometry(shape.geometry, (image.width, image.height))
            except GeometryError as exc:  # outside the image as the project knows it
                invalid += 1
                parsed.shape_issues.append(
                    ShapeIssue(f"{image_labels.image_ref} shape {index}", "dropped", str(exc))
                )
                continue
            label_class = project.ensure_class(shape.class_name, GeometryKind(geometry.kind))
            key = (label_class.id, _geometry_key(geometry))
            if key not in existing:
                existing.add(key)
                shapes.append((label_class.id, geometry))
        project.add_annotations(image.id, shapes, annotator_id, AnnotationSource.IMPORTED)
        stored += len(shapes)
        if invalid < len(image_labels.shapes) or not (image_labels.shapes or unreadable):
            answered.append(image.id)
    report.answered += project.mark_answered_many(
        [(i, annotator_id) for i in answered], source="imported"
    )
    return stored


def _geometry_key(geometry: Geometry) -> str:
    """A rounded text form of a shape, to recognise one already imported."""
    if isinstance(geometry, Tag):
        return "tag"
    if isinstance(geometry, Polygon):
        return "p" + ",".join(f"{x:.2f}:{y:.2f}" for x, y in geometry.points)
    return "b" + ",".join(f"{v:.2f}" for v in geometry.bounds())
