"""The tracker store and lock store an endpoints file names: reach them, or say why not.

    python -m scripts.stores [--endpoints bot/endpoints.yml]     # exit 1 with the reason

`rasa run` does not fail when its stores are unreachable. An SQL tracker store whose
database cannot be opened only logs "Could not create tables" and starts; every message
then falls back to an in-memory store (FailSafeTrackerStore), so conversations vanish on
the next restart and `make purge` cannot see them. A misspelt store type or endpoints
path falls back to memory with a warning. So `make run` (scripts/serve.py) runs this check
first, with Rasa's environment, and refuses to start; in Kubernetes it is the Rasa pods'
init container (docs/deployment.md).

The file is read by Rasa's own reader, so ${VARS} expand exactly as for `rasa run`.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import sys
import time
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Engine

DEFAULT_ENDPOINTS = "bot/endpoints.yml"
CONNECT_TIMEOUT_SECONDS = 5


class StoreError(RuntimeError):
    pass


def endpoints_path(value: str | None = None) -> str:
    if value:
        return value
    return os.environ.get("RASA_ENDPOINTS", DEFAULT_ENDPOINTS)


def _endpoint(path: str, kind: str) -> Any:
    from rasa.utils.endpoints import read_endpoint_config

    if not Path(path).is_file():
        raise StoreError(f"no endpoints file at {path} (RASA_ENDPOINTS); Rasa would keep conversations in memory")
    try:
        return read_endpoint_config(path, kind)
    except Exception as error:  # e.g. a ${VAR} that is not set
        raise StoreError(f"cannot read {kind} from {path}: {error}") from None


def tracker_store_engine(path: str) -> Engine:
    """An SQLAlchemy engine on the SQL tracker store the endpoints file configures."""
    from rasa.core.tracker_store import SQLTrackerStore, create_engine_kwargs, validate_port

    config = _endpoint(path, "tracker_store")
    if config is None:
        raise StoreError(f"{path} configures no tracker_store: Rasa would keep conversations in memory only")
    if not is_sql_tracker_store(config.type or ""):
        raise StoreError(
            f"{path}: tracker_store type {config.type!r} is not supported; use type: SQL or "
            "connectors.tracker_window.WindowedSQLTrackerStore "
            "(conversations must survive restarts and `make purge` must reach them)"
        )
    options = config.kwargs
    url = SQLTrackerStore.get_db_url(
        dialect=options.get("dialect", "sqlite"),
        host=config.url,
        port=validate_port(options.get("port")),
        db=options.get("db", "rasa.db"),
        username=options.get("username"),
        password=options.get("password"),
        login_db=options.get("login_db"),
        query=options.get("query"),
    )
    kwargs = create_engine_kwargs(url)
    if sa.engine.make_url(url).get_backend_name() == "postgresql":
        kwargs["connect_args"] = {**kwargs.get("connect_args", {}), "connect_timeout": CONNECT_TIMEOUT_SECONDS}
    return sa.create_engine(url, **kwargs)


def is_sql_tracker_store(type_name: str) -> bool:
    """`type: SQL`, or a class that stores into Rasa's SQL table (a subclass of SQLTrackerStore)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.utils.common import class_from_module_path

    if type_name.lower() == "sql":
        return True
    if "." not in type_name:
        return False
    try:
        store_class = class_from_module_path(type_name)
    except (ImportError, AttributeError):
        return False
    return isinstance(store_class, type) and issubclass(store_class, SQLTrackerStore)


def events_table() -> sa.Table:
    """The table Rasa's SQLTrackerStore writes every event to (one row per event)."""
    from rasa.core.tracker_store import SQLTrackerStore

    return SQLTrackerStore.SQLEvent.__table__


def check_tracker_store(path: str) -> str:
    """Connect, create Rasa's table if missing, and write a row in a transaction that is rolled back."""
    engine = tracker_store_engine(path)
    shown = engine.url.render_as_string(hide_password=True)
    try:
        events_table().metadata.create_all(engine)
        with engine.connect() as connection:
            if engine.url.get_backend_name() == "sqlite":
                # Kept by the file: the Rasa server's workers read while another one writes.
                connection.exec_driver_sql("pragma journal_mode = wal")
            transaction = connection.begin()
            connection.execute(
                events_table().insert().values(sender_id="preflight", type_name="preflight", timestamp=time.time())
            )
            transaction.rollback()
    except sa.exc.SQLAlchemyError as error:
        reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
        raise StoreError(f"tracker store {shown} is unreachable or read-only: {reason}") from None
    finally:
        engine.dispose()
    return shown


def check_lock_store(path: str) -> str:
    config = _endpoint(path, "lock_store")
    if config is None or (config.type or "").lower() in ("", "in_memory"):
        return "in memory (one Rasa server only)"
    from rasa.core.lock_store import RedisLockStore

    from connectors.lock_store import SQLiteLockStore

    store_class = _lock_store_class(config.type)
    if store_class is SQLiteLockStore:
        return check_sqlite_lock_store(config)
    if not (isinstance(store_class, type) and issubclass(store_class, RedisLockStore)):
        raise StoreError(f"{path}: lock_store type {config.type!r} is not a Redis lock store")
    import redis

    options = config.kwargs
    host, port = config.url or "localhost", int(options.get("port") or 6379)
    client = redis.Redis(
        host=host,
        port=port,
        db=int(options.get("db") or 1),
        password=options.get("password"),
        ssl=bool(options.get("use_ssl", False)),
        socket_connect_timeout=CONNECT_TIMEOUT_SECONDS,
        socket_timeout=CONNECT_TIMEOUT_SECONDS,
    )
    try:
        client.ping()
    except redis.RedisError as error:
        raise StoreError(f"lock store redis {host}:{port} is unreachable: {error}") from None
    finally:
        client.close()
    return f"redis {host}:{port}"


def check_sqlite_lock_store(config: Any) -> str:
    """Open the file (creating it and its table) and take and give back a ticket."""
    from rasa.core.lock_store import LockError

    from connectors.lock_store import SQLiteLockStore

    path = config.kwargs.get("db")
    try:
        store = SQLiteLockStore(config)
        try:
            store.cleanup("preflight", store.issue_ticket("preflight"))
        finally:
            store.close()
    except (LockError, OSError, sqlite3.Error, ValueError) as error:
        raise StoreError(f"lock store sqlite {path} is unusable: {error}") from None
    return f"sqlite {path}"


def _lock_store_class(type_name: str) -> Any:
    from rasa.shared.utils.common import class_from_module_path

    if type_name.lower() == "redis":
        from rasa.core.lock_store import RedisLockStore

        return RedisLockStore
    try:
        return class_from_module_path(type_name)
    except (AttributeError, ImportError) as error:
        raise StoreError(f"lock_store type {type_name!r} cannot be loaded: {error}") from None


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Check that the stores in the endpoints file answer.")
    parser.add_argument("--endpoints", help=f"endpoints file (RASA_ENDPOINTS, default {DEFAULT_ENDPOINTS})")
    path = endpoints_path(parser.parse_args(argv).endpoints)
    try:
        tracker = check_tracker_store(path)
        lock = check_lock_store(path)
    except StoreError as error:
        print(f"refusing to start: {error}", file=sys.stderr)
        return 1
    print(f"tracker store: {tracker}\nlock store:    {lock}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
