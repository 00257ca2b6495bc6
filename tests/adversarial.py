"""Messages of 500 characters (the longest the model sees) built to make a pattern work
hard: repeated syllable prefixes that almost spell pinyin, long runs of one character,
digits and the words the question-reading patterns look for. Shared by the tests that
bound how long reading a message may take (issue 14)."""

from __future__ import annotations

import time
from collections.abc import Callable

LENGTH = 500
# The most one reading of one message may take: a safety bound, not a speed target.
BOUND_SECONDS = 0.05


def _fill(unit: str, tail: str = "") -> str:
    return (unit * (LENGTH // len(unit) + 1))[: LENGTH - len(tail)] + tail


SHAPES = {
    "syllable prefixes": _fill("ai", "q"),
    "one vowel": _fill("a", "q"),
    "nested finals": _fill("uang", "x"),
    "initials only": _fill("zh", "1"),
    "spaced syllables": _fill("zhong "),
    "spaced near-syllables": _fill("ai" * 20 + " ", "q"),
    "mixed letters": _fill("aiq "),
    "capitals and apostrophes": _fill("Xi'An-"),
    "pinyin words": _fill("zhongzhi gaozhi duoshao "),
    "english": _fill("how many students "),
    "digits": _fill("8", "x"),
    "decimals": _fill("1."),
    "years": _fill("2022年"),
    "question words": _fill("多少几个"),
    "plans": _fill("十一五计划"),
    "where": _fill("哪个"),
    "punctuation": _fill("？，"),
    "spaces": _fill(" \u3000\t"),
}


def seconds_to_read(read: Callable[[str], object], text: str, runs: int = 3) -> float:
    """The fastest of a few readings: other processes share this machine's two cores."""
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        read(text)
        best = min(best, time.perf_counter() - started)
    return best
