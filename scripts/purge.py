"""Delete conversations, and questions kept for counselors, older than the retention period.

    python -m scripts.purge [--days 30] [--endpoints bot/endpoints.yml] [--dry-run]
    make purge

No message stays longer than RETENTION_DAYS (default 30) days:

- a conversation with no event in that time is deleted whole;
- from a conversation still in use, the events of its earlier sessions that are older
  than that are deleted. Its current session (from its latest `session_started`, the
  part Rasa loads) is never touched: sessions end after 60 minutes of silence
  (bot/domain/core.yml), so no current session is anywhere near 30 days old.

The store is the one the endpoints file names (SQLite for `make run`, PostgreSQL in the
scale profile), reached with SQLAlchemy; every statement is built by SQLAlchemy with
bound parameters. It runs in one transaction and prints what it deleted. In Kubernetes a
daily CronJob runs it (docs/deployment.md).

The declined questions kept for a school's counselors (scrubbed, in the console database,
CONSOLE_DB_URL) follow the same period: those asked more than RETENTION_DAYS ago are
deleted too, in a transaction of their own.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from scripts.stores import StoreError, endpoints_path, events_table, tracker_store_engine

SECONDS_PER_DAY = 86_400


def retention_days() -> int:
    return int(os.getenv("RETENTION_DAYS", "30"))


@dataclass(frozen=True)
class Purged:
    conversations: int  # deleted whole
    conversation_events: int  # the events of those conversations
    old_session_events: int  # events of earlier sessions of conversations still in use

    def __str__(self) -> str:
        return (
            f"deleted {self.conversations} conversations ({self.conversation_events} events) and "
            f"{self.old_session_events} events of earlier sessions"
        )


def purge(connection: Connection, days: int, now: float | None = None) -> Purged:
    """Delete what is older than `days` days; the caller commits."""
    cutoff = (now if now is not None else time.time()) - days * SECONDS_PER_DAY
    events = events_table()
    other = events.alias("other")

    idle_senders = (
        sa.select(other.c.sender_id).group_by(other.c.sender_id).having(sa.func.max(other.c.timestamp) < cutoff)
    )
    conversations = connection.execute(sa.select(sa.func.count()).select_from(idle_senders.subquery())).scalar_one()
    conversation_events = connection.execute(sa.delete(events).where(events.c.sender_id.in_(idle_senders))).rowcount

    # Rasa's own boundary (SQLTrackerStore._event_query): the current session starts at
    # the latest session_started event's timestamp.
    current_session_start = (
        sa.select(sa.func.max(other.c.timestamp))
        .where(other.c.sender_id == events.c.sender_id, other.c.type_name == "session_started")
        .scalar_subquery()
    )
    old_session_events = connection.execute(
        sa.delete(events).where(events.c.timestamp < cutoff, events.c.timestamp < current_session_start)
    ).rowcount
    return Purged(conversations, conversation_events, old_session_events)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--days", type=int, default=retention_days(), help="retention in days (RETENTION_DAYS, default 30)"
    )
    parser.add_argument("--endpoints", help="endpoints file (RASA_ENDPOINTS, default bot/endpoints.yml)")
    parser.add_argument("--dry-run", action="store_true", help="count, then roll back")
    args = parser.parse_args(argv)
    if args.days < 1:
        parser.error("--days must be at least 1")
    try:
        engine = tracker_store_engine(endpoints_path(args.endpoints))
    except StoreError as error:
        print(f"purge: {error}", file=sys.stderr)
        return 1
    shown = engine.url.render_as_string(hide_password=True)
    try:
        if not sa.inspect(engine).has_table(events_table().name):
            print(f"no conversations stored yet in {shown}")
            return purge_declined_questions(args.days, args.dry_run)
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                # Overwrite deleted rows on disk instead of leaving them in free pages.
                connection.exec_driver_sql("PRAGMA secure_delete = ON")
            transaction = connection.begin()
            purged = purge(connection, args.days)
            if args.dry_run:
                transaction.rollback()
            else:
                transaction.commit()
    except sa.exc.SQLAlchemyError as error:
        print(f"purge: tracker store {shown}: {getattr(error, 'orig', None) or error}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    prefix = "would have " if args.dry_run else ""
    print(f"{prefix}{purged} older than {args.days} days from {shown}")
    return purge_declined_questions(args.days, args.dry_run)


def purge_declined_questions(days: int, dry_run: bool) -> int:
    """Delete the console's declined questions older than `days` days; the exit status."""
    from console.assistant_store import AssistantStore
    from console.db import database_url
    from console.db import engine as console_engine
    from console.schema import declined_questions

    engine = console_engine(database_url())
    shown = engine.url.render_as_string(hide_password=True)
    try:
        if not sa.inspect(engine).has_table(declined_questions.name):
            print(f"no console database yet at {shown}")
            return 0
        deleted = AssistantStore(engine).purge_declined(days, dry_run=dry_run)
    except sa.exc.SQLAlchemyError as error:
        print(f"purge: console database {shown}: {getattr(error, 'orig', None) or error}", file=sys.stderr)
        return 1
    prefix = "would have " if dry_run else ""
    print(f"{prefix}deleted {deleted} declined questions older than {days} days from {shown}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
