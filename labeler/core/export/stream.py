"""The export's second pass: the chosen images, a run at a time, into the format's files.

The first pass (:mod:`labeler.core.export.pipeline`) spilled each run of images'
selected objects; here each run is read back with its image records, given its
file name and split, written by the format's sink, checked for label errors and
counted. What stays in memory for the whole export is the plan's arrays (an id and
a split per image, the few renamed images) and the counts the manifest reports.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from labeler.core.curation.balance import BalanceConfig, balance_of_counts
from labeler.core.curation.label_errors import (
    Labeled,
    LabelErrorConfig,
    LabelErrorReport,
    find_label_errors,
)
from labeler.core.domain import LabelClass
from labeler.core.export import coco, csv, voc, yolo
from labeler.core.export.manifest import list_close, list_item_text, marker
from labeler.core.export.model import ExportImage, ExportObject, split_name
from labeler.core.export.parts import Spill, TextParts
from labeler.core.export.writer import DatasetWriter
from labeler.core.memory import release_free_memory
from labeler.core.progress import Progress

IMAGE_PATHS: dict[str, Callable[[ExportImage], str]] = {
    "coco": coco.image_path,
    "yolo": yolo.image_path,
    "voc": voc.image_path,
    "csv": csv.image_path,
}


class Sink(Protocol):
    """A format writer fed images in id order (see ``CocoSink`` and the others)."""

    def add(self, images: list[ExportImage]) -> None:
        """Write these images."""

    def finish(self) -> dict[str, Any]:
        """Write what is left; returns notes for the manifest."""


@dataclass
class Plan:
    """What the second pass writes: the included images, their names and splits."""

    classes: list[LabelClass]
    splits: list[str]
    ids: np.ndarray  # int64 ids of the dataset's images, in id order
    split_of: np.ndarray  # int8: each image's position in ``splits``
    renamed: dict[int, str]  # images whose file name is not their own (name clashes)


@dataclass
class Written:
    """What the manifest reports of the files written."""

    notes: dict[str, Any]
    split_counts: dict[str, dict[str, int]]
    objects: int
    label_issues: dict[str, Any]
    class_balance: dict[str, Any]


ISSUES_PART = "manifest/label_issues"  # the encoded issues, spliced into the manifest
ISSUES_MARKER = marker("label_issues")
_ISSUE_DEPTH = 3  # manifest -> "label_issues" -> "issues" -> an issue


@dataclass
class _Issues:
    """Label errors found so far: counted, their manifest text kept as a scratch part."""

    config: LabelErrorConfig
    parts: TextParts
    images_checked: int = 0
    kinds: Counter[str] = field(default_factory=Counter)
    count: int = 0

    def add(self, found: LabelErrorReport) -> None:
        self.images_checked += found.images_checked
        self.kinds.update(i.kind for i in found.issues)
        text = [
            ("," if self.count + n else "") + list_item_text(issue.to_dict(), _ISSUE_DEPTH)
            for n, issue in enumerate(found.issues)
        ]
        self.parts.append(ISSUES_PART, "".join(text))
        self.count += len(found.issues)

    def to_dict(self) -> dict[str, Any]:
        """What :meth:`LabelErrorReport.to_dict` gives, the issues as :data:`ISSUES_MARKER`."""
        return {
            "settings": self.config.to_dict(),
            "images_checked": self.images_checked,
            "counts": dict(sorted(self.kinds.items())),
            "issues": ISSUES_MARKER if self.count else [],
        }


def issues_text(parts: TextParts) -> Iterator[str]:
    """The manifest's list of label issues, from the part :class:`_Issues` wrote."""
    yield "["
    yield from parts.read(ISSUES_PART)
    yield list_close(_ISSUE_DEPTH)


@dataclass
class _Counts:
    splits: dict[str, dict[str, int]]
    class_objects: dict[int, int]
    class_images: dict[int, int]
    report: _Issues | None
    objects: int = 0
    written: list[int] = field(default_factory=list)

    def add(self, image: ExportImage) -> None:
        split = self.splits[image.split]
        split["images"] += 1
        split["objects"] += len(image.objects)
        self.objects += len(image.objects)
        for class_id in {o.class_id for o in image.objects}:
            self.class_images[class_id] = self.class_images.get(class_id, 0) + 1
        for obj in image.objects:
            self.class_objects[obj.class_id] = self.class_objects.get(obj.class_id, 0) + 1


