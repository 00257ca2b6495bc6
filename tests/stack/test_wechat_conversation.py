"""The running assistant over its WeChat channel (connectors/wechat.py), with pushes signed
and encrypted by wechatpy as WeChat's servers send them (tests/connectors/wechat_client.py)."""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from pathlib import Path

import pytest

from connectors.action_guard import ACTION_UNAVAILABLE_REPLY
from connectors.wechat import conversation_id
from connectors.wechat_turns import STILL_WORKING_REPLY
from tests.connectors.wechat_client import ID_KEY, PLAIN_SCHOOL, SECURE_SCHOOL, Request, WeChatClient
from tests.stack.conftest import SCHOOL_COUNT_QUESTION

pytestmark = pytest.mark.stack

OPTION = re.compile(r"^回复 (\d+)：(.+)$", re.MULTILINE)


def call(stack, school_id: str, args: dict[str, str], body: bytes | None = None) -> tuple[int, str]:
    url = f"{stack.rasa_url}/webhooks/wechat/{school_id}?{urllib.parse.urlencode(args)}"
    request = urllib.request.Request(url, data=body, headers={"Content-Type": "text/xml"} if body else {})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def push(stack, client: WeChatClient, request: Request) -> str:
    status, reply = call(stack, client.school.id, request.args, request.body)
    assert 200 == status, reply
    fields = client.read_reply(request, reply)
    assert ("text", client.open_id) == (fields["MsgType"], fields["ToUserName"])
    return fields["Content"]


def say(stack, client: WeChatClient, text: str) -> str:
    """What the user reads in WeChat; fetches the answer as told when the assistant was slow."""
    reply = push(stack, client, client.text(text))
    return push(stack, client, client.text("1")) if reply == STILL_WORKING_REPLY else reply


def bytes_of(path: Path) -> bytes:
    """A file's bytes, read by another process: closing a descriptor of an SQLite file drops
    every lock this process holds on it, and the other tests here keep connections open."""
    return subprocess.run(["cat", str(path)], capture_output=True, check=True).stdout


def user_texts(stack, client: WeChatClient) -> list[str]:
    sender = conversation_id(ID_KEY, client.school, client.open_id)
    # Closed at once: this process later reads the file's bytes, and closing any descriptor
    # of a file drops every SQLite lock the process holds on it.
    with closing(sqlite3.connect(stack.config.tracker_db)) as db:
        rows = db.execute(
            "select data from events where sender_id = ? and type_name = 'user' order by id", (sender,)
        ).fetchall()
    return [json.loads(data)["text"] for (data,) in rows]


@pytest.fixture(params=[PLAIN_SCHOOL, SECURE_SCHOOL], ids=["plain", "secure"])
def client(request) -> WeChatClient:
    return WeChatClient(request.param)


def test_verification_succeeds_with_the_right_token_and_fails_with_a_wrong_one(stack, client):
    good = client.verification()
    assert (200, good["echostr"]) == call(stack, client.school.id, good)
    assert 403 == call(stack, client.school.id, client.verification(token="wrongtoken"))[0]


def test_an_unknown_school_is_a_404(stack):
    assert 404 == call(stack, "no-such-school", WeChatClient(PLAIN_SCHOOL).verification())[0]


def test_the_school_count_gets_a_passive_reply_naming_237_with_its_source(stack, client):
    answer = say(stack, client, SCHOOL_COUNT_QUESTION)
    assert "237" in answer
    assert answer.splitlines()[-1].startswith("来源：")
    assert len(answer.encode("utf-8")) <= 2048


def test_a_retried_push_is_processed_once(stack, client):
    request = client.text(SCHOOL_COUNT_QUESTION)
    with ThreadPoolExecutor(3) as pool:  # WeChat's three tries, here all at once
        replies = list(pool.map(lambda _: push(stack, client, request), range(3)))
    assert 1 == len(set(replies)), replies
    if replies[0] == STILL_WORKING_REPLY:  # a slow turn: fetch it, so that it has been stored
        assert "237" in push(stack, client, client.text("1"))
    else:
        assert "237" in replies[0]
    assert [SCHOOL_COUNT_QUESTION] == user_texts(stack, client)


def test_a_slow_assistant_still_gets_a_reply_within_5_seconds_and_the_answer_next(stack, action_server_hung):
    """With the action server hung, a Rasa turn takes the action guard's 4 s plus the model's
    time: longer than the channel waits (4 s from the push, on the same event loop)."""
    client = WeChatClient(SECURE_SCHOOL)
    started = time.monotonic()
    reply = push(stack, client, client.text(SCHOOL_COUNT_QUESTION))
    assert time.monotonic() - started < 5
    assert STILL_WORKING_REPLY == reply
    assert ACTION_UNAVAILABLE_REPLY == push(stack, client, client.text("1"))  # the turn's own answer


