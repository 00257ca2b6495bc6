"""A console database in tmp_path, with schools and entries written as the console's
pages write them (the same tables)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert

from console.db import create_schema, engine
from console.schema import entries, schools

WHEN = datetime(2026, 12, 1, 8, 0)


def console_db(tmp_path, monkeypatch) -> str:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    monkeypatch.setenv("CONSOLE_DB_URL", url)
    create_schema(url)
    return url


def add_school(url: str, school_id: str, name: str, origins: str = "", **profile: str) -> None:
    with engine(url).begin() as connection:
        connection.execute(
            insert(schools).values(
                id=school_id, name=name, allowed_origins=origins, created_at=WHEN, updated_at=WHEN, **profile
            )
        )


def add_entry(url: str, school_id: str, question: str, answer: str, link: str = "") -> int:
    with engine(url).begin() as connection:
        return connection.execute(
            insert(entries).values(
                school_id=school_id,
                question=question,
                answer=answer,
                link=link,
                author="counselor",
                created_at=WHEN,
                updated_at=WHEN,
            )
        ).inserted_primary_key[0]
