"""A tracker store that fails after start-up, without a Rasa server."""

from __future__ import annotations

import logging
import sqlite3
from contextlib import closing

import pytest
import sqlalchemy.exc
from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, InMemoryTrackerStore, SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from connectors import tracker_guard
from connectors.tracker_guard import LoudTrackerStore, TrackerStoreUnavailable


@pytest.fixture
def sqlite_store(tmp_path):
    path = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    yield store, path
    store.engine.dispose()


def drop_events(path) -> None:
    with closing(sqlite3.connect(path)) as database, database:
        database.execute("DROP TABLE events")


async def test_rasa_alone_answers_from_an_empty_conversation_when_the_store_fails(sqlite_store):
    """Why the guard exists: the failure turns into "no conversation yet"."""
    store, path = sqlite_store
    await store.save(DialogueStateTracker.from_events("s", [UserUttered("内蒙古有多少所职业院校")]))
    drop_events(path)
    assert await FailSafeTrackerStore(store).retrieve("s") is None


async def test_a_store_that_fails_to_load_is_reported_and_raised(sqlite_store, caplog):
    store, path = sqlite_store
    await store.save(DialogueStateTracker.from_events("s", [UserUttered("我家是低保户")]))
    drop_events(path)
    with caplog.at_level(logging.ERROR), pytest.raises(TrackerStoreUnavailable):
        await LoudTrackerStore(store).retrieve("s")
    assert "tracker store SQLTrackerStore could not load the conversation s" in caplog.text
    assert "低保户" not in caplog.text


async def test_a_store_that_fails_to_save_is_raised_and_nothing_goes_to_memory(sqlite_store):
    store, path = sqlite_store
    loud = LoudTrackerStore(store)
    await loud.save(DialogueStateTracker.from_events("s", [UserUttered("单招考什么")]))
    drop_events(path)
    with pytest.raises(TrackerStoreUnavailable):
        await loud.save(DialogueStateTracker.from_events("s", [UserUttered("对口招生呢")]))
    with pytest.raises(TrackerStoreUnavailable):
        await loud.retrieve_full_tracker("s")
    assert loud._fallback_tracker_store is None


class DisconnectedOnce(InMemoryTrackerStore):
    """The first call after a database restart: a pooled connection that is gone."""

    def __init__(self, calls_failing: int) -> None:
        super().__init__(Domain.empty())
        self.calls_failing = calls_failing

    async def retrieve(self, sender_id: str):
        if self.calls_failing:
            self.calls_failing -= 1
            raise sqlalchemy.exc.OperationalError("SELECT", {}, ConnectionResetError(), connection_invalidated=True)
        return await super().retrieve(sender_id)


async def test_a_connection_lost_in_a_database_restart_is_retried_once():
    store = DisconnectedOnce(calls_failing=1)
    await store.save(DialogueStateTracker.from_events("s", [UserUttered("3+2是什么")]))
    assert "s" == (await LoudTrackerStore(store).retrieve("s")).sender_id


async def test_a_database_that_stays_down_is_not_retried_forever():
    with pytest.raises(TrackerStoreUnavailable):
        await LoudTrackerStore(DisconnectedOnce(calls_failing=2)).retrieve("s")


def test_agents_created_after_install_wrap_their_store_loudly(sqlite_store):
    store, _ = sqlite_store
    tracker_guard.install()
    assert isinstance(Agent(Domain.empty(), tracker_store=store).tracker_store, LoudTrackerStore)
    # Without a configured store Rasa keeps its in-memory default: there is nothing to lose.
    assert not isinstance(Agent(Domain.empty()).tracker_store, LoudTrackerStore)