def test_a_voice_message_with_recognition_text_is_answered(stack, client):
    reply = push(stack, client, client.voice(SCHOOL_COUNT_QUESTION))
    answer = push(stack, client, client.text("1")) if reply == STILL_WORKING_REPLY else reply
    assert "237" in answer


def test_the_tracker_store_holds_no_openid(stack, client):
    say(stack, client, SCHOOL_COUNT_QUESTION)
    say(stack, client, "那高职呢？")
    assert 2 == len(user_texts(stack, client))  # the conversation is stored, under the keyed hash
    database = Path(stack.config.tracker_db)
    for path in database.parent.glob(database.name + "*"):  # the database and its write-ahead log
        stored = bytes_of(path)
        assert client.open_id.encode() not in stored, path
        assert client.school.app_id.encode() not in stored, path


@pytest.mark.parametrize("forge", ["wrong token", "old timestamp"])
def test_a_forged_or_replayed_push_is_refused_and_nothing_is_stored(stack, client, forge):
    if forge == "wrong token":
        request = client.text(SCHOOL_COUNT_QUESTION, token="wrongtoken")
    else:
        request = client.text(SCHOOL_COUNT_QUESTION, timestamp=1_700_000_000)
    status, _ = call(stack, client.school.id, request.args, request.body)
    assert 403 == status
    assert [] == user_texts(stack, client)


@pytest.mark.parametrize(
    "school, args, body",
    [
        (PLAIN_SCHOOL, {}, b"<xml/>"),
        (PLAIN_SCHOOL, {"signature": "x", "timestamp": "abc", "nonce": "n"}, b"<xml/>"),
        (PLAIN_SCHOOL, {"signature": "x", "timestamp": "9" * 40, "nonce": "n"}, b"<xml/>"),
        (PLAIN_SCHOOL, None, b"\xff\xfe<xml>"),
        (PLAIN_SCHOOL, None, b"<xml><MsgType>text</MsgType><Content>" + "问".encode() * 25000 + b"</Content></xml>"),
        (SECURE_SCHOOL, None, b"<xml><Encrypt>not base64!</Encrypt></xml>"),
        (SECURE_SCHOOL, "msg_signature", b"<xml><Encrypt>AAAA</Encrypt></xml>"),
    ],
    ids=["no-query", "timestamp-text", "timestamp-huge", "bad-utf8", "over-64KB", "bad-cipher", "bad-msg-signature"],
)
def test_a_malformed_request_gets_a_4xx_and_the_channel_keeps_serving(stack, school, args, body):
    client = WeChatClient(school)
    if args is None or args == "msg_signature":  # a valid URL signature, the rest malformed
        args = {
            **client.query(),
            **(
                {"encrypt_type": "aes", "msg_signature": "0" * 40}
                if args
                else {"encrypt_type": "aes"}
                if school.crypto
                else {}
            ),
        }
    status, _ = call(stack, school.id, args, body)
    assert 400 <= status < 500
    assert "237" in say(stack, client, SCHOOL_COUNT_QUESTION)


def test_a_new_follower_is_welcomed_with_numbered_options(stack, client):
    welcome = push(stack, client, client.event("subscribe"))
    assert OPTION.search(welcome)
    assert [] == user_texts(stack, client)  # a welcome is not a conversation


def test_the_eligibility_check_runs_on_numbered_options_and_ends_with_its_source(stack):
    client = WeChatClient(PLAIN_SCHOOL)
    reply = say(stack, client, "帮我查查我家能领什么")
    rounds = 0
    while OPTION.search(reply) and rounds < 12:
        options = dict(OPTION.findall(reply))
        assert "1" in options and len(options) >= 2, reply
        reply = say(stack, client, "1")
        rounds += 1
        # The digit reached the assistant as the option's payload, not as "1".
        assert not user_texts(stack, client)[-1].isdigit()
    assert rounds >= 2
    assert reply.splitlines()[-1].startswith("来源："), reply
    assert len(reply.encode("utf-8")) <= 2048


def test_neither_the_openid_nor_the_message_reaches_the_logs(stack):
    client = WeChatClient(PLAIN_SCHOOL)
    token = uuid.uuid4().hex[:12]
    say(stack, client, f"我家孩子叫{token}，想问中职免学费")
    call(stack, client.school.id, client.text(token, token="wrongtoken").args, b"")  # a refusal is logged
    logs = {
        path.name: path.read_text(encoding="utf-8", errors="replace") for path in stack.config.log_dir.glob("*.log")
    }
    assert "rasa.log" in logs
    assert [] == [name for name, text in logs.items() if token in text or client.open_id in text]
