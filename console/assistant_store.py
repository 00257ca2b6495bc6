"""Every statement the assistant runs on the console database (the console's pages have
their own, console/store.py): it reads a school's profile and entries, keeps declined
questions and adds to the daily counts. Nothing here stores a sender id.

A school's profile is read at most once every SCHOOL_CACHE_SECONDS per process (the
origin check reads it for every message); its entries are read when a question needs
them, so a counselor's new entry answers the next question, without a restart.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping
from datetime import datetime, timedelta
from functools import lru_cache

from sqlalchemy import and_, delete, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Engine

from console.background import Declined, utc_now
from console.db import database_url
from console.db import engine as console_engine
from console.schema import daily_counts, declined_questions, entries, schools
from console.school_answers import Entry, School

SCHOOL_CACHE_SECONDS = 5.0


def origins(text: str) -> tuple[str, ...]:
    return tuple(line.strip() for line in (text or "").splitlines() if line.strip())


class AssistantStore:
    def __init__(self, engine: Engine | None = None, cache_seconds: float = SCHOOL_CACHE_SECONDS) -> None:
        self._engine = engine
        self.cache_seconds = cache_seconds
        self._schools: dict[str, tuple[float, School | None]] = {}
        self._lock = threading.Lock()

    @property
    def engine(self) -> Engine:
        # By the URL, read now: engine() caches an engine per URL.
        return self._engine or console_engine(database_url())

    def school(self, school_id: str) -> School | None:
        """The school's profile (None: no such school), at most SCHOOL_CACHE_SECONDS old."""
        now = time.monotonic()
        with self._lock:
            cached = self._schools.get(school_id)
        if cached and now - cached[0] < self.cache_seconds:
            return cached[1]
        s = schools.c
        query = select(
            s.id, s.name, s.allowed_origins, s.admissions_phone, s.admissions_url, s.aid_phone, s.aid_url, s.updated_at
        ).where(s.id == school_id)
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        school = (
            School(
                row.id,
                row.name,
                origins(row.allowed_origins),
                row.admissions_phone or "",
                row.admissions_url or "",
                row.aid_phone or "",
                row.aid_url or "",
                row.updated_at,
            )
            if row
            else None
        )
        with self._lock:
            self._schools[school_id] = (now, school)
        return school

    def entries(self, school_id: str) -> list[Entry]:
        e = entries.c
        query = select(e.id, e.question, e.answer, e.link, e.updated_at).where(e.school_id == school_id).order_by(e.id)
        with self.engine.connect() as connection:
            return [Entry(r.id, r.question, r.answer, r.link or "", r.updated_at) for r in connection.execute(query)]

    def entry_for_group(self, school_id: str, group_key: str) -> Entry | None:
        """The entry a counselor wrote to answer this group of declined questions, if any."""
        d, e = declined_questions.c, entries.c
        query = (
            select(e.id, e.question, e.answer, e.link, e.updated_at)
            .select_from(declined_questions.join(entries, d.entry_id == e.id))
            .where(and_(d.school_id == school_id, d.group_key == group_key, e.school_id == school_id))
            .order_by(e.updated_at.desc())
            .limit(1)
        )
        with self.engine.connect() as connection:
            row = connection.execute(query).first()
        return Entry(row.id, row.question, row.answer, row.link or "", row.updated_at) if row else None

    def keep_declined(self, questions: list[Declined]) -> None:
        """Keep (scrubbed) declined questions for their schools' counselors."""
        rows = [
            {"school_id": q.school_id, "question": q.question, "group_key": q.group_key, "asked_at": q.asked_at}
            for q in questions
        ]
        if rows:
            with self.engine.begin() as connection:
                connection.execute(declined_questions.insert().values(for_maintainers=False), rows)

    def add_counts(self, counts: Mapping[tuple[str, str, str], int]) -> None:
        """Add to the daily counts, keyed (school_id, day, measure), in one transaction."""
        if not counts:
            return
        insert = postgresql_insert if self.engine.dialect.name == "postgresql" else sqlite_insert
        with self.engine.begin() as connection:
            for (school_id, day, measure), count in counts.items():
                statement = insert(daily_counts).values(school_id=school_id, day=day, measure=measure, count=count)
                connection.execute(
                    statement.on_conflict_do_update(
                        index_elements=["school_id", "day", "measure"],
                        set_={"count": daily_counts.c.count + statement.excluded.count},
                    )
                )

    def purge_declined(self, days: int, now: datetime | None = None, dry_run: bool = False) -> int:
        """Delete the declined questions asked more than `days` days ago; how many."""
        cutoff = (now or utc_now()) - timedelta(days=days)
        with self.engine.connect() as connection:
            if connection.dialect.name == "sqlite":
                connection.exec_driver_sql("PRAGMA secure_delete = ON")
            deleted = connection.execute(
                delete(declined_questions).where(declined_questions.c.asked_at < cutoff)
            ).rowcount
            if dry_run:
                connection.rollback()
            else:
                connection.commit()
        return deleted


@lru_cache(maxsize=1)
def store() -> AssistantStore:
    """The process's store (its school cache is shared by every message)."""
    return AssistantStore()
