"""Lock stores whose every change to a conversation's lock is atomic.

Rasa 3.6's lock stores read a conversation's ticket lock, change it in Python and write it
back, and delete it when their own ticket was the last one they saw. Two Rasa processes
receiving messages of one conversation at the same moment therefore overwrite each other's
tickets: both may process the conversation at once (the tracker store then loses or
duplicates events), or one finds its lock deleted and fails the message with "LockError:
Could not acquire lock" (RasaHQ/rasa#9213; the fix, ConcurrentRedisLockStore, was
reverted from Rasa Open Source and lives in Rasa Pro). `make test-scale` shows both.

AtomicTickets keeps Rasa's ticket algorithm and data format and does each read-change-write
of a lock in one step of the store, so a ticket is never lost and a lock is deleted only
when it is really empty. Two stores use it:

- AtomicRedisLockStore, for several Rasa servers (bot/endpoints-scale.yml): a Redis
  transaction (WATCH/MULTI/EXEC, retried when another server changed the lock in between);
- SQLiteLockStore, for the Sanic workers of one Rasa server on one machine (bot/endpoints.yml,
  `make run`): a SQLite transaction that takes the write lock first (BEGIN IMMEDIATE).
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import redis
from rasa.core.lock import TicketLock
from rasa.core.lock_store import LOCK_LIFETIME, LockError, LockStore, RedisLockStore
from rasa.utils.endpoints import EndpointConfig

T = TypeVar("T")
Change = Callable[[TicketLock | None], tuple[T, TicketLock | None]]


class AtomicTickets:
    """Rasa's ticket lock operations, each one atomic change of the stored lock."""

    if TYPE_CHECKING:  # provided by the LockStore this is mixed into

        def create_lock(self, conversation_id: str) -> TicketLock: ...

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        """Store what `change` makes of the stored lock (None: delete it), atomically; its result.
        Raises LockError when the store fails."""
        raise NotImplementedError

    def issue_ticket(self, conversation_id: str, lock_lifetime: float = LOCK_LIFETIME) -> int:
        def issue(lock: TicketLock | None) -> tuple[int, TicketLock]:
            lock = lock or self.create_lock(conversation_id)
            return lock.issue_ticket(lock_lifetime), lock

        return self._change(conversation_id, issue)

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


class AtomicRedisLockStore(AtomicTickets, RedisLockStore):
    def __init__(self, endpoint_config: EndpointConfig | None = None, **kwargs: Any) -> None:
        # Rasa builds a lock store named by module path with `endpoint_config=` only.
        if endpoint_config is not None:
            kwargs = {"host": endpoint_config.url or "localhost", **endpoint_config.kwargs, **kwargs}
        super().__init__(**kwargs)

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        key = self.key_prefix + conversation_id
        try:
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
        except redis.RedisError as error:
            raise LockError(f"Error while changing the lock of {conversation_id}. Error:\n{error}") from error


class SQLiteLockStore(AtomicTickets, LockStore):
    """Locks in a SQLite file that every worker of the Rasa server opens.

    For Sanic workers on one machine (SANIC_WORKERS), with the SQLite tracker store: Rasa
    needs a lock store other than its in-memory one before it starts more than one worker,
    and Redis would be a server to run for `make run`. Locks live seconds; the file holds
    only the conversations being answered right now. Configured in bot/endpoints.yml as
    `type: connectors.lock_store.SQLiteLockStore` with `db: <path>`.
    """

    # How long a worker waits for another worker's transaction on the file.
    BUSY_TIMEOUT_SECONDS = 10

    def __init__(self, endpoint_config: EndpointConfig | None = None, db: str | None = None) -> None:
        path = db or (endpoint_config.kwargs.get("db") if endpoint_config else None)
        if not path:
            raise ValueError("SQLiteLockStore needs `db`: the path of its SQLite file")
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        # Autocommit mode: transactions are begun explicitly, IMMEDIATE, in _change.
        self._db = sqlite3.connect(
            path, timeout=self.BUSY_TIMEOUT_SECONDS, isolation_level=None, check_same_thread=False
        )
        self._set_up()
        # One connection per store; a store used from several threads takes turns on it.
        self._turn = threading.RLock()
        super().__init__()

    def _set_up(self) -> None:
        # Workers start together: switching a new file to WAL needs it to themselves, and
        # SQLite reports the contention at once instead of waiting its busy timeout.
        deadline = time.monotonic() + self.BUSY_TIMEOUT_SECONDS
        while True:
            try:
                # WAL: readers never wait for the writer; NORMAL: no fsync per change. A power
                # cut may forget the last locks, which only matters while the server is down.
                self._db.execute("pragma journal_mode = wal")
                self._db.execute("pragma synchronous = normal")
                self._db.execute(
                    "create table if not exists locks (conversation_id text primary key, lock text not null)"
                )
                return
            except sqlite3.OperationalError as error:
                if "locked" not in str(error) or time.monotonic() > deadline:
                    raise
                time.sleep(0.05)

    def close(self) -> None:
        self._db.close()

    def get_lock(self, conversation_id: str) -> TicketLock | None:
        with self._turn:
            row = self._db.execute("select lock from locks where conversation_id = ?", (conversation_id,)).fetchone()
        return TicketLock.from_dict(json.loads(row[0])) if row else None

    def delete_lock(self, conversation_id: str) -> None:
        with self._turn:
            self._db.execute("delete from locks where conversation_id = ?", (conversation_id,))

    def save_lock(self, lock: TicketLock) -> None:
        with self._turn:
            self._db.execute(
                "insert or replace into locks (conversation_id, lock) values (?, ?)",
                (lock.conversation_id, lock.dumps()),
            )

    def _change(self, conversation_id: str, change: Change[T]) -> T:
        with self._turn:
            return self._change_in_transaction(conversation_id, change)

    def _change_in_transaction(self, conversation_id: str, change: Change[T]) -> T:
        try:
            self._db.execute("begin immediate")  # the write lock first: no one changes it meanwhile
            try:
                result, lock = change(self.get_lock(conversation_id))
                if lock is None:
                    self.delete_lock(conversation_id)
                else:
                    self.save_lock(lock)
                self._db.execute("commit")
                return result
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back already (disk full, I/O)
                    self._db.execute("rollback")
                raise
        except (sqlite3.Error, ValueError) as error:  # ValueError: a lock row that is not a lock
            raise LockError(f"Error while changing the lock of {conversation_id}. Error:\n{error}") from error
