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
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labeler.core.consensus import (
    FINAL_LABELS,
    ConsensusConfig,
    credit_annotations,
    labeled_answers,
    latest_decisions,
)
from labeler.core.consensus_batch import two_annotator_pairs
from labeler.core.curation.balance import BalanceConfig
from labeler.core.curation.duplicates import DuplicateConfig, DuplicateReport, find_duplicates
from labeler.core.curation.label_errors import LabelErrorConfig
from labeler.core.curation.quality import QualityConfig, QualityReport, check_quality
from labeler.core.curation.stats import ImageRef, StatsCache, collect_stats, refs_from_records
from labeler.core.domain import Annotation, ImageRecord
from labeler.core.errors import LabelerError
from labeler.core.export.manifest import (
    MANIFEST_NAME,
    MANIFEST_VERSION,
    ManifestList,
    data_time,
    manifest_chunks,
    project_facts,
)
from labeler.core.export.model import DEFAULT_SPLIT, ExportObject
from labeler.core.export.names import renamed_images
from labeler.core.export.parts import Spill, TextParts
from labeler.core.export.selection import (
    ONLY_MODES,
    UNRESOLVED_POLICIES,
    Selection,
    select_image,
)
from labeler.core.export.stream import ISSUES_MARKER, Plan, Written, issues_text, write_dataset
from labeler.core.export.writer import DatasetWriter
from labeler.core.gold_filter import GoldExclusions
from labeler.core.i18n import _
from labeler.core.memory import release_free_memory
from labeler.core.progress import Progress
from labeler.core.splits import SplitItem, assign_splits

FORMATS = ("coco", "yolo", "voc", "csv")
SELECT_CHUNK = 20_000  # images whose annotations are read and clustered at once
IMAGE_MODES = ("none", "copy", "link")


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
                raise LabelerError(
                    _("export {name} {value!r}: expected one of {choices}").format(
                        name=name, value=value, choices=", ".join(choices)
                    )
                )

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
    """What the first pass keeps of every image: arrays, and what the manifest lists."""

    scope: int  # images the export looks at (the project's, or the slice's)
    ids: np.ndarray  # int64: every selected image, in id order
    objects: np.ndarray  # int32: objects chosen on each
    class_start: np.ndarray  # int64: where each image's classes start in class_ids
    class_ids: np.ndarray  # int64: the distinct classes of each image's objects
    spill: Spill  # runs of [(image id, objects)] of the images the labels keep
    newest: str = ""  # the newest annotation update or review
    exclusions: dict[int, list[tuple[str, str]]] = field(default_factory=dict)
    unresolved: list[dict[str, Any]] = field(default_factory=list)
    filters: list[dict[str, Any]] = field(default_factory=list)

    def exclude(self, image_id: int, code: str, reason: str) -> None:
        self.exclusions.setdefault(image_id, []).append((code, reason))

    def included(self) -> np.ndarray:
        """Selected images no filter excluded, in id order."""
        if not self.exclusions:
            return self.ids
        out = np.fromiter(self.exclusions, dtype=np.int64, count=len(self.exclusions))
        return self.ids[~np.isin(self.ids, out)]

    def position(self, image_id: int) -> int:
        return int(np.searchsorted(self.ids, image_id))

    def classes_of(self, image_id: int) -> frozenset[int]:
        n = self.position(image_id)
        lo, hi = self.class_start[n], self.class_start[n + 1]
        return frozenset(int(c) for c in self.class_ids[lo:hi])


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
    with DatasetWriter(out, options.overwrite) as writer:
        spill, parts = Spill(writer.root), TextParts(writer.root)
        try:
            state = _select(project, options, progress, spill)
            needs_pixels = options.dedupe or options.drop_unsuitable or bool(options.splits)
            if cache is None and needs_pixels:
                cache = StatsCache.for_project(project.path)  # type: ignore[attr-defined]
            # Unsuitable images go first, so a duplicate cluster keeps a suitable image.
            quality = _unsuitable(project, state, options, progress, cache)
            duplicates = (
                _dedupe(project, state, options, progress, cache) if needs_pixels else None
            )
            plan = _plan(project, state, options, duplicates)
            manifest = _manifest(project, state, plan, options, duplicates, quality)
            info = {
                "description": manifest["project"]["name"],
                "version": str(MANIFEST_VERSION),
                "date_created": manifest["data_time"],
            }
            written = write_dataset(project, writer, plan, spill, parts, options, info, progress)
            spill.close()
            _finish_manifest(manifest, written, options)
            manifest["files"] = dict(sorted(writer.checksums.items()))
            spliced = {ISSUES_MARKER: lambda: issues_text(parts)}
            writer.write_chunks(MANIFEST_NAME, manifest_chunks(manifest, spliced))
        finally:
            spill.close()
            parts.close()
    issues = manifest["label_issues"]
    if issues["issues"] == ISSUES_MARKER:  # in the file, read back only when asked
        count = sum(issues["counts"].values())
        issues["issues"] = ManifestList(out / MANIFEST_NAME, ["label_issues", "issues"], count)
    return ExportResult(out, manifest)


