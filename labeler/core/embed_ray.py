"""``labeler embed --engine ray``: segmentation embeddings computed on a Ray cluster.

The pattern of :mod:`labeler.core.prelabel_ray`: the driver chooses the images (those not
yet in the disk cache for this model), sorts them by sha256 and cuts them into shards;
``workers`` Ray actors each load the encoder/decoder pair once (the files travel as bytes,
written into the actor's private folder, so workers need no copy) and encode the shards
they are given; images travel as bytes too. The embeddings come back to the driver, the
only process that writes, which stores each one in the cache as it arrives (atomically,
like a local run). At most two shards per worker are in flight, so memory stays bounded;
cancel (Ctrl+C) stops sending shards and keeps every embedding already stored.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from labeler.core.domain import ImageRecord
from labeler.core.embedding_cache import EmbeddingCache
from labeler.core.errors import LabelerError, OperationCancelled
from labeler.core.i18n import _
from labeler.core.prelabel_ray import RayClusterError, RayOptions, import_ray, shard_images
from labeler.core.progress import Progress
from labeler.core.segment_images import EmbedSummary
from labeler.core.segment_models import SegmenterFiles
from labeler.core.store import Project

DEFAULT_EMBED_SHARD = 4


@dataclass
class RayEmbedSummary(EmbedSummary):
    """A batch embedding run on Ray: the local summary plus the cluster's side."""

    workers: int = 0
    shards: int = 0
    startup_seconds: float = 0.0
    provider: str = ""

    def to_dict(self) -> dict[str, object]:
        """A plain dict for ``--json``."""
        return {
            **super().to_dict(),
            "engine": "ray",
            "workers": self.workers,
            "shards": self.shards,
            "startup_seconds": round(self.startup_seconds, 2),
            "provider": self.provider,
        }


