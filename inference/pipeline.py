"""The pre-labelling engine: decode ahead on a small pool, batch, infer, post-process, in order.

Memory stays flat on any number of images: a feeder thread submits decode jobs to the pool
and parks their futures in a bounded queue, so at most ``queue_size + batch_size + 1``
prepared (letterboxed, model-sized) images exist at a time. Results are yielded in input
order. The jobs of the run's first :data:`CALIBRATION_IMAGES` images choose its JPEG
decode reduction (:func:`inference.decode_choice.image_decode_choice` on each, the smallest
wins), so the model sees what a full decode would give it; each one's full decode is its
result, and the other images decode in full until the choice is made. Where the workers
are as many as the CPU's cores, each also runs the model on its own image; otherwise (and
on a GPU) the consumer thread sends batches.
"""

from __future__ import annotations

import itertools
import os
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Iterator, Sized
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import TypeVar, cast

import numpy as np

from inference.adapters import PostParams
from inference.decode_choice import UNREADABLE_ERRORS, image_decode_choice
from inference.errors import ImageDecodeError
from inference.jpeg_decode import DecodeBuffer
from inference.model import Model
from inference.preprocess import MAX_FACTOR, Frame, decode_for_model
from inference.results import ImagePrediction, PrelabelResult, RunStats, Timing

DEFAULT_BATCH_SIZE = 4
# Images a run's decode reduction is chosen on (each costs a full and a few reduced decodes).
CALIBRATION_IMAGES = 3
_POLL_S = 0.05
_Entry = TypeVar("_Entry")

CancelCheck = Callable[[], bool] | threading.Event
ProgressCallback = Callable[[int, int | None], None]


@dataclass(frozen=True)
class WorkItem:
    """One image to pre-label: a caller's key, its path, and its known oriented (w, h)."""

    key: Hashable
    path: str | os.PathLike[str]
    oriented_size: tuple[int, int] | None = None


@dataclass(frozen=True)
class _Prepared:
    item: WorkItem
    canvas: np.ndarray | None
    frame: Frame | None
    decode_s: float
    error: str | None = None
    prediction: ImagePrediction | None = None
    """Set when a worker already ran the model (then ``canvas`` is dropped)."""
    infer_s: float = 0.0
    post_s: float = 0.0


class _End:
    """Queue sentinel: the feeder has no more items (``error`` if iterating them failed)."""

    def __init__(self, error: BaseException | None = None) -> None:
        self.error = error


class _Cancelled(Exception):
    pass


