"""How many alerts one incoming webhook may post in a window of time.

A SIEM stuck in a loop must not bury the lab in cases; past the limit the
listener answers 429 with Retry-After, and a well-behaved sender waits.
"""

from __future__ import annotations

import collections
import math
import time
from collections.abc import Callable

DEFAULT_PER_MINUTE = 120
WINDOW_SECONDS = 60.0


class RateLimiter:
    """A sliding window of accepted request times per key."""

    def __init__(
        self,
        per_window: int = DEFAULT_PER_MINUTE,
        window_seconds: float = WINDOW_SECONDS,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._limit = per_window
        self._window = window_seconds
        self._now = monotonic
        self._seen: dict[str, collections.deque[float]] = {}

    def wait_needed(self, key: str) -> float:
        """0 when a request for `key` may go ahead (and counts it), else the
        seconds until one may."""
        now = self._now()
        seen = self._seen.setdefault(key, collections.deque())
        while seen and seen[0] <= now - self._window:
            seen.popleft()
        if len(seen) >= self._limit:
            return seen[0] + self._window - now
        seen.append(now)
        return 0.0


def retry_after_header(seconds: float) -> str:
    """Whole seconds, rounded up, at least 1: what Retry-After carries."""
    return str(max(1, math.ceil(seconds)))
