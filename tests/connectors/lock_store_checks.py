"""What every lock store of connectors/lock_store.py must do with two servers contending for
one conversation; tests/connectors (SQLite) and tests/scale (Redis) run them on their store.

Each "server" is a store of its own (its own connection) with its own event loop in its own
thread, as two processes would have."""

from __future__ import annotations

import asyncio
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

from rasa.core.lock_store import LockStore

SERVERS = 2
MESSAGES_PER_SERVER = 15


def only_one_server_at_a_time_holds_the_lock(new_store: Callable[[], LockStore]) -> None:
    """Each holder does a read-wait-write on a shared counter: a lost update means two held it at once."""
    conversation, counter, guard = uuid.uuid4().hex, [0], threading.Lock()

    def server() -> None:
        lock_store = new_store()

        async def handle_message() -> None:
            async with lock_store.lock(conversation, wait_time_in_seconds=0.01):
                with guard:
                    value = counter[0]
                await asyncio.sleep(0.005)
                with guard:
                    counter[0] = value + 1

        async def messages() -> None:
            await asyncio.gather(*(handle_message() for _ in range(MESSAGES_PER_SERVER)))

        asyncio.run(messages())

    with ThreadPoolExecutor(SERVERS) as pool:
        for finished in [pool.submit(server) for _ in range(SERVERS)]:
            finished.result()  # a LockError fails the test here
    assert SERVERS * MESSAGES_PER_SERVER == counter[0]
    assert new_store().get_lock(conversation) is None  # the last one out deleted it


def tickets_issued_at_once_are_all_kept(new_store: Callable[[], LockStore]) -> None:
    first, second = new_store(), new_store()
    conversation = uuid.uuid4().hex
    with ThreadPoolExecutor(4) as pool:
        tickets = list(pool.map(lambda i: (first, second)[i % 2].issue_ticket(conversation, 60), range(200)))
    assert 200 == len(set(tickets))
    assert sorted(tickets) == [t.number for t in first.get_lock(conversation).tickets]
