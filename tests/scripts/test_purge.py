"""`make purge` against a tracker store written by Rasa's own SQLTrackerStore."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from console.assistant_store import AssistantStore
from console.background import Declined
from console.db import engine
from console.schema import declined_questions
from scripts import purge
from tests.console.assistant_db import console_db

DAY = 86_400
NOW = time.time()


def session(start: float, text: str) -> list:
    return [
        ActionExecuted("action_session_start", timestamp=start),
        SessionStarted(timestamp=start + 1),
        ActionExecuted("action_listen", timestamp=start + 2),
        UserUttered(text, timestamp=start + 3),
        BotUttered("回答", timestamp=start + 4),
        ActionExecuted("action_listen", timestamp=start + 5),
    ]


@pytest.fixture
async def endpoints(tmp_path):
    """Conversations stored by Rasa: idle for 40 days, active, returning after 45 days, and
    one whose current session began 31 days ago and was last used 29 days ago."""
    db = tmp_path / "tracker.db"
    store = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(db))
    conversations = {
        "idle": session(NOW - 40 * DAY, "四十天前的问题"),
        "active": session(NOW - 2 * DAY, "前天的问题"),
        "returning": session(NOW - 45 * DAY, "很早的问题") + session(NOW - 1 * DAY, "昨天的问题"),
        "long": session(NOW - 31 * DAY, "一个月前的问题") + [UserUttered("接着问", timestamp=NOW - 29 * DAY)],
    }
    for sender, events in conversations.items():
        await store.save(DialogueStateTracker.from_events(sender, events))
    store.engine.dispose()
    path = tmp_path / "endpoints.yml"
    path.write_text(f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {db}\n", encoding="utf-8")
    return path, db


@pytest.fixture(autouse=True)
def console_database(tmp_path, monkeypatch) -> str:
    """The console's declined questions: one asked 40 days ago, one yesterday."""
    url = console_db(tmp_path, monkeypatch)
    now = datetime.utcnow()
    AssistantStore(engine(url)).keep_declined(
        [
            Declined(None, "四十天前没答上的问题", "a", now - timedelta(days=40)),
            Declined(None, "昨天没答上的问题", "b", now - timedelta(days=1)),
        ]
    )
    return url


def declined(url: str) -> list[str]:
    with engine(url).connect() as connection:
        return [row.question for row in connection.execute(sa.select(declined_questions))]


def texts(db) -> dict[str, list[str]]:
    with sqlite3.connect(db) as connection:
        rows = connection.execute("select sender_id, data from events where type_name = 'user' order by id").fetchall()
    found: dict[str, list[str]] = {}
    for sender, data in rows:
        found.setdefault(sender, []).append(json.loads(data)["text"])
    return found


def test_conversations_older_than_the_retention_are_deleted_and_counted(endpoints, capsys):
    path, db = endpoints
    assert 0 == purge.main(["--endpoints", str(path), "--days", "30"])
    assert {"active": ["前天的问题"], "returning": ["昨天的问题"], "long": ["一个月前的问题", "接着问"]} == texts(db)
    assert "deleted 1 conversations (6 events) and 7 events of earlier sessions" in capsys.readouterr().out


def test_declined_questions_older_than_the_retention_are_deleted_too(endpoints, console_database, capsys):
    path, _ = endpoints
    assert 0 == purge.main(["--endpoints", str(path), "--days", "30"])
    assert ["昨天没答上的问题"] == declined(console_database)
    assert "deleted 1 declined questions older than 30 days" in capsys.readouterr().out


def test_a_dry_run_keeps_the_declined_questions(endpoints, console_database):
    path, _ = endpoints
    purge.main(["--endpoints", str(path), "--days", "30", "--dry-run"])
    assert 2 == len(declined(console_database))


def test_the_current_session_is_kept_whole_even_where_it_is_older(endpoints):
    path, db = endpoints
    purge.main(["--endpoints", str(path), "--days", "30"])
    with sqlite3.connect(db) as connection:
        (kept,) = connection.execute("select count(*) from events where sender_id = 'long'").fetchone()
    # Rasa loads the current session from its session_started event on (only the
    # action_session_start before it goes): deleting the part older than 30 days would
    # leave a tracker that Rasa appends to at the wrong place.
    assert 6 == kept


def test_retention_comes_from_the_environment(endpoints, monkeypatch):
    path, db = endpoints
    monkeypatch.setenv("RETENTION_DAYS", "50")
    purge.main(["--endpoints", str(path)])
    assert 4 == len(texts(db))


def test_a_dry_run_deletes_nothing(endpoints, capsys):
    path, db = endpoints
    purge.main(["--endpoints", str(path), "--days", "30", "--dry-run"])
    assert 4 == len(texts(db))
    assert "would have deleted 1 conversations" in capsys.readouterr().out


def test_an_unreadable_store_is_an_error(tmp_path, capsys):
    path = tmp_path / "endpoints.yml"
    path.write_text("tracker_store:\n  type: mongod\n", encoding="utf-8")
    assert 1 == purge.main(["--endpoints", str(path)])
    assert "not supported" in capsys.readouterr().err
