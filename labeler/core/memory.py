"""Giving a long pass's freed memory back to the system between its runs."""

from __future__ import annotations

import ctypes
import ctypes.util
import sys
from collections.abc import Callable


def _malloc_trim() -> Callable[[int], int] | None:
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        trim: Callable[[int], int] = libc.malloc_trim
        return trim
    except (OSError, AttributeError):  # not glibc (macOS, Windows, musl): nothing to do
        return None


_TRIM = _malloc_trim() if sys.platform.startswith("linux") else None


def release_free_memory() -> None:
    """Hand the C heap's free pages back to the system (glibc ``malloc_trim``).

    A run of images frees most of what it allocated, but the heap keeps the pages,
    so the process would grow by a run's worth per run; elsewhere this does nothing.
    """
    if _TRIM is not None:
        _TRIM(0)