class PrelabelEngine:
    """Runs a :class:`Model` over many image files, or one file or image on request."""

    def __init__(
        self,
        model: Model,
        *,
        decode_threads: int = 2,
        batch_size: int | None = None,
        queue_size: int | None = None,
        decode_factor: int | None = None,
        infer_in_workers: bool | None = None,
    ) -> None:
        """Set up an engine; nothing runs until :meth:`run` or a ``predict_*`` call.

        ``decode_factor``: None picks each run's JPEG decode reduction from its first
        images; 1, 2, 4 or 8 caps it for every image (1: always decode in full).
        ``infer_in_workers``: each decode thread also runs the model on its own image
        (one image per run) instead of one thread running batches. None: on the CPU
        provider when the workers are as many as the cores, which decoding and inference
        then share (measured on 2 cores: 1.05x -> 1.55x the naive loop for YOLOv8n at
        640); not on a GPU, where batches gain, nor for a fixed batch of several, nor on
        more cores, where the decoders should keep decoding while the model runs.
        """
        if decode_threads < 1:
            raise ValueError(f"decode_threads must be >= 1, got {decode_threads}")
        if decode_factor not in (None, 1, 2, 4, 8):
            raise ValueError(f"decode_factor must be None, 1, 2, 4 or 8, got {decode_factor}")
        self.model = model
        self.decode_threads = decode_threads
        self.decode_factor = decode_factor
        if infer_in_workers is None:
            infer_in_workers = _workers_should_infer(model, decode_threads)
        self.infer_in_workers = infer_in_workers
        # Single-image predictions decode in full, or at the fixed reduction.
        self._single = _ReductionVote.decided(decode_factor or 1)
        if model.info.static_batch:
            batch_size = model.info.static_batch
        self.batch_size = max(1, batch_size or DEFAULT_BATCH_SIZE)
        self.queue_size = max(1, queue_size or 2 * self.batch_size + decode_threads)
        self.last_stats: RunStats | None = None
        """Totals of the most recent :meth:`run` (set when it finishes or is cancelled)."""
        # Each decode thread of a run decodes into its own reused memory (a fresh 12 MP
        # array costs ~9,000 page faults); the buffers go with the pool's threads.
        self._buffers = threading.local()
        # The current run's decode reduction; until it is chosen its images decode in full.
        self._vote = self._single

    def run(
        self,
        items: Iterable[WorkItem | tuple],
        *,
        conf: float | None = None,
        iou: float | None = None,
        max_det: int | None = None,
        progress: ProgressCallback | None = None,
        cancel: CancelCheck | None = None,
    ) -> Iterator[PrelabelResult]:
        """Yield one :class:`PrelabelResult` per item, in order.

        ``items`` are :class:`WorkItem` or ``(key, path)`` / ``(key, path, (w, h))`` tuples and
        may be a lazy iterable. ``progress(done, total)`` is called per image (``total`` is None
        when ``items`` has no length). ``cancel`` is a callable returning True or a
        ``threading.Event``: once set, the run stops within a poll interval and yields nothing
        more; everything yielded before stays valid. An unreadable image yields a result with
        ``error`` set and the run goes on. :attr:`last_stats` holds the totals afterwards.
        """
        params = self.model.params(conf, iou, max_det)
        # Replaced by the feeder with a vote among the first images when there are any.
        self._vote = self._single
        should_cancel = _cancel_check(cancel)
        total = len(items) if isinstance(items, Sized) else None
        stop = threading.Event()
        pending: queue.Queue[Future[_Prepared] | _End] = queue.Queue(maxsize=self.queue_size)
        pool = ThreadPoolExecutor(self.decode_threads, thread_name_prefix="prelabel-decode")
        feeder = threading.Thread(
            target=self._feed,
            args=(items, pool, pending, stop, params),
            daemon=True,
            name="prelabel-feed",
        )
        started = time.perf_counter()
        done = failed = 0
        dropped: Counter[str] = Counter()
        cancelled = False
        feeder.start()
        try:
            ended = False
            while not ended:
                batch, ended = self._next_batch(pending, should_cancel)
                for result in self._process(batch, params):
                    if should_cancel():
                        raise _Cancelled
                    done += 1
                    failed += result.error is not None
                    dropped.update(result.dropped_unmapped)
                    if progress is not None:
                        progress(done, total)
                    yield result
        except _Cancelled:
            cancelled = True
        finally:
            _shutdown(stop, pending, pool, feeder)
            self.last_stats = RunStats(
                images=done,
                failed=failed,
                seconds=time.perf_counter() - started,
                cancelled=cancelled,
                dropped_unmapped=dropped,
                decode_factor=self._vote.factor,
            )

    def predict_path(
        self,
        path: str | os.PathLike[str],
        *,
        oriented_size: tuple[int, int] | None = None,
        conf: float | None = None,
        iou: float | None = None,
        max_det: int | None = None,
    ) -> PrelabelResult:
        """Pre-label one file now (same decode path as :meth:`run`); key is the path.

        Raises :class:`~inference.errors.ImageDecodeError` naming the file if it is unreadable.
        """
        # A str or a Path: both hashable (os.PathLike itself does not promise it).
        item = WorkItem(cast(Hashable, path), path, oriented_size)
        prepared = self._prepare(item, self._single, raise_errors=True, reuse_memory=False)
        return self._process([prepared], self.model.params(conf, iou, max_det))[0]

    def predict_image(
        self,
        image_bgr: np.ndarray,
        *,
        conf: float | None = None,
        iou: float | None = None,
        max_det: int | None = None,
    ) -> PrelabelResult:
        """Pre-label an already decoded, oriented BGR image (key None)."""
        canvas, frame = self.model.prepare(image_bgr)
        prepared = _Prepared(WorkItem(None, ""), canvas, frame, 0.0)
        return self._process([prepared], self.model.params(conf, iou, max_det))[0]

    # -- internals -------------------------------------------------------------------------

    def _prepare(
        self,
        item: WorkItem,
        vote: _ReductionVote,
        raise_errors: bool = False,
        reuse_memory: bool = True,
        params: PostParams | None = None,
    ) -> _Prepared:
        """Decode and letterbox one image (runs on a pool thread).

        Decoded in full until ``vote`` is over, then at its reduction. ``reuse_memory``:
        decode into this thread's :class:`DecodeBuffer`; the decoded image is done with
        once the model-sized canvas is made. With ``params`` and :attr:`infer_in_workers`,
        the model runs on it here too.
        """
        started = time.perf_counter()
        buffer = self._thread_buffer() if reuse_memory else None
        # While the run's reduction is being chosen, decode in full: the reference.
        factor = vote.factor if vote.chosen.is_set() else 1
        try:
            image, scale = decode_for_model(
                item.path, self.model.info.input_size, item.oriented_size, factor, buffer
            )
            canvas, frame = self.model.prepare(image, scale)
            if buffer is not None and buffer.holds(canvas):  # a canvas must outlive it
                canvas = canvas.copy()
        except UNREADABLE_ERRORS as exc:
            if raise_errors:
                if isinstance(exc, ImageDecodeError):
                    raise
                raise ImageDecodeError(item.path, str(exc)) from exc
            return _unreadable(item, exc, started)
        decode_s = time.perf_counter() - started
        if params is None or not self.infer_in_workers:
            return _Prepared(item, canvas, frame, decode_s)
        [prediction], infer_s, post_s = self.model.run_batch([canvas], [frame], params)
        return _Prepared(item, None, frame, decode_s, None, prediction, infer_s, post_s)

    def _prepare_and_vote(
        self, item: WorkItem, vote: _ReductionVote, params: PostParams
    ) -> _Prepared:
        """Pool job for one of the run's first images: its result, and its vote.

        The full decode the choice needs (and the model's answer on it) is the image's
        result; the reductions are tried only as far as the votes so far allow.
        """
        if vote.chosen.is_set():  # another first image already ruled reductions out
            return self._prepare(item, vote, params=params)
        started = time.perf_counter()
        try:
            choice = image_decode_choice(
                self.model, item.path, item.oriented_size, params,
                buffer=self._thread_buffer(), max_factor=vote.cap(),
            )  # fmt: skip
        except UNREADABLE_ERRORS as exc:
            vote.cast(None)
            return _unreadable(item, exc, started)
        except BaseException:
            vote.cast(None)
            raise
        vote.cast(choice.factor)
        elapsed = time.perf_counter() - started - choice.infer_s - choice.post_s
        return _Prepared(
            item, None, choice.frame, elapsed, prediction=choice.prediction,
            infer_s=choice.infer_s, post_s=choice.post_s,
        )  # fmt: skip

    def _thread_buffer(self) -> DecodeBuffer:
        buffer = getattr(self._buffers, "buffer", None)
        if buffer is None:
            buffer = self._buffers.buffer = DecodeBuffer()
        return buffer

    def _feed(
        self,
        items: Iterable[WorkItem | tuple],
        pool: ThreadPoolExecutor,
        pending: queue.Queue[Future[_Prepared] | _End],
        stop: threading.Event,
        params: PostParams,
    ) -> None:
        """Feeder thread: submit decode jobs in order; blocks while the queue is full.

        Without a fixed reduction the first images' jobs choose it
        (:meth:`_prepare_and_vote`); the others decode in full until it is chosen.
        """
        try:
            iterator = iter(items)
            first = [_as_item(raw) for raw in itertools.islice(iterator, CALIBRATION_IMAGES)]
            voters = first if self.decode_factor is None else []
            if voters:
                self._vote = _ReductionVote(len(voters))
            vote = self._vote
            plan = itertools.chain(
                ((item, True) for item in voters),
                ((item, False) for item in first[len(voters) :]),
                ((_as_item(raw), False) for raw in iterator),
            )
            for item, votes in plan:
                if stop.is_set():
                    return
                if votes:
                    future = pool.submit(self._prepare_and_vote, item, vote, params)
                else:
                    future = pool.submit(self._prepare, item, vote, params=params)
                if not _put(pending, future, stop):
                    future.cancel()
                    return
        except BaseException as exc:  # a lazy ``items`` failed: hand it to the consumer
            _put(pending, _End(exc), stop)
            return
        _put(pending, _End(), stop)

    def _next_batch(
        self, pending: queue.Queue[Future[_Prepared] | _End], should_cancel: Callable[[], bool]
    ) -> tuple[list[_Prepared], bool]:
        """Up to ``batch_size`` prepared images in order, and whether the input has ended."""
        batch: list[_Prepared] = []
        while len(batch) < self.batch_size:
            entry = _get(pending, should_cancel)
            if isinstance(entry, _End):
                if entry.error is not None:
                    raise entry.error
                return batch, True
            batch.append(_result(entry, should_cancel))
        return batch, False

    def _process(self, batch: list[_Prepared], params: PostParams) -> list[PrelabelResult]:
        """Run the decodable images of a batch through the model; keep failures in place.

        Images a worker already ran the model on keep its answer.
        """
        ok = [p for p in batch if p.canvas is not None and p.frame is not None]
        predictions: list[ImagePrediction] = []
        infer_s = post_s = 0.0
        if ok:
            canvases = [p.canvas for p in ok if p.canvas is not None]
            frames = [p.frame for p in ok if p.frame is not None]
            predictions, infer_s, post_s = self.model.run_batch(canvases, frames, params)
        shares = (infer_s / max(1, len(ok)), post_s / max(1, len(ok)))
        by_id = {id(p): (pred, *shares) for p, pred in zip(ok, predictions, strict=True)}
        results = []
        for p in batch:
            done = by_id.get(id(p))
            if p.prediction is not None:
                done = (p.prediction, p.infer_s, p.post_s)
            if done is None:
                timing = Timing(p.decode_s * 1000, 0.0, 0.0)
                results.append(PrelabelResult(p.item.key, [], timing, Counter(), p.error))
                continue
            pred, infer, post = done
            timing = Timing(p.decode_s * 1000, infer * 1000, post * 1000)
            results.append(
                PrelabelResult(p.item.key, pred.detections, timing, pred.dropped_unmapped)
            )
        return results