def _scope(project: object, options: ExportOptions) -> np.ndarray:
    """Ids of the images the export looks at, in id order."""
    ids = np.array(project.image_ids(), dtype=np.int64)  # type: ignore[attr-defined]
    ids.sort()
    if options.subset is not None:  # a slice: other images are not part of this export
        ids = ids[np.isin(ids, np.array(sorted(set(options.subset)), dtype=np.int64))]
    return ids


def _select(project: object, options: ExportOptions, progress: Progress, spill: Spill) -> _State:
    ids = _scope(project, options)
    owners = project.fix_owners()  # type: ignore[attr-defined]
    gold = GoldExclusions.load(project)
    answered = labeled_answers(project)  # gold answers are never labels
    reviews = project.reviews()  # type: ignore[attr-defined]
    decisions = latest_decisions(reviews, "annotation")
    image_decisions = latest_decisions(reviews, "image")
    newest_review = max((r.created_at for r in reviews), default="")
    del reviews
    columns = _Columns()
    state = _State(len(ids), ids, *columns.empty(), spill, newest=newest_review)
    progress.start(len(ids), "selecting labels")
    for lo in range(0, len(ids), SELECT_CHUNK):
        chunk = [int(i) for i in ids[lo : lo + SELECT_CHUNK]]
        records = _chunk_records(project, chunk)
        by_image = _chunk_annotations(project, chunk, owners, gold, state)
        # two-annotator images are clustered all at once (see consensus_batch)
        pairs = two_annotator_pairs(by_image, decisions, options.consensus)
        kept: list[tuple[int, list[ExportObject]]] = []
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
            _keep(state, columns, records[image_id], selection, options.unresolved, kept)
        spill.add(kept)
        del kept, by_image, pairs, records
        release_free_memory()
    state.objects, state.class_start, state.class_ids = columns.arrays()
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


