"""The WeChat Official Account channel (`/webhooks/wechat/<school>`): a school's 公众号
forwards what families send it here (服务器配置, "message push"), and the assistant
answers with WeChat's passive reply.

- Server verification (GET with signature, timestamp, nonce, echostr) and the push
  (POST XML), in 明文模式 and in 安全模式 (AES, wechatpy's WeChatCrypto). The URL
  signature and the timestamp are checked before the body is read: a forged push or one
  whose timestamp is more than WECHAT_MAX_AGE_SECONDS (300) from this server's clock is
  refused with a 403, and a school configured for 安全模式 accepts encrypted pushes only
  (whose own signature covers the body).
- A text message, or a voice message with WeChat's recognition text, goes to Rasa as the
  REST channel hands a message over (connectors/rest.py: the same polite reply to an empty
  or over-long message); a leading "/" is text, never Rasa's intent syntax. Pictures,
  stickers, locations, links and the like get ASK_FOR_TEXT; a new follower gets the
  domain's utter_greet.
- WeChat's 5-second limit, retries (once per MsgId), numbered options and the answers
  kept for the user's next message: connectors/wechat_turns.py. Replies within 2048 bytes
  with their 来源 line: connectors/wechat_text.py.
- The OpenID is never stored or logged: the conversation id is an HMAC of it under
  WECHAT_ID_KEY, so the tracker store holds no WeChat identifier.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from rasa.core.channels.channel import InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidAppIdException, InvalidSignatureException
from wechatpy.utils import check_signature

from connectors import settings
from connectors.rest import install_guards
from connectors.wechat_text import Option, render
from connectors.wechat_turns import Conversations

logger = logging.getLogger(__name__)

ASK_FOR_TEXT = "抱歉，我只看得懂文字，请用文字提问，比如“单招考什么？”"
FALLBACK_WELCOME = "你好！我是职教升学助手，可以回答内蒙古职业教育升学和资助的问题，请用文字提问。"
# What WeChat forwards in place of a custom sticker or other content it cannot pass on.
UNSUPPORTED_CONTENT = "【收到不支持的消息类型，暂无法显示】"
NO_REPLY = "success"  # WeChat's "received, nothing to say"

_SCHOOL_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_TOKEN = re.compile(r"[A-Za-z0-9]{3,32}")
_AES_KEY = re.compile(r"[A-Za-z0-9+/]{43}")


class ConfigurationError(ValueError):
    pass


@dataclass(frozen=True)
class School:
    """One school's 公众号: its AppID, the Token and EncodingAESKey of its 服务器配置."""

    id: str
    app_id: str
    token: str
    aes_key: str = ""  # empty: 明文模式

    def __repr__(self) -> str:  # never the token or the key in a log or traceback
        return f"School(id={self.id!r}, app_id={self.app_id!r}, secure={bool(self.aes_key)})"

    @property
    def crypto(self) -> WeChatCrypto | None:
        return WeChatCrypto(self.token, self.aes_key, self.app_id) if self.aes_key else None


def read_schools(raw: str) -> dict[str, School]:
    """WECHAT_SCHOOLS: a JSON list of {"school", "app_id", "token", "aes_key"}, by school id."""
    if not raw.strip():
        return {}
    try:
        entries = json.loads(raw)
    except ValueError:
        raise ConfigurationError("WECHAT_SCHOOLS must be a JSON list of schools") from None
    if not isinstance(entries, list):
        raise ConfigurationError("WECHAT_SCHOOLS must be a JSON list of schools")
    schools: dict[str, School] = {}
    for number, entry in enumerate(entries, start=1):
        where = f"WECHAT_SCHOOLS entry {number}"
        if not isinstance(entry, dict) or not all(
            isinstance(entry.get(k, ""), str) for k in ("school", "app_id", "token", "aes_key")
        ):
            raise ConfigurationError(f'{where} must be an object of strings: "school", "app_id", "token", "aes_key"')
        school = School(
            entry.get("school", ""), entry.get("app_id", ""), entry.get("token", ""), entry.get("aes_key", "")
        )
        if not _SCHOOL_ID.fullmatch(school.id):
            raise ConfigurationError(f'{where}: "school" must be 1-64 letters, digits, "-" or "_" (it is in the URL)')
        if school.id in schools:
            raise ConfigurationError(f"{where}: school {school.id!r} is listed twice")
        if not school.app_id:
            raise ConfigurationError(f'{where}: "app_id" (the 公众号 AppID) is missing')
        if not _TOKEN.fullmatch(school.token):
            raise ConfigurationError(f'{where}: "token" must be the 3-32 letters or digits set in 服务器配置')
        if school.aes_key and not _AES_KEY.fullmatch(school.aes_key):
            raise ConfigurationError(
                f'{where}: "aes_key" must be the 43-character EncodingAESKey, or empty for 明文模式'
            )
        schools[school.id] = school
    return schools


