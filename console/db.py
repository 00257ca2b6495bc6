"""One accessor for the console database's engine, and its migrations.

CONSOLE_DB_URL (default sqlite:///var/console.db, relative to the working directory) names
it; the scale profile points it at PostgreSQL. The schema is made by the migrations in
console/migrations (alembic), never at import: `create_schema()` runs them.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url

DEFAULT_URL = "sqlite:///var/console.db"
MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def database_url() -> str:
    return os.getenv("CONSOLE_DB_URL", DEFAULT_URL)


@lru_cache(maxsize=4)
def engine(url: str | None = None) -> Engine:
    """The engine for `url` (CONSOLE_DB_URL by default), made once per process."""
    parsed = make_url(url or database_url())
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, future=True, pool_pre_ping=True)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    # The web server and the action server write to the same file: wait for each other's
    # locks rather than fail at once.
    sqlite = create_engine(parsed, future=True, connect_args={"timeout": 15})
    event.listen(sqlite, "connect", _sqlite_foreign_keys)
    return sqlite


def _sqlite_foreign_keys(connection, record) -> None:
    cursor = connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.close()


def shown_url(url: str | None = None) -> str:
    """The database URL with its password hidden, for messages and logs."""
    return make_url(url or database_url()).render_as_string(hide_password=True)


def create_schema(url: str | None = None) -> None:
    """Bring the database to the newest schema by running the migrations not yet applied."""
    from alembic import command
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("sqlalchemy.url", url or database_url())
    command.upgrade(config, "head")
