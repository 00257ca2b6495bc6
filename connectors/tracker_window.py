"""An SQL tracker store that keeps every event but gives the servers a bounded window of them.

Rasa 3.6's SQLTrackerStore loads every event of the current session on every message and
replays them into a tracker; the processor then featurises that whole history for each
prediction, sends all of it to the action server (serialised both ways), and on saving
counts the stored events again to know which ones are new. Each of these grows with the
length of the conversation: the 200th message of a conversation cost several times the
5th (issue 17).

WindowedSQLTrackerStore writes to the same `events` table, one row per event, and never
deletes or rewrites one (retention, the household scrub and `make purge` see what they
always saw; `retrieve_full_tracker` still returns everything). Its `retrieve` loads:

- the last TRACKER_WINDOW_EVENTS (30) events of the session, starting at an `action_listen`
  so that the window holds whole turns (the RulePolicy's rules look back to the action
  before the latest message, which a cut at an `action_listen` always keeps; the
  policies' cost per message grows with the window, docs/benchmarks.md);
- before them, the stored events that make the state at the window's start: the latest
  `slot` event of every slot (last_topic, last_question, last_aspect, the check's
  elig_*, requested_slot …), the latest form activation (`active_loop`) with the user's
  message that triggered it and whether it was interrupted, and whether the conversation
  is paused, all since the latest `restart` or `reset_slots` of the session; with the
  `session_started` that opened it and the session's first action (so the policies
  always find where it began).

Replaying those gives the tracker the same slots and the same active form as replaying
the whole session (tests/connectors/test_tracker_window.py compares them), so a
follow-up on the 200th message and an eligibility check interrupted long ago behave as on
the 5th. What the window drops is old dialogue (earlier questions and answers), which no
policy and no action reads (the action server gets only the current turn's events,
connectors/action_request.py).

On SQLite it also keeps its connections open (SQLAlchemy 1.4 opens and closes the file for
every load and save), and a save inserts a turn's events in one statement.

Saving writes the events appended since the tracker was loaded or last saved, which the
store remembers on the tracker object; a tracker it did not load (a new conversation) is
saved the way Rasa does it. Rasa's own `max_event_history` cannot be used instead: its
SQLTrackerStore would then save nothing (it slices the bounded tracker from the number of
stored events) and it still loads and replays every event.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from functools import cache
from typing import Any

import sqlalchemy as sa
import sqlalchemy.orm.session
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import Event
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.nlu.constants import INTENT_NAME_KEY

from connectors.settings import tracker_window_events

# Attribute on a tracker: how many of its events are already in the store.
_STORED = "_zhijiao_stored_events"
# Events after which the earlier slots and form no longer count.
_RESETS = ("restart", "reset_slots")
# The kinds of event that make a conversation's state (besides slots and resets).
_STATE = ("slot", "session_started", "active_loop", "loop_interrupted", "pause", "resume", *_RESETS)


class WindowedSQLTrackerStore(SQLTrackerStore):
    """SQLTrackerStore (same table, same settings) whose trackers hold a bounded window."""

    def __init__(self, domain: Domain | None = None, window_events: int | str | None = None, **kwargs: Any):
        super().__init__(domain, **kwargs)
        self.window_events = max(1, int(window_events)) if window_events not in (None, "") else tracker_window_events()
        self._queries = _Queries(self.SQLEvent.__table__.name)
        engine: sa.engine.Engine = getattr(self, "engine")  # noqa: B009 (untyped in Rasa)
        # Rasa indexes the events by sender alone: the session's start and the state before
        # the window (latest event of a kind) would read every event of the conversation.
        # With the kind in the index each is a short lookup, however long the conversation.
        try:
            with engine.begin() as connection:
                connection.execute(self._queries.index)
        except sa.exc.DBAPIError:
            # Servers starting at once on PostgreSQL can race on CREATE INDEX IF NOT EXISTS
            # (one fails on the catalogue's unique key): the index is there, made by another.
            if self._queries.index_name not in _index_names(engine, self.SQLEvent):
                raise
        url = engine.url
        if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
            # SQLAlchemy 1.4 opens a SQLite file anew for every session and closes it after
            # (NullPool), and closing the last connection to a WAL file checkpoints it: a
            # fifth of the Rasa server's time under load (docs/benchmarks.md). Keep them open.
            engine.dispose()
            self.engine = sa.create_engine(url, poolclass=sa.pool.QueuePool, connect_args={"check_same_thread": False})
            self.sessionmaker = sa.orm.session.sessionmaker(bind=self.engine)

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        with self.session_scope() as session:
            rows = self._window_rows(session, sender_id)
        if not (self.domain and rows):
            return None
        events = [event for event in map(_deserialised, rows) if event is not None]
        tracker = DialogueStateTracker.from_events(sender_id, events, self.domain.slots)
        setattr(tracker, _STORED, len(tracker.events))
        return tracker

    async def save(self, tracker: DialogueStateTracker) -> None:
        """Rasa's SQLTrackerStore.save, the same rows, written in one statement: Rasa adds an
        ORM object per event, and the ORM inserts them one by one to learn each new id,
        which costs per event; a turn of the assistant stores 6-12 events
        (docs/benchmarks.md). tests/connectors/test_tracker_window.py compares the rows with
        Rasa's and fails if Rasa's save changes."""
        await self.stream_events(tracker)
        with self.session_scope() as session:
            rows = [self._row(tracker.sender_id, event) for event in self._additional_events(session, tracker)]
            if rows:
                session.execute(self.SQLEvent.__table__.insert(), rows)
            session.commit()
        setattr(tracker, _STORED, len(tracker.events))

    @staticmethod
    def _row(sender_id: str, event: Event) -> dict[str, Any]:
        data = event.as_dict()
        return {
            "sender_id": sender_id,
            "type_name": event.type_name,
            "timestamp": data.get("timestamp"),
            "intent_name": data.get("parse_data", {}).get("intent", {}).get(INTENT_NAME_KEY),
            "action_name": data.get("name"),
            "data": json.dumps(data),
        }

    def _additional_events(self, session: Any, tracker: DialogueStateTracker) -> Iterator:
        stored = getattr(tracker, _STORED, None)
        if stored is None:  # not loaded by this store: Rasa's way, counting the stored events
            return super()._additional_events(session, tracker)
        return itertools.islice(tracker.events, stored, None)

    def _window_rows(self, session: Any, sender_id: str) -> list[Any]:
        """The rows `retrieve` replays, in the order they were stored.

        A few indexed queries, none of which reads the events before the window: the
        newest rows come from the sender's index walked backwards, and the state before
        the window is found by SQL (`max(id) … group by`), not by loading those events.
        The queries are written once as SQL text (`_Queries`): building them from
        SQLAlchemy's expressions on every message cost more than running them.
        """
        q, run = self._queries, session.execute
        # Rasa's session boundary is the latest `session_started` (by timestamp; events are
        # stored in order, so by id here); each row of the window carries it.
        latest = run(q.window, {"sender": sender_id, "limit": self.window_events}).all()
        if not latest:
            return []
        start = latest[0].session_start or 0
        window = latest[::-1]
        if len(latest) == self.window_events:
            first = next((i for i, row in enumerate(window) if _is_listen(row)), None)
            if first is None:  # one turn longer than the window: keep the session whole
                return run(q.session, {"sender": sender_id, "start": start}).all()
            window = window[first:]
        else:
            return window  # the whole session fits
        ids = self._state_before(session, sender_id, start, window[0].id)
        state = run(q.rows, {"ids": ids}).all() if ids else []
        return [*state, *window]

    def _state_before(self, session: Any, sender_id: str, start: int, window_start: int) -> list[int]:
        """Ids of the events that make the state at `window_start`: see the module's docstring."""
        q, run = self._queries, session.execute
        floor = start
        while True:
            # The latest event of each kind (of each slot, for slots) between floor and the window.
            latest: dict[tuple[str, str | None], int] = {}
            for type_name, name, row_id in run(
                q.state, {"sender": sender_id, "floor": floor, "window_start": window_start, "kinds": _STATE}
            ):
                key = (type_name, name if type_name == "slot" else None)
                latest[key] = max(row_id, latest.get(key, row_id))
            reset = max((row_id for (type_name, _), row_id in latest.items() if type_name in _RESETS), default=None)
            if reset is None or reset <= floor:
                break
            floor = reset  # what came before a reset no longer counts
        ids: list[int | None] = [
            row_id for (type_name, _), row_id in latest.items() if type_name in ("slot", "session_started")
        ]
        # The session's first action (its action_listen), as in the whole tracker: policies
        # that skip turns predicted by rules alone then still find the conversation's start
        # when every turn of the window is one (e.g. questions asked during the check).
        ids.append(run(q.first_action, {"sender": sender_id, "start": start, "window_start": window_start}).scalar())
        paused = [latest.get(("pause", None)), latest.get(("resume", None))]
        ids.append(max((i for i in paused if i is not None), default=None))
        loop = latest.get(("active_loop", None))
        if loop is not None:
            interrupted = latest.get(("loop_interrupted", None))
            # The form remembers the message that started it (active_loop.trigger_message).
            trigger = run(q.trigger, {"sender": sender_id, "floor": floor, "loop": loop}).scalar()
            ids += [loop, trigger, interrupted if interrupted is not None and interrupted > loop else None]
        return [row_id for row_id in ids if row_id is not None]


