"""The eligibility check's promise, "你刚才提供的家庭情况已清除", made true in the tracker store.

The check asks a family about its household (grade, 户口, 低保/脱贫 …). Its answers live in
the tracker store as the user's messages (text and extracted entities), as the check's
slots (`elig_*`) and in the bot's replies (the result sums them up), for as long as the
conversation is kept. When a check ends, finished or cancelled, the turn that ends it is
saved and then every event of the check is scrubbed in the store:

- the user's messages, from the one that started the check to the one that ended it:
  text, entities and metadata removed, the intent name kept (the dialogue's shape);
- the bot's messages over the same span and the turn's replies after it (the result or
  the cancellation): text and buttons removed, the response name kept;
- every `elig_*` slot event: its value removed.

What marks a check is independent of its wording and its rules: a form's activation and
deactivation (`active_loop` events) with a slot named `elig_…` set in between.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from functools import cache
from typing import Any

import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.events import ActiveLoop, UserUttered

from connectors.tracker_window import in_latest_session_sql

CHECK_SLOT_PREFIX = "elig_"


def ends_a_loop_this_turn(events: Iterable[Any]) -> bool:
    """Whether a form was deactivated since the user's last message (rasa Event objects)."""
    for event in reversed(list(events)):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, ActiveLoop) and event.name is None:
            return True
    return False


def scrubbed_household(events: list[dict]) -> dict[int, dict]:
    """Index -> the scrubbed event, for the events (as stored) of every check that has ended."""
    changes: dict[int, dict] = {}
    start = 0
    while start < len(events):
        event = events[start]
        if event.get("event") != "active_loop" or not event.get("name"):
            start += 1
            continue
        end = next((k for k in range(start + 1, len(events)) if _deactivates(events[k])), None)
        if end is None:
            break  # the check is still going on
        after = next((k for k in range(end + 1, len(events)) if events[k].get("event") == "user"), len(events))
        first = max((k for k in range(start) if events[k].get("event") == "user"), default=start)
        span = range(first, after)
        if any(_is_check_slot(events[k]) for k in range(start, after)):
            for k in span:
                clean = _scrubbed(events[k])
                if clean != events[k]:
                    changes[k] = clean
        start = after
    return changes


def _deactivates(event: dict) -> bool:
    return event.get("event") == "active_loop" and event.get("name") is None


def _is_check_slot(event: dict) -> bool:
    return event.get("event") == "slot" and str(event.get("name", "")).startswith(CHECK_SLOT_PREFIX)


def _scrubbed(event: dict) -> dict:
    kind = event.get("event")
    if kind == "user":
        intent = (event.get("parse_data") or {}).get("intent") or {}
        return {
            **event,
            "text": "",
            "metadata": {},
            "input_channel": event.get("input_channel"),
            "parse_data": {
                "intent": {"name": intent.get("name"), "confidence": intent.get("confidence")},
                "entities": [],
                "text": "",
            },
        }
    if kind == "bot":
        return {**event, "text": "", "data": {}}
    if _is_check_slot(event):
        return {**event, "value": None}
    return event


def forget_household(store: Any, sender_id: str) -> int:
    """Scrub the check that has just ended (its events, as `scrubbed_household` says) in
    `sender_id`'s latest session in a SQL tracker store; how many events changed. Other
    stores (in memory, for tests) are left alone."""
    if not isinstance(store, SQLTrackerStore):
        return 0
    queries = _queries(store.SQLEvent.__table__.name)
    with store.session_scope() as session:
        # A check that ended before was scrubbed when it ended: read from the message that
        # started the latest one, not the whole conversation (issue 17: flat cost per message).
        rows = session.execute(queries.check, {"sender": sender_id}).all()
        changes = scrubbed_household([json.loads(row.data) for row in rows])
        if changes:
            session.execute(queries.update, [{"id": rows[i].id, "data": json.dumps(e)} for i, e in changes.items()])
        session.commit()
    return len(changes)


class _Queries:
    """The scrub's SQL on the events table `table`, written once (issue 17: building it from
    SQLAlchemy's expressions for every check cost more than running it)."""

    def __init__(self, table: str) -> None:
        of_session = in_latest_session_sql(table)
        activation = (
            f"SELECT max(id) FROM {table} WHERE {of_session} AND type_name = 'active_loop' AND action_name IS NOT NULL"
        )
        opening = f"SELECT max(id) FROM {table} WHERE {of_session} AND type_name = 'user' AND id < ({activation})"
        # From the message that started the latest check (or its activation) on; nothing
        # when no form was ever activated in the session.
        start = f"coalesce(({opening}), ({activation}))"
        self.check = sa.text(f"SELECT id, data FROM {table} WHERE {of_session} AND id >= {start} ORDER BY id")
        self.update = sa.text(f"UPDATE {table} SET data = :data WHERE id = :id")


@cache
def _queries(table: str) -> _Queries:
    return _Queries(table)
