"""Temporary files and folders that a crash cannot leave behind for good.

Exports, reports and packages are written beside their destination under a
temporary name and renamed into place when complete. A SIGKILL or a power cut
between the two leaves that temporary entry, so every one is named
``.labeler-tmp-<purpose>-<pid>-<random>``: the next operation in that folder
(:func:`sweep_stale`) removes the entries whose process no longer runs.

Removing a big folder (a killed export of a million label files took 197 s)
must not hold up the command that found it: :func:`discard` renames it to a
``trash`` entry of this process, which claims it atomically, and deletes it on
a background thread; what is left when the process ends is a stale entry like
any other, and the next sweep goes on with it.
"""

from __future__ import annotations

import atexit
import os
import re
import secrets
import shutil
import tempfile
import threading
import time
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


def scratch_name(parent: Path, purpose: str) -> Path:
    """A new scratch name in ``parent`` owned by this process, not created: a rename target."""
    return parent / f"{PREFIX}{purpose}-{os.getpid()}-{secrets.token_hex(6)}"


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
                discard(entry)
            else:
                entry.unlink()
        except OSError:
            continue
        removed.append(entry)
    return removed


DISCARD_WAIT_S = 0.25  # a folder gone within this is gone before discard returns
EXIT_WAIT_S = 1.0  # what a process's end waits for its unfinished discards, in all
_discarding: list[threading.Thread] = []


def discard(folder: Path, wait_s: float = DISCARD_WAIT_S) -> None:
    """Delete ``folder`` and everything in it, without holding the caller up for long.

    The folder is renamed to a trash entry of this process first (raises
    ``OSError`` when it cannot be), so it is gone from its name at once and no
    other process starts on it; the deletion runs on a background thread, and
    this returns when it is done or after ``wait_s``.
    """
    trash = scratch_name(folder.parent, "trash")
    folder.rename(trash)
    worker = threading.Thread(
        target=shutil.rmtree,
        args=(trash,),
        kwargs={"ignore_errors": True},
        name="labeler-discard",
        daemon=True,
    )
    worker.start()
    worker.join(wait_s)
    if worker.is_alive():
        _discarding.append(worker)


def wait_for_discards(timeout_s: float | None = None) -> bool:
    """Wait for this process's background deletions; True when none is left."""
    deadline = None if timeout_s is None else time.monotonic() + timeout_s
    for worker in list(_discarding):
        left = None if deadline is None else max(0.0, deadline - time.monotonic())
        worker.join(left)
    _discarding[:] = [w for w in _discarding if w.is_alive()]
    return not _discarding


atexit.register(wait_for_discards, EXIT_WAIT_S)


@contextmanager
def scratch_space(parent: Path, purpose: str) -> Iterator[Path]:
    """A scratch folder for the duration of a ``with`` block (stale ones swept first)."""
    sweep_stale(parent)
    folder = scratch_dir(parent, purpose)
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)
