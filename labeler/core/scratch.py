"""Temporary files and folders that a crash cannot leave behind for good.

Exports, reports and packages are written beside their destination under a
temporary name and renamed into place when complete. A SIGKILL or a power cut
between the two leaves that temporary entry, so every one is named
``.labeler-tmp-<purpose>-<pid>-<random>``: the next operation in that folder
(:func:`sweep_stale`) removes the entries whose process no longer runs.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PREFIX = ".labeler-tmp-"
_NAME = re.compile(r"^\.labeler-tmp-([a-z_]+)-(\d+)-")


def scratch_dir(parent: Path, purpose: str) -> Path:
    """A new empty folder in ``parent`` owned by this process (``purpose``: a-z and _)."""
    return Path(tempfile.mkdtemp(prefix=f"{PREFIX}{purpose}-{os.getpid()}-", dir=parent))


def scratch_file(parent: Path, purpose: str, suffix: str = "") -> Path:
    """A new empty file in ``parent`` owned by this process; the caller renames or removes it.

    It gets an ordinary new file's mode (0644), not ``mkstemp``'s owner-only one, since
    it becomes the user's file once renamed.
    """
    handle, name = tempfile.mkstemp(
        prefix=f"{PREFIX}{purpose}-{os.getpid()}-", suffix=suffix, dir=parent
    )
    try:
        os.fchmod(handle, 0o644)
    finally:
        os.close(handle)
    return Path(name)


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def sweep_stale(parent: Path) -> list[Path]:
    """Remove the scratch entries in ``parent`` left by processes that have ended.

    Never raises: a folder that cannot be listed or an entry that cannot be
    removed is left as it is. Returns what was removed.
    """
    removed: list[Path] = []
    try:
        entries = list(Path(parent).iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _NAME.match(entry.name)
        if match is None or _alive(int(match.group(2))):
            continue
        try:
            if entry.is_dir() and not entry.is_symlink():
                shutil.rmtree(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


@contextmanager
def scratch_space(parent: Path, purpose: str) -> Iterator[Path]:
    """A scratch folder for the duration of a ``with`` block (stale ones swept first)."""
    sweep_stale(parent)
    folder = scratch_dir(parent, purpose)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
