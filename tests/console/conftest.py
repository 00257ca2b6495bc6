"""A console database migrated into tmp_path, and the store over it."""

from __future__ import annotations

import pytest

from console.db import create_schema, engine
from console.store import ConsoleStore


@pytest.fixture
def db_url(tmp_path) -> str:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    create_schema(url)
    return url


@pytest.fixture
def store(db_url) -> ConsoleStore:
    return ConsoleStore(engine(db_url))