class _ReductionVote:
    """A run's decode reduction, chosen by its first images' jobs as they finish.

    The smallest reduction every readable voter allowed; decided as soon as one allows
    none (a full decode) or the last one has voted. None votes: unreadable images.
    """

    def __init__(self, voters: int) -> None:
        self._lock = threading.Lock()
        self._waiting = voters
        self._factors: list[int] = []
        self.factor = 1
        self.chosen = threading.Event()

    @classmethod
    def decided(cls, factor: int) -> _ReductionVote:
        """A vote already over: ``factor`` for every image."""
        vote = cls(0)
        vote.factor = factor
        vote.chosen.set()
        return vote

    def cap(self) -> int:
        """The largest reduction still worth trying (the smallest allowed so far)."""
        with self._lock:
            return min(self._factors, default=MAX_FACTOR)

    def cast(self, factor: int | None) -> None:
        """One voter's allowed reduction (None: it could not be read)."""
        with self._lock:
            if factor is not None:
                self._factors.append(factor)
            self._waiting -= 1
            if not self.chosen.is_set() and (factor == 1 or self._waiting <= 0):
                self.factor = min(self._factors, default=1)
                self.chosen.set()


def _workers_should_infer(model: Model, decode_threads: int) -> bool:
    """Whether a CPU run is best with each worker running the model (see the engine)."""
    return (
        model.info.provider == "CPUExecutionProvider"
        and (model.info.static_batch or 1) == 1  # a fixed batch would be padded per image
        and (os.cpu_count() or 1) <= decode_threads
    )


