"""``export_dataset``: select labels, apply the curation filters, split, write, explain.

Steps: choose each image's labels (:mod:`labeler.core.export.selection`); if
asked, drop duplicates and unsuitable images (:mod:`labeler.core.curation`);
assign splits (near-duplicate clusters kept together); flag likely label errors
when the project has predictions; write the format files, the images (copied or
linked, if asked) and ``manifest.json`` into a temporary folder that is renamed
into place at the end.
"""

from __future__ import annotations

import gc
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from labeler.core.consensus import (
    FINAL_LABELS,
    ConsensusConfig,
    credit_annotations,
    labeled_answers,
    latest_decisions,
)
from labeler.core.consensus_batch import two_annotator_pairs
from labeler.core.curation.balance import BalanceConfig, class_balance
from labeler.core.curation.duplicates import DuplicateConfig, DuplicateReport, find_duplicates
from labeler.core.curation.label_errors import (
    Labeled,
    LabelErrorConfig,
    find_label_errors,
    project_predictions,
)
from labeler.core.curation.quality import QualityConfig, QualityReport, check_quality
from labeler.core.curation.stats import ImageRef, StatsCache, collect_stats
from labeler.core.domain import Annotation, ImageRecord, Review
from labeler.core.errors import LabelerError
from labeler.core.export import coco, csv, voc, yolo
from labeler.core.export.manifest import (
    MANIFEST_NAME,
    MANIFEST_VERSION,
    data_time,
    manifest_text,
    project_facts,
)
from labeler.core.export.model import DEFAULT_SPLIT, Dataset, ExportImage, unique_names
from labeler.core.export.selection import (
    ONLY_MODES,
    UNRESOLVED_POLICIES,
    Selection,
    select_image,
)
from labeler.core.export.writer import DatasetWriter
from labeler.core.gold_filter import GoldExclusions
from labeler.core.progress import Progress
from labeler.core.splits import SplitItem, assign_splits

FORMATS = ("coco", "yolo", "voc", "csv")
SELECT_CHUNK = 20_000  # images whose annotations are read and clustered at once
IMAGE_MODES = ("none", "copy", "link")
_IMAGE_PATHS: dict[str, Callable[[ExportImage], str]] = {
    "coco": coco.image_path,
    "yolo": yolo.image_path,
    "voc": voc.image_path,
    "csv": csv.image_path,
}


@dataclass(frozen=True)
class ExportOptions:
    """Everything that shapes an export (recorded in the manifest)."""

    format: str = "coco"
    splits: dict[str, float] | None = None
    seed: int = 0
    dedupe: bool = False
    drop_unsuitable: bool = False
    only: str = "all"
    unresolved: str = "exclude-image"
    images: str = "none"
    overwrite: bool = False
    consensus: ConsensusConfig = FINAL_LABELS  # the shipped labels' rule (quorum, IoU: user's)
    duplicates: DuplicateConfig = field(default_factory=DuplicateConfig)
    quality: QualityConfig = field(default_factory=QualityConfig)
    label_errors: LabelErrorConfig = field(default_factory=LabelErrorConfig)
    balance: BalanceConfig = field(default_factory=BalanceConfig)
    workers: int = 2
    subset: tuple[int, ...] | None = None  # only these images (a slice); None: every image

    def validate(self) -> None:
        """Raise :class:`LabelerError` for a value outside its choices."""
        for name, value, choices in (
            ("format", self.format, FORMATS),
            ("only", self.only, ONLY_MODES),
            ("unresolved", self.unresolved, UNRESOLVED_POLICIES),
            ("images", self.images, IMAGE_MODES),
        ):
            if value not in choices:
                raise LabelerError(f"export {name} {value!r}: expected one of {', '.join(choices)}")

    def settings(self) -> dict[str, Any]:
        """The options as recorded in the manifest (no output-only flags)."""
        data = asdict(self)
        data.pop("overwrite")
        data.pop("workers")
        data["subset"] = None if self.subset is None else {"images": len(set(self.subset))}
        return data


@dataclass
class ExportResult:
    """Where the export went and its manifest."""

    out: Path
    manifest: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """Counts for the CLI: images and objects per split, exclusions by reason."""
        reasons = Counter(r for e in self.manifest["excluded"] for r in e["reason_codes"])
        return {
            "out": str(self.out),
            "format": self.manifest["export"]["format"],
            "splits": self.manifest["splits"]["counts"],
            "excluded": len(self.manifest["excluded"]),
            "excluded_by_reason": dict(sorted(reasons.items())),
            "unresolved_clusters": len(self.manifest["unresolved"]),
            "label_issues": self.manifest["label_issues"]["counts"],
            "rare_classes": self.manifest["class_balance"]["rare"],
            "files": len(self.manifest["files"]),
        }