def _sink(
    options: Any, plan: Plan, writer: DatasetWriter, info: dict[str, Any], parts: TextParts
) -> Sink:
    if options.format == "coco":
        return coco.CocoSink(plan.classes, plan.splits, writer, info, parts)
    if options.format == "yolo":
        return yolo.YoloSink(plan.classes, plan.splits, writer, options.images, parts)
    if options.format == "voc":
        return voc.VocSink(plan.classes, plan.splits, writer, parts)
    return csv.CsvSink(plan.classes, writer, parts)


def write_dataset(
    project: object,
    writer: DatasetWriter,
    plan: Plan,
    spill: Spill,
    parts: TextParts,
    options: Any,
    info: dict[str, Any],
    progress: Progress,
) -> Written:
    """Write every planned image's files from the spilled selections (see the module doc).

    ``parts`` keeps the label issues' manifest text (see :func:`issues_text`) for the
    caller to splice into the manifest.
    """
    check_errors = bool(project.prediction_count())  # type: ignore[attr-defined]
    config: LabelErrorConfig = options.label_errors
    counts = _Counts(
        {s: {"images": 0, "objects": 0} for s in plan.splits},
        dict.fromkeys((c.id for c in plan.classes), 0),
        dict.fromkeys((c.id for c in plan.classes), 0),
        _Issues(config, parts) if check_errors else None,
    )
    sink = _sink(options, plan, writer, info, parts)
    progress.start(len(plan.ids), "writing")
    for rows in spill.values():
        progress.check()
        images = _images(project, plan, rows, options)
        if not images:
            continue
        sink.add(images)
        if counts.report is not None:
            _check_labels(project, images, config, counts.report)
        for image in images:
            counts.add(image)
        _write_images(images, writer, options, progress)
        progress.advance(len(images))
        del images, rows
        release_free_memory()
    notes = sink.finish()
    label_issues: dict[str, Any] = (
        counts.report.to_dict()
        if counts.report is not None
        else {"settings": config.to_dict(), "counts": {}, "issues": []}
    )
    balance_config: BalanceConfig = options.balance
    names = {c.id: c.name for c in plan.classes}
    balance = balance_of_counts(names, counts.class_objects, counts.class_images, balance_config)
    return Written(notes, counts.splits, counts.objects, label_issues, balance.to_dict())


def _images(
    project: object, plan: Plan, rows: list[tuple[int, list[ExportObject]]], options: Any
) -> list[ExportImage]:
    """The planned images among one spilled run, with their records, names and splits."""
    ids = np.fromiter((r[0] for r in rows), dtype=np.int64, count=len(rows))
    where = np.searchsorted(plan.ids, ids)
    found = where < len(plan.ids)
    found[found] = plan.ids[where[found]] == ids[found]
    if not found.any():
        return []
    wanted = ids[found]
    records = {
        r.id: r
        for r in project.images_between(int(wanted[0]), int(wanted[-1]))  # type: ignore[attr-defined]
    }
    needs_source = options.images != "none" or options.format == "yolo"  # YOLO lists them
    source_of = project.image_path_resolver()  # type: ignore[attr-defined]
    images = []
    for (image_id, objects), position, keep in zip(rows, where, found, strict=True):
        if not keep:
            continue
        record = records[image_id]
        name = plan.renamed.get(image_id) or "".join(split_name(record.path))
        source = source_of(record) if needs_source else None
        split = plan.splits[int(plan.split_of[position])]
        images.append(ExportImage(record, source, name, split, objects))
    return images


def _check_labels(
    project: object,
    images: list[ExportImage],
    config: LabelErrorConfig,
    report: _Issues,
) -> None:
    """Label errors of a run of images against the newest predictions on each."""
    labels = {
        i.record.id: [Labeled(o.annotation_ids[0], o.class_id, o.geometry) for o in i.objects]
        for i in images
    }
    covered = project.latest_predictions_between(  # type: ignore[attr-defined]
        images[0].record.id, images[-1].record.id
    )
    found = find_label_errors(labels, ((i, p) for i, p in covered if i in labels), config)
    report.add(found)


def _write_images(
    images: list[ExportImage], writer: DatasetWriter, options: Any, progress: Progress
) -> None:
    if options.images == "none":
        return
    place = IMAGE_PATHS[options.format]
    for image in images:
        progress.check()
        assert image.source is not None
        if options.images == "copy":
            writer.copy_file(place(image), image.source)
        else:
            writer.link_file(place(image), image.source, image.record.sha256)
