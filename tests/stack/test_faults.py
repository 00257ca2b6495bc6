"""The action server crashing or hanging (connectors/action_guard.py) and the tracker store
failing (connectors/tracker_guard.py), with the assistant running."""

from __future__ import annotations

import json
import sqlite3
import time
from contextlib import closing

import pytest

from connectors.action_guard import ACTION_UNAVAILABLE_REPLY
from connectors.rest import UNAVAILABLE_REPLY
from tests.stack.conftest import SCHOOL_COUNT_QUESTION, ask, new_sender, post

pytestmark = pytest.mark.stack

PROMISED_SECONDS = 5


@pytest.fixture
def action_server_killed(stack):
    stack.kill("actions")
    yield
    stack.restart("actions")


def timed_answer(stack, text: str, sender: str) -> tuple[float, str]:
    started = time.monotonic()
    answer = ask(stack, text, sender)
    return time.monotonic() - started, answer


def test_with_the_action_server_killed_the_user_is_told_to_try_later(stack, action_server_killed):
    seconds, answer = timed_answer(stack, SCHOOL_COUNT_QUESTION, new_sender())
    assert ACTION_UNAVAILABLE_REPLY == answer
    assert seconds < PROMISED_SECONDS


def test_with_the_action_server_hung_the_user_is_told_within_5_seconds(stack, action_server_hung):
    seconds, answer = timed_answer(stack, SCHOOL_COUNT_QUESTION, new_sender())
    assert "暂时无法查询" in answer
    assert seconds < PROMISED_SECONDS


def test_the_assistant_answers_again_once_the_action_server_is_back(stack):
    sender = new_sender()
    stack.kill("actions")
    try:
        assert "暂时无法查询" in ask(stack, SCHOOL_COUNT_QUESTION, sender)
    finally:
        stack.restart("actions")
    assert "237" in ask(stack, SCHOOL_COUNT_QUESTION, sender)
    assert "37" in ask(stack, "那高职呢？", sender)


def rename_table(stack, old: str, new: str) -> None:
    with closing(sqlite3.connect(stack.config.tracker_db)) as database, database:
        database.execute(f"ALTER TABLE {old} RENAME TO {new}")


def test_with_the_tracker_store_failing_the_turn_fails_loudly_and_nothing_is_lost(stack):
    """Rasa alone would answer the follow-up from a new, empty conversation and keep that
    turn in memory only (connectors/tracker_guard.py)."""
    sender = new_sender()
    assert "237" in ask(stack, SCHOOL_COUNT_QUESTION, sender)
    # As a failed migration or a failing disk would: the store is there, its events are not.
    rename_table(stack, "events", "events_away")
    try:
        status, body = post(stack, {"sender": sender, "message": "那高职呢？"})
    finally:
        rename_table(stack, "events_away", "events")
    assert (503, {"error": UNAVAILABLE_REPLY}) == (status, json.loads(body))
    log = (stack.config.log_dir / "rasa.log").read_text(encoding="utf-8", errors="replace")
    assert f"tracker store WindowedSQLTrackerStore could not load the conversation {sender}" in log

    follow_up = ask(stack, "那高职呢？", sender)  # the store is back, and so is the context
    assert "37" in follow_up and "237" not in follow_up.splitlines()[0]
