"""Decoding images off the GUI thread, with a byte-bounded cache and prefetch of neighbours.

Decoding a 12-megapixel JPEG takes 55-200 ms, so it never happens on the GUI
thread: workers decode through :func:`labeler.core.images.decode_image` (the one
decode path, EXIF orientation applied), shrink the result to the size it will
have on screen, convert it to a ``QImage`` (copied off the numpy buffer) and
hand it over by a queued signal. The fit view thus gets a reduced JPEG decode
(``IMREAD_REDUCED_COLOR_2/4/8``) resized to the exact fit size, which paints as
a plain blit; larger sizes, up to full resolution, are decoded only when the
user zooms in. The cache is bounded in bytes, so paging through thousands of
images keeps memory flat.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np
from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal
from PySide6.QtGui import QImage

from labeler.core.errors import BadImageError
from labeler.core.images import decode_image

DEFAULT_CACHE_BYTES = 256 * 1024 * 1024
_REDUCIBLE = frozenset({".jpg", ".jpeg"})


def numpy_to_qimage(bgr: np.ndarray) -> QImage:
    """A ``QImage`` (RGB32, the raster engine's native format) owning a copy of BGR pixels."""
    if bgr.ndim == 2:
        bgr = cv2.cvtColor(bgr, cv2.COLOR_GRAY2BGR)
    bgra = cv2.cvtColor(bgr, cv2.COLOR_BGR2BGRA)
    height, width = bgra.shape[:2]
    image = QImage(bgra.data, width, height, bgra.strides[0], QImage.Format.Format_RGB32)
    return image.copy()  # own the pixels: the numpy buffer dies with this frame


def reduction_for_width(path: Path, full_width: int, width: int) -> int:
    """The largest decode reduction whose result is still at least ``width`` pixels wide.

    Only JPEG decodes faster when reduced (other formats decode fully, then shrink).
    """
    if path.suffix.lower() not in _REDUCIBLE:
        return 1
    best = 1
    for factor in (2, 4, 8):
        if full_width // factor >= width:
            best = factor
    return best


@dataclass(frozen=True)
class ImageRequest:
    """One image to decode: which record and file, and the pixel size wanted.

    ``size`` is the output size (the full size for full resolution, the on-screen
    size for the fit view); ``reduce`` is the JPEG decode reduction that gets
    there fastest.
    """

    image_id: int
    path: Path
    size: tuple[int, int]
    reduce: int = 1

    @classmethod
    def for_width(
        cls, image_id: int, path: Path, full: tuple[int, int], width: int
    ) -> ImageRequest:
        """A request for the image ``width`` pixels wide (never wider than the file)."""
        width = max(1, min(int(width), full[0]))
        height = max(1, round(full[1] * width / full[0]))
        if width == full[0]:
            height = full[1]
        return cls(image_id, path, (width, height), reduction_for_width(path, full[0], width))


def decode_request(request: ImageRequest) -> QImage:
    """Decode (reduced) and shrink to the requested size; raises BadImageError."""
    bgr = decode_image(request.path, request.reduce)
    height, width = bgr.shape[:2]
    if (width, height) != request.size:
        smaller = request.size[0] < width
        interpolation = cv2.INTER_AREA if smaller else cv2.INTER_LINEAR
        bgr = cv2.resize(bgr, request.size, interpolation=interpolation)
    return numpy_to_qimage(bgr)


class _DecodeSignals(QObject):
    decoded = Signal(int, int, QImage)
    failed = Signal(int, int, str)


class _DecodeTask(QRunnable):
    def __init__(self, request: ImageRequest, signals: _DecodeSignals) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.request = request
        self.signals = signals

    def run(self) -> None:
        request = self.request
        width = request.size[0]
        try:
            image = decode_request(request)
        except BadImageError as exc:
            self.signals.failed.emit(request.image_id, width, _missing_message(exc))
        except Exception as exc:  # keep going: one bad file must not stop the loader
            message = QCoreApplication.translate(
                "ImageLoader", "{path}: cannot decode ({error})"
            ).format(path=request.path, error=f"{type(exc).__name__}: {exc}")
            self.signals.failed.emit(request.image_id, width, message)
        else:
            self.signals.decoded.emit(request.image_id, width, image)


def _missing_message(exc: BadImageError) -> str:
    if not exc.path.exists():
        return QCoreApplication.translate(
            "ImageLoader",
            "Image file not found: {path}\n(moved, renamed, or on a drive that is not mounted)",
        ).format(path=exc.path)
    return QCoreApplication.translate("ImageLoader", "Cannot show image {path}: {reason}").format(
        path=exc.path, reason=exc.reason
    )


class ImageLoader(QObject):
    """Decodes images on a small thread pool and caches them by ``(image_id, width)``.

    ``imageReady(image_id, width, image)`` and ``imageFailed(image_id, message)``
    arrive on the GUI thread. Prefetches are dropped when no longer wanted.
    """

    imageReady = Signal(int, int, QImage)
    imageFailed = Signal(int, str)

    def __init__(
        self, parent: QObject | None = None, max_bytes: int = DEFAULT_CACHE_BYTES, threads: int = 2
    ) -> None:
        super().__init__(parent)
        self.max_bytes = max_bytes
        self._cache: OrderedDict[tuple[int, int], QImage] = OrderedDict()
        self._bytes = 0
        self._pending: dict[tuple[int, int], _DecodeTask] = {}
        self._errors: dict[int, str] = {}
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(threads)
        self._signals = _DecodeSignals(self)
        self._signals.decoded.connect(self._on_decoded)
        self._signals.failed.connect(self._on_failed)

    @property
    def cached_bytes(self) -> int:
        """Bytes of decoded pixels held in the cache."""
        return self._bytes

    def cached(self, image_id: int, min_width: int = 1) -> QImage | None:
        """The smallest cached image of ``image_id`` at least ``min_width`` wide, or None."""
        widths = sorted(w for (i, w) in self._cache if i == image_id and w >= min_width)
        if not widths:
            return None
        key = (image_id, widths[0])
        self._cache.move_to_end(key)
        return self._cache[key]

    def error(self, image_id: int) -> str | None:
        """The message of the last failed decode of this image, if it failed."""
        return self._errors.get(image_id)

    def request(self, request: ImageRequest, priority: int = 10) -> QImage | None:
        """Return the image if cached; otherwise decode it in the background (signal later)."""
        image = self.cached(request.image_id, request.size[0])
        if image is not None:
            return image
        key = (request.image_id, request.size[0])
        pending = self._pending.get(key)
        if pending is not None:
            if priority > 0 and self._pool.tryTake(pending):
                self._pool.start(pending, priority)
            return None
        task = _DecodeTask(request, self._signals)
        self._pending[key] = task
        self._pool.start(task, priority)
        return None

    def prefetch(self, requests: list[ImageRequest]) -> None:
        """Decode these in the background; queued prefetches not in the list are dropped."""
        wanted = {(r.image_id, r.size[0]) for r in requests}
        for key, task in list(self._pending.items()):
            if key not in wanted and self._pool.tryTake(task):
                del self._pending[key]
        for request in requests:
            self.request(request, priority=0)

    def forget(self, image_id: int) -> None:
        """Drop every cached size of an image (its file changed or went away)."""
        for key in [k for k in self._cache if k[0] == image_id]:
            self._bytes -= self._cache.pop(key).sizeInBytes()
        self._errors.pop(image_id, None)

    def clear(self) -> None:
        """Empty the cache (queued and running decodes still report back)."""
        self._cache.clear()
        self._bytes = 0
        self._errors.clear()

    def shutdown(self) -> None:
        """Drop queued work and wait for running decodes."""
        self._pool.clear()
        self._pool.waitForDone(5000)
        self._pending.clear()

    def _on_decoded(self, image_id: int, width: int, image: QImage) -> None:
        self._pending.pop((image_id, width), None)
        self._errors.pop(image_id, None)
        self._store((image_id, width), image)
        self.imageReady.emit(image_id, width, image)

    def _on_failed(self, image_id: int, width: int, message: str) -> None:
        self._pending.pop((image_id, width), None)
        self._errors[image_id] = message
        self.imageFailed.emit(image_id, message)

    def _store(self, key: tuple[int, int], image: QImage) -> None:
        old = self._cache.pop(key, None)
        if old is not None:
            self._bytes -= old.sizeInBytes()
        self._cache[key] = image
        self._bytes += image.sizeInBytes()
        while self._bytes > self.max_bytes and len(self._cache) > 1:
            _, evicted = self._cache.popitem(last=False)
            self._bytes -= evicted.sizeInBytes()