@dataclass
class _State:
    records: dict[int, ImageRecord]
    selections: dict[int, Selection]
    reviews: list[Review] = field(default_factory=list)
    newest_annotation: str = ""  # the newest update among the annotations read
    exclusions: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    filters: list[dict[str, Any]] = field(default_factory=list)

    def exclude(self, image_id: int, code: str, reason: str) -> None:
        self.exclusions.setdefault(image_id, []).append((code, reason))

    def included(self) -> list[int]:
        return [i for i in sorted(self.selections) if i not in self.exclusions]


def export_dataset(
    project: object,
    out: Path | str,
    options: ExportOptions | None = None,
    progress: Progress | None = None,
    cache: StatsCache | None = None,
) -> ExportResult:
    """Export the project as a dataset folder ``out`` (see the module doc)."""
    options = options or ExportOptions()
    options.validate()
    with _no_gc():
        return _export(project, Path(out), options, progress or Progress(), cache)


@contextmanager
def _no_gc() -> Iterator[None]:
    """Pause the cyclic garbage collector while exporting.

    An export allocates millions of small objects and creates no cycles; collections
    over the whole heap halved its speed (measured on 500,000 objects).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _export(
    project: object,
    out: Path,
    options: ExportOptions,
    progress: Progress,
    cache: StatsCache | None,
) -> ExportResult:
    state = _select(project, options, progress)
    needs_pixels = options.dedupe or options.drop_unsuitable or bool(options.splits)
    if cache is None and needs_pixels:
        cache = StatsCache.for_project(project.path)  # type: ignore[attr-defined]
    # Unsuitable images go first, so a duplicate cluster keeps a suitable image.
    quality = _unsuitable(project, state, options, progress, cache)
    duplicates = _dedupe(project, state, options, progress, cache) if needs_pixels else None
    dataset = _dataset(project, state, options, duplicates)
    manifest = _manifest(project, state, dataset, options, duplicates, quality)
    _write(out, dataset, manifest, options, progress)
    return ExportResult(out, manifest)


def _select(project: object, options: ExportOptions, progress: Progress) -> _State:
    records = {r.id: r for r in project.images()}  # type: ignore[attr-defined]
    if options.subset is not None:  # a slice: other images are not part of this export
        wanted = set(options.subset)
        records = {i: r for i, r in records.items() if i in wanted}
    owners = project.fix_owners()  # type: ignore[attr-defined]
    gold = GoldExclusions.load(project)
    answered = labeled_answers(project)  # gold answers are never labels
    reviews = project.reviews()  # type: ignore[attr-defined]
    decisions = latest_decisions(reviews, "annotation")
    image_decisions = latest_decisions(reviews, "image")
    state = _State(records, {}, reviews=reviews)
    ids = sorted(records)
    progress.start(len(ids), "selecting labels")
    for lo in range(0, len(ids), SELECT_CHUNK):
        chunk = ids[lo : lo + SELECT_CHUNK]
        by_image = _chunk_annotations(project, chunk, owners, gold, state)
        # two-annotator images are clustered all at once (see consensus_batch)
        pairs = two_annotator_pairs(by_image, decisions, options.consensus)
        for n, image_id in enumerate(chunk, start=lo + 1):
            if n % 1000 == 0:
                progress.check()
                progress.advance(1000)
            selection = select_image(
                records[image_id],
                by_image.get(image_id, ()),
                decisions,
                image_decisions.get(image_id),
                options.only,
                options.unresolved,
                options.consensus,
                answered.get(image_id, ()),
                pairs.get(image_id),
            )
            state.selections[image_id] = selection
            for reason in selection.reasons:
                state.exclude(image_id, _code(reason), reason)
    counts = Counter(code for v in state.exclusions.values() for code, _ in v)
    state.filters.append(
        {
            "name": "labels",
            "settings": {
                "only": options.only,
                "unresolved": options.unresolved,
                "consensus": options.consensus.to_dict(),
            },
            "excluded": len(state.exclusions),
            "excluded_by_reason": dict(sorted(counts.items())),
        }
    )
    return state


def _chunk_annotations(
    project: object,
    chunk: list[int],
    owners: dict[int, int],
    gold: GoldExclusions,
    state: _State,
) -> dict[int, list[Annotation]]:
    """The credited annotations of a run of images (a fix counts for whom it corrects)."""
    live = project.annotations_of_images(chunk[0], chunk[-1])  # type: ignore[attr-defined]
    wanted = set(chunk)
    by_image: dict[int, list[Annotation]] = {}
    for a in credit_annotations(live, owners, gold):
        state.newest_annotation = max(state.newest_annotation, a.updated_at)
        if a.image_id in wanted:
            by_image.setdefault(a.image_id, []).append(a)
    return by_image


def _code(reason: str) -> str:
    """A short stable code for a selection reason."""
    for prefix, code in (
        ("rejected", "rejected"),
        ("not answered", "not_answered"),
        ("unresolved", "unresolved"),
        ("not reviewed", "not_reviewed"),
        ("not confirmed", "not_confirmed"),
    ):
        if reason.startswith(prefix):
            return code
    return "excluded"


def _refs(project: object, state: _State, ids: list[int]) -> list[ImageRef]:
    return [
        ImageRef(
            i,
            project.image_path(state.records[i]),  # type: ignore[attr-defined]
            state.records[i].sha256,
            state.records[i].width,
            state.records[i].height,
        )
        for i in ids
    ]


def _dedupe(
    project: object,
    state: _State,
    options: ExportOptions,
    progress: Progress,
    cache: StatsCache | None,
) -> DuplicateReport:
    ids = state.included()
    stats = collect_stats(_refs(project, state, ids), cache, progress, options.workers)
    sha = {i: state.records[i].sha256 for i in ids}

    def prefer(image_id: int) -> tuple[object, ...]:
        return (-len(state.selections[image_id].objects), image_id)

    report = find_duplicates(stats, sha, options.duplicates, prefer)
    dropped = report.dropped() if options.dedupe else {}
    for image_id, cluster in sorted(dropped.items()):
        kind = "exact duplicate" if cluster.kind == "exact" else "near duplicate"
        state.exclude(image_id, f"{cluster.kind}_duplicate", f"{kind} of image {cluster.keep}")
    state.filters.append(
        {
            "name": "duplicates",
            "enabled": options.dedupe,
            "settings": options.duplicates.to_dict(),
            "clusters": {
                "exact": sum(1 for c in report.clusters if c.kind == "exact"),
                "near": sum(1 for c in report.clusters if c.kind == "near"),
            },
            "excluded": len(dropped),
        }
    )
    return report


def _unsuitable(
    project: object,
    state: _State,
    options: ExportOptions,
    progress: Progress,
    cache: StatsCache | None,
) -> QualityReport | None:
    entry: dict[str, Any] = {"name": "unsuitable", "enabled": options.drop_unsuitable}
    entry["settings"] = options.quality.to_dict()
    report = None
    if options.drop_unsuitable:
        # Every selected image, not only those still included: the manifest then gives
        # every reason an image was excluded (pixel statistics are cached per file).
        refs = _refs(project, state, sorted(state.selections))
        stats = (
            collect_stats(refs, cache, progress, options.workers)
            if options.quality.needs_pixels
            else None
        )
        report = check_quality(refs, stats, options.quality)
        for image_id, issues in sorted(report.by_image().items()):
            for issue in issues:
                state.exclude(image_id, issue.check, issue.message)
        entry["excluded_by_check"] = report.counts()
        entry["excluded"] = len(report.by_image())
    else:
        entry["excluded"] = 0
    state.filters.append(entry)
    return report


def _dataset(
    project: object, state: _State, options: ExportOptions, duplicates: DuplicateReport | None
) -> Dataset:
    ids = state.included()
    names = unique_names([(i, state.records[i].path) for i in ids])
    splits = list(options.splits) if options.splits else [DEFAULT_SPLIT]
    assignment: dict[int, str] = {}
    if options.splits:
        groups = duplicates.group_of() if duplicates is not None else {}
        items = [
            SplitItem(
                i,
                frozenset(o.class_id for o in state.selections[i].objects),
                groups.get(i),
            )
            for i in ids
        ]
        assignment = assign_splits(items, options.splits, options.seed)
    images = []
    for image_id in ids:
        record = state.records[image_id]
        source = (
            project.image_path(record)  # type: ignore[attr-defined]
            if options.images != "none" or options.format == "yolo"  # YOLO lists them
            else None
        )
        images.append(
            ExportImage(
                record,
                source,
                names[image_id],
                assignment.get(image_id, splits[0]),
                state.selections[image_id].objects,
            )
        )
    classes = project.classes()  # type: ignore[attr-defined]
    return Dataset(classes, images, splits)


def _split_counts(dataset: Dataset) -> dict[str, dict[str, int]]:
    return {
        split: {
            "images": len(dataset.by_split(split)),
            "objects": sum(len(i.objects) for i in dataset.by_split(split)),
        }
        for split in dataset.splits
    }


def _label_issues(project: object, dataset: Dataset, options: ExportOptions) -> dict[str, Any]:
    if not project.prediction_count():  # type: ignore[attr-defined]
        return {"settings": options.label_errors.to_dict(), "counts": {}, "issues": []}
    labels = {
        i.record.id: [Labeled(o.annotation_ids[0], o.class_id, o.geometry) for o in i.objects]
        for i in dataset.images
    }
    predictions = project_predictions(project, labels)
    return find_label_errors(labels, predictions, options.label_errors).to_dict()


def _excluded(state: _State) -> list[dict[str, Any]]:
    return [
        {
            "image_id": image_id,
            "file": state.records[image_id].path,
            "sha256": state.records[image_id].sha256,
            "reason_codes": [code for code, _ in reasons],
            "reasons": [text for _, text in reasons],
        }
        for image_id, reasons in sorted(state.exclusions.items())
    ]


def _unresolved(state: _State, policy: str) -> list[dict[str, Any]]:
    action = {
        "exclude-image": "image excluded",
        "drop": "objects dropped",
        "keep": "kept plurality",
    }
    found = []
    for image_id, selection in sorted(state.selections.items()):
        for cluster in selection.unresolved:
            entry = cluster.to_dict()
            entry["file"] = state.records[image_id].path
            entry["action"] = action[policy]
            found.append(entry)
    return found


def _manifest(
    project: object,
    state: _State,
    dataset: Dataset,
    options: ExportOptions,
    duplicates: DuplicateReport | None,
    quality: QualityReport | None,
) -> dict[str, Any]:
    objects = [(i.record.id, o.class_id) for i in dataset.images for o in i.objects]
    class_names = {c.id: c.name for c in dataset.classes}
    manifest: dict[str, Any] = {
        "manifest_version": MANIFEST_VERSION,
        "data_time": data_time(project, state.newest_annotation, state.reviews),
        **project_facts(project),
        "export": {**options.settings()},
        "classes": [
            {"index": n, "id": c.id, "name": c.name, "kind": c.kind.value}
            for n, c in enumerate(dataset.classes)
        ],
        "filters": state.filters,
        "splits": {
            "ratios": options.splits,
            "seed": options.seed,
            "counts": _split_counts(dataset),
        },
        "counts": {
            "images_in_project": len(state.records),
            "images": len(dataset.images),
            "objects": len(objects),
            "excluded": len(state.exclusions),
        },
        "excluded": _excluded(state),
        "unresolved": _unresolved(state, options.unresolved),
        "duplicate_clusters": [c.to_dict() for c in duplicates.clusters] if duplicates else [],
        "quality_issues": [i.to_dict() for i in quality.issues] if quality else [],
        "label_issues": _label_issues(project, dataset, options),
        "class_balance": class_balance(class_names, objects, options.balance).to_dict(),
    }
    return manifest


def _write(
    out: Path,
    dataset: Dataset,
    manifest: dict[str, Any],
    options: ExportOptions,
    progress: Progress,
) -> None:
    info = {
        "description": manifest["project"]["name"],
        "version": str(MANIFEST_VERSION),
        "date_created": manifest["data_time"],
    }
    with DatasetWriter(out, options.overwrite) as writer:
        progress.check()
        if options.format == "coco":
            notes = coco.write_coco(dataset, writer, info)
        elif options.format == "yolo":
            notes = yolo.write_yolo(dataset, writer, options.images)
        elif options.format == "voc":
            notes = voc.write_voc(dataset, writer)
        else:
            notes = csv.write_csv(dataset, writer)
        _write_images(dataset, writer, options, progress)
        notes["images"] = options.images
        manifest["format_notes"] = notes
        manifest["files"] = dict(sorted(writer.checksums.items()))
        writer.write_text(MANIFEST_NAME, manifest_text(manifest))


def _write_images(
    dataset: Dataset, writer: DatasetWriter, options: ExportOptions, progress: Progress
) -> None:
    if options.images == "none":
        return
    place = _IMAGE_PATHS[options.format]
    progress.start(len(dataset.images), f"{options.images} images")
    for image in dataset.images:
        progress.check()
        assert image.source is not None
        if options.images == "copy":
            writer.copy_file(place(image), image.source)
        else:
            writer.link_file(place(image), image.source, image.record.sha256)
        progress.advance()