class EmbedWorker:
    """A Ray actor: one segmenter, loaded once from the pair's bytes, encodes shards."""

    def __init__(
        self,
        encoder: bytes,
        decoder: bytes,
        name: str,
        threads: int,
        providers: tuple[str, ...] = ("CPUExecutionProvider",),
    ) -> None:
        from inference.segmentation import load_segmenter

        self._folder = tempfile.TemporaryDirectory(prefix="labeler-embed-")
        folder = Path(self._folder.name)
        (folder / "encoder.onnx").write_bytes(encoder)
        (folder / "decoder.onnx").write_bytes(decoder)
        self.segmenter = load_segmenter(
            folder / "encoder.onnx",
            folder / "decoder.onnx",
            list(providers),
            name=name,
            threads=threads,
        )

    def describe(self) -> dict[str, str]:
        """The model hash and provider this worker runs (checked by the driver)."""
        info = self.segmenter.info
        return {"model_sha256": info.model_sha256, "provider": info.provider}

    def encode(self, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Embeddings (or the reason there is none) for a shard of image bytes."""
        import cv2
        import numpy as np

        results = []
        for item in items:
            data = np.frombuffer(item["data"], np.uint8)
            bgr = cv2.imdecode(data, cv2.IMREAD_COLOR)
            if bgr is None:
                results.append({"path": item["path"], "error": _("cannot decode image")})
                continue
            embedding = self.segmenter.encode(np.ascontiguousarray(bgr[:, :, ::-1]))
            results.append({"sha256": item["sha256"], "embedding": embedding})
        return results


def embed_images_on_ray(
    project: Project,
    records: Sequence[ImageRecord],
    files: SegmenterFiles,
    cache: EmbeddingCache,
    model_sha256: str,
    *,
    options: RayOptions,
    shard_size: int = DEFAULT_EMBED_SHARD,
    progress: Progress | None = None,
) -> RayEmbedSummary:
    """Encode the images missing from ``cache`` on Ray; see the module docstring."""
    ray = import_ray()
    if options.workers < 1:
        raise LabelerError(
            _("--workers must be at least 1, got {options.workers}").format(options=options)
        )
    progress = progress or Progress()
    summary = RayEmbedSummary(workers=options.workers)
    todo = []
    for record in records:
        if cache.contains(record.sha256, model_sha256):
            summary.skipped_cached += 1
        else:
            todo.append(record)
    if not todo:
        return summary
    shards = shard_images(todo, shard_size)
    summary.shards = len(shards)
    started = time.perf_counter()
    with _cluster(ray, options):
        actors = _start_workers(ray, files, options, model_sha256, summary)
        summary.startup_seconds = time.perf_counter() - started
        progress.start(len(todo), _("embedding on Ray"))
        try:
            _run(ray, project, actors, shards, cache, summary, progress)
        except (OperationCancelled, KeyboardInterrupt):
            summary.cancelled = True
    summary.seconds = time.perf_counter() - started - summary.startup_seconds
    return summary


def _cluster(ray: Any, options: RayOptions) -> Any:
    from labeler.core import prelabel_ray

    return prelabel_ray._cluster(ray, options)


def _start_workers(
    ray: Any,
    files: SegmenterFiles,
    options: RayOptions,
    model_sha256: str,
    summary: RayEmbedSummary,
) -> list[Any]:
    from labeler.core import prelabel_ray

    prelabel_ray._check_resources(ray, options)  # CPUs and GPUs, as a pre-label run checks
    remote = ray.remote(EmbedWorker).options(
        num_cpus=options.cpus_per_worker, num_gpus=options.gpus_per_worker or None
    )
    encoder = ray.put(files.encoder.read_bytes())
    decoder = ray.put(files.decoder.read_bytes())
    threads = max(1, int(options.cpus_per_worker))
    providers = (  # a worker given a GPU encodes on it (ONNX Runtime falls back to CPU)
        ("CUDAExecutionProvider", "CPUExecutionProvider")
        if options.gpus_per_worker
        else ("CPUExecutionProvider",)
    )
    actors = [
        remote.remote(encoder, decoder, files.name, threads, providers)
        for _ in range(options.workers)
    ]
    try:
        described = ray.get([actor.describe.remote() for actor in actors])
    except Exception as exc:  # the model failed to load on a worker
        first = (str(exc).strip().splitlines() or [type(exc).__name__])[-1][:300]
        raise RayClusterError(
            _("{files.name} cannot be loaded on the Ray workers: {first}").format(
                files=files, first=first
            )
        ) from exc
    if any(d["model_sha256"] != model_sha256 for d in described):
        raise RayClusterError(
            _("{files.name}: the workers loaded another model than the driver").format(files=files)
        )
    summary.provider = described[0]["provider"]
    return actors


def _run(
    ray: Any,
    project: Project,
    actors: list[Any],
    shards: list[Any],
    cache: EmbeddingCache,
    summary: RayEmbedSummary,
    progress: Progress,
) -> None:
    pending: dict[Any, int] = {}
    queue = list(shards)
    free = list(range(len(actors))) * 2  # two shards in flight per worker
    while queue or pending:
        progress.check()
        while queue and free:
            worker = free.pop(0)
            items = _items(project, queue.pop(0).images, summary, progress)
            pending[actors[worker].encode.remote(items)] = worker
        if not pending:
            continue
        ready, _rest = ray.wait(list(pending), num_returns=1, timeout=0.5)
        for ref in ready:
            free.append(pending.pop(ref))
            for result in ray.get(ref):
                _store(result, cache, summary, progress)


def _items(
    project: Project, images: Sequence[ImageRecord], summary: RayEmbedSummary, progress: Progress
) -> list[dict[str, Any]]:
    items = []
    for image in images:
        try:
            data = project.image_path(image).read_bytes()
        except OSError as exc:
            summary.failed.append((image.path, exc.strerror or str(exc)))
            progress.advance()
            continue
        items.append({"sha256": image.sha256, "path": image.path, "data": data})
    return items


def _store(
    result: dict[str, Any], cache: EmbeddingCache, summary: RayEmbedSummary, progress: Progress
) -> None:
    if "error" in result:
        summary.failed.append((result["path"], result["error"]))
    else:
        embedding = result["embedding"]
        cache.put(result["sha256"], embedding)
        cache.forget_memory()
        summary.encoded += 1
        summary.encode_ms_total += embedding.encode_ms
    progress.advance()
