"""WeChat's side of the channel, for tests: pushes signed (and, in 安全模式, encrypted) with
wechatpy exactly as WeChat's servers send them, and their replies read back."""

from __future__ import annotations

import itertools
import json
import time
import uuid
import xml.sax.saxutils
from dataclasses import dataclass

import xmltodict
from wechatpy.utils import WeChatSigner

from connectors.wechat import School

# Made-up test values in WeChat's formats (a Token, a 43-character EncodingAESKey).
PLAIN_SCHOOL = School("test-plain", "wx00000000000plain", "plaintoken123")
SECURE_SCHOOL = School(
    "test-secure", "wx0000000000secure", "securetoken456", "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG"
)
ID_KEY = "test-conversation-id-key"


def wechat_settings() -> dict[str, str]:
    """The environment that connects the test schools to the running assistant's channel."""
    schools = [
        {"school": s.id, "app_id": s.app_id, "token": s.token, "aes_key": s.aes_key}
        for s in (PLAIN_SCHOOL, SECURE_SCHOOL)
    ]
    return {"WECHAT_SCHOOLS": json.dumps(schools), "WECHAT_ID_KEY": ID_KEY}


_message_ids = itertools.count(int(time.time() * 1000))


def signature(token: str, timestamp: str, nonce: str) -> str:
    signer = WeChatSigner()
    signer.add_data(token, timestamp, nonce)
    return signer.signature


@dataclass
class Request:
    args: dict[str, str]
    body: bytes


class WeChatClient:
    """One follower of one school's 公众号 (a random OpenID)."""

    def __init__(self, school: School, open_id: str | None = None):
        self.school = school
        self.open_id = open_id or "o" + uuid.uuid4().hex[:27]  # OpenIDs are 28 characters

    def query(self, timestamp: int | None = None, token: str | None = None) -> dict[str, str]:
        stamp = str(int(time.time()) if timestamp is None else timestamp)
        nonce = uuid.uuid4().hex[:10]
        return {"signature": signature(token or self.school.token, stamp, nonce), "timestamp": stamp, "nonce": nonce}

    def verification(self, token: str | None = None) -> dict[str, str]:
        return {**self.query(token=token), "echostr": "5837397520665436492"}

    def text(self, content: str, message_id: int | None = None, **options) -> Request:
        return self.push(
            {"MsgType": "text", "Content": content, "MsgId": str(message_id or self.new_message_id())}, **options
        )

    def voice(self, recognition: str, **options) -> Request:
        return self.push(
            {
                "MsgType": "voice",
                "MediaId": "media-1",
                "Format": "amr",
                "Recognition": recognition,
                "MsgId": str(self.new_message_id()),
            },
            **options,
        )

    def image(self, **options) -> Request:
        return self.push(
            {
                "MsgType": "image",
                "PicUrl": "http://mmbiz.qpic.cn/x",
                "MediaId": "media-2",
                "MsgId": str(self.new_message_id()),
            },
            **options,
        )

    def event(self, event: str, **options) -> Request:
        return self.push({"MsgType": "event", "Event": event}, **options)

    def push(self, fields: dict[str, str], timestamp: int | None = None, token: str | None = None) -> Request:
        args = self.query(timestamp, token)
        body = self.xml(
            {"ToUserName": "gh_0123456789ab", "FromUserName": self.open_id, "CreateTime": args["timestamp"], **fields}
        )
        crypto = self.school.crypto
        if crypto is None:
            return Request(args, body.encode())
        encrypted = crypto.encrypt_message(body, args["nonce"], args["timestamp"])
        envelope = xmltodict.parse(encrypted)["xml"]
        return Request({**args, "encrypt_type": "aes", "msg_signature": envelope["MsgSignature"]}, encrypted.encode())

    @staticmethod
    def xml(fields: dict[str, str]) -> str:
        def node(name: str, value: str) -> str:
            return f"<{name}>{xml.sax.saxutils.escape(value)}</{name}>"

        return "<xml>" + "".join(node(name, value) for name, value in fields.items()) + "</xml>"

    @staticmethod
    def new_message_id() -> int:
        return next(_message_ids)

    def read_reply(self, request: Request, reply: str) -> dict[str, str]:
        """The reply's fields ({"Content": …, "ToUserName": …}), decrypted in 安全模式."""
        crypto = self.school.crypto
        if crypto is not None:
            envelope = xmltodict.parse(reply)["xml"]
            reply = crypto.decrypt_message(reply, envelope["MsgSignature"], envelope["TimeStamp"], envelope["Nonce"])
        return dict(xmltodict.parse(reply)["xml"])
