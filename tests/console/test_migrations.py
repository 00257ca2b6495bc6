"""The migrations make exactly the tables console/schema.py describes."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from console.db import create_schema, engine
from console.schema import metadata


def test_migrated_database_matches_the_schema(db_url):
    with engine(db_url).connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)

    assert [] == differences


def test_migrating_again_changes_nothing(db_url):
    create_schema(db_url)

    tables = set(inspect(engine(db_url)).get_table_names())

    assert set(metadata.tables) | {"alembic_version"} == tables


def test_the_contract_tables_are_all_there(db_url):
    contract = {"schools", "accounts", "entries", "declined_questions", "daily_counts", "audit_log"}

    assert contract <= set(inspect(engine(db_url)).get_table_names())
