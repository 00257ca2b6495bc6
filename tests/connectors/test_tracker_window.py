"""The windowed tracker store: bounded trackers, the same state as a full replay, nothing lost.

On SQLite here; tests/scale/test_tracker_window.py runs the same tests on PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (
    ActionExecuted,
    ActiveLoop,
    AllSlotsReset,
    BotUttered,
    LoopInterrupted,
    SessionStarted,
    SlotSet,
    UserUttered,
)
from rasa.shared.core.trackers import DialogueStateTracker

from connectors.tracker_window import WindowedSQLTrackerStore
from scripts.stores import is_sql_tracker_store
from tests.connectors.rasa_source import source_digest

DOMAIN = Domain.from_yaml(
    """
version: "3.1"
intents: [ask, follow_up, subsidy_check]
slots:
  last_topic: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  last_aspect: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  elig_scope: {type: text, influence_conversation: false, mappings: [{type: custom}]}
  requested_slot: {type: text, influence_conversation: false, mappings: [{type: custom}]}
forms:
  eligibility_form: {required_slots: [elig_scope]}
responses:
  utter_answer: [{text: "答"}]
"""
)
WINDOW = 12
# What the widget sends with every message (connectors/metadata.py): the actions read it.
METADATA = {"school": "demo-school"}


@pytest.fixture
def sender() -> str:
    return f"window-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def stores(tmp_path):
    db = str(tmp_path / "tracker.db")
    return (
        WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db, window_events=WINDOW),
        SQLTrackerStore(DOMAIN, dialect="sqlite", db=db),
    )


async def start(store, sender: str) -> None:
    """A new conversation's session (before any turn's events exist: the session's events
    are those stamped after its `session_started`)."""
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    for event in (
        ActionExecuted("action_session_start"),
        SessionStarted(metadata=METADATA),
        SlotSet("session_started_metadata", METADATA),
        ActionExecuted("action_listen"),
    ):
        tracker.update(event)
    await store.save(tracker)


async def turn(store, sender: str, text: str, *events, by_rules: bool = False) -> None:
    """One message as the processor handles it: load, append the turn's events, save.
    `by_rules`: its actions were predicted by rules alone (hidden from ML policies)."""
    tracker = await store.get_or_create_tracker(sender, append_action_listen=False)
    listen = ActionExecuted("action_listen", hide_rule_turn=by_rules)
    for event in (UserUttered(text, {"name": "ask", "confidence": 1.0}, metadata=METADATA), *events, listen):
        tracker.update(event)
    await store.save(tracker)


def answer(topic: str):
    return (ActionExecuted("action_answer"), SlotSet("last_topic", topic), BotUttered(f"{topic}的回答"))


async def test_a_long_conversation_is_loaded_as_a_window_with_the_full_state(stores, sender):
    windowed, full = stores
    await start(windowed, sender)
    await turn(windowed, sender, "单招考什么", *answer("单招"), SlotSet("last_aspect", "考试内容"))
    await turn(windowed, sender, "帮我查资助", ActionExecuted("eligibility_form"), ActiveLoop("eligibility_form"))
    await turn(windowed, sender, "中职", SlotSet("elig_scope", "中职"), SlotSet("requested_slot", "elig_grade"))
    await turn(windowed, sender, "3+2是什么", LoopInterrupted(True), *answer("3+2"))
    for number in range(40):
        await turn(windowed, sender, f"问题{number}", *answer(f"话题{number % 3}"))

    loaded, replayed = await windowed.retrieve(sender), await full.retrieve(sender)

    assert len(replayed.events) > 200
    assert len(loaded.events) <= WINDOW + 9
    assert replayed.current_slot_values() == loaded.current_slot_values()
    assert ("话题0", "考试内容", "中职") == tuple(
        loaded.get_slot(name) for name in ("last_topic", "last_aspect", "elig_scope")
    )
    assert "eligibility_form" == loaded.active_loop_name
    assert replayed.active_loop == loaded.active_loop
    assert replayed.latest_message.text == loaded.latest_message.text == "问题39"
    assert isinstance(loaded.events[0], SessionStarted)
    assert METADATA == loaded.get_slot("session_started_metadata") == loaded.latest_message.metadata


async def test_every_event_of_every_turn_is_stored_once_in_order(stores, sender):
    windowed, full = stores
    await start(windowed, sender)
    for number in range(30):
        await turn(windowed, sender, f"问题{number}", *answer("单招"))

    stored = (await full.retrieve_full_tracker(sender)).events

    texts = [event.text for event in stored if isinstance(event, UserUttered)]
    assert [f"问题{n}" for n in range(30)] == texts
    assert 4 + 30 * 5 == len(stored)


async def test_a_reset_before_the_window_clears_the_slots_set_before_it(stores, sender):
    windowed, full = stores
    await start(windowed, sender)
    await turn(windowed, sender, "单招考什么", *answer("单招"), SlotSet("last_aspect", "考试内容"))
    await turn(windowed, sender, "重新开始", AllSlotsReset())
    for number in range(10):
        await turn(windowed, sender, f"问题{number}", ActionExecuted("action_chitchat"), BotUttered("好"))

    loaded = await windowed.retrieve(sender)

    assert len(loaded.events) < len((await full.retrieve(sender)).events)
    assert (None, None) == (loaded.get_slot("last_topic"), loaded.get_slot("last_aspect"))


async def test_a_short_conversation_is_loaded_whole(stores, sender):
    windowed, full = stores
    await start(windowed, sender)
    await turn(windowed, sender, "单招考什么", *answer("单招"))

    assert list((await full.retrieve(sender)).events) == list((await windowed.retrieve(sender)).events)


async def test_an_unknown_conversation_is_none(stores, sender):
    assert await stores[0].retrieve("nobody") is None


def test_the_preflight_accepts_the_windowed_store_and_refuses_other_types():
    assert is_sql_tracker_store("SQL")
    assert is_sql_tracker_store("connectors.tracker_window.WindowedSQLTrackerStore")
    assert not is_sql_tracker_store("redis")
    assert not is_sql_tracker_store("connectors.lock_store.SQLiteLockStore")


async def test_a_window_of_turns_predicted_by_rules_alone_still_has_a_state_for_the_policies(stores, sender):
    """MemoizationPolicy skips turns predicted by rules alone; a window holding only such
    turns (questions asked during the check, each followed by the form) must still give it
    the conversation's start, as the whole tracker does."""
    windowed, full = stores
    await start(windowed, sender)
    await turn(windowed, sender, "帮我查资助", ActionExecuted("eligibility_form"), ActiveLoop("eligibility_form"))
    aside = (
        ActionExecuted("action_answer", hide_rule_turn=True),
        ActionExecuted("eligibility_form", hide_rule_turn=True),
    )
    for number in range(10):
        await turn(windowed, sender, f"问题{number}", *aside, by_rules=True)
    loaded, replayed = await windowed.retrieve(sender), await full.retrieve(sender)
    assert len(loaded.events) < len(replayed.events)
    for tracker in (loaded, replayed):  # the next aside, up to the form's prediction
        for event in (UserUttered("问题", {"name": "ask", "confidence": 1.0}), *aside):
            tracker.update(event)
    assert replayed.past_states(DOMAIN, ignore_rule_only_turns=True, rule_only_data={})
    assert loaded.past_states(DOMAIN, ignore_rule_only_turns=True, rule_only_data={})


