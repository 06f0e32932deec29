"""Promptable segmentation off the GUI thread: load the model, encode images, decode prompts.

:class:`SegmentationService` owns one segmenter (:func:`inference.segmentation.load_segmenter`)
and two single-thread pools:

- the **encoder** pool loads the model, then encodes the current image first and
  prefetches the next images of the browser order (a prefetch no longer wanted is
  dropped before it starts); embeddings go into the core
  :class:`~labeler.core.embedding_cache.EmbeddingCache` (memory LRU + disk, keyed by
  image sha256 and model hash), so moving on to a prefetched image is a cache hit;
- the **decoder** pool turns a prompt into a mask and the mask into outlines
  (:func:`~labeler.core.mask_polygons.mask_to_polygons`); it keeps only the newest
  request, so a hover preview never queues up behind the mouse.

Results arrive on the GUI thread as signals. ``inference`` and onnxruntime are
imported in the worker, when the model is first loaded.
"""

from __future__ import annotations

import os
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

from labeler.app.canvas.ai_tool import AiPrompt
from labeler.core.errors import LabelerError
from labeler.core.geometry import Box, Polygon
from labeler.core.images import decode_image

if TYPE_CHECKING:
    from inference.segmentation import ImageEmbedding, Segmenter, SegmenterInfo
    from labeler.core.embedding_cache import EmbeddingCache

PARTS = ("largest", "all")


@dataclass(frozen=True)
class SegmentImage:
    """An image the service may encode: its id, content hash, file and size."""

    image_id: int
    sha256: str
    path: Path
    size: tuple[int, int]


@dataclass(frozen=True)
class SegmentRequest:
    """Decode ``prompt`` on an image and outline the mask (``as_box``: its bounding box)."""

    image_id: int
    prompt: AiPrompt
    tolerance: float = 1.0
    parts: str = "largest"
    as_box: bool = False
    tentative: bool = False
    accept: bool = False
    serial: int = 0


@dataclass(frozen=True)
class SegmentResult:
    """The shapes a request's mask becomes, with the model's score and the times taken."""

    request: SegmentRequest
    shapes: tuple[Box | Polygon, ...]
    score: float
    decode_ms: float
    outline_ms: float
    mask: np.ndarray = field(repr=False, compare=False)

    @property
    def vertices(self) -> int:
        """Vertices of all polygons (4 per box)."""
        return sum(4 if isinstance(s, Box) else len(s.points) for s in self.shapes)


def outline_mask(
    mask: np.ndarray,
    tolerance: float,
    parts: str,
    as_box: bool,
    region: tuple[int, int, int, int] | None = None,
) -> tuple[Box | Polygon, ...]:
    """A mask as the shapes the annotator gets: polygons (largest part or all), or one box.

    The mask is outlined inside its bounding box (plus a pixel): the same polygons as on
    the whole image, about ten times faster for an object on a large photo. ``region``
    ``(x0, y0, x1, y1)``, when the decoder gave one, bounds every true pixel: the box is
    then looked for only there, not over the whole photo.
    """
    from labeler.core.mask_polygons import mask_to_box, mask_to_polygons

    rx0, ry0 = (region[0], region[1]) if region is not None else (0, 0)
    part = mask if region is None else mask[ry0 : region[3], rx0 : region[2]]
    found = mask_to_box(part)
    if found is None:
        return ()
    box = (found[0] + rx0, found[1] + ry0, found[2] + rx0, found[3] + ry0)
    if as_box:
        return (Box(*box),)
    height, width = mask.shape[:2]
    x0, y0 = max(int(box[0]) - 1, 0), max(int(box[1]) - 1, 0)
    x1, y1 = min(int(box[2]) + 1, width), min(int(box[3]) + 1, height)
    rings = mask_to_polygons(mask[y0:y1, x0:x1], tolerance=tolerance, parts=parts)
    return tuple(Polygon(tuple((x + x0, y + y0) for x, y in ring)) for ring in rings)


