"""Every setting the Rasa server's extensions (connectors/) read, with its default.

Read on each call, not at import, so a test or a restarted process sees the current
environment.
"""

from __future__ import annotations

import os


def max_message_chars() -> int:
    """Longest message the model sees; longer ones get a polite reply instead."""
    return int(os.getenv("MESSAGE_MAX_CHARS", "500"))


def request_max_bytes() -> int:
    """Largest request body the Rasa server accepts (413 above it).

    Sanic reads SANIC_REQUEST_MAX_SIZE itself for HTTP bodies; socket.io frames are
    capped to the same size by connectors/socketio.py.
    """
    return int(os.getenv("SANIC_REQUEST_MAX_SIZE", "65536"))


def action_timeout_seconds() -> float:
    """How long one call to the action server may take before the user is told to retry.

    The promise to the user is an answer within 5 s; the model and the policies need a
    fraction of a second of it, so a call gets 4 s by default.
    """
    return float(os.getenv("ACTION_TIMEOUT_SECONDS", "4"))


def wechat_schools() -> str:
    """The schools whose 公众号 push to the WeChat channel, as JSON (connectors/wechat.py reads it)."""
    return os.getenv("WECHAT_SCHOOLS", "")


def wechat_id_key() -> str:
    """The key of the keyed hash that turns a WeChat OpenID into a conversation id."""
    return os.getenv("WECHAT_ID_KEY", "")


def wechat_reply_seconds() -> float:
    """How long a WeChat push waits for the assistant before answering "正在查询".

    WeChat drops a passive reply that has not arrived 5 s after it sent the push; the
    rest of the 5 s is for the network.
    """
    return float(os.getenv("WECHAT_REPLY_SECONDS", "4"))


def wechat_max_age_seconds() -> int:
    """How far a push's timestamp may be from this server's clock before it is refused as a replay."""
    return int(os.getenv("WECHAT_MAX_AGE_SECONDS", "300"))


def slot_max_chars() -> int:
    """Longest text a slot keeps; a longer value from the action server is cut (issue 14)."""
    return int(os.getenv("SLOT_MAX_CHARS", "1000"))


def tracker_window_events() -> int:
    """Events of a conversation the servers work from (connectors/tracker_window.py): the
    latest ones, whole turns, after the slots and form they start from. The store keeps all."""
    return max(1, int(os.getenv("TRACKER_WINDOW_EVENTS", "30")))


def rate_limit_per_sender() -> int:
    """Messages one conversation may send per minute (0: no limit). One a second, kept up
    for a minute, is far more than anyone types."""
    return int(os.getenv("RATE_LIMIT_PER_SENDER", "60"))


def rate_limit_per_ip() -> int:
    """Requests (messages and new conversation ids) one IP address may send per minute (0:
    no limit). A school's students share one address: 3000 a minute is more than this
    server answers (docs/benchmarks.md)."""
    return int(os.getenv("RATE_LIMIT_PER_IP", "3000"))


def conversation_id_secret() -> str:
    """The key that signs the conversation ids the server issues. Empty: a key made when the
    process starts (scripts/serve.py makes one for all the Rasa servers it starts)."""
    return os.getenv("CONVERSATION_ID_SECRET", "")


def loopback_chooses_ids() -> bool:
    """Whether a client on this machine (loopback, not through a proxy) may name its own
    conversation id on the REST channel: integrations and the README's curl example."""
    return os.getenv("LOOPBACK_CHOOSES_IDS", "1") == "1"
