"""The REST channel (`/webhooks/rest/webhook`), with the request checked first.

Rasa's own RestInput answers a JSON body that is not an object with a 500, takes any
JSON type as the text, and files a message without a sender under the shared "default"
conversation. This channel answers malformed requests with a 400 that says what is
wrong, and answers an empty or over-long message itself, politely, without running the
model. It also (issue 14):

- takes `application/json` only (415 otherwise): a web page can post a form or
  `text/plain` to any server without asking the browser's CORS preflight first;
- refuses JSON nested deeper than a few levels (400) before anything recurses over it;
- keeps only the metadata keys the widget sends, and the school only from the origins it
  allows (connectors/metadata.py);
- files a message only under a conversation id the server issued (`POST
  /webhooks/rest/conversations`, or a message without `sender`, gets one), or under an id
  of the client's own from this machine (connectors/conversation_ids.py); any other id is
  refused with 403 and `"code": "unknown_conversation"`;
- limits each address and each conversation to so many messages a minute (429 with a
  polite reply; connectors/rate_limit.py), except for processes on this machine (the
  clients that may name their own ids: integrations, benchmarks);
- passes text that starts with "/" on as text: Rasa would read "/restart" or
  "/inform{…}" as intent syntax and restart the conversation or set slots;
- keeps the message out of every log line written while Rasa handles it
  (connectors/privacy_log.py).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from connectors import (
    action_guard,
    action_request,
    action_session,
    console_turns,
    conversation_ids,
    intent_slots,
    privacy_log,
    rule_text_pass,
    slot_copy,
    tracker_guard,
)
from connectors.metadata import MAX_JSON_DEPTH, allowed_metadata, honoured, too_deep
from connectors.rate_limit import RATE_LIMITED_REPLY, RateLimiter
from connectors.settings import max_message_chars, rate_limit_per_ip, rate_limit_per_sender

logger = logging.getLogger(__name__)

MAX_SENDER_CHARS = 128
EMPTY_REPLY = "请输入你的问题，比如“3+2是什么？”“单招考什么？”“中职有哪些资助？”"
TOO_LONG_REPLY = "你的消息有点长（超过{limit}个字），请精简到{limit}字以内再发，或者分几次问。"
UNAVAILABLE_REPLY = "暂时无法回答，请稍后再试。"
UNKNOWN_CONVERSATION = "unknown_conversation"
UNKNOWN_CONVERSATION_ERROR = (
    "this conversation id was not issued by this server; get one from POST /webhooks/rest/conversations"
)
# Ids every client might send: never a conversation of its own.
SHARED_SENDER_IDS = frozenset({"default"})
# Rasa reads a message starting with this as intent syntax ("/restart", "/inform{…}").
INTENT_PREFIX = "/"
# Shared by both channels: a client's messages count the same on REST and socket.io.
PER_SENDER = RateLimiter(rate_limit_per_sender)
PER_ADDRESS = RateLimiter(rate_limit_per_ip)


class PayloadError(ValueError):
    pass


def parse_payload(body: Any) -> tuple[str, str, dict | None]:
    """(sender, text, metadata) from a decoded JSON body, or PayloadError saying what is wrong."""
    if not isinstance(body, dict):
        raise PayloadError('the body must be a JSON object like {"sender": "…", "message": "…"}')
    if too_deep(body):
        raise PayloadError(f"the JSON must not nest more than {MAX_JSON_DEPTH} levels")
    text = body.get("message")
    if not isinstance(text, str):
        raise PayloadError("'message' must be a string")
    sender = body.get("sender")
    if sender is None or sender == "":
        sender = conversation_ids.issue()
    if not is_valid_sender(sender) or sender in SHARED_SENDER_IDS:
        raise PayloadError(f"'sender' must be a printable string of at most {MAX_SENDER_CHARS} characters")
    metadata = body.get("metadata")
    if metadata is not None and not isinstance(metadata, dict):
        raise PayloadError("'metadata' must be a JSON object")
    return sender, literal_text(text), allowed_metadata(metadata)


def literal_text(text: str) -> str:
    """`text`, with a leading "/" written as "／" so that Rasa takes it as text, not intent syntax."""
    stripped = text.lstrip()
    return "／" + stripped[1:] if stripped.startswith(INTENT_PREFIX) else text


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
    action_session.install()
    action_request.install()
    intent_slots.install()
    slot_copy.install()
    rule_text_pass.install()
    tracker_guard.install()
    console_turns.install()
    privacy_log.install()
    hide_version()


def hide_version() -> None:
    """Rasa answers `GET /` with "Hello from Rasa: 3.6.21"; answer without the version.
    Rasa adds the route when it builds the app, after the channels are made."""
    import rasa.server

    def add_root_route(app: Any) -> None:
        @app.get("/")
        async def hello(request: Request) -> HTTPResponse:
            return response.text("Hello from Rasa")

    rasa.server.add_root_route = add_root_route


def local_client(request: Request) -> bool:
    """A process on this machine, not a browser, not through a proxy: it may name its own
    conversation id and is not rate limited (integrations, benchmarks, the tests)."""
    headers = {name.lower(): value for name, value in request.headers.items()}
    return conversation_ids.may_choose_id(request.ip, headers)


def within_limits(request: Request, sender: str | None = None) -> bool:
    """Whether the request's address (and conversation) may send one more request now."""
    if local_client(request):
        return True
    if not PER_ADDRESS.allow(client_address(request)):
        return False
    return sender is None or PER_SENDER.allow(sender)