def conversation_id(key: str, school: School, open_id: str) -> str:
    """The conversation id of an OpenID: a keyed hash, so the id reveals nothing without the key."""
    digest = hmac.new(key.encode("utf-8"), f"{school.app_id}\n{open_id}".encode(), hashlib.sha256)
    return "wx-" + digest.hexdigest()[:40]


@dataclass(frozen=True)
class Push:
    """What the channel reads from a parsed push (wechatpy's message or event)."""

    type: str
    sender: str  # the OpenID: used for the keyed hash and the reply's address, never kept
    event: str = ""
    text: str = ""
    recognition: str = ""
    message_id: int = 0
    created: int = 0

    @classmethod
    def of(cls, message: Any) -> Push:
        """Raises if a field is missing or malformed (wechatpy converts them on access)."""
        sender = message.source
        if not isinstance(sender, str) or not sender:
            raise ValueError("no FromUserName")
        # The raw fields: wechatpy gives an event type it has no class for MsgType "unknown".
        raw = message._data
        return cls(
            type=str(raw.get("MsgType") or "").lower(),
            sender=sender,
            event=str(raw.get("Event") or "").lower(),
            text=str(raw.get("Content") or ""),
            recognition=str(raw.get("Recognition") or ""),
            message_id=int(raw.get("MsgId") or 0),
            created=int(raw.get("CreateTime") or 0),
        )


class Refused(Exception):
    def __init__(self, status: int, reason: str):
        super().__init__(reason)
        self.status = status
        self.reason = reason


