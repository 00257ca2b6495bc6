"""The eligibility check as a family meets it over REST: it starts only when asked, every
question can be cancelled, a question in the middle is answered, the result is short."""

from __future__ import annotations

import pytest

from tests.stack.conftest import ask, new_sender, post

pytestmark = pytest.mark.stack

CANCELLED = "已取消资助查询"


def reply(stack, text: str, sender: str) -> list[dict]:
    status, messages = post(stack, {"sender": sender, "message": text})
    assert 200 == status, messages
    return messages


def buttons(messages: list[dict]) -> list[str]:
    return [button["title"] for message in messages for button in message.get("buttons") or []]


def test_a_tuition_question_is_answered_and_the_check_only_offered(stack):
    sender = new_sender()
    messages = reply(stack, "我家孩子在呼和浩特职业学院, 学费多少", sender)
    assert "帮我查查我家能领什么" in buttons(messages)
    assert not any("孩子读的（或准备读的）" in m.get("text", "") for m in messages)
    # Accepting the offer starts the check at its first question.
    assert "孩子读的（或准备读的）" in ask(stack, "好的", sender)


@pytest.mark.parametrize(
    "opening, word",
    [
        ("帮我查查我家能领什么", "算了"),  # level
        ("我想查一下孩子读中职有哪些补助", "/stop"),  # grade, with the quick reply's payload
        ("孩子读中职二年级，帮我查查能领什么", "取消"),  # hardship
        ("孩子中职一年级，家里不困难，帮我查查能领啥", "不查了"),  # household
        ("孩子在读高职二年级，家里不困难，帮我查查能领什么", "退出"),  # military service
        ("农村户口，孩子中职三年级，学汽修，家里不困难，查查能领啥", "不用了"),  # 旗县
    ],
)
def test_every_question_offers_cancel_and_cancelling_ends_the_check(stack, opening, word):
    sender = new_sender()
    question = reply(stack, opening, sender)
    assert "取消" in buttons(question)
    assert CANCELLED in ask(stack, word, sender)
    # The check is over: an answer now is not taken as one.
    assert CANCELLED not in ask(stack, "你好", sender)


def test_a_question_mid_check_is_answered_and_the_check_resumes(stack):
    sender = new_sender()
    ask(stack, "帮我查查我家能领什么", sender)
    answer = ask(stack, "单招考什么", sender)
    assert "文化素质" in answer
    assert "孩子读的（或准备读的）" in answer  # the pending question again


def test_a_question_at_a_later_step_returns_to_that_step(stack):
    sender = new_sender()
    ask(stack, "孩子在读高职二年级，家里不困难，帮我查查能领什么", sender)
    answer = ask(stack, "对了，助学贷款毕业后多久开始还", sender)
    # the question is answered: when repayment starts is not in the sources, so it says so and where to ask
    assert "助学贷款" in answer and "没有查到" in answer and "资助中心" in answer
    assert "退役士兵" in answer.splitlines()[-1] and "公办" not in answer  # then the pending question


def test_the_result_is_short_and_the_details_come_on_request(stack):
    sender = new_sender()
    ask(stack, "帮我查查我家能领什么", sender)
    ask(stack, "高职", sender)
    ask(stack, "还没上", sender)
    ask(stack, "低保户", sender)
    result = reply(stack, "没当过兵", sender)
    text = result[0]["text"]
    assert "国家助学金" in text and "助学贷款" in text and "怎么申请" in text
    assert text.splitlines()[-1].startswith("来源：")
    assert ["详细说说", "不用了"] == buttons(result)
    details = ask(stack, "详细说说", sender)
    assert "不符合" in details and "待核实" in details and "已清除" in details
    assert "已清除" not in ask(stack, "详细说说", sender)  # the check is over: nothing kept to show


def test_no_details_wanted_ends_the_check(stack):
    sender = new_sender()
    ask(stack, "孩子在包头读中职一年级，农村户口，家里是低保户，帮我查查能领什么", sender)
    answer = ask(stack, "不用了", sender)
    assert "这次查询结束" in answer and "不符合" not in answer


def test_moving_on_at_the_details_question_answers_and_ends_the_check(stack):
    sender = new_sender()
    ask(stack, "孩子在包头读中职一年级，农村户口，家里是低保户，帮我查查能领什么", sender)
    answer = ask(stack, "单招考什么", sender)
    assert "文化素质" in answer and "这次查询结束" in answer