def session_start_sql(table: str) -> str:
    """SQL: the id of :sender's latest `session_started` in `table` (NULL before any).
    Rasa's session boundary is the latest one (by timestamp; events are stored in order)."""
    return f"(SELECT max(id) FROM {table} WHERE sender_id = :sender AND type_name = 'session_started')"


def in_latest_session_sql(table: str) -> str:
    """SQL condition: an event of :sender's latest session (all of its events before any)."""
    return f"sender_id = :sender AND id >= coalesce({session_start_sql(table)}, 0)"


def _index_names(engine: sa.engine.Engine, event_class: Any) -> set[str]:
    table = event_class.__table__
    return {index["name"] for index in sa.inspect(engine).get_indexes(table.name, schema=table.schema)}


class _Queries:
    """The window's queries on the events table `table`, as SQL text any dialect runs."""

    def __init__(self, table: str) -> None:
        columns = "id, type_name, action_name, data"
        self.window = sa.text(
            f"SELECT {columns}, {session_start_sql(table)} AS session_start FROM {table} "
            f"WHERE {in_latest_session_sql(table)} ORDER BY id DESC LIMIT :limit"
        )
        self.session = sa.text(f"SELECT {columns} FROM {table} WHERE sender_id = :sender AND id >= :start ORDER BY id")
        self.rows = sa.text(f"SELECT {columns} FROM {table} WHERE id IN :ids ORDER BY id").bindparams(
            sa.bindparam("ids", expanding=True)
        )
        self.state = sa.text(
            f"SELECT type_name, action_name, max(id) FROM {table} WHERE sender_id = :sender AND id >= :floor "
            "AND id < :window_start AND type_name IN :kinds GROUP BY type_name, action_name"
        ).bindparams(sa.bindparam("kinds", expanding=True))
        self.first_action = sa.text(
            f"SELECT min(id) FROM {table} WHERE sender_id = :sender AND id >= :start AND id < :window_start "
            "AND type_name = 'action'"
        )
        self.index_name = f"ix_{table}_sender_type_id"
        self.index = sa.text(f"CREATE INDEX IF NOT EXISTS {self.index_name} ON {table} (sender_id, type_name, id)")
        self.trigger = sa.text(
            f"SELECT max(id) FROM {table} WHERE sender_id = :sender AND id >= :floor AND id < :loop "
            "AND type_name = 'user'"
        )


@cache
def _event_class(type_name: str) -> type[Event] | None:
    # Rasa's Event.resolve_by_type walks every subclass of Event for every event it reads
    # (a twentieth of the Rasa server's time under load); the answer never changes.
    return Event.resolve_by_type(type_name)


def _deserialised(row: Any) -> Event | None:
    """The stored event, as rasa.shared.core.events.deserialise_events reads it."""
    parameters = json.loads(row.data)
    event_class = _event_class(parameters["event"]) if "event" in parameters else None
    return event_class._from_parameters(parameters) if event_class else None


def _is_listen(row: Any) -> bool:
    return row.type_name == "action" and row.action_name == "action_listen"
