"""What the assistant writes to the console database, written in the background: the
daily counts of what students ask, and the (scrubbed) questions it declined.

A reply never waits for the console database: `count()` and `keep_declined()` add to
memory, and a daemon thread writes what was added every FLUSH_SECONDS (and when the
process exits). When the database fails, the error is logged and those writes are
dropped: they are worth less than a reply. Counts only: no text, no sender id.

One row per school, day (China time) and measure; school "" for a widget without a school.
The measures are the constants below.

The action server does not write: inside `carrying()` (around each action call,
actions/console_writes.py) what it counts and keeps is collected for that call, sent back
with the action's response and added here by the Rasa server (`receive`,
connectors/console_turns.py), which already writes its own counts. So the action server
never loads SQLAlchemy for a widget without a school.
"""

from __future__ import annotations

import atexit
import logging
import os
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from typing import Any, Protocol

logger = logging.getLogger(__name__)

CONVERSATIONS = "conversations"
MESSAGES = "messages"
ANSWERED = "answered"
DECLINED = "declined"
OUT_OF_SCOPE = "out_of_scope"
ANSWERED_BY_SCHOOL = "answered_by_school"  # of the answered: by the school's own entries or profile
CHECK_STARTED = "check_started"
CHECK_FINISHED = "check_finished"
WIDGET_OPEN = "widget_open"
SUBJECT = "subject:"  # + what was asked about: subject:单招, subject:国家助学金, subject:statistic
KIND = "kind:"  # + what was asked of it (an aspect of knowledge/sources/aspects.yaml): kind:how_much
MEASURE_MAX = 80
# What one action's reply may carry back: a few counts of one, a declined question or two.
CARRIED_MAX = 50
ID_MAX = 64
QUESTION_MAX = 500

FLUSH_SECONDS = 2.0
# Days are China's (UTC+8): a counselor's Monday.
CHINA = timezone(timedelta(hours=8))


def utc_now() -> datetime:
    """Now, naive UTC (as the console database keeps times)."""
    return datetime.utcnow().replace(microsecond=0)


def today(now: datetime | None = None) -> str:
    """The day (YYYY-MM-DD, China time) a count made now belongs to."""
    return (now or datetime.now(UTC)).astimezone(CHINA).strftime("%Y-%m-%d")


@dataclass(frozen=True)
class Declined:
    school_id: str | None
    question: str  # scrubbed
    group_key: str
    asked_at: datetime


class Sink(Protocol):
    def add_counts(self, counts: dict[tuple[str, str, str], int]) -> None: ...

    def keep_declined(self, questions: list[Declined]) -> None: ...


