"""Segmenting a project's images: one prompt -> polygons, and batch embedding with cancel.

The CLI (``labeler segment``, ``labeler embed``) and scripts go through these functions;
the GUI uses the same pieces (segmenter, :class:`EmbeddingCache`, :mod:`mask_polygons`)
from its worker thread. Images are decoded as the rest of labeler decodes them (EXIF
orientation applied, :func:`labeler.core.images.decode_image`), so prompt coordinates are
in the same oriented pixels as annotations.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from labeler.core.embedding_cache import EmbeddingCache
from labeler.core.errors import BadImageError, OperationCancelled
from labeler.core.i18n import _
from labeler.core.images import decode_image
from labeler.core.mask_polygons import DEFAULT_TOLERANCE, Ring, mask_to_box, mask_to_polygons
from labeler.core.progress import Progress

if TYPE_CHECKING:
    import numpy as np

    from inference.segmentation import ImageEmbedding, Prompt, Segmenter
    from labeler.core.domain import ImageRecord
    from labeler.core.store import Project


@dataclass(frozen=True)
class SegmentOutcome:
    """What one prompt gave: polygons (empty: nothing segmented), box, score, timings."""

    polygons: list[Ring]
    box: tuple[float, float, float, float] | None
    score: float
    encode_ms: float  # 0 when the embedding came from the cache
    decode_ms: float
    embedding_source: str  # "memory", "disk" or "encoded"
    mask_pixels: int

    def to_dict(self) -> dict[str, object]:
        """A plain dict for ``--json``."""
        return {
            "polygons": [[[round(x, 2), round(y, 2)] for x, y in ring] for ring in self.polygons],
            "vertices": [len(ring) for ring in self.polygons],
            "box": list(self.box) if self.box is not None else None,
            "score": round(self.score, 4),
            "mask_pixels": self.mask_pixels,
            "encode_ms": round(self.encode_ms, 1),
            "decode_ms": round(self.decode_ms, 1),
            "embedding": self.embedding_source,
        }


def image_rgb(project: Project, record: ImageRecord) -> np.ndarray:
    """The image's pixels as RGB uint8, oriented as labeler stores its size."""
    bgr = decode_image(project.image_path(record))
    return bgr[:, :, ::-1].copy()


def embedding_for(
    project: Project, record: ImageRecord, segmenter: Segmenter, cache: EmbeddingCache
) -> tuple[ImageEmbedding, str]:
    """The image's embedding from the cache, else encoded now (and cached)."""
    return cache.get_or_encode(
        record.sha256,
        segmenter.info.model_sha256,
        lambda: segmenter.encode(image_rgb(project, record)),
    )


def segment_image(
    project: Project,
    record: ImageRecord,
    segmenter: Segmenter,
    cache: EmbeddingCache,
    prompt: Prompt,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    parts: str = "largest",
) -> SegmentOutcome:
    """Polygons for ``prompt`` on one project image (image pixel coordinates)."""
    embedding, source = embedding_for(project, record, segmenter, cache)
    prediction = segmenter.decode(embedding, prompt)
    polygons = mask_to_polygons(prediction.mask, tolerance, parts)
    return SegmentOutcome(
        polygons=polygons,
        box=mask_to_box(prediction.mask),
        score=prediction.score,
        encode_ms=embedding.encode_ms if source == "encoded" else 0.0,
        decode_ms=prediction.decode_ms,
        embedding_source=source,
        mask_pixels=int(prediction.mask.sum()),
    )


@dataclass
class EmbedSummary:
    """What a batch embedding run did."""

    encoded: int = 0
    skipped_cached: int = 0
    failed: list[tuple[str, str]] = field(default_factory=list)
    seconds: float = 0.0
    encode_ms_total: float = 0.0
    cancelled: bool = False

    @property
    def ms_per_image(self) -> float:
        """Mean encoder time of the images encoded in this run."""
        return self.encode_ms_total / self.encoded if self.encoded else 0.0

    def to_dict(self) -> dict[str, object]:
        """A plain dict for ``--json``."""
        return {
            "encoded": self.encoded,
            "skipped_cached": self.skipped_cached,
            "failed": [{"image": p, "reason": r} for p, r in self.failed],
            "seconds": round(self.seconds, 2),
            "encode_ms_per_image": round(self.ms_per_image, 1),
            "cancelled": self.cancelled,
        }


def embed_images(
    project: Project,
    records: Sequence[ImageRecord],
    segmenter: Segmenter,
    cache: EmbeddingCache,
    progress: Progress | None = None,
) -> EmbedSummary:
    """Encode every image not yet in the disk cache; Ctrl+C / cancel keeps finished ones."""
    progress = progress or Progress()
    summary = EmbedSummary()
    started = time.perf_counter()
    model = segmenter.info.model_sha256
    progress.start(len(records), _("embedding"))
    try:
        for record in records:
            progress.check()
            if cache.contains(record.sha256, model):
                summary.skipped_cached += 1
            else:
                _embed_one(project, record, segmenter, cache, summary)
            progress.advance()
    except (OperationCancelled, KeyboardInterrupt):
        summary.cancelled = True
    summary.seconds = time.perf_counter() - started
    return summary


def _embed_one(
    project: Project,
    record: ImageRecord,
    segmenter: Segmenter,
    cache: EmbeddingCache,
    summary: EmbedSummary,
) -> None:
    try:
        rgb = image_rgb(project, record)
    except BadImageError as exc:
        summary.failed.append((record.path, exc.reason))
        return
    embedding = segmenter.encode(rgb)
    cache.put(record.sha256, embedding)
    cache.forget_memory()  # a batch run keeps nothing in memory it will not use
    summary.encoded += 1
    summary.encode_ms_total += embedding.encode_ms
