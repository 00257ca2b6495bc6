"""The counts only the Rasa server sees, read from a turn's events."""

from __future__ import annotations

from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SessionStarted, SlotSet, UserUttered

from connectors.console_turns import turn_measures


def start() -> list:
    return [ActionExecuted("action_session_start"), SessionStarted(), ActionExecuted("action_listen")]


def user(text: str, school: str | None = "qingcheng") -> UserUttered:
    return UserUttered(text, {"name": "greet"}, metadata={"school": school} if school else {})


def test_the_first_message_of_a_session_counts_a_conversation():
    assert ("qingcheng", ["messages", "conversations"]) == turn_measures([*start(), user("你好"), BotUttered("你好！")])


def test_a_later_message_counts_a_message_only():
    events = [*start(), user("你好"), BotUttered("你好！"), ActionExecuted("action_listen"), user("单招考什么")]
    assert ("qingcheng", ["messages"]) == turn_measures(events)


def test_a_new_session_of_an_old_conversation_is_a_new_conversation():
    events = [*start(), user("你好"), ActionExecuted("action_listen"), *start(), user("又来了", school=None)]
    assert (None, ["messages", "conversations"]) == turn_measures(events)


def test_the_eligibility_check_started_and_finished():
    started = [*start(), user("帮我查查"), ActionExecuted("eligibility_form"), ActiveLoop("eligibility_form")]
    assert "check_started" in turn_measures(started)[1]
    finished = [*started, user("没当过兵"), SlotSet("elig_result_shown", "yes"), ActiveLoop(None)]
    assert ["messages", "check_finished"] == turn_measures(finished)[1]


def test_no_user_message_counts_nothing():
    assert (None, []) == turn_measures(start())