def client_address(request: Request) -> str:
    """The address a request came from: the peer, or the address a proxy on this machine
    forwarded (the last X-Forwarded-For entry, which the proxy itself wrote)."""
    forwarded = request.headers.get("x-forwarded-for", "")
    if forwarded and conversation_ids.is_local(request.ip, {}):
        return forwarded.split(",")[-1].strip()
    return request.ip or "unknown"


def is_json(content_type: str | None) -> bool:
    media_type, _, parameters = (content_type or "").partition(";")
    charset = parameters.strip().lower().replace(" ", "")
    return media_type.strip().lower() == "application/json" and charset in ("", "charset=utf-8")


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

        @webhook.route("/conversations", methods=["POST"])
        async def new_conversation(request: Request) -> HTTPResponse:
            if not within_limits(request):
                return response.json({"error": RATE_LIMITED_REPLY}, status=429)
            return response.json({"sender": conversation_ids.issue()})

        @webhook.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not within_limits(request):
                return response.json({"error": RATE_LIMITED_REPLY}, status=429)
            if not is_json(request.content_type):
                return response.json(
                    {"error": "the body must be JSON sent as Content-Type: application/json"}, status=415
                )
            try:
                sender, text, metadata = parse_payload(_json(request))
            except PayloadError as error:
                return response.json({"error": str(error)}, status=400)
            metadata = honoured(metadata, request.headers.get("origin"))
            local = local_client(request)
            if not (conversation_ids.is_issued(sender) or local):
                return response.json({"error": UNKNOWN_CONVERSATION_ERROR, "code": UNKNOWN_CONVERSATION}, status=403)
            if not local and not PER_SENDER.allow(sender):
                return response.json({"error": RATE_LIMITED_REPLY}, status=429)
            immediate = reply_without_model(text)
            if immediate is not None:
                return response.json([{"recipient_id": sender, "text": immediate}])
            collector = CollectingOutputChannel()
            token = privacy_log.handling(text)
            try:
                await on_new_message(UserMessage(text, collector, sender, input_channel=self.name(), metadata=metadata))
            except Exception:
                # Logged without the message text: it may hold what a family told us.
                logger.exception("rest: handling a message failed (sender %s)", sender)
                return response.json({"error": UNAVAILABLE_REPLY}, status=503)
            finally:
                privacy_log.done(token)
            return response.json(collector.messages)

        return webhook


def _json(request: Request) -> Any:
    try:
        return request.json
    except Exception:  # Sanic raises its own BadRequest subclasses for bad JSON and bad UTF-8
        raise PayloadError("the body must be valid UTF-8 JSON") from None
