"""Image embeddings of promptable segmenters, cached in memory (LRU) and on disk.

Keyed by (image sha256, model sha256): the same picture under another path hits, another
model misses. The disk cache sits beside the project, never inside its file:
``<project stem>.cache/embeddings/<model sha256[:16]>/<image sha256>.npz`` (a vendor
package may carry that folder). Files are written under a scratch name and renamed into
place, so a crash leaves no half-written entry (:mod:`labeler.core.scratch`).

Thread-safe: the GUI encodes on a worker thread while the canvas decodes. Two threads asking
for the same missing embedding encode it once (the second waits for the first).
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from labeler.core.scratch import scratch_file, sweep_stale

if TYPE_CHECKING:
    from inference.segmentation import ImageEmbedding

DEFAULT_MEMORY_ENTRIES = 3
Key = tuple[str, str]  # (image sha256, model sha256)


def project_cache_dir(project_path: Path) -> Path:
    """``<project folder>/<project stem>.cache/embeddings`` for a project file."""
    project_path = Path(project_path)
    return project_path.with_name(f"{project_path.stem}.cache") / "embeddings"


@dataclass
class CacheStats:
    """How requests were answered since the cache was made."""

    memory_hits: int = 0
    disk_hits: int = 0
    encoded: int = 0
    disk_errors: int = 0


class EmbeddingCache:
    """An in-memory LRU of ``memory_entries`` embeddings over an optional disk folder."""

    def __init__(
        self, folder: Path | None = None, memory_entries: int = DEFAULT_MEMORY_ENTRIES
    ) -> None:
        if memory_entries < 0:
            raise ValueError(f"memory_entries must be >= 0, got {memory_entries}")
        self.folder = Path(folder) if folder is not None else None
        self.memory_entries = memory_entries
        self.stats = CacheStats()
        self._memory: OrderedDict[Key, ImageEmbedding] = OrderedDict()
        self._lock = threading.Lock()
        self._pending: dict[Key, threading.Lock] = {}
        self._swept: set[Path] = set()

    @classmethod
    def for_project(
        cls, project_path: Path, memory_entries: int = DEFAULT_MEMORY_ENTRIES
    ) -> EmbeddingCache:
        """A cache whose disk part is :func:`project_cache_dir` of the project."""
        return cls(project_cache_dir(project_path), memory_entries)

    def path_for(self, image_sha256: str, model_sha256: str) -> Path | None:
        """Where the embedding is (or would be) stored on disk; None without a folder."""
        if self.folder is None:
            return None
        return self.folder / model_sha256[:16] / f"{image_sha256}.npz"

    def in_memory(self, image_sha256: str, model_sha256: str) -> bool:
        """Whether the embedding is held in memory now."""
        with self._lock:
            return (image_sha256, model_sha256) in self._memory

    def contains(self, image_sha256: str, model_sha256: str) -> bool:
        """Whether the embedding is in memory or on disk."""
        path = self.path_for(image_sha256, model_sha256)
        return self.in_memory(image_sha256, model_sha256) or bool(path and path.is_file())

    def get(self, image_sha256: str, model_sha256: str) -> ImageEmbedding | None:
        """The cached embedding (memory, then disk), or None."""
        return self._lookup((image_sha256, model_sha256))[0]

    def _lookup(self, key: Key) -> tuple[ImageEmbedding | None, str]:
        with self._lock:
            found = self._memory.get(key)
            if found is not None:
                self._memory.move_to_end(key)
                self.stats.memory_hits += 1
                return found, "memory"
        loaded = self._load(key)
        if loaded is None:
            return None, ""
        with self._lock:
            self.stats.disk_hits += 1
            self._remember(key, loaded)
        return loaded, "disk"

    def put(self, image_sha256: str, embedding: ImageEmbedding) -> None:
        """Keep ``embedding`` in memory and write it to disk (if the cache has a folder)."""
        key = (image_sha256, embedding.model_sha256)
        with self._lock:
            self._remember(key, embedding)
        self._store(key, embedding)

    def get_or_encode(
        self, image_sha256: str, model_sha256: str, encode: Callable[[], ImageEmbedding]
    ) -> tuple[ImageEmbedding, str]:
        """The embedding and where it came from: ``"memory"``, ``"disk"`` or ``"encoded"``.

        ``encode`` runs at most once per key at a time; its embedding must be of
        ``model_sha256``.
        """
        key = (image_sha256, model_sha256)
        with self._lock:
            gate = self._pending.setdefault(key, threading.Lock())
        try:
            with gate:
                found, source = self._lookup(key)
                if found is not None:
                    return found, source
                embedding = encode()
                if embedding.model_sha256 != model_sha256:
                    raise ValueError("encode() returned an embedding of another model")
                with self._lock:
                    self.stats.encoded += 1
                self.put(image_sha256, embedding)
                return embedding, "encoded"
        finally:
            with self._lock:
                if self._pending.get(key) is gate and not gate.locked():
                    del self._pending[key]

    def forget_memory(self) -> None:
        """Drop the in-memory entries (the disk cache stays)."""
        with self._lock:
            self._memory.clear()

    def _remember(self, key: Key, embedding: ImageEmbedding) -> None:
        if self.memory_entries == 0:
            return
        self._memory[key] = embedding
        self._memory.move_to_end(key)
        while len(self._memory) > self.memory_entries:
            self._memory.popitem(last=False)

    def _load(self, key: Key) -> ImageEmbedding | None:
        path = self.path_for(*key)
        if path is None or not path.is_file():
            return None
        from inference.segmentation import ImageEmbedding

        try:
            embedding = ImageEmbedding.load(path)
        except (OSError, ValueError, KeyError, EOFError):
            with self._lock:
                self.stats.disk_errors += 1
            return None  # unreadable or truncated: encoded again and overwritten
        if embedding.model_sha256 != key[1]:
            return None
        return embedding

    def _store(self, key: Key, embedding: ImageEmbedding) -> None:
        path = self.path_for(*key)
        if path is None:
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.parent not in self._swept:
            self._swept.add(path.parent)
            sweep_stale(path.parent)
        temp = scratch_file(path.parent, "embedding", suffix=".npz")
        try:
            with open(temp, "wb") as out:
                embedding.write(out)
            os.replace(temp, path)
        except BaseException:
            temp.unlink(missing_ok=True)
            raise
