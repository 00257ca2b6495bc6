"""The assistant's reads and writes on the console database."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, update

from console.assistant_store import AssistantStore
from console.background import BackgroundWrites, Declined
from console.db import engine
from console.schema import daily_counts, declined_questions, schools
from tests.console.assistant_db import add_entry, add_school, console_db


@pytest.fixture
def url(tmp_path, monkeypatch):
    url = console_db(tmp_path, monkeypatch)
    add_school(url, "qingcheng", "青城职业技术学校", "https://a.example\nhttps://b.example", aid_phone="123")
    return url


def test_a_school_is_read_with_its_origins_and_cached_briefly(url):
    store = AssistantStore(engine(url), cache_seconds=60)
    school = store.school("qingcheng")
    assert ("https://a.example", "https://b.example") == school.allowed_origins
    assert "123" == school.aid_phone
    assert store.school("none") is None
    with engine(url).begin() as connection:
        connection.execute(update(schools).values(name="改名"))
    assert "青城职业技术学校" == store.school("qingcheng").name  # cached
    assert "改名" == AssistantStore(engine(url), cache_seconds=0).school("qingcheng").name


def test_entries_are_read_as_they_are_now(url):
    store = AssistantStore(engine(url))
    assert [] == store.entries("qingcheng")
    add_entry(url, "qingcheng", "学费多少", "免学费")
    assert ["学费多少"] == [e.question for e in store.entries("qingcheng")]


def test_a_group_answered_by_a_counselor_has_its_entry(url):
    store = AssistantStore(engine(url))
    now = datetime(2026, 12, 5)
    store.keep_declined([Declined("qingcheng", "单招什么时候报名", "单招 什么 报名 时候", now)])
    assert store.entry_for_group("qingcheng", "单招 什么 报名 时候") is None
    entry_id = add_entry(url, "qingcheng", "单招什么时候报名", "3月")
    with engine(url).begin() as connection:
        connection.execute(update(declined_questions).values(entry_id=entry_id))
    assert entry_id == store.entry_for_group("qingcheng", "单招 什么 报名 时候").id
    assert store.entry_for_group("other", "单招 什么 报名 时候") is None


def test_counts_add_up_across_flushes(url):
    store = AssistantStore(engine(url))
    writes = BackgroundWrites(store)
    writes.count("qingcheng", "messages", "messages", "answered")
    writes.flush()
    writes.count("qingcheng", "messages")
    writes.count(None, "messages")
    writes.flush()
    with engine(url).connect() as connection:
        rows = {(r.school_id, r.measure): r.count for r in connection.execute(select(daily_counts))}
    assert {("qingcheng", "messages"): 3, ("qingcheng", "answered"): 1, ("", "messages"): 1} == rows


def test_a_failing_database_loses_the_counts_not_the_reply(tmp_path):
    writes = BackgroundWrites(AssistantStore(engine(f"sqlite:///{tmp_path / 'empty.db'}")))
    writes.count("qingcheng", "messages")
    writes.keep_declined("qingcheng", "单招什么时候报名", "k")
    writes.flush()  # no tables: logged, not raised
    assert ({}, []) == writes.pending()


def test_declined_questions_older_than_the_retention_are_purged(url):
    store = AssistantStore(engine(url))
    now = datetime(2026, 12, 5)
    store.keep_declined(
        [
            Declined("qingcheng", "旧问题", "旧", now - timedelta(days=31)),
            Declined(None, "新问题", "新", now - timedelta(days=29)),
        ]
    )
    assert 1 == store.purge_declined(30, now=now, dry_run=True)
    assert 1 == store.purge_declined(30, now=now)
    with engine(url).connect() as connection:
        assert ["新问题"] == [r.question for r in connection.execute(select(declined_questions))]
