"""connectors/lock_store.py against a real Redis: two servers contending for one conversation."""

from __future__ import annotations

import asyncio
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
import redis

from connectors.lock_store import AtomicRedisLockStore

pytestmark = pytest.mark.scale

SERVERS = 2
MESSAGES_PER_SERVER = 15


def store(services) -> AtomicRedisLockStore:
    return AtomicRedisLockStore(host="127.0.0.1", port=services.redis_port, password=services.redis_password,
                                db=1, key_prefix="locktest")


def test_only_one_server_at_a_time_holds_a_conversations_lock(services):
    """Each holder does a read-wait-write on a shared counter: a lost update means two held it
    at once. Each server runs its own event loop in its own thread, as two processes would."""
    counter = redis.Redis(host="127.0.0.1", port=services.redis_port, password=services.redis_password, db=2)
    conversation, key = uuid.uuid4().hex, f"counter:{uuid.uuid4().hex}"
    counter.set(key, 0)
    lock_store = store(services)

    def server() -> None:
        lock_store = store(services)

        async def handle_message() -> None:
            async with lock_store.lock(conversation, wait_time_in_seconds=0.01):
                value = int(counter.get(key))
                await asyncio.sleep(0.005)
                counter.set(key, value + 1)

        async def messages() -> None:
            await asyncio.gather(*(handle_message() for _ in range(MESSAGES_PER_SERVER)))

        asyncio.run(messages())

    with ThreadPoolExecutor(SERVERS) as pool:
        for finished in [pool.submit(server) for _ in range(SERVERS)]:
            finished.result()  # a LockError fails the test here
    assert SERVERS * MESSAGES_PER_SERVER == int(counter.get(key))
    assert lock_store.get_lock(conversation) is None  # the last one out deleted it


def test_tickets_issued_at_once_by_two_servers_are_all_kept(services):
    first, second = store(services), store(services)
    conversation = uuid.uuid4().hex
    with ThreadPoolExecutor(4) as pool:
        tickets = list(pool.map(lambda i: (first, second)[i % 2].issue_ticket(conversation, 60), range(200)))
    assert 200 == len(set(tickets))
    assert sorted(tickets) == [t.number for t in first.get_lock(conversation).tickets]