class _Columns:
    """Per-image columns of the first pass, grown a run at a time."""

    def __init__(self) -> None:
        self.objects: list[int] = []
        self.class_counts: list[int] = []
        self.class_ids: list[int] = []
        self._done: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

    def add(self, objects: list[ExportObject]) -> None:
        classes = sorted({o.class_id for o in objects})
        self.objects.append(len(objects))
        self.class_counts.append(len(classes))
        self.class_ids += classes
        if len(self.objects) == SELECT_CHUNK:
            self._flush()

    def _flush(self) -> None:
        self._done.append(
            (
                np.array(self.objects, dtype=np.int32),
                np.array(self.class_counts, dtype=np.int64),
                np.array(self.class_ids, dtype=np.int64),
            )
        )
        self.objects, self.class_counts, self.class_ids = [], [], []

    @staticmethod
    def empty() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        return np.zeros(0, np.int32), np.zeros(1, np.int64), np.zeros(0, np.int64)

    def arrays(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Objects per image, where each image's classes start, and the classes."""
        self._flush()
        objects = np.concatenate([d[0] for d in self._done])
        start = np.zeros(len(objects) + 1, dtype=np.int64)
        np.cumsum(np.concatenate([d[1] for d in self._done]), out=start[1:])
        return objects, start, np.concatenate([d[2] for d in self._done])


def _keep(
    state: _State,
    columns: _Columns,
    record: ImageRecord,
    selection: Selection,
    policy: str,
    kept: list[tuple[int, list[ExportObject]]],
) -> None:
    """Record one image's selection: its columns, exclusions, unresolved clusters."""
    columns.add(selection.objects)
    for reason in selection.reasons:
        state.exclude(record.id, _code(reason), reason)
    for cluster in selection.unresolved:
        entry = cluster.to_dict()
        entry["file"] = record.path
        entry["action"] = _UNRESOLVED_ACTIONS[policy]
        state.unresolved.append(entry)
    if not selection.reasons:
        kept.append((record.id, selection.objects))


_UNRESOLVED_ACTIONS = {
    "exclude-image": "image excluded",
    "drop": "objects dropped",
    "keep": "kept plurality",
}


def _chunk_records(project: object, chunk: list[int]) -> dict[int, ImageRecord]:
    """The records of a run of images (ids in order)."""
    found = project.images_between(chunk[0], chunk[-1])  # type: ignore[attr-defined]
    return {r.id: r for r in found}


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
        state.newest = max(state.newest, a.updated_at)
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


def _records(project: object, ids: np.ndarray) -> Iterator[ImageRecord]:
    """The records of these ids (in id order), read a run at a time."""
    for lo in range(0, len(ids), SELECT_CHUNK):
        chunk = ids[lo : lo + SELECT_CHUNK]
        wanted = set(chunk.tolist())
        found = project.images_between(int(chunk[0]), int(chunk[-1]))  # type: ignore[attr-defined]
        yield from (r for r in found if r.id in wanted)


def _refs(project: object, ids: np.ndarray) -> list[ImageRef]:
    return refs_from_records(project, _records(project, ids))


def _dedupe(
    project: object,
    state: _State,
    options: ExportOptions,
    progress: Progress,
    cache: StatsCache | None,
) -> DuplicateReport:
    ids = state.included()
    refs = _refs(project, ids)
    stats = collect_stats(refs, cache, progress, options.workers)
    sha = {r.image_id: r.sha256 for r in refs}
    del refs

    def prefer(image_id: int) -> tuple[object, ...]:
        return (-int(state.objects[state.position(image_id)]), image_id)

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
        refs = _refs(project, state.ids)
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


def _plan(
    project: object, state: _State, options: ExportOptions, duplicates: DuplicateReport | None
) -> Plan:
    """The dataset's images, their file names (renamed on a clash) and splits."""
    ids = state.included()
    renamed = renamed_images(
        ((r.id, r.path) for r in _records(project, ids)),
        lambda few: {r.id: r.path for r in project.images_by_ids(few)},  # type: ignore[attr-defined]
    )
    splits = list(options.splits) if options.splits else [DEFAULT_SPLIT]
    split_of = np.zeros(len(ids), dtype=np.int8)
    if options.splits:
        groups = duplicates.group_of() if duplicates is not None else {}
        items = [SplitItem(i, state.classes_of(i), groups.get(i)) for i in ids.tolist()]
        assignment = assign_splits(items, options.splits, options.seed)
        del items
        position = {name: n for n, name in enumerate(splits)}
        split_of = np.fromiter(
            (position[assignment.get(i, splits[0])] for i in ids.tolist()),
            dtype=np.int8,
            count=len(ids),
        )
    classes = project.classes()  # type: ignore[attr-defined]
    return Plan(classes, splits, ids, split_of, renamed)


def _excluded(project: object, state: _State) -> list[dict[str, Any]]:
    ids = sorted(state.exclusions)
    records = {r.id: r for r in project.images_by_ids(ids)}  # type: ignore[attr-defined]
    return [
        {
            "image_id": image_id,
            "file": records[image_id].path,
            "sha256": records[image_id].sha256,
            "reason_codes": [code for code, _ in state.exclusions[image_id]],
            "reasons": [text for _, text in state.exclusions[image_id]],
        }
        for image_id in ids
    ]


def _manifest(
    project: object,
    state: _State,
    plan: Plan,
    options: ExportOptions,
    duplicates: DuplicateReport | None,
    quality: QualityReport | None,
) -> dict[str, Any]:
    """The manifest but for what the writing pass counts (see :func:`_finish_manifest`)."""
    return {
        "manifest_version": MANIFEST_VERSION,
        "data_time": data_time(project, state.newest, ()),
        **project_facts(project),
        "export": {**options.settings()},
        "classes": [
            {"index": n, "id": c.id, "name": c.name, "kind": c.kind.value}
            for n, c in enumerate(plan.classes)
        ],
        "filters": state.filters,
        "splits": {"ratios": options.splits, "seed": options.seed},
        "counts": {
            "images_in_project": state.scope,
            "images": len(plan.ids),
            "excluded": len(state.exclusions),
        },
        "excluded": _excluded(project, state),
        "unresolved": state.unresolved,
        "duplicate_clusters": [c.to_dict() for c in duplicates.clusters] if duplicates else [],
        "quality_issues": [i.to_dict() for i in quality.issues] if quality else [],
    }


def _finish_manifest(manifest: dict[str, Any], written: Written, options: ExportOptions) -> None:
    manifest["splits"]["counts"] = written.split_counts
    manifest["counts"]["objects"] = written.objects
    manifest["label_issues"] = written.label_issues
    manifest["class_balance"] = written.class_balance
    manifest["format_notes"] = {**written.notes, "images": options.images}
