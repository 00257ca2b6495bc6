"""The running assistant over socket.io (connectors/socketio.py), as a chat widget talks to it.

The client uses long-polling: python-engineio's websocket client needs a newer aiohttp
than Rasa 3.6 allows. The server side is the same either way.
"""

from __future__ import annotations

import asyncio
import json

import pytest
import socketio

from connectors.rate_limit import RATE_LIMITED_REPLY
from connectors.rest import EMPTY_REPLY
from connectors.socketio import REFUSED_EVENT
from tests.stack.conftest import SCHOOL_COUNT_QUESTION, issued

pytestmark = pytest.mark.stack

WAIT = 15


class Browser:
    """One page with the widget: a socket.io connection and what it received, in order."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.received: asyncio.Queue = asyncio.Queue()
        for event in ("session_confirm", "bot_uttered", REFUSED_EVENT):
            self.client.on(event, lambda data, event=event: self.received.put_nowait((event, data)))
        self.session_id: str | None = None

    async def open(self, url: str, proposed: object = None, headers: dict | None = None) -> Browser:
        await self.client.connect(url, transports=["polling"], headers=headers or {})
        await self.client.emit("session_request", {"session_id": proposed})
        _, self.session_id = await self.next("session_confirm")
        return self

    async def say(self, payload: object) -> None:
        await self.client.emit("user_uttered", payload)

    async def next(self, *events: str) -> tuple[str, object]:
        event, data = await asyncio.wait_for(self.received.get(), WAIT)
        assert event in events, (event, data)
        return event, data

    async def close(self) -> None:
        # Without abort, a long-polling client waits for the server's next ping (25 s).
        await self.client.eio.disconnect(abort=True)


@pytest.fixture
async def browser(stack):
    page = await Browser().open(stack.rasa_url)
    yield page
    await page.close()


async def test_a_question_is_answered_with_237(browser):
    await browser.say({"message": SCHOOL_COUNT_QUESTION, "session_id": browser.session_id})
    _, reply = await browser.next("bot_uttered")
    assert "237" in reply["text"]


def malformed(session_id: str) -> list:
    return [
        None,
        3,
        "内蒙古有多少所职业院校",
        [SCHOOL_COUNT_QUESTION],
        {},
        {"message": SCHOOL_COUNT_QUESTION},  # no session
        {"message": SCHOOL_COUNT_QUESTION, "session_id": "default"},  # a shared id
        {"message": SCHOOL_COUNT_QUESTION, "session_id": "someone-else"},  # not this page's
        {"message": SCHOOL_COUNT_QUESTION, "session_id": ["x"]},
        {"message": 5, "session_id": session_id},
        {"message": None, "session_id": session_id},
        {"message": {"text": "你好"}, "session_id": session_id},
        {"message": "你好", "session_id": session_id, "metadata": "{not json"},
        {"message": "你好", "session_id": session_id, "metadata": "[1, 2]"},
        {"message": "你好", "session_id": session_id, "metadata": 7},
    ]


async def test_malformed_events_are_refused_to_the_sender_and_the_session_still_works(browser):
    for payload in malformed(browser.session_id):
        await browser.say(payload)
        _, refusal = await browser.next(REFUSED_EVENT)
        assert refusal["error"]
    await browser.say(
        {"message": SCHOOL_COUNT_QUESTION, "session_id": browser.session_id, "metadata": json.dumps({"page": "school"})}
    )  # Rasa's JSON-string metadata
    _, reply = await browser.next("bot_uttered")
    assert "237" in reply["text"]


async def test_empty_and_overlong_messages_get_the_rest_channels_replies(browser):
    await browser.say({"message": "   ", "session_id": browser.session_id})
    assert ("bot_uttered", {"text": EMPTY_REPLY}) == await browser.next("bot_uttered")
    await browser.say({"message": "问" * 501, "session_id": browser.session_id})
    _, reply = await browser.next("bot_uttered")
    assert "500" in reply["text"]


@pytest.mark.parametrize("proposed", ["default", "my-own-id", "c-" + "0" * 32 + "." + "0" * 32, None])
async def test_an_id_the_server_did_not_issue_is_replaced_by_a_fresh_one(stack, proposed):
    page = await Browser().open(stack.rasa_url, proposed=proposed)
    try:
        assert page.session_id != proposed and issued(stack, page.session_id)
    finally:
        await page.close()


async def test_a_second_socket_cannot_join_a_live_session(stack, browser):
    # Issue 14: a second client naming a known session id received its replies and
    # continued its context.
    await browser.say({"message": SCHOOL_COUNT_QUESTION, "session_id": browser.session_id})
    await browser.next("bot_uttered")
    second = await Browser().open(stack.rasa_url, proposed=browser.session_id)
    try:
        assert second.session_id != browser.session_id and issued(stack, second.session_id)
        await browser.say({"message": "那高职呢？", "session_id": browser.session_id})
        _, reply = await browser.next("bot_uttered")
        assert "37" in reply["text"]
        await asyncio.sleep(0.5)
        assert second.received.empty()
        await second.say({"message": "那高职呢？", "session_id": browser.session_id})
        await second.next(REFUSED_EVENT)
    finally:
        await second.close()


async def test_a_page_that_reconnects_resumes_its_conversation(stack):
    first = await Browser().open(stack.rasa_url)
    await first.say({"message": SCHOOL_COUNT_QUESTION, "session_id": first.session_id})
    await first.next("bot_uttered")
    await first.close()
    await asyncio.sleep(0.5)  # the server notices the closed socket
    again = await Browser().open(stack.rasa_url, proposed=first.session_id)
    try:
        assert first.session_id == again.session_id
        await again.say({"message": "那高职呢？", "session_id": again.session_id})
        _, reply = await again.next("bot_uttered")
        assert "37" in reply["text"] and "237" not in reply["text"].splitlines()[0]
    finally:
        await again.close()


async def test_a_page_cannot_write_into_another_pages_conversation(stack, browser):
    intruder = await Browser().open(stack.rasa_url)
    try:
        await intruder.say({"message": SCHOOL_COUNT_QUESTION, "session_id": browser.session_id})
        await intruder.next(REFUSED_EVENT)
        await asyncio.sleep(0.5)
        assert browser.received.empty()
    finally:
        await intruder.close()


async def test_a_page_sending_faster_than_the_limit_gets_a_polite_reply(stack):
    # A real browser sends Origin; processes on the server's machine are not limited.
    page = await Browser().open(stack.rasa_url, headers={"Origin": "http://localhost:8000"})
    try:
        for _ in range(60):
            await page.say({"message": "？", "session_id": page.session_id})
            assert ("bot_uttered", {"text": EMPTY_REPLY}) == await page.next("bot_uttered")
        await page.say({"message": "？", "session_id": page.session_id})
        assert ("bot_uttered", {"text": RATE_LIMITED_REPLY}) == await page.next("bot_uttered")
    finally:
        await page.close()
