"""A Redis lock store whose every change to a conversation's lock is atomic.

Rasa 3.6's RedisLockStore reads a conversation's ticket lock, changes it in Python and
writes it back, and deletes it when its own ticket was the last one it saw. Two Rasa
servers receiving messages of one conversation at the same moment therefore overwrite
each other's tickets: both may process the conversation at once (the tracker store then
loses or duplicates events), or one finds its lock deleted and fails the message with
"LockError: Could not acquire lock" (RasaHQ/rasa#9213; the fix, ConcurrentRedisLockStore,
was reverted from Rasa Open Source and lives in Rasa Pro). `make test-scale` shows both.

This store keeps Rasa's ticket algorithm and data format and does each read-change-write
inside a Redis transaction (WATCH/MULTI/EXEC, retried when another server changed the
lock in between), so a ticket is never lost and a lock is deleted only when it is
really empty. Configured in bot/endpoints-scale.yml as
`type: connectors.lock_store.AtomicRedisLockStore` with RedisLockStore's settings.
"""

from __future__ import annotations

import json
from typing import Any, Callable, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")


class AtomicRedisLockStore(RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by module path with `endpoint_config=` only.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Callable[[TicketLock | None], tuple[T, TicketLock | None]]) -> T:
        """Store what `change` makes of the stored lock (None: delete it), atomically; its result."""
        key = self.key_prefix + conversation_id
        with self.red.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(key)
                    stored = pipe.get(key)
                    result, lock = change(TicketLock.from_dict(json.loads(stored)) if stored else None)
                    pipe.multi()
                    if lock is None:
                        pipe.delete(key)
                    else:
                        pipe.set(key, lock.dumps())
                    pipe.execute()
                    return result
                except redis.WatchError:
                    continue  # another server changed this lock meanwhile: read it again

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        try:
            return self._change(conversation_id, issue)
        except redis.RedisError as error:
            raise LockError(f"Error while acquiring lock. Error:\n{error}") from error

    def update_lock(self, conversation_id: str) -> None:
        def expire(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is not None:
                lock.remove_expired_tickets()
            return None, lock

        self._change(conversation_id, expire)

    def finish_serving(self, conversation_id: str, ticket_number: int) -> None:
        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return None, lock

        self._change(conversation_id, finish)

    def cleanup(self, conversation_id: str, ticket_number: int) -> None:
        """Finish serving and delete the lock if no ticket is left, in one step."""
        def finish(lock: TicketLock | None) -> tuple[None, TicketLock | None]:
            if lock is not None:
                lock.remove_ticket_for(ticket_number)
            return None, lock if lock is not None and lock.is_someone_waiting() else None

        self._change(conversation_id, finish)
