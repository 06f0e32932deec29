"""Memory of long passes: freed pages back to the system, and the garbage collector's share."""

from __future__ import annotations

import functools
import gc
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@functools.cache
def _malloc_trim() -> Callable[[int], int] | None:
    """The C library's ``malloc_trim`` (glibc), looked up on first use (ctypes: ~10 ms)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    try:
        trim: Callable[[int], int] = ctypes.CDLL("libc.so.6").malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc (musl): nothing to do
        return None


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc ``malloc_trim``).

    A run of images frees most of what it allocated, but the heap keeps the pages,
    so the process would grow by a run's worth per run; elsewhere this does nothing.
    """
    trim = _malloc_trim()
    if trim is not None:
        trim(0)


# A young generation this big is collected once per 100k new containers, not per 700;
# the middle one once per 1,000 of those; the oldest never by count.
ONE_SHOT_THRESHOLDS = (100_000, 1_000, 1_000_000_000)


@contextmanager
def one_shot_collection() -> Iterator[None]:
    """Garbage collection tuned for a command whose objects mostly live until it ends.

    Python's collector re-scans every live container each time the oldest
    generation is collected; building a million images' consensus keeps tens of
    millions alive, and those scans took about a third of the time (1M-image
    consensus: 99 s without them, over 150 s with the default thresholds). Inside
    the block the objects alive at its start are frozen (never scanned again),
    the young generations are collected rarely, so cycles that die young are
    still freed, and the oldest not at all; the thresholds are restored after.
    """
    before = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(*ONE_SHOT_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
        gc.unfreeze()
