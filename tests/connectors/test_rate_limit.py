"""Per-sender and per-address limits (connectors/rate_limit.py), on a clock the test moves."""

from __future__ import annotations

from connectors.rate_limit import RateLimiter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_burst_up_to_the_limit_passes_and_the_next_is_refused():
    limiter = RateLimiter(lambda: 60, Clock())
    assert all(limiter.allow("a") for _ in range(60))
    assert not limiter.allow("a")
    assert limiter.allow("b")  # each key has its own budget


def test_the_budget_refills_with_time():
    clock = Clock()
    limiter = RateLimiter(lambda: 60, clock)
    for _ in range(60):
        limiter.allow("a")
    clock.now += 1.0  # one a second
    assert limiter.allow("a") and not limiter.allow("a")
    clock.now += 60.0
    assert all(limiter.allow("a") for _ in range(60))


def test_zero_means_no_limit():
    limiter = RateLimiter(lambda: 0, Clock())
    assert all(limiter.allow("a") for _ in range(10_000))


def test_idle_keys_are_forgotten():
    clock = Clock()
    limiter = RateLimiter(lambda: 60, clock)
    for key in range(1000):
        limiter.allow(str(key))
    clock.now += 61.0
    limiter.allow("new")
    assert 1 == len(limiter._buckets)
