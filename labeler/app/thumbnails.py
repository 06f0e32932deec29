"""Thumbnails for the image browser: made in the background, cached in memory and on disk.

Only rows the list actually paints ask for a thumbnail, so 100k images cost
nothing until scrolled to. A thumbnail is decoded at 1/8 scale (JPEG), shrunk
to :data:`THUMB_SIZE` and written to the user's cache folder keyed by the
image's content hash, so the next session reads a few KB instead of decoding.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from pathlib import Path

import cv2
from PySide6.QtCore import QObject, QRunnable, QStandardPaths, QThreadPool, Signal
from PySide6.QtGui import QImage

from labeler.app.image_loader import numpy_to_qimage
from labeler.core.errors import BadImageError
from labeler.core.images import decode_image

THUMB_SIZE = 96
MAX_PENDING = 48


def default_cache_dir() -> Path:
    """``<user cache>/thumbnails`` (XDG cache on Linux)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.GenericCacheLocation)
    return Path(base or Path.home() / ".cache") / "labeler" / "thumbnails"


def make_thumbnail(path: Path, cache_file: Path | None, size: int = THUMB_SIZE) -> QImage:
    """The thumbnail of ``path``, read from ``cache_file`` if there, else made and saved there."""
    if cache_file is not None and cache_file.is_file():
        cached = QImage(os.fspath(cache_file))
        if not cached.isNull():
            return cached
    reduce = 8 if path.suffix.lower() in (".jpg", ".jpeg") else 1
    bgr = decode_image(path, reduce)
    height, width = bgr.shape[:2]
    scale = size / max(width, height)
    if scale < 1:
        new_size = (max(1, round(width * scale)), max(1, round(height * scale)))
        bgr = cv2.resize(bgr, new_size, interpolation=cv2.INTER_AREA)
    if cache_file is not None:
        try:
            cache_file.parent.mkdir(parents=True, exist_ok=True)
            tmp = cache_file.with_suffix(".tmp.jpg")
            if cv2.imwrite(os.fspath(tmp), bgr, [cv2.IMWRITE_JPEG_QUALITY, 85]):
                tmp.replace(cache_file)
        except OSError:
            pass  # a read-only cache folder only costs speed
    return numpy_to_qimage(bgr)


class _ThumbSignals(QObject):
    ready = Signal(int, QImage)
    failed = Signal(int)


class _ThumbTask(QRunnable):
    def __init__(
        self, image_id: int, path: Path, cache_file: Path | None, signals: _ThumbSignals
    ) -> None:
        super().__init__()
        self.setAutoDelete(False)
        self.image_id, self.path, self.cache_file, self.signals = (
            image_id,
            path,
            cache_file,
            signals,
        )

    def run(self) -> None:
        try:
            image = make_thumbnail(self.path, self.cache_file)
        except (BadImageError, OSError, cv2.error):
            self.signals.failed.emit(self.image_id)
        else:
            self.signals.ready.emit(self.image_id, image)


class ThumbnailCache(QObject):
    """Thumbnails by image id; ``thumbnailReady(image_id)`` when one arrives."""

    thumbnailReady = Signal(int)

    def __init__(
        self, cache_dir: Path | None = None, parent: QObject | None = None, capacity: int = 500
    ) -> None:
        super().__init__(parent)
        self.cache_dir = cache_dir
        self.capacity = capacity
        self._images: OrderedDict[int, QImage] = OrderedDict()
        self._failed: set[int] = set()
        self._pending: OrderedDict[int, _ThumbTask] = OrderedDict()
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._signals = _ThumbSignals(self)
        self._signals.ready.connect(self._on_ready)
        self._signals.failed.connect(self._on_failed)

    def cached(self, image_id: int) -> QImage | None:
        """The thumbnail if it was made already (never starts work)."""
        image = self._images.get(image_id)
        if image is not None:
            self._images.move_to_end(image_id)
        return image

    def wanted(self, image_id: int) -> bool:
        """True if asking for this thumbnail would start work (not made, queued or failed)."""
        return (
            image_id not in self._images
            and image_id not in self._failed
            and image_id not in self._pending
        )

    def thumbnail(self, image_id: int, sha256: str, path: Path) -> QImage | None:
        """The thumbnail if made; otherwise None and it is made in the background."""
        image = self.cached(image_id)
        if image is not None or not self.wanted(image_id):
            return image
        cache_file = self.cache_dir / sha256[:2] / f"{sha256}.jpg" if self.cache_dir else None
        task = _ThumbTask(image_id, path, cache_file, self._signals)
        self._pending[image_id] = task
        self._pool.start(task, len(self._pending))  # newest request (visible now) first
        while len(self._pending) > MAX_PENDING:
            old_id, old_task = next(iter(self._pending.items()))
            if not self._pool.tryTake(old_task):
                break
            del self._pending[old_id]
        return None

    def shutdown(self) -> None:
        """Drop queued work and wait for the running task."""
        self._pool.clear()
        self._pool.waitForDone(5000)
        self._pending.clear()

    def _on_ready(self, image_id: int, image: QImage) -> None:
        self._pending.pop(image_id, None)
        self._images[image_id] = image
        while len(self._images) > self.capacity:
            self._images.popitem(last=False)
        self.thumbnailReady.emit(image_id)

    def _on_failed(self, image_id: int) -> None:
        self._pending.pop(image_id, None)
        self._failed.add(image_id)
        self.thumbnailReady.emit(image_id)