class BackgroundWrites:
    """Counts and declined questions of this process not yet written."""

    def __init__(self, sink: Sink | None = None, flush_seconds: float | None = FLUSH_SECONDS) -> None:
        """`flush_seconds` None: no writer thread, `flush()` writes (tests)."""
        self._sink = sink
        self.flush_seconds = flush_seconds
        self._pending: Counter[tuple[str, str, str]] = Counter()
        self._declined: list[Declined] = []
        self._lock = threading.Lock()
        self._writer_pid: int | None = None
        self._last_error = 0.0

    @property
    def sink(self) -> Sink:
        if self._sink is None:
            from console.assistant_store import store

            self._sink = store()
        return self._sink

    def count(self, school_id: str | None, *measures: str) -> None:
        """Count one of each measure for the school today. Never raises."""
        try:
            day = today()
            with self._lock:
                for measure in measures:
                    self._pending[(school_id or "", day, measure[:MEASURE_MAX])] += 1
            self._ensure_writer()
        except Exception:  # noqa: BLE001 - counting must never fail a reply
            logger.exception("console counts: could not count")

    def keep_declined(self, school_id: str | None, question: str, group_key: str) -> None:
        """Keep a scrubbed declined question for the school's counselors. Never raises."""
        try:
            with self._lock:
                self._declined.append(Declined(school_id or None, question, group_key, utc_now()))
            self._ensure_writer()
        except Exception:  # noqa: BLE001 - keeping must never fail a reply
            logger.exception("console: could not keep a declined question")

    def add(self, counts: dict[tuple[str, str, str], int], declined: list[Declined]) -> None:
        """Add counts and declined questions made elsewhere (another process's `Carried`)."""
        with self._lock:
            self._pending.update(counts)
            self._declined.extend(declined)
        if counts or declined:
            self._ensure_writer()

    def pending(self) -> tuple[dict[tuple[str, str, str], int], list[Declined]]:
        with self._lock:
            return dict(self._pending), list(self._declined)

    def flush(self) -> None:
        """Write what is pending; on a database error, log it and drop it."""
        with self._lock:
            counts, self._pending = dict(self._pending), Counter()
            declined, self._declined = self._declined, []
        try:
            if declined:
                self.sink.keep_declined(declined)
            if counts:
                self.sink.add_counts(counts)
        except Exception as error:  # noqa: BLE001 - a missing or locked database must not stop the assistant
            if time.monotonic() - self._last_error > 60:  # once a minute at most
                self._last_error = time.monotonic()
                logger.warning(
                    "console: %d counts and %d declined questions not written: %r",
                    sum(counts.values()),
                    len(declined),
                    error,
                )

    def _ensure_writer(self) -> None:
        # Per process: Sanic's workers are forked after this module may have been imported.
        if self._writer_pid == os.getpid() or self.flush_seconds is None:
            return
        self._writer_pid = os.getpid()
        threading.Thread(target=self._write_forever, name="console-counts", daemon=True).start()
        atexit.register(self.flush)

    def _write_forever(self) -> None:
        while True:
            time.sleep(self.flush_seconds or FLUSH_SECONDS)
            self.flush()


WRITES = BackgroundWrites()


class Carried(BackgroundWrites):
    """What one action call counted and kept, to send with its response (`as_json`)."""

    def __init__(self) -> None:
        super().__init__(flush_seconds=None)

    def as_json(self) -> dict[str, list[list[Any]]]:
        counts, declined = self.pending()
        return {
            "counts": [[school, day, measure, n] for (school, day, measure), n in counts.items()],
            "declined": [[d.school_id, d.question, d.group_key, d.asked_at.isoformat()] for d in declined],
        }


_CARRYING: ContextVar[Carried | None] = ContextVar("console_carrying", default=None)


@contextmanager
def carrying() -> Iterator[Carried]:
    """Collect what is counted and kept in this context instead of writing it."""
    carried = Carried()
    token = _CARRYING.set(carried)
    try:
        yield carried
    finally:
        _CARRYING.reset(token)


def receive(payload: Any) -> None:
    """Add what an action call carried (`Carried.as_json`) to this process's writes. A
    malformed payload is logged and dropped: it never fails the action's reply."""
    from console.scrub import scrub  # the Rasa server's side; the action server scrubbed it already

    try:
        counts: Counter[tuple[str, str, str]] = Counter()
        for school, day, measure, n in payload.get("counts", [])[:CARRIED_MAX]:
            if not 0 < int(n) <= CARRIED_MAX:
                raise ValueError(f"a count of {n}")  # one reply counts a few things once
            counts[(str(school)[:ID_MAX], str(day)[:ID_MAX], str(measure)[:MEASURE_MAX])] += int(n)
        declined = [
            Declined(
                str(school)[:ID_MAX] if school else None,
                scrub(str(question))[:QUESTION_MAX],
                str(key)[:QUESTION_MAX],
                datetime.fromisoformat(asked_at),
            )
            for school, question, key, asked_at in payload.get("declined", [])[:CARRIED_MAX]
        ]
    except (AttributeError, TypeError, ValueError):
        logger.warning("console: an action's counts were malformed and were dropped")
        return
    WRITES.add(dict(counts), declined)


def _writes() -> BackgroundWrites:
    return _CARRYING.get() or WRITES


def count(school_id: str | None, *measures: str) -> None:
    """Count for the school (None or "": no school), written in the background."""
    _writes().count(school_id, *measures)


def keep_declined(school_id: str | None, question: str, group_key: str) -> None:
    """Keep a scrubbed declined question for the school (None: no school), in the background."""
    _writes().keep_declined(school_id, question, group_key)
