"""Alembic's entry point for the console database (run through console.migrate)."""

from __future__ import annotations

from alembic import context

from console.db import engine
from console.schema import metadata

config = context.config
url = config.get_main_option("sqlalchemy.url")

with engine(url).connect() as connection:
    # SQLite alters tables by copying them ("batch" mode); PostgreSQL alters them in place.
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
