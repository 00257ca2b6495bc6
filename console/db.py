"""One accessor for the console database's engine.

CONSOLE_DB_URL (default sqlite:///var/console.db) names it; the scale profile points it at
PostgreSQL. The schema is created by migrations (console/migrations), not at import.
"""

from __future__ import annotations

import os
from functools import lru_cache

from sqlalchemy import create_engine
from sqlalchemy.engine import Engine

DEFAULT_URL = "sqlite:///var/console.db"


def database_url() -> str:
    return os.getenv("CONSOLE_DB_URL", DEFAULT_URL)


@lru_cache(maxsize=4)
def engine(url: str | None = None) -> Engine:
    """The engine for `url` (CONSOLE_DB_URL by default), made once per process."""
    return create_engine(url or database_url(), future=True, pool_pre_ping=True)


def create_schema(url: str | None = None) -> None:
    """Create the tables (a placeholder until migrations exist: issue 18 asks for them)."""
    from console.schema import metadata

    metadata.create_all(engine(url))
