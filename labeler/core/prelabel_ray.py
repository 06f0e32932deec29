"""Pre-labeling on a Ray cluster (``labeler prelabel --engine ray``): the driver side.

The driver chooses the images exactly as the local engine does (:func:`plan_prelabel_run`:
same selection, covered images skipped, an interrupted run resumed), sorts them by sha256
and cuts them into shards of ``shard_size`` images (a shard's id is the sha256 prefixes of
its first and last image). A Ray task first loads the model on a worker and chooses the
run's JPEG decode reduction on the run's first images, as the local engine does, so a model
that cannot load on the workers fails once, with its message, before any run is opened.
Then Ray Data's ``map_batches`` runs the shards on an actor pool of :class:`ShardPredictor`
(one ONNX Runtime session per actor, reused), and each shard's results come back to the
driver, the only process that writes the project file, which stores each shard in one
transaction as it finishes (all of its images or none). Storing an image is idempotent per
(run, image), so a shard stored twice (a retried worker) changes nothing, and a re-run after
a crash covers only what is missing.

Ray is imported only here, and only when a run is asked for: without it,
:class:`RayNotInstalledError` says how to install it.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from types import ModuleType
from typing import Any

from labeler.core.domain import ImageRecord
from labeler.core.errors import LabelerError
from labeler.core.i18n import _
from labeler.core.prelabel import (
    PrelabelSummary,
    RunPlan,
    load_project_model,
    open_prelabel_run,
    plan_prelabel_run,
    store_image_predictions,
)
from labeler.core.prelabel_ray_worker import (
    ModelBlob,
    ShardPredictor,
    WorkerSettings,
    probe_worker,
)
from labeler.core.progress import Progress
from labeler.core.store import Project

INSTALL_HINT = 'pip install "labeler[ray]"'
DEFAULT_SHARD_SIZE = 16
# One Ray Data execution covers at most this many shipped bytes or images ("a wave"): the
# driver never holds more than that in memory; each wave starts its actors afresh.
WAVE_BYTES = 512 * 1024 * 1024
WAVE_IMAGES = 8192
# Reading from a mount, a row is a few paths: a wave can be far larger.
MOUNT_WAVE_IMAGES = 200_000
# Images the decode reduction is chosen on, as the local engine does.
CALIBRATION_IMAGES = 3


class RayNotInstalledError(LabelerError):
    """``--engine ray`` was asked for but Ray is not installed."""


class RayClusterError(LabelerError):
    """The cluster cannot run the job: unreachable, too small, or the model fails there."""


@dataclass(frozen=True)
class RayOptions:
    """Where and how wide a Ray run goes."""

    address: str | None = None
    """None: start a local cluster; ``auto``: the running one; ``ray://host:10001``."""
    workers: int = 2
    cpus_per_worker: float = 1.0
    gpus_per_worker: float = 0.0
    image_root: str | None = None
    """Workers read ``image_root / stored path``; None: the driver ships the bytes."""
    shard_size: int = DEFAULT_SHARD_SIZE


@dataclass(frozen=True)
class Shard:
    """Images run together on one worker call, named by their sha256 range."""

    id: str
    images: tuple[ImageRecord, ...]


