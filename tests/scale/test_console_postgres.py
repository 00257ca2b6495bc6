"""The console database on PostgreSQL (the scale profile): the migrations run there and the
console's data-access layer reads back what it wrote."""

from __future__ import annotations

import os
import subprocess
from datetime import datetime, timedelta

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import insert

from console.db import create_schema, engine
from console.forms import Entry, school_profile
from console.schema import daily_counts, declined_questions, metadata
from console.store import ConsoleStore, LoginRateLimited

pytestmark = pytest.mark.scale


@pytest.fixture(scope="module")
def console_url(services) -> str:
    subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-p",
            str(services.db_port),
            "-U",
            "rasa",
            "-d",
            "postgres",
            "-c",
            "CREATE DATABASE console",
        ],
        check=True,
        env={**os.environ, "PGPASSWORD": services.db_password},
        stdout=subprocess.DEVNULL,
    )
    url = f"postgresql://rasa:{services.db_password}@127.0.0.1:{services.db_port}/console"
    create_schema(url)
    return url


def test_the_migrations_make_the_schema_on_postgresql(console_url):
    create_schema(console_url)  # a second run changes nothing

    with engine(console_url).connect() as connection:
        assert [] == compare_metadata(MigrationContext.configure(connection), metadata)


def test_a_round_trip_through_the_console_store(console_url):
    store = ConsoleStore(engine(console_url))
    store.create_school("admin", "qingcheng", "青城职业技术学校")
    profile, _ = school_profile({"name": "青城职校", "color": "#0a7f3f", "allowed_origins": "https://www.qc.edu.cn"})
    store.update_school("admin", "qingcheng", profile)
    store.create_account("admin", "teacher", "a long test password", "counselor", "qingcheng")
    account = store.authenticate("teacher", "a long test password", "10.0.0.1")
    token, session = store.open_session(account, timedelta(hours=1))
    with store.engine.begin() as conn:
        conn.execute(
            insert(declined_questions).values(
                school_id="qingcheng",
                question="单招几号报名",
                group_key="单招 报名",
                asked_at=datetime.utcnow(),
                for_maintainers=False,
            )
        )
        conn.execute(insert(daily_counts).values(school_id="qingcheng", day="2026-12-01", measure="messages", count=9))
    entry_id = store.answer_group("teacher", "qingcheng", "单招 报名", Entry("单招几号报名", "3月初。", ""))
    store.mark_group("teacher", "qingcheng", "单招 报名", True)

    assert session == store.session(token)
    assert ("青城职校", "https://www.qc.edu.cn") == (
        store.school("qingcheng")["name"],
        store.school("qingcheng")["allowed_origins"],
    )
    assert [("单招几号报名", "3月初。")] == [(e["question"], e["answer"]) for e in store.entries("qingcheng")]
    [group] = store.declined_groups("qingcheng")
    assert (entry_id, True) == (group["entry_id"], group["for_maintainers"])
    assert "3月初。" == store.marked_for_maintainers(["qingcheng"])[0]["school_answer"]
    assert [("qingcheng", "2026-12-01", "messages", 9)] == store.daily_counts(
        ["qingcheng"], datetime(2026, 11, 30).date(), datetime(2026, 12, 6).date()
    )
    store.close_session(token, account)
    assert store.session(token) is None


def test_the_login_rate_limit_holds_on_postgresql(console_url):
    store = ConsoleStore(engine(console_url))
    store.create_account("admin", "limited", "a long test password", "admin", None)
    for attempt in range(10):
        assert store.authenticate("limited", f"wrong {attempt}", "10.0.0.2") is None

    with pytest.raises(LoginRateLimited):
        store.authenticate("limited", "a long test password", "10.0.0.2")