_Reshape = tuple[SegmentRequest, np.ndarray, float]  # a request, its mask and its score
_Region = tuple[int, int, int, int] | None  # where the mask's true pixels lie, when known


class _Signals(QObject):
    modelLoaded = Signal(object)
    modelFailed = Signal(str)
    encodeStarted = Signal(int)
    embeddingReady = Signal(int, float, bool)
    encodeFailed = Signal(int, str)
    segmented = Signal(object)
    segmentFailed = Signal(object, str)


class _Task(QRunnable):
    def __init__(self, function: Callable[[], None]) -> None:
        super().__init__()
        self.function = function

    def run(self) -> None:
        self.function()


class SegmentationService(QObject):
    """Encodes and decodes for the AI polygon tool; every slow step runs on a worker thread.

    Signals (GUI thread): ``modelLoaded(info)``, ``modelFailed(message)``,
    ``encodeStarted(image_id)``, ``embeddingReady(image_id, encode_ms, from_cache)``,
    ``encodeFailed(image_id, message)``, ``segmented(result)`` and
    ``segmentFailed(request, message)``.
    """

    def __init__(
        self, make_cache: Callable[[], EmbeddingCache], parent: QObject | None = None
    ) -> None:
        super().__init__(parent)
        self._make_cache = make_cache
        self._cache: EmbeddingCache | None = None
        self.signals = _Signals(self)
        self._encode_pool = QThreadPool(self)
        self._encode_pool.setMaxThreadCount(1)
        self._decode_pool = QThreadPool(self)
        self._decode_pool.setMaxThreadCount(1)
        self._lock = threading.Lock()
        self._segmenter: Segmenter | None = None
        self._model_files: tuple[Path, Path] | None = None
        self._images: dict[int, SegmentImage] = {}
        self._wanted: list[int] = []  # current image first, then prefetches
        self._queued: set[int] = set()
        self._ready: set[int] = set()
        self._pending: SegmentRequest | _Reshape | None = None
        self._decoding = False
        self._closed = False
        self.encode_count = 0  # encoder runs (not cache hits), for tests and benchmarks
        self.decode_count = 0  # decoder runs

    @property
    def cache(self) -> EmbeddingCache:
        """The embedding cache (made when first needed: it imports nothing at start-up)."""
        if self._cache is None:
            self._cache = self._make_cache()
        return self._cache

    # The model

    @property
    def info(self) -> SegmenterInfo | None:
        """The loaded segmenter's info (None before it loaded)."""
        segmenter = self._segmenter
        return segmenter.info if segmenter is not None else None

    @property
    def segmenter(self) -> Segmenter | None:
        """The loaded segmenter (None before it loaded); its calls are thread-safe."""
        return self._segmenter

    @property
    def model_files(self) -> tuple[Path, Path] | None:
        """Encoder and decoder files asked for (loaded or loading)."""
        return self._model_files

    def set_model(self, encoder: Path, decoder: Path) -> None:
        """Load a segmenter on the encoder thread (``modelLoaded`` or ``modelFailed`` follows)."""
        files = (Path(encoder), Path(decoder))
        if files == self._model_files:
            return
        self._model_files = files
        self.cache  # noqa: B018 - made here, on the GUI thread, before any worker uses it
        with self._lock:
            self._segmenter = None
            self._ready.clear()
            self._queued.clear()
        self._encode_pool.clear()
        self._encode_pool.start(_Task(lambda: self._load(files)), 100)

    def _load(self, files: tuple[Path, Path]) -> None:
        try:
            from inference.segmentation import load_segmenter

            segmenter = load_segmenter(files[0], files[1], threads=worker_threads())
        except LabelerError as exc:
            self._emit(self.signals.modelFailed, str(exc))
            return
        except Exception as exc:  # inference errors are not LabelerErrors: say what failed
            self._emit(self.signals.modelFailed, f"{files[0].name}: {exc}")
            return
        if files != self._model_files:
            return  # another model was chosen meanwhile
        with self._lock:
            self._segmenter = segmenter
        self._emit(self.signals.modelLoaded, segmenter.info)
        self._schedule()

    # Embeddings

    def focus(self, current: SegmentImage, prefetch: Sequence[SegmentImage] = ()) -> None:
        """Encode ``current`` now and ``prefetch`` after it; other queued encodes are dropped."""
        wanted = [current, *(p for p in prefetch if p.image_id != current.image_id)]
        with self._lock:
            for image in wanted:
                self._images[image.image_id] = image
            self._wanted = [image.image_id for image in wanted]
        self._schedule()

    def has_embedding(self, image_id: int) -> bool:
        """True when the image's embedding is ready (memory or disk cache)."""
        return image_id in self._ready

    def _schedule(self) -> None:
        if self._segmenter is None:
            return
        with self._lock:
            todo = [i for i in self._wanted if i not in self._ready and i not in self._queued]
            self._queued.update(todo)
        for rank, image_id in enumerate(todo):
            priority = 50 if rank == 0 and image_id == self._wanted[0] else 10 - rank
            self._encode_pool.start(_Task(partial(self._encode, image_id)), priority)

    def _encode(self, image_id: int) -> None:
        yield_to_decoder()
        with self._lock:
            self._queued.discard(image_id)
            wanted = image_id in self._wanted and not self._closed
            segmenter, image = self._segmenter, self._images.get(image_id)
        if not wanted or segmenter is None or image is None:
            return  # the annotator moved on before this started: dropped, not encoded
        model_hash = segmenter.info.model_sha256

        def encode() -> ImageEmbedding:
            self._emit(self.signals.encodeStarted, image_id)
            rgb = np.ascontiguousarray(decode_image(image.path)[:, :, ::-1])
            return segmenter.encode(rgb)

        try:
            embedding, source = self.cache.get_or_encode(image.sha256, model_hash, encode)
        except LabelerError as exc:
            self._emit(self.signals.encodeFailed, image_id, str(exc))
            return
        except Exception as exc:  # inference errors are not LabelerErrors: say what failed
            traceback.print_exc(file=sys.stderr)
            failed = QCoreApplication.translate("SegmentationService", "encoding failed: {error}")
            self._emit(self.signals.encodeFailed, image_id, failed.format(error=exc))
            return
        if source == "encoded":
            self.encode_count += 1
            self._mark_ready(image_id, float(embedding.encode_ms), False)
        else:
            self._mark_ready(image_id, 0.0, True)

    def _mark_ready(self, image_id: int, encode_ms: float, from_cache: bool) -> None:
        with self._lock:
            self._ready.add(image_id)
        self._emit(self.signals.embeddingReady, image_id, encode_ms, from_cache)

    def _embedding(self, image_id: int) -> tuple[Segmenter, ImageEmbedding] | None:
        segmenter, image = self._segmenter, self._images.get(image_id)
        if segmenter is None or image is None:
            return None
        embedding = self.cache.get(image.sha256, segmenter.info.model_sha256)
        return (segmenter, embedding) if embedding is not None else None

    # Prompts

    def segment(self, request: SegmentRequest) -> None:
        """Decode a prompt (newest request wins); ``segmented`` or ``segmentFailed`` follows."""
        self._submit(request)

    def reshape(self, request: SegmentRequest, mask: np.ndarray, score: float) -> None:
        """Outline an already decoded mask again (a new tolerance, parts or box choice)."""
        self._submit((request, mask, score))

    def _submit(self, item: SegmentRequest | _Reshape) -> None:
        with self._lock:
            pending = self._pending
            keep_accept = isinstance(pending, SegmentRequest) and pending.accept
            if keep_accept and isinstance(item, SegmentRequest) and item.tentative:
                return  # an accept in flight is not replaced by a hover preview
            self._pending = item
            if self._decoding:
                return
            self._decoding = True
        self._decode_pool.start(_Task(self._decode_loop))

    def _decode_loop(self) -> None:
        while True:
            with self._lock:
                item, self._pending = self._pending, None
                if item is None or self._closed:
                    self._decoding = False
                    return
            if isinstance(item, tuple):
                self._outline(*item, decode_ms=0.0)
            else:
                self._decode(item)

    def _decode(self, request: SegmentRequest) -> None:
        ready = self._embedding(request.image_id)
        if ready is None:
            not_yet = QCoreApplication.translate(
                "SegmentationService", "the image is not encoded yet"
            )
            self._emit(self.signals.segmentFailed, request, not_yet)
            return
        segmenter, embedding = ready
        self.decode_count += 1
        try:
            prediction = segmenter.decode(embedding, to_segment_prompt(request.prompt))
        except Exception as exc:  # a prompt the model refuses: say so, keep the tool alive
            self._emit(self.signals.segmentFailed, request, str(exc))
            return
        self._outline(
            request,
            prediction.mask,
            prediction.score,
            prediction.decode_ms,
            getattr(prediction, "region", None),
        )

    def _outline(
        self,
        request: SegmentRequest,
        mask: np.ndarray,
        score: float,
        decode_ms: float,
        region: _Region = None,
    ) -> None:
        started = time.perf_counter()
        try:
            shapes = outline_mask(mask, request.tolerance, request.parts, request.as_box, region)
        except Exception as exc:
            traceback.print_exc(file=sys.stderr)
            failed = QCoreApplication.translate(
                "SegmentationService", "cannot outline the mask: {error}"
            )
            self._emit(self.signals.segmentFailed, request, failed.format(error=exc))
            return
        outline_ms = (time.perf_counter() - started) * 1000
        result = SegmentResult(request, shapes, score, decode_ms, outline_ms, mask)
        self._emit(self.signals.segmented, result)

    # Lifetime

    def _emit(self, signal: Any, *args: Any) -> None:
        if not self._closed:
            signal.emit(*args)

    def shutdown(self) -> None:
        """Drop queued work and wait for the running steps (idempotent)."""
        with self._lock:
            self._closed = True
            self._pending = None
        self._encode_pool.clear()
        self._decode_pool.clear()
        self._encode_pool.waitForDone(10_000)
        self._decode_pool.waitForDone(5_000)


