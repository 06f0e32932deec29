"""Working time per image: counts active time, not time the window sat idle.

Plain Python (no Qt) so it is tested with a fake clock. The workspace calls
:meth:`TimeTracker.touch` on user input, :meth:`TimeTracker.switch` when the
image changes and :meth:`TimeTracker.take` on a timer, then writes what it got
with ``project.add_image_time`` (one small transaction), so a crash loses at
most one flush interval.
"""

from __future__ import annotations

import time
from collections.abc import Callable

# A gap without input longer than this counts as this much (the person looked away).
IDLE_LIMIT_S = 60.0


class TimeTracker:
    """Accumulates active seconds on the current image."""

    def __init__(
        self, clock: Callable[[], float] = time.monotonic, idle_limit: float = IDLE_LIMIT_S
    ) -> None:
        self._clock = clock
        self.idle_limit = idle_limit
        self.image_id: int | None = None
        self._last = clock()
        self._seconds = 0.0

    def touch(self) -> None:
        """Record user activity now."""
        now = self._clock()
        self._seconds += min(now - self._last, self.idle_limit)
        self._last = now

    def take(self) -> tuple[int | None, float]:
        """The image and the seconds accumulated since the last take (reset to zero)."""
        self.touch()
        seconds, self._seconds = self._seconds, 0.0
        return self.image_id, seconds

    def switch(self, image_id: int | None) -> tuple[int | None, float]:
        """Start timing ``image_id``; returns what the previous image accumulated."""
        previous = self.take()
        self.image_id = image_id
        return previous

    def since_last_touch(self) -> float:
        """Seconds since the last recorded activity."""
        return self._clock() - self._last
