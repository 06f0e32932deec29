"""Matching another tool's image references to project images, in memory.

:class:`ImageIndex` answers exactly what
:meth:`~labeler.core.store.image_records.ImageRecordStore.find_image` answers,
but from one read of every image record, so matching the images of a file that
lists 100,000 of them costs a dictionary lookup each instead of a table scan.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import PurePosixPath

from labeler.core.domain import ImageRecord


class ImageIndex:
    """Project images by file name and stem, for :meth:`find`."""

    def __init__(self, records: Iterable[ImageRecord]) -> None:
        self._by_name: dict[str, list[tuple[tuple[str, ...], ImageRecord]]] = {}
        self._by_stem: dict[str, list[ImageRecord]] = {}
        for record in records:
            posix = PurePosixPath(record.path)
            self._by_name.setdefault(posix.name, []).append((posix.parts, record))
            if posix.suffix:
                self._by_stem.setdefault(posix.stem, []).append(record)

    def find(self, ref: str) -> ImageRecord | None:
        """The one image ``ref`` (a path, file name or stem) points to, or None.

        The longest matching path suffix wins, so ``a/x.jpg`` and ``b/x.jpg`` stay
        distinct; failing that, a unique file stem; an ambiguous reference matches
        nothing. Backslashes count as folder separators.
        """
        posix = PurePosixPath(ref.replace("\\", "/"))
        candidates = self._by_name.get(posix.name, [])
        for depth in range(len(posix.parts), 0, -1):
            suffix = posix.parts[-depth:]
            found = [record for parts, record in candidates if parts[-depth:] == suffix]
            if len(found) == 1:
                return found[0]
            if found:
                return None
        stems = self._by_stem.get(posix.stem, [])
        return stems[0] if len(stems) == 1 else None