ENCODER_NICE_STEP = 5  # the encoder thread's nice value above the process's (Linux)
_yielding = threading.local()


def yield_to_decoder() -> None:
    """Lower the calling (encoder) thread's CPU priority, once per thread.

    Prefetch keeps the encoder busy for seconds while the annotator clicks; on a loaded
    CPU it then competes with the decoder and the GUI thread for the same cores. Linux
    gives each thread its own nice value (``setpriority`` on the thread id), so the
    encoder thread alone runs ``ENCODER_NICE_STEP`` lower and clicks are served first.
    Elsewhere (or where it is refused) nothing changes.
    """
    if getattr(_yielding, "done", False) or not sys.platform.startswith("linux"):
        return
    _yielding.done = True
    try:
        tid = threading.get_native_id()
        nice = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, nice + ENCODER_NICE_STEP))
    except OSError:
        pass


def worker_threads() -> int:
    """ONNX Runtime threads per session: all cores but one, which stays for the GUI.

    The encoder prefetches while the annotator clicks; leaving a core free keeps the
    decoder (and painting) responsive then (see ``docs/performance.md``).
    """
    return max(1, (os.cpu_count() or 2) - 1)


def to_segment_prompt(prompt: AiPrompt) -> Any:
    """The tool's prompt as the ``inference`` package's :class:`Prompt`."""
    from inference.segmentation import Prompt

    box = prompt.box
    return Prompt(
        points=prompt.points,
        labels=prompt.labels,
        box=None if box is None else (box.x1, box.y1, box.x2, box.y2),
    )