def _unreadable(item: WorkItem, exc: BaseException, started: float) -> _Prepared:
    """The result of an image that could not be read or decoded: its error, named."""
    message = str(exc) if isinstance(exc, ImageDecodeError) else f"{item.path}: {exc}"
    return _Prepared(item, None, None, time.perf_counter() - started, message)


def _as_item(raw: WorkItem | tuple) -> WorkItem:
    if isinstance(raw, WorkItem):
        return raw
    if isinstance(raw, tuple) and len(raw) in (2, 3):
        return WorkItem(*raw)
    raise TypeError(f"work items must be WorkItem or (key, path[, (w, h)]) tuples, got {raw!r}")


def _cancel_check(cancel: CancelCheck | None) -> Callable[[], bool]:
    if cancel is None:
        return lambda: False
    if isinstance(cancel, threading.Event):
        return cancel.is_set
    return cancel


def _put(pending: queue.Queue, entry: object, stop: threading.Event) -> bool:
    """Put into the bounded queue, giving up when ``stop`` is set."""
    while not stop.is_set():
        try:
            pending.put(entry, timeout=_POLL_S)
            return True
        except queue.Full:
            continue
    return False


def _get(pending: queue.Queue[_Entry], should_cancel: Callable[[], bool]) -> _Entry:
    while True:
        if should_cancel():
            raise _Cancelled
        try:
            return pending.get(timeout=_POLL_S)
        except queue.Empty:
            continue


def _result(future: Future[_Prepared], should_cancel: Callable[[], bool]) -> _Prepared:
    while True:
        if should_cancel():
            raise _Cancelled
        try:
            return future.result(timeout=_POLL_S)
        except FutureTimeout:
            continue


def _shutdown(
    stop: threading.Event,
    pending: queue.Queue,
    pool: ThreadPoolExecutor,
    feeder: threading.Thread,
) -> None:
    """Stop the feeder, drop queued work, and wait for running decodes to finish."""
    stop.set()
    while True:
        try:
            entry = pending.get_nowait()
        except queue.Empty:
            break
        if isinstance(entry, Future):
            entry.cancel()
    pool.shutdown(wait=True, cancel_futures=True)
    feeder.join(timeout=2.0)  # a blocked lazy ``items`` must not hang the caller