@dataclass
class RayPrelabelSummary(PrelabelSummary):
    """A pre-labeling summary with what the Ray engine adds."""

    engine: str = "ray"
    workers: int = 0
    shards: int = 0
    startup_seconds: float = 0.0
    """Cluster start or connection plus the model probe, before the first shard runs."""
    worker_processes: int = 0
    """How many worker processes returned shards (a restarted actor counts again)."""
    worker_seconds: float = 0.0
    """Decode, inference and post-processing time the workers spent, summed over images."""

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary."""
        data = super().to_dict()
        data.update(engine=self.engine, workers=self.workers, shards=self.shards,
                    startup_seconds=round(self.startup_seconds, 3),
                    worker_processes=self.worker_processes,
                    worker_seconds=round(self.worker_seconds, 3))
        return data


def import_ray() -> ModuleType:
    """Ray with Ray Data, or :class:`RayNotInstalledError` saying how to install it."""
    try:
        import ray
        import ray.data
    except ImportError as exc:
        raise RayNotInstalledError(
            _("--engine ray needs Ray, which is not installed: {INSTALL_HINT}").format(
                INSTALL_HINT=INSTALL_HINT
            )
        ) from exc
    return ray


def shard_images(images: Sequence[ImageRecord], shard_size: int) -> list[Shard]:
    """Images sorted by sha256 and cut into shards of ``shard_size``."""
    if shard_size < 1:
        raise LabelerError(
            _("shard size must be at least 1, got {shard_size}").format(shard_size=shard_size)
        )
    ordered = sorted(images, key=lambda i: (i.sha256, i.id))
    shards = []
    for start in range(0, len(ordered), shard_size):
        part = tuple(ordered[start : start + shard_size])
        shards.append(Shard(f"{part[0].sha256[:10]}-{part[-1].sha256[:10]}", part))
    return shards


def prelabel_project_on_ray(
    project: Project,
    model_path: Path,
    *,
    options: RayOptions,
    config_path: Path | None = None,
    conf: float | None = None,
    iou: float | None = None,
    device: str = "auto",
    batch: int | None = None,
    images: str | list[ImageRecord] = "all",
    force: bool = False,
    progress: Progress | None = None,
    predictor: type[ShardPredictor] = ShardPredictor,
) -> RayPrelabelSummary:
    """Pre-label on Ray as one model run; see the module docstring.

    Same run identity as :func:`labeler.core.prelabel.prelabel_project` (model sha256 and
    settings), so either engine resumes or skips what the other did. ``device`` applies on
    the workers; the driver reads the model's metadata on its CPU. ``predictor`` is the
    actor class (a subclass may wrap it).
    """
    ray = import_ray()
    if options.workers < 1:
        raise LabelerError(
            _("--workers must be at least 1, got {options.workers}").format(options=options)
        )
    project.require_writable()
    progress = progress or Progress()
    model = load_project_model(model_path, config_path, "cpu")
    plan = plan_prelabel_run(project, model, conf=conf, iou=iou, images=images, force=force)
    summary = RayPrelabelSummary(**{f.name: getattr(plan.summary, f.name)
                                    for f in fields(PrelabelSummary)})
    summary.workers = options.workers
    plan.summary = summary
    if not plan.chosen:  # nothing to run: complete a resumed run whose images are all done
        run_id = open_prelabel_run(project, model, plan, model.info.provider, None)
        if run_id is not None:
            project.finish_model_run(run_id)
        return summary
    started = time.perf_counter()
    with _cluster(ray, options):
        _check_resources(ray, options)
        probe = _probe(ray, project, plan, model_path, config_path, device, options)
        summary.provider, summary.fallback_note = probe["provider"], probe["fallback_note"]
        summary.decode_factor = int(probe["decode_factor"])
        run_id = open_prelabel_run(project, model, plan, summary.provider,
                                   summary.fallback_note)
        assert run_id is not None  # the plan has images
        summary.startup_seconds = time.perf_counter() - started
        settings = WorkerSettings(device, max(1, int(options.cpus_per_worker)), batch,
                                  summary.decode_factor, plan.settings["conf"],
                                  plan.settings["iou"])
        blob_ref = ray.put(ModelBlob.read(Path(model_path), config_path))
        _run_shards(ray, project, plan, run_id, blob_ref, settings, options, predictor,
                    progress)
    summary.seconds = time.perf_counter() - started - summary.startup_seconds
    if not summary.cancelled:
        project.finish_model_run(run_id)
    return summary


@contextmanager
def _cluster(ray: ModuleType, options: RayOptions) -> Iterator[None]:
    """Use the cluster this process is already connected to, else connect (or start one)."""
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    if ray.is_initialized():
        yield
        return
    try:
        ray.init(address=options.address, include_dashboard=False,
                 logging_level=logging.WARNING, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        where = options.address or _("a new local cluster")
        raise RayClusterError(
            _("cannot start or reach Ray at {where}: {reason}").format(
                where=where, reason=str(exc).splitlines()[0] if str(exc) else exc
            )
        ) from exc
    try:
        yield
    finally:
        ray.shutdown()


def _check_resources(ray: ModuleType, options: RayOptions) -> None:
    resources = ray.cluster_resources()
    for kind, per_worker in (("CPU", options.cpus_per_worker), ("GPU", options.gpus_per_worker)):
        need, have = per_worker * options.workers, float(resources.get(kind, 0.0))
        if need > have:
            message = (
                _(
                    "{workers} workers x {per_worker:g} {kind} need {need:g} {kind}s but the "
                    "Ray cluster has {have:g}: lower --workers or --gpus-per-worker"
                )
                if kind == "GPU"
                else _(
                    "{workers} workers x {per_worker:g} {kind} need {need:g} {kind}s but the "
                    "Ray cluster has {have:g}: lower --workers"
                )
            )
            raise RayClusterError(
                message.format(
                    workers=options.workers, per_worker=per_worker, kind=kind, need=need, have=have
                )
            )


def _probe(ray: ModuleType, project: Project, plan: RunPlan, model_path: Path,
           config_path: Path | None, device: str, options: RayOptions) -> dict[str, Any]:
    """Load the model on one worker and choose the decode reduction there."""
    items, payload = _shard_items(project, plan.chosen[:CALIBRATION_IMAGES], options,
                                  failed=[])
    task = ray.remote(probe_worker).options(
        num_cpus=options.cpus_per_worker, num_gpus=options.gpus_per_worker or None,
        max_retries=1)
    answer = ray.get(task.remote(ModelBlob.read(Path(model_path), config_path), device,
                                 max(1, int(options.cpus_per_worker)), items, payload,
                                 plan.settings["conf"], plan.settings["iou"]))
    if "error" in answer:
        raise RayClusterError(
            _("the model cannot be loaded on the Ray workers: {answer}").format(
                answer=answer["error"]
            )
        )
    return answer


def _run_shards(ray: ModuleType, project: Project, plan: RunPlan, run_id: int, blob_ref: Any,
                settings: WorkerSettings, options: RayOptions,
                predictor: type[ShardPredictor], progress: Progress) -> None:
    """Run every shard, wave by wave, storing each shard's images as it comes back."""
    summary = plan.summary
    assert isinstance(summary, RayPrelabelSummary)
    # A small run is cut finer, so that every worker gets a shard.
    per_worker = -(-len(plan.chosen) // options.workers)
    shards = shard_images(plan.chosen, max(1, min(options.shard_size, per_worker)))
    summary.shards = len(shards)
    by_id = {image.id: image for image in plan.chosen}
    class_ids = project.class_ids_by_name()  # old and merged names too
    dropped: Counter[str] = Counter()
    pids: set[int] = set()
    progress.start(len(plan.chosen), _("pre-labeling on Ray"))
    try:
        for rows in _waves(project, shards, options, summary):
            # One block per shard, so every actor gets shards; at most two in flight per
            # actor (one running, one queued), so a fast-starting actor cannot take them all.
            dataset = ray.data.from_items(rows, override_num_blocks=len(rows)).map_batches(
                predictor, fn_constructor_kwargs={"blob": blob_ref, "settings": settings},
                batch_size=1, batch_format="numpy",
                compute=ray.data.ActorPoolStrategy(size=min(options.workers, len(rows)),
                                                   max_tasks_in_flight_per_actor=2),
                num_cpus=options.cpus_per_worker, num_gpus=options.gpus_per_worker or None)
            for row in _rows(ray, dataset):
                result = json.loads(row["result"])
                _store_shard(project, run_id, result, by_id, class_ids, summary, dropped,
                             progress)
                pids.add(int(result["pid"]))
                summary.worker_processes = len(pids)
                if progress.cancelled:
                    summary.cancelled = True
                    return
    except KeyboardInterrupt:
        summary.cancelled = True
    finally:
        summary.dropped = dict(dropped)


def _rows(ray: ModuleType, dataset: Any) -> Iterator[dict[str, Any]]:
    """The dataset's result rows; a worker's failure becomes one :class:`RayClusterError`."""
    try:
        yield from dataset.iter_rows()
    except ray.exceptions.RayError as exc:
        lines = [line for line in str(exc).splitlines() if line.strip()]
        raise RayClusterError(
            _("a Ray worker failed: {reason}").format(reason=lines[-1] if lines else exc)
        ) from exc


def _store_shard(project: Project, run_id: int, result: dict[str, Any],
                 by_id: dict[int, ImageRecord], class_ids: dict[str, int],
                 summary: RayPrelabelSummary, dropped: Counter[str], progress: Progress
                 ) -> None:
    """Store a shard's images in one transaction: all of the shard, or none of it.

    Storing an image is idempotent per (run, image), so a shard stored twice changes nothing.
    """
    from inference import Detection

    stored = predictions = 0
    shard_dropped: Counter[str] = Counter()
    with project.transaction():
        for image in result["images"]:
            record = by_id[int(image["image_id"])]
            if image["error"] is not None:
                continue
            detections = [Detection(int(ci), str(name), float(score),
                                    None if box is None else tuple(box),
                                    None if poly is None else _polygon(poly))
                          for ci, name, score, box, poly in image["detections"]]
            predictions += store_image_predictions(project, run_id, record.id, detections,
                                                   class_ids, shard_dropped)
            stored += 1
    for image in result["images"]:
        if image["error"] is not None:
            summary.failed.append((str(project.image_path(by_id[int(image["image_id"])])),
                                   image["error"]))
        shard_dropped.update(image["dropped"])
        summary.worker_seconds += sum(image["ms"]) / 1000
    summary.images += stored
    summary.predictions += predictions
    dropped.update(shard_dropped)
    progress.advance(len(result["images"]))


def _polygon(points: list[list[float]]) -> Any:
    import numpy as np

    return np.asarray(points, dtype=np.float64)


def _waves(project: Project, shards: list[Shard], options: RayOptions,
           summary: RayPrelabelSummary) -> Iterator[list[dict[str, Any]]]:
    """Shard rows for Ray Data, a bounded wave at a time (bytes read only when shipping)."""
    rows: list[dict[str, Any]] = []
    size = count = 0
    max_images = WAVE_IMAGES if options.image_root is None else MOUNT_WAVE_IMAGES
    for shard in shards:
        items, payload = _shard_items(project, list(shard.images), options, summary.failed)
        if items:
            rows.append({"shard": shard.id, "items": json.dumps(items), "payload": payload})
        size, count = size + len(payload), count + len(items)
        if rows and (size >= WAVE_BYTES or count >= max_images):
            yield rows
            rows, size, count = [], 0, 0
    if rows:
        yield rows


def _shard_items(project: Project, images: Sequence[ImageRecord], options: RayOptions,
                 failed: list[tuple[str, str]]) -> tuple[list[dict[str, Any]], bytes]:
    """What a worker needs per image: its path on the mount, or its bytes in ``payload``.

    An image the driver cannot read (when shipping) goes to ``failed`` as the local engine
    reports it, and is not sent.
    """
    from inference.errors import ImageDecodeError

    items: list[dict[str, Any]] = []
    chunks: list[bytes] = []
    offset = 0
    for image in images:
        item: dict[str, Any] = {"image_id": image.id, "name": image.path,
                                "width": image.width, "height": image.height}
        if options.image_root is not None:
            stored = Path(image.path)
            item["path"] = str(stored if stored.is_absolute()
                               else Path(options.image_root) / stored)
        else:
            path = project.image_path(image)
            try:
                data = path.read_bytes()
            except OSError as exc:
                reason = (
                    _("file not found")
                    if isinstance(exc, FileNotFoundError)
                    else (_("cannot read file ({strerror})").format(strerror=exc.strerror or exc))
                )
                failed.append((str(path), str(ImageDecodeError(path, reason))))
                continue
            item.update(offset=offset, length=len(data))
            chunks.append(data)
            offset += len(data)
        items.append(item)
    return items, b"".join(chunks)
