"""connectors/lock_store.py against a real Redis: two servers contending for one conversation."""

from __future__ import annotations

import pytest

from connectors.lock_store import AtomicRedisLockStore
from tests.connectors.lock_store_checks import (
    only_one_server_at_a_time_holds_the_lock,
    tickets_issued_at_once_are_all_kept,
)

pytestmark = pytest.mark.scale


def store(services) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(
        host="127.0.0.1", port=services.redis_port, password=services.redis_password, db=1, key_prefix="locktest"
    )


def test_only_one_server_at_a_time_holds_a_conversations_lock(services):
    only_one_server_at_a_time_holds_the_lock(lambda: store(services))


def test_tickets_issued_at_once_by_two_servers_are_all_kept(services):
    tickets_issued_at_once_are_all_kept(lambda: store(services))