def stored_rows(store) -> list[tuple]:
    with store.engine.connect() as connection:
        return [
            (r.sender_id, r.type_name, r.timestamp, r.intent_name, r.action_name, r.data)
            for r in connection.execute(sa.select(store.SQLEvent.__table__).order_by("id"))
        ]


async def test_a_save_writes_the_rows_rasas_save_writes(tmp_path, sender):
    windowed = WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "w.db"), window_events=WINDOW)
    rasas = SQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "r.db"))
    for store in (windowed, rasas):
        tracker = DialogueStateTracker.from_events(sender, [], DOMAIN.slots)
        for event in (ActionExecuted("action_session_start", timestamp=1.0), SessionStarted(timestamp=2.0)):
            tracker.update(event)
        await store.save(tracker)  # a new conversation
        tracker = await store.retrieve(sender)
        turn_events = (
            UserUttered("单招考什么", {"name": "ask", "confidence": 1.0}, timestamp=3.0, metadata=METADATA),
            ActionExecuted("action_answer", timestamp=4.0),
            SlotSet("last_topic", "单招", timestamp=5.0),
            BotUttered("单招的回答", timestamp=6.0),
            ActionExecuted("action_listen", timestamp=7.0),
        )
        for event in turn_events:
            tracker.update(event)
        await store.save(tracker)  # a loaded one
        await store.save(tracker)  # nothing new
    assert 7 == len(stored_rows(rasas))
    assert stored_rows(rasas) == stored_rows(windowed)


def test_rasas_save_is_the_one_the_windowed_save_repeats():
    # The windowed store's save writes what this method writes, in one statement; if an
    # upgrade changes it, compare the two again and update the hash.
    assert "57165e46ea" == source_digest(SQLTrackerStore.save)


def test_the_store_indexes_the_events_by_sender_and_kind(tmp_path):
    """The session's start and the state before the window are looked up, not scanned."""
    store = WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "i.db"), window_events=WINDOW)
    WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "i.db"), window_events=WINDOW)  # again: kept
    with store.engine.connect() as connection:
        plan = connection.execute(
            sa.text(
                "EXPLAIN QUERY PLAN SELECT max(id) FROM events WHERE sender_id = 's' AND type_name = 'session_started'"
            )
        ).all()
    assert "ix_events_sender_type_id" in " ".join(str(row) for row in plan)


def test_a_server_that_loses_the_race_to_create_the_index_starts(tmp_path, monkeypatch):
    """Two servers starting at once on PostgreSQL can both run CREATE INDEX IF NOT EXISTS and
    one fail on the catalogue; simulated here by a plain CREATE INDEX of an index that exists."""
    from connectors import tracker_window

    db = str(tmp_path / "race.db")
    WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db, window_events=WINDOW)

    class Racing(tracker_window._Queries):
        def __init__(self, table: str) -> None:
            super().__init__(table)
            self.index = sa.text(str(self.index).replace(" IF NOT EXISTS", ""))

    monkeypatch.setattr(tracker_window, "_Queries", Racing)
    WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=db, window_events=WINDOW)  # no error: the index is there

    class Failing(tracker_window._Queries):
        def __init__(self, table: str) -> None:
            super().__init__(table)
            self.index = sa.text("CREATE INDEX ix_never ON no_such_table (id)")

    monkeypatch.setattr(tracker_window, "_Queries", Failing)
    with pytest.raises(sa.exc.DBAPIError):  # a failure that leaves no index is not hidden
        WindowedSQLTrackerStore(DOMAIN, dialect="sqlite", db=str(tmp_path / "fresh.db"), window_events=WINDOW)
