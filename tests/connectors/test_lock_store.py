"""connectors/lock_store.py's SQLite store: the Sanic workers of one Rasa server."""

from __future__ import annotations

import pytest
from rasa.core.lock_store import LockError, LockStore
from rasa.utils.endpoints import EndpointConfig

from connectors.lock_store import SQLiteLockStore
from tests.connectors.lock_store_checks import (
    only_one_server_at_a_time_holds_the_lock,
    tickets_issued_at_once_are_all_kept,
)


@pytest.fixture
def new_store(tmp_path):
    return lambda: SQLiteLockStore(db=str(tmp_path / "locks.db"))


def test_only_one_worker_at_a_time_holds_a_conversations_lock(new_store):
    only_one_server_at_a_time_holds_the_lock(new_store)


def test_tickets_issued_at_once_by_two_workers_are_all_kept(new_store):
    tickets_issued_at_once_are_all_kept(new_store)


def test_rasa_builds_it_from_the_endpoints_file(tmp_path):
    path = tmp_path / "var" / "locks.db"
    store = LockStore.create(EndpointConfig(type="connectors.lock_store.SQLiteLockStore", db=str(path)))
    assert isinstance(store, SQLiteLockStore)
    assert [0, 1] == [store.issue_ticket("c"), store.issue_ticket("c")]
    assert path.exists()


def test_a_file_it_cannot_write_is_a_lock_error(tmp_path):
    store = SQLiteLockStore(db=str(tmp_path / "locks.db"))
    store._db.execute("pragma query_only = on")  # as a read-only or full disk would
    with pytest.raises(LockError):
        store.issue_ticket("c")
