"""Scratch storage for a streaming export: text parts and spilled selections.

A file whose sections come in another order than the images are read (COCO lists
every image before any annotation; one list file per split) is written as parts
that are joined once every image has been seen. Selections made in the first pass
are pickled a run of images at a time and read back in the same order, so the
whole project's objects are never in memory together. Both live in anonymous
temporary files, gone when closed (or when the process ends).
"""

from __future__ import annotations

import pickle
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

READ_BLOCK = 1 << 20  # characters of a part read back at a time


class TextParts:
    """Named text parts, appended to in any order and read back whole, piece by piece."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._files: dict[str, IO[str]] = {}

    def append(self, name: str, text: str) -> None:
        """Add ``text`` to the end of part ``name`` (created on first use)."""
        if not text:
            return
        part = self._files.get(name)
        if part is None:
            part = tempfile.TemporaryFile(  # noqa: SIM115 (closed by close())
                "w+", encoding="utf-8", newline="", dir=self._folder, prefix=".part-"
            )
            self._files[name] = part
        part.write(text)

    def read(self, name: str) -> Iterator[str]:
        """The text of part ``name`` (nothing if it was never written), a block at a time."""
        part = self._files.get(name)
        if part is None:
            return
        part.seek(0)
        while block := part.read(READ_BLOCK):
            yield block

    def close(self) -> None:
        """Remove every part."""
        for part in self._files.values():
            part.close()
        self._files.clear()


class Spill:
    """Python values written one after another and read back in the same order."""

    def __init__(self, folder: Path | None = None) -> None:
        # closed by close(), not a with block: the spill outlives this call
        self._file: IO[bytes] = tempfile.TemporaryFile(  # noqa: SIM115
            dir=folder, prefix=".spill-"
        )
        self._count = 0

    def __len__(self) -> int:
        return self._count

    def add(self, value: Any) -> None:
        """Append one value (pickled)."""
        pickle.dump(value, self._file, protocol=pickle.HIGHEST_PROTOCOL)
        self._count += 1

    def values(self) -> Iterator[Any]:
        """Every value in the order added (one in memory at a time)."""
        self._file.flush()
        self._file.seek(0)
        for _ in range(self._count):
            yield pickle.load(self._file)  # our own file, written just now
        self._file.seek(0, 2)

    def close(self) -> None:
        """Remove the file."""
        self._file.close()
