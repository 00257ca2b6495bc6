"""A conversation of 200 messages: the servers work from a window of its latest events
(connectors/tracker_window.py), yet what it needs from long ago is kept and nothing stored is lost."""

from __future__ import annotations

import sqlite3

import pytest

from bench.conversations import LONG_CYCLE, reply_problem
from connectors.settings import tracker_window_events
from tests.stack.conftest import SCHOOL_COUNT_QUESTION, new_sender, post

pytestmark = pytest.mark.stack

MESSAGES = 200
# Questions asked in the middle of the eligibility check, each answered, the check waiting.
ASIDES = ["单招考什么", "3+2是什么", "中职国家助学金多少钱", "对口招生呢？", "职业本科是什么"] * 3


def say(stack, sender: str, text: str) -> str:
    status, messages = post(stack, {"sender": sender, "message": text})
    assert 200 == status, messages
    return "\n".join(m.get("text") or "" for m in messages)


def stored_rows(stack, sender: str, type_name: str = "%") -> int:
    with sqlite3.connect(stack.config.tracker_db) as db:
        return db.execute(
            "select count(*) from events where sender_id = ? and type_name like ?", (sender, type_name)
        ).fetchone()[0]


def test_the_200th_message_follows_up_and_every_turn_is_stored(stack):
    sender, sent = new_sender(), 0

    def send(text: str) -> str:
        nonlocal sent
        sent += 1
        return say(stack, sender, text)

    assert "中职" in send("帮我查一下孩子能享受哪些资助")
    assert "几年级" in send("中职")
    for aside in ASIDES:  # far more events than the window holds
        assert "来源：" in send(aside)
    assert stored_rows(stack, sender) > 2 * tracker_window_events()
    # The check resumes with the level given before the asides: it asks the next question.
    assert "经济困难" in send("一年级")
    assert "户口" in send("家里不困难")
    assert "涉农" in send("城市户口")
    assert "免学费" in send("不是涉农专业")

    problems = []
    for number in range(MESSAGES - 2 - sent):
        turn = LONG_CYCLE[number % len(LONG_CYCLE)]
        status, messages = post(stack, {"sender": sender, "message": turn.text})
        sent += 1
        problem = reply_problem(status, messages, turn, check_answer=True)
        if problem:
            problems.append(f"message {sent} {turn.text!r}: {problem}")
    assert [] == problems

    assert "237" in send(SCHOOL_COUNT_QUESTION)
    assert "37" in send("那高职呢？")
    assert MESSAGES == sent == stored_rows(stack, sender, "user")
    assert MESSAGES <= stored_rows(stack, sender, "bot")
