"""The REST channel's checks, without a server."""

from __future__ import annotations

import pytest

from connectors.rest import EMPTY_REPLY, PayloadError, parse_payload, reply_without_model


@pytest.mark.parametrize("body", [
    None, [], "text", 3, {"message": 3}, {"message": None}, {"sender": "a"},
    {"sender": ["a"], "message": "你好"}, {"sender": "a" * 129, "message": "你好"},
    {"sender": "a\nb", "message": "你好"}, {"sender": "a", "message": "你好", "metadata": "x"},
    {"sender": "a", "message": "你好", "metadata": [1]},
])
def test_a_malformed_payload_is_refused(body):
    with pytest.raises(PayloadError):
        parse_payload(body)


def test_a_message_without_sender_gets_its_own_conversation():
    first, _, _ = parse_payload({"message": "你好"})
    second, _, _ = parse_payload({"message": "你好"})
    assert first != second and "default" not in (first, second)


def test_a_good_payload_is_passed_through():
    assert ("s1", "单招考什么", {"page": "x"}) == parse_payload(
        {"sender": "s1", "message": "单招考什么", "metadata": {"page": "x"}})


@pytest.mark.parametrize("text", ["", "   ", "\n", "？？", "。。。", "😀👍"])
def test_an_empty_message_is_answered_without_the_model(text):
    assert EMPTY_REPLY == reply_without_model(text)


def test_an_overlong_message_is_answered_politely(monkeypatch):
    monkeypatch.setenv("MESSAGE_MAX_CHARS", "500")
    assert "500" in reply_without_model("问" * 501)
    assert reply_without_model("问" * 500) is None
