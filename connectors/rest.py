"""The REST channel (`/webhooks/rest/webhook`), with the request checked first.

Rasa's own RestInput answers a JSON body that is not an object with a 500, takes any
JSON type as the text, and files a message without a sender under the shared "default"
conversation. This channel answers malformed requests with a 400 that says what is
wrong, gives a sender-less message a fresh conversation, and answers an empty or
over-long message itself, politely, without running the model.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import action_guard, tracker_guard
from connectors.settings import max_message_chars

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
EMPTY_REPLY = "请输入你的问题，比如“3+2是什么？”“单招考什么？”“中职有哪些资助？”"
TOO_LONG_REPLY = "你的消息有点长（超过{limit}个字），请精简到{limit}字以内再发，或者分几次问。"
UNAVAILABLE_REPLY = "暂时无法回答，请稍后再试。"


class PayloadError(ValueError):
    pass


def parse_payload(body: Any) -> tuple[str, str, dict | None]:
    """(sender, text, metadata) from a decoded JSON body, or PayloadError saying what is wrong."""
    if not isinstance(body, dict):
        raise PayloadError("the body must be a JSON object like {\"sender\": \"…\", \"message\": \"…\"}")
    text = body.get("message")
    if not isinstance(text, str):
        raise PayloadError("'message' must be a string")
    sender = body.get("sender")
    if sender is None or sender == "":
        sender = uuid.uuid4().hex
    if not is_valid_sender(sender):
        raise PayloadError(f"'sender' must be a printable string of at most {MAX_SENDER_CHARS} characters")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise PayloadError("'metadata' must be a JSON object")
    return sender, text, metadata


def is_valid_sender(sender: Any) -> bool:
    return isinstance(sender, str) and 0 < len(sender) <= MAX_SENDER_CHARS and sender.isprintable()


def reply_without_model(text: str) -> str | None:
    """The reply to a message the model should not see, or None to let it through."""
    if not any(ch.isalnum() for ch in text):  # empty, punctuation or emoji only
        return EMPTY_REPLY
    limit = max_message_chars()
    if len(text) > limit:
        return TOO_LONG_REPLY.format(limit=limit)
    return None


def install_guards() -> None:
    """Rasa has no start-up hook, but calls every channel's `from_credentials` before it
    loads the agent or serves a request (under `make run`, the tests and a plain `rasa run`
    alike): our channels install the guards there."""
    action_guard.install()
    tracker_guard.install()


class ValidatedRestInput(RestInput):
    @classmethod
    def name(cls) -> str:
        return "rest"

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> ValidatedRestInput:
        install_guards()
        return cls()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                sender, text, metadata = parse_payload(_json(request))
            except PayloadError as error:
                return response.json({"error": str(error)}, status=400)
            immediate = reply_without_model(text)
            if immediate is not None:
                return response.json([{"recipient_id": sender, "text": immediate}])
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(),
                                                 metadata=metadata))
            except Exception:
                # Logged without the message text: it may hold what a family told us.
                logger.exception("rest: handling a message failed (sender %s)", sender)
                return response.json({"error": UNAVAILABLE_REPLY}, status=503)
            return response.json(collector.messages)

        return webhook


def _json(request: Request) -> Any:
    try:
        return request.json
    except Exception:  # Sanic raises its own BadRequest subclasses for bad JSON and bad UTF-8
        raise PayloadError("the body must be valid UTF-8 JSON") from None
