"""Unique export file names for a million images without a name per image in memory.

:func:`labeler.core.export.model.unique_names` gives an image its file name, or
``stem-ID.suffix`` when that name (compared case-insensitively) is shared or already
taken by an image before it. Almost every image keeps its own name, so
:func:`renamed_images` finds only the renamed ones, exactly as ``unique_names`` names
them: one 64-bit hash per image finds the shared names, and only images whose
names hash alike are ever compared as text (their paths read back by id).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Iterable

import numpy as np

from labeler.core.export.model import split_name


class _Hashes:
    """The images' lower-case file names as sorted hashes, for lookups by name."""

    def __init__(self, ids: np.ndarray, hashes: np.ndarray) -> None:
        order = np.argsort(hashes, kind="stable")
        self.ids = ids[order]
        self.sorted = hashes[order]

    def ids_named(self, lowered: str) -> np.ndarray:
        """Ids whose name hashes as ``lowered`` does (a superset of those named so)."""
        h = np.int64(hash(lowered))
        lo = int(np.searchsorted(self.sorted, h, side="left"))
        hi = int(np.searchsorted(self.sorted, h, side="right"))
        return self.ids[lo:hi]

    def shared(self) -> np.ndarray:
        """Ids whose hash another image has too (every shared name is among them)."""
        same = self.sorted[1:] == self.sorted[:-1]
        mask = np.zeros(len(self.sorted), dtype=bool)
        mask[1:] |= same
        mask[:-1] |= same
        return self.ids[mask]


def renamed_images(
    paths: Iterable[tuple[int, str]], path_of: Callable[[list[int]], dict[int, str]]
) -> dict[int, str]:
    """The images :func:`~labeler.core.export.model.unique_names` renames, with their names.

    ``paths``: every image's ``(id, stored path)`` in id order, read once; ``path_of``
    gives the paths of a few ids again. Every other image keeps its own file name.
    """
    id_list: list[int] = []
    hash_list: list[int] = []
    for image_id, path in paths:
        stem, suffix = split_name(path)
        id_list.append(image_id)
        hash_list.append(hash((stem + suffix).lower()))
    hashes = _Hashes(np.array(id_list, dtype=np.int64), np.array(hash_list, dtype=np.int64))
    del id_list, hash_list
    names = _Names(hashes, path_of)
    return names.resolve()


class _Names:
    """The renaming loop of ``unique_names``, run only over images it could rename."""

    def __init__(
        self, hashes: _Hashes, path_of: Callable[[list[int]], dict[int, str]]
    ) -> None:
        self._hashes, self._path_of = hashes, path_of
        self._parts: dict[int, tuple[str, str]] = {}
        self.renamed: dict[int, str] = {}
        self._taken: set[str] = set()  # lower-case names given to renamed images so far
        candidates = [int(i) for i in hashes.shared()]
        self._fetch(candidates)
        counts: dict[str, int] = {}
        for image_id in candidates:
            key = self._lower(image_id)
            counts[key] = counts.get(key, 0) + 1
        self._shared = {i for i in candidates if counts[self._lower(i)] > 1}

    def _fetch(self, ids: list[int]) -> None:
        missing = [i for i in ids if i not in self._parts]
        if missing:
            for image_id, path in self._path_of(missing).items():
                self._parts[image_id] = split_name(path)

    def _lower(self, image_id: int) -> str:
        stem, suffix = self._parts[image_id]
        return (stem + suffix).lower()

    def _used(self, lowered: str, before: int) -> bool:
        """Whether an image with a smaller id than ``before`` already has this name."""
        if lowered in self._taken:
            return True
        same = [int(i) for i in self._hashes.ids_named(lowered) if i < before]
        self._fetch(same)
        return any(i not in self.renamed and self._lower(i) == lowered for i in same)

    def resolve(self) -> dict[int, str]:
        """Visit, in id order, every image that is or may be renamed."""
        queue = sorted(self._shared)
        seen: set[int] = set()
        while queue:
            image_id = heapq.heappop(queue)
            if image_id in seen:
                continue
            seen.add(image_id)
            stem, suffix = self._parts[image_id]
            name = stem + suffix
            if image_id not in self._shared and not self._used(name.lower(), image_id):
                continue  # keeps its own name
            name = f"{stem}-{image_id}{suffix}"
            while self._used(name.lower(), image_id):
                stem = f"{stem}-{image_id}"
                name = f"{stem}{suffix}"
            self.renamed[image_id] = name
            self._taken.add(name.lower())
            # a later image of this name is renamed in its turn
            later = [int(i) for i in self._hashes.ids_named(name.lower()) if i > image_id]
            self._fetch(later)
            for other in later:
                heapq.heappush(queue, other)
        return self.renamed
