"""Talking to the running assistant (the session fixture `stack` from tests/conftest.py)."""

from __future__ import annotations

import json
import os
import signal
import urllib.error
import urllib.request
import uuid

import pytest

from connectors.conversation_ids import is_issued

SCHOOL_COUNT_QUESTION = "内蒙古现在一共有多少所职业院校？"


def post(
    stack,
    body: bytes | str | dict,
    content_type: str = "application/json",
    path: str = "/webhooks/rest/webhook",
    rasa_url: str | None = None,
) -> tuple[int, object]:
    text = json.dumps(body, ensure_ascii=False) if isinstance(body, dict) else body
    data = body if isinstance(body, bytes) else text.encode()
    request = urllib.request.Request(
        f"{rasa_url or stack.rasa_url}{path}", data=data, headers={"Content-Type": content_type}
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read() or b"null")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8", "replace")


def ask(stack, text: str, sender: str, rasa_url: str | None = None) -> str:
    status, messages = post(stack, {"sender": sender, "message": text}, rasa_url=rasa_url)
    assert 200 == status, messages
    return "\n".join(m.get("text", "") for m in messages)


def issued(stack, conversation_id: object) -> bool:
    """Whether the running stack issued `conversation_id` (signed with its key)."""
    return is_issued(conversation_id, stack.config.conversation_id_secret)


def new_sender() -> str:
    return f"test-{uuid.uuid4().hex[:8]}"


@pytest.fixture
def action_server_hung(stack):
    """Stopped, not dead: it accepts connections (the kernel does) and never answers."""
    group = stack.processes["actions"].pid
    os.killpg(group, signal.SIGSTOP)
    yield
    os.killpg(group, signal.SIGCONT)
