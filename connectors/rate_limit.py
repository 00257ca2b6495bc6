"""Per-conversation and per-address rate limits for the channels (issue 14: one client
grew the tracker store by 5 MB/s).

A token bucket per key: `per_minute` requests at once, refilled at `per_minute` a minute.
Keys that have been idle long enough to refill are forgotten, so the table stays as small
as the set of clients active in the last minute.
"""

from __future__ import annotations

import time
from collections.abc import Callable

RATE_LIMITED_REPLY = "你发得有点快，请稍等一会儿再问。"


class RateLimiter:
    def __init__(self, per_minute: Callable[[], int], clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, when)
        self._next_sweep = 0.0

    def allow(self, key: str) -> bool:
        """Whether a request of `key` may go on now (and count it)."""
        limit = self._per_minute()
        if limit <= 0:
            return True
        now = self._clock()
        self._sweep(now)
        tokens, when = self._buckets.get(key, (float(limit), now))
        tokens = min(float(limit), tokens + (now - when) * limit / 60.0)
        if tokens < 1.0:
            self._buckets[key] = (tokens, now)
            return False
        self._buckets[key] = (tokens - 1.0, now)
        return True

    def _sweep(self, now: float) -> None:
        # A bucket idle for a minute is full again: the same as no bucket.
        if now < self._next_sweep:
            return
        self._buckets = {key: value for key, value in self._buckets.items() if now - value[1] < 60.0}
        self._next_sweep = now + 10.0