class Endpoint:
    """One school's push URL: checks a request, reads it, and answers it."""

    def __init__(
        self, school: School, id_key: str, conversations: Conversations, welcome: Callable[[], tuple[str, list[Option]]]
    ):
        self.school = school
        self.id_key = id_key
        self.conversations = conversations
        self.welcome = welcome

    def verify(self, args: dict[str, str]) -> str:
        """WeChat's server verification: the echostr back if the signature is right."""
        self._check_signature(args)
        echo = args.get("echostr", "")
        if not echo or len(echo) > 128 or not echo.isprintable():
            raise Refused(400, "echostr is missing or malformed")
        return echo

    async def receive(self, args: dict[str, str], body: bytes, started: float | None = None) -> str:
        """The passive reply (XML, encrypted in 安全模式) to one push, or Refused."""
        self._check_signature(args)
        crypto = self.school.crypto
        encrypted = args.get("encrypt_type", "raw").lower() == "aes"
        if crypto is not None and not encrypted:
            raise Refused(403, "this school is in 安全模式: plain pushes are refused")
        if crypto is None and encrypted:
            raise Refused(400, "an encrypted push, but no EncodingAESKey is configured for this school")
        try:
            xml = body.decode("utf-8")
            if crypto is not None:
                xml = crypto.decrypt_message(xml, args.get("msg_signature", ""), args["timestamp"], args["nonce"])
            message = parse_message(xml)
            push = Push.of(message)
        except (InvalidSignatureException, InvalidAppIdException):
            raise Refused(403, "the message signature or AppID does not match") from None
        except Exception:  # noqa: BLE001 - malformed XML, base64, padding or fields: not a push
            raise Refused(400, "the body is not a WeChat push") from None
        text = await self._reply_text(push, started)
        if text is None:
            return NO_REPLY
        reply = create_reply(text.replace("]]>", "]] >"), message).render()
        if crypto is not None:
            reply = crypto.encrypt_message(reply, args["nonce"], args["timestamp"])
        return reply

    async def _reply_text(self, push: Push, started: float | None) -> str | None:
        conversation = conversation_id(self.id_key, self.school, push.sender)
        if push.type == "event":
            if push.event.startswith("subscribe"):
                return self.conversations.welcome(conversation, *self.welcome())
            if push.event == "unsubscribe":
                self.conversations.forget(conversation)
            return None  # menu clicks, scans, location reports: nothing to say
        if push.type == "text" and push.text.strip() != UNSUPPORTED_CONTENT:
            text = push.text
        elif push.type == "voice" and push.recognition.strip():
            text = push.recognition
        else:
            return ASK_FOR_TEXT
        # WeChat's MsgId names a message; without one, sender and time do (WeChat's advice).
        key = (self.school.id, push.message_id or f"{conversation}@{push.created}")
        return await self.conversations.reply(key, conversation, text, {"school": self.school.id}, started)

    def _check_signature(self, args: dict[str, str]) -> None:
        signature, timestamp, nonce = (args.get(name, "") for name in ("signature", "timestamp", "nonce"))
        if not (signature and timestamp and nonce):
            raise Refused(400, "signature, timestamp and nonce are required")
        if not timestamp.isdigit() or len(timestamp) > 12:
            raise Refused(400, "timestamp must be a number of seconds")
        if abs(time.time() - int(timestamp)) > settings.wechat_max_age_seconds():
            raise Refused(403, "the timestamp is too old (or a replay)")
        try:
            check_signature(self.school.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            raise Refused(403, "the signature does not match this school's token") from None


class WeChatInput(InputChannel):
    """Rasa's side of the channel: one push URL per school, /webhooks/wechat/<school>."""

    def __init__(self, schools: dict[str, School], id_key: str):
        if schools and not id_key:
            raise ConfigurationError("WECHAT_ID_KEY must be set when WECHAT_SCHOOLS lists a school")
        self.schools = schools
        self.id_key = id_key

    @classmethod
    def name(cls) -> str:
        return "wechat"

    @classmethod
    def from_credentials(cls, credentials: dict | None) -> WeChatInput:
        install_guards()
        return cls(read_schools(settings.wechat_schools()), settings.wechat_id_key())

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        conversations = Conversations(on_new_message, self.name())
        webhook = Blueprint(f"custom_webhook_{type(self).__name__}", __name__)

        def endpoint(request: Request, school_id: str) -> Endpoint:
            school = self.schools.get(school_id)
            if school is None:
                raise Refused(404, "no such school")
            return Endpoint(school, self.id_key, conversations, lambda: welcome_of(request))

        @webhook.route("/", methods=["GET"])
        async def health(request: Request) -> HTTPResponse:
            return response.json({"status": "ok", "schools": len(self.schools)})

        @webhook.route("/<school_id>", methods=["GET"])
        async def verify(request: Request, school_id: str) -> HTTPResponse:
            try:
                return response.text(endpoint(request, school_id).verify(_args(request)))
            except Refused as refused:
                return self._refusal(school_id, refused)

        @webhook.route("/<school_id>", methods=["POST"])
        async def receive(request: Request, school_id: str) -> HTTPResponse:
            started = time.monotonic()
            try:
                reply = await endpoint(request, school_id).receive(_args(request), request.body, started)
            except Refused as refused:
                return self._refusal(school_id, refused)
            return response.text(reply, content_type="application/xml" if reply != NO_REPLY else "text/plain")

        return webhook

    def _refusal(self, school_id: str, refused: Refused) -> HTTPResponse:
        # The school (if it is one) and the reason only: never a query value or the body.
        school = school_id if school_id in self.schools else "(unknown)"
        logger.warning("wechat: refused a request for school %s (%s)", school, refused.reason)
        return response.text(refused.reason, status=refused.status)


def welcome_of(request: Request) -> tuple[str, list[Option]]:
    """The domain's utter_greet (its first variation), as the web widget greets."""
    agent = getattr(request.app.ctx, "agent", None)
    domain = getattr(agent, "domain", None)
    variations = domain.responses.get("utter_greet") if domain is not None else None
    if not variations:
        return FALLBACK_WELCOME, []
    text, options = render([variations[0]])
    return text or FALLBACK_WELCOME, options


def _args(request: Request) -> dict[str, str]:
    return {name: request.args.get(name, "") for name in request.args}
