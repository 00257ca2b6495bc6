"""The REST channel's checks, without a server."""

from __future__ import annotations

import pytest

from connectors import conversation_ids
from connectors.rest import (
    EMPTY_REPLY,
    PayloadError,
    is_json,
    literal_text,
    parse_payload,
    reply_without_model,
    within_limits,
)


@pytest.mark.parametrize(
    "body",
    [
        None,
        [],
        "text",
        3,
        {"message": 3},
        {"message": None},
        {"sender": "a"},
        {"sender": ["a"], "message": "你好"},
        {"sender": "a" * 129, "message": "你好"},
        {"sender": "a\nb", "message": "你好"},
        {"sender": "a", "message": "你好", "metadata": "x"},
        {"sender": "a", "message": "你好", "metadata": [1]},
        {"sender": "default", "message": "你好"},
        {"sender": "a", "message": "你好", "metadata": {"school": [[[[["x"]]]]]}},
    ],
)
def test_a_malformed_payload_is_refused(body):
    with pytest.raises(PayloadError):
        parse_payload(body)


def test_a_message_without_sender_gets_its_own_issued_conversation():
    first, _, _ = parse_payload({"message": "你好"})
    second, _, _ = parse_payload({"message": "你好"})
    assert first != second and conversation_ids.is_issued(first) and conversation_ids.is_issued(second)


def test_a_good_payload_is_passed_through_with_the_widgets_metadata_only():
    # Issue 14: 60 KB of metadata per message was stored three times over.
    assert ("s1", "单招考什么", {"school": "青城职业技术学校"}) == parse_payload(
        {
            "sender": "s1",
            "message": "单招考什么",
            "metadata": {"school": "青城职业技术学校", "page": "x" * 60_000, "nested": {"a": 1}},
        }
    )
    assert {"school": "校" * 60} == parse_payload({"message": "你好", "metadata": {"school": "校" * 500}})[2]


@pytest.mark.parametrize("typed", ["/restart", "/session_start", '/inform{"elig_grade": 5}', "  /stop", "/"])
def test_text_starting_with_a_slash_is_text_not_intent_syntax(typed):
    # Issue 14: Rasa read these as intents and entities: a reset, slots set directly.
    _, text, _ = parse_payload({"sender": "s1", "message": typed})
    assert not text.lstrip().startswith("/") and text.lstrip()[1:] == typed.lstrip()[1:]
    assert "3/4的学生" == literal_text("3/4的学生")


@pytest.mark.parametrize(
    "content_type, accepted",
    [
        ("application/json", True),
        ("application/json; charset=utf-8", True),
        ("Application/JSON;charset=UTF-8", True),
        ("text/plain", False),
        ("application/x-www-form-urlencoded", False),
        ("application/json; charset=gbk", False),
        ("", False),
        (None, False),
        ("multipart/form-data; boundary=x", False),
    ],
)
def test_only_json_is_accepted(content_type, accepted):
    # text/plain and forms are "simple" requests: any web page may send them without a CORS preflight.
    assert accepted == is_json(content_type)


@pytest.mark.parametrize("text", ["", "   ", "\n", "？？", "。。。", "😀👍"])
def test_an_empty_message_is_answered_without_the_model(text):
    assert EMPTY_REPLY == reply_without_model(text)


def test_an_overlong_message_is_answered_politely(monkeypatch):
    monkeypatch.setenv("MESSAGE_MAX_CHARS", "500")
    assert "500" in reply_without_model("问" * 501)
    assert reply_without_model("问" * 500) is None


class FakeRequest:
    def __init__(self, ip: str, headers: dict | None = None) -> None:
        self.ip, self.headers = ip, headers or {}


def test_remote_clients_are_rate_limited_and_processes_on_this_machine_are_not(monkeypatch):
    monkeypatch.setenv("RATE_LIMIT_PER_SENDER", "5")
    monkeypatch.setenv("RATE_LIMIT_PER_IP", "8")
    browser = FakeRequest("127.0.0.1", {"Origin": "http://localhost:8000"})
    assert [True] * 5 + [False] == [within_limits(browser, "limited-sender") for _ in range(6)]
    remote = FakeRequest("203.0.113.7")
    assert [True] * 8 + [False] == [within_limits(remote) for _ in range(9)]
    # behind a proxy on this machine, each forwarded address has its own budget
    assert within_limits(FakeRequest("127.0.0.1", {"X-Forwarded-For": "198.51.100.1"}))
    local = FakeRequest("127.0.0.1")
    assert all(within_limits(local, "bench") for _ in range(100))
