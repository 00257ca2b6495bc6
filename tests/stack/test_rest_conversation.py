"""The running assistant over its REST channel, as a user or a school's page talks to it."""

from __future__ import annotations

import sqlite3

import pytest

from tests.stack.conftest import ask, new_sender, post

pytestmark = pytest.mark.stack


def test_the_school_count_is_answered_with_237_and_a_source(stack):
    answer = ask(stack, "内蒙古现在一共有多少所职业院校？", new_sender())
    assert "237" in answer
    assert answer.splitlines()[-1].startswith("来源：")


def test_a_follow_up_is_answered_in_context(stack):
    sender = new_sender()
    ask(stack, "内蒙古现在一共有多少所职业院校？", sender)
    answer = ask(stack, "那高职呢？", sender)
    assert "37" in answer and "237" not in answer.splitlines()[0]


def test_another_channel_after_single_enrollment_keeps_what_was_asked(stack):
    sender = new_sender()
    assert "文化素质" in ask(stack, "单招考什么", sender)
    answer = ask(stack, "对口招生呢？", sender)
    assert "语文" in answer and "33962" not in answer and "6161" not in answer  # what 对口招生 tests


def test_an_out_of_scope_question_is_redirected_without_facts(stack):
    answer = ask(stack, "今天呼和浩特天气怎么样", new_sender())
    assert "来源" not in answer and answer


@pytest.mark.parametrize(
    "body",
    [
        {"sender": "bad", "message": ""},
        {"sender": "bad", "message": "问" * 10_000},
        {"sender": "bad", "message": "😀😀😀"},
        {"sender": "bad", "message": "What is the weather like?"},
        {"sender": "bad", "message": 123},
        {"sender": 5, "message": "你好"},
        {"sender": "bad", "message": "你好", "metadata": "x"},
        "[1, 2]",
        "null",
        "not json",
        b"\xff\xfe\x00",
    ],
)
def test_bad_input_gets_a_reply_or_a_4xx_and_the_server_keeps_serving(stack, body):
    status, _ = post(stack, body)
    assert status == 200 or 400 <= status < 500
    assert "237" in ask(stack, "内蒙古现在一共有多少所职业院校？", new_sender())


def test_the_conversation_is_stored_in_the_sqlite_tracker_store(stack):
    sender = new_sender()
    ask(stack, "你好", sender)
    with sqlite3.connect(stack.config.tracker_db) as db:
        (count,) = db.execute("select count(*) from events where sender_id = ?", (sender,)).fetchone()
    assert count > 0


def test_a_parent_describing_the_family_is_answered_at_once_and_offered_the_check(stack):
    sender = new_sender()
    first = ask(stack, "孩子在包头读中职一年级，农村户口，家里是低保户，能享受哪些资助？", sender)
    result = first.split("来源：")[0]
    assert "免学费" in result and "国家助学金" in result
    assert "我可以问几个问题帮你查" in first  # the check is offered, not started
    # Accepted, the check does not ask again what the family said: the short result at once.
    checked = ask(stack, "帮我查查我家能领什么", sender)
    assert "孩子读的（或准备读的）" not in checked
    assert "具体以学校资助中心认定为准" in checked
