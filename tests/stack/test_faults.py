"""The action server crashing or hanging, with the assistant running (connectors/action_guard.py)."""

from __future__ import annotations

import os
import signal
import time

import pytest

from connectors.action_guard import ACTION_UNAVAILABLE_REPLY
from tests.stack.conftest import SCHOOL_COUNT_QUESTION, ask, new_sender

pytestmark = pytest.mark.stack

PROMISED_SECONDS = 5


@pytest.fixture
def action_server_killed(stack):
    stack.kill("actions")
    yield
    stack.restart("actions")


@pytest.fixture
def action_server_hung(stack):
    """Stopped, not dead: it accepts connections (the kernel does) and never answers."""
    group = stack.processes["actions"].pid
    os.killpg(group, signal.SIGSTOP)
    yield
    os.killpg(group, signal.SIGCONT)


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
