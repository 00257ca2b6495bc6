"""Issue 14's findings against the running stack: each test failed on the code before it."""

from __future__ import annotations

import json
import os
import sqlite3
import urllib.request
import uuid

import pytest

from connectors.rate_limit import RATE_LIMITED_REPLY
from tests.console.assistant_db import add_school
from tests.stack.conftest import SCHOOL_COUNT_QUESTION, ask, issued, new_sender, post

pytestmark = pytest.mark.stack

BROWSER = {"Origin": "http://localhost:8000"}


def send(stack, body: dict, headers: dict | None = None, path: str = "/webhooks/rest/webhook") -> tuple[int, object]:
    request = urllib.request.Request(
        f"{stack.rasa_url}{path}",
        data=json.dumps(body, ensure_ascii=False).encode(),
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read() or b"null")


def new_conversation(stack) -> str:
    status, body = send(stack, {}, BROWSER, path="/webhooks/rest/conversations")
    assert 200 == status and issued(stack, body["sender"])
    return body["sender"]


def events_of(stack, sender: str) -> list[dict]:
    with sqlite3.connect(stack.config.tracker_db) as db:
        return [
            json.loads(data)
            for (data,) in db.execute("select data from events where sender_id = ? order by id", (sender,))
        ]


# 7. conversation ids --------------------------------------------------------------------


def test_a_browser_gets_an_issued_id_and_cannot_choose_one(stack):
    sender = new_conversation(stack)
    assert 200 == send(stack, {"sender": sender, "message": SCHOOL_COUNT_QUESTION}, BROWSER)[0]
    assert 400 == send(stack, {"sender": "default", "message": "你好"}, BROWSER)[0]  # shared by everyone
    for chosen in ["me", "test-1234", sender[:-1] + ("0" if sender[-1] != "0" else "1")]:
        status, body = send(stack, {"sender": chosen, "message": "你好"}, BROWSER)
        assert (403, "unknown_conversation") == (status, body.get("code")), chosen


def test_a_proxied_request_cannot_choose_an_id_but_this_machine_can(stack):
    status, _ = send(stack, {"sender": new_sender(), "message": "你好"}, {"X-Forwarded-For": "203.0.113.9"})
    assert 403 == status
    # the README's curl example: a client on this machine, its own id
    assert "237" in ask(stack, SCHOOL_COUNT_QUESTION, "me")


def test_a_message_without_sender_gets_an_issued_conversation(stack):
    status, replies = send(stack, {"message": SCHOOL_COUNT_QUESTION}, BROWSER)
    assert 200 == status and issued(stack, replies[0]["recipient_id"])


# 8. "/" is text -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["/restart", "/session_start", '/inform{"elig_grade": 5, "elig_scope": "中职"}', "/check_eligibility", "  /stop"],
)
def test_intent_syntax_typed_by_a_user_is_text(stack, typed):
    sender = new_sender()
    ask(stack, SCHOOL_COUNT_QUESTION, sender)
    ask(stack, typed, sender)
    answer = ask(stack, "那高职呢？", sender)  # still in context: nothing was reset
    events = events_of(stack, sender)
    assert "37" in answer and "237" not in answer.splitlines()[0]
    assert [] == [e for e in events if e["event"] in ("restart", "session_started")][1:]  # the first session only
    assert [] == [
        e for e in events if e["event"] == "slot" and e["name"].startswith("elig_") and e["value"] is not None
    ]
    assert all(not (e.get("text") or "").lstrip().startswith("/") for e in events if e["event"] == "user")
    assert "restart" not in [e["event"] for e in events]


# 2. rate limits -------------------------------------------------------------------------


def test_a_conversation_sending_faster_than_the_limit_gets_429_and_a_polite_reply(stack):
    sender = new_conversation(stack)
    statuses = [send(stack, {"sender": sender, "message": "？"}, BROWSER)[0] for _ in range(60)]
    status, body = send(stack, {"sender": sender, "message": "？"}, BROWSER)
    assert [200] * 60 == statuses
    assert (429, RATE_LIMITED_REPLY) == (status, body["error"])
    assert "237" in ask(stack, SCHOOL_COUNT_QUESTION, new_sender())  # others are served


# 3/4. metadata --------------------------------------------------------------------------


def test_only_the_widgets_metadata_is_stored(stack):
    # The school is kept only from its allowed origins (issue 18): this page's is one.
    school = f"qingcheng-{uuid.uuid4().hex[:6]}"
    add_school(os.environ["CONSOLE_DB_URL"], school, "青城职业技术学校", BROWSER["Origin"])
    sender = new_conversation(stack)
    metadata = {"school": school, "junk": "x" * 50_000, "more": {"nested": ["y" * 5_000]}}
    assert 200 == send(stack, {"sender": sender, "message": SCHOOL_COUNT_QUESTION, "metadata": metadata}, BROWSER)[0]
    stored = json.dumps(events_of(stack, sender), ensure_ascii=False)
    assert "x" * 100 not in stored and "y" * 100 not in stored and school in stored
    assert len(stored.encode()) < 30_000  # was 244 KB for 60 KB of metadata


@pytest.mark.parametrize("depth", [6, 500, 1000])
def test_deeply_nested_json_is_refused_with_400(stack, depth):
    nested = b'{"a": ' * depth + b'"x"' + b"}" * depth  # written out: json.dumps recurses too
    status, body = post(
        stack, rb'{"sender": "%s", "message": "\u4f60\u597d", "metadata": %s}' % (new_sender().encode(), nested)
    )
    assert 400 == status and "nest" in body
    assert "237" in ask(stack, SCHOOL_COUNT_QUESTION, new_sender())


# 6. the eligibility check's promise -----------------------------------------------------

CHECKS = {
    "finished": ["孩子在包头读中职一年级，农村户口，家里是低保户，能享受哪些资助？", "公办的"],
    "cancelled": ["我想查一下我家能享受哪些资助", "孩子读中职一年级，家里是低保户", "算了"],
}


@pytest.mark.parametrize(
    "check",
    [
        "finished",
        "cancelled",  # "算了" at a step of the check ends it (issue 16 part 4)
    ],
)
def test_the_household_answers_are_gone_from_the_tracker_database_when_the_check_ends(stack, check):
    sender = new_sender()
    ask(stack, SCHOOL_COUNT_QUESTION, sender)
    replies = []
    for said in CHECKS[check]:
        replies.append(ask(stack, said, sender))
        if "来源：" in replies[-1]:
            break
    assert "已清除" in replies[-1] or "来源：" in replies[-1]  # the check ended
    ask(stack, "单招考什么", sender)
    stored = events_of(stack, sender)
    text = json.dumps(stored, ensure_ascii=False)
    assert [] == [word for word in ["低保", "一年级", "包头", "农村户口", "公办的"] if word in text]
    assert [] == [reply for reply in replies if reply in text]
    assert all(e["value"] is None for e in stored if e["event"] == "slot" and e["name"].startswith("elig_"))
    assert SCHOOL_COUNT_QUESTION in text and "单招考什么" in text  # the rest of the conversation is kept


# 9. lesser ------------------------------------------------------------------------------


def test_rest_takes_json_only(stack):
    status, _ = post(stack, json.dumps({"sender": new_sender(), "message": "你好"}), content_type="text/plain")
    assert 415 == status


def test_the_rasa_server_does_not_say_its_version(stack):
    with urllib.request.urlopen(stack.rasa_url + "/") as response:
        body = response.read().decode()
    assert "3.6" not in body and "Rasa" in body
