"""Conversation ids the server issues, signed, so that a browser cannot name another's.

A conversation id is a key to the conversation: whoever sends it continues it and (on
socket.io) receives its replies. On the channels a browser uses the server therefore
issues the ids (`issue()`: 128 random bits and an HMAC of them) and refuses any id it did
not sign (`is_issued()`). The key comes from CONVERSATION_ID_SECRET or is made when the
process starts; scripts/serve.py makes one per start for every Rasa server it runs, so
ids issued by one worker are accepted by all. A new key (a restart without a configured
secret) makes old ids unknown: the widget then asks for a new one.

Clients that keep ids of their own (integrations, the README's curl example) may name
them on the REST channel only from this machine: a request from a loopback address that
no proxy forwarded and no browser sent (no Origin header) (LOOPBACK_CHOOSES_IDS=1, the
default; docs/deployment.md).
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from functools import lru_cache

from connectors.settings import conversation_id_secret, loopback_chooses_ids

PREFIX = "c-"
_RANDOM_HEX = 32
_SIGNATURE_HEX = 32
# Headers a reverse proxy adds: a request carrying one came from elsewhere.
FORWARDING_HEADERS = ("forwarded", "x-forwarded-for", "x-real-ip")
# Browsers send Origin with every cross-origin POST: a web page never names its own id,
# even one open on this machine.
BROWSER_HEADERS = ("origin",)


@lru_cache(maxsize=4)
def _generated_key(configured: str) -> bytes:
    return configured.encode() if configured else secrets.token_bytes(32)


def _key() -> bytes:
    return _generated_key(conversation_id_secret())


def _signature(random_part: str, key: bytes | None = None) -> str:
    return hmac.new(key or _key(), random_part.encode(), hashlib.sha256).hexdigest()[:_SIGNATURE_HEX]


def issue() -> str:
    """A new conversation id, signed with this server's key."""
    random_part = secrets.token_hex(_RANDOM_HEX // 2)
    return f"{PREFIX}{random_part}.{_signature(random_part)}"


def is_issued(conversation_id: object, secret: str | None = None) -> bool:
    """Whether this server (or one sharing its key; or one whose key is `secret`) issued
    `conversation_id`."""
    if not isinstance(conversation_id, str) or not conversation_id.startswith(PREFIX):
        return False
    random_part, _, signature = conversation_id[len(PREFIX) :].partition(".")
    if len(random_part) != _RANDOM_HEX or len(signature) != _SIGNATURE_HEX:
        return False
    return hmac.compare_digest(signature, _signature(random_part, secret.encode() if secret else None))


def is_local(peer_ip: str | None, headers: dict[str, str]) -> bool:
    """A request from this machine that no proxy forwarded (header names in lower case)."""
    try:
        loopback = peer_ip is not None and ipaddress.ip_address(peer_ip).is_loopback
    except ValueError:
        return False
    return loopback and not any(name in headers for name in FORWARDING_HEADERS)


def may_choose_id(peer_ip: str | None, headers: dict[str, str]) -> bool:
    """Whether a request may name a conversation id the server did not issue."""
    from_browser = any(name in headers for name in BROWSER_HEADERS)
    return loopback_chooses_ids() and is_local(peer_ip, headers) and not from_browser
