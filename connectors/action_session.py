"""Calls to the action server over connections kept open.

Rasa 3.6's EndpointConfig.request opens an aiohttp ClientSession for every call and closes
it after: a new TCP connection to the action server (and one more for the action server to
accept) for every custom action, two in a form's first step. Connecting was about 0.3 ms of
the Rasa server's time per message at 20 conversations (docs/benchmarks.md).

`install()` gives every RemoteAction a copy of its endpoint whose `session()` hands Rasa's
`request` one session per event loop that stays open, so its connections are reused; the
request itself (headers, auth, timeout, errors) is Rasa's, unchanged. A connection left idle
is closed after KEEPALIVE_SECONDS, before the action server's Sanic closes it (after 5 s),
so a call never goes out on a connection the server is closing. Installed with the guards
(connectors/rest.py install_guards); tests/connectors/test_action_session.py fails if
Rasa's `session()` starts configuring something this one does not.
"""

from __future__ import annotations

import asyncio
from typing import Any

import aiohttp
from rasa.core.actions.action import RemoteAction
from rasa.core.constants import DEFAULT_REQUEST_TIMEOUT
from rasa.utils.endpoints import EndpointConfig

KEEPALIVE_SECONDS = 2.0
_KEPT = "_zhijiao_kept_session_endpoint"
_INSTALLED = "_zhijiao_kept_sessions"


class _LeftOpen:
    """What `async with endpoint.session()` enters: the kept session, not closed on exit."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def __aenter__(self) -> aiohttp.ClientSession:
        return self.session

    async def __aexit__(self, *exc_info: Any) -> None:
        return None


class KeptSessionEndpoint(EndpointConfig):
    """`endpoint`'s settings, with one open session per event loop."""

    def __init__(self, endpoint: EndpointConfig) -> None:
        self.__dict__.update(endpoint.__dict__)
        self._sessions: dict[asyncio.AbstractEventLoop, aiohttp.ClientSession] = {}

    def session(self) -> Any:
        loop = asyncio.get_running_loop()
        session = self._sessions.get(loop)
        if session is None or session.closed:
            for old in [other for other in self._sessions if other.is_closed()]:
                del self._sessions[old]
            session = self._sessions[loop] = self.new_session()
        return _LeftOpen(session)

    def new_session(self) -> aiohttp.ClientSession:
        """A session configured as Rasa's `session()` configures it, on a connector that
        keeps idle connections KEEPALIVE_SECONDS."""
        auth = aiohttp.BasicAuth(self.basic_auth["username"], self.basic_auth["password"]) if self.basic_auth else None
        return aiohttp.ClientSession(
            headers=self.headers,
            auth=auth,
            timeout=aiohttp.ClientTimeout(total=DEFAULT_REQUEST_TIMEOUT),
            # No cap on connections at once (aiohttp's default is 100): Rasa's session per call had
            # none, and a cap would queue calls behind it inside the action timeout.
            connector=aiohttp.TCPConnector(keepalive_timeout=KEEPALIVE_SECONDS, limit=0),
        )


def kept(endpoint: EndpointConfig | None) -> EndpointConfig | None:
    """The endpoint with kept sessions for `endpoint` (made once per endpoint)."""
    if endpoint is None or isinstance(endpoint, KeptSessionEndpoint):
        return endpoint
    if not isinstance(getattr(endpoint, _KEPT, None), KeptSessionEndpoint):
        setattr(endpoint, _KEPT, KeptSessionEndpoint(endpoint))
    return getattr(endpoint, _KEPT)


def install() -> None:
    """Make every RemoteAction call through kept sessions, once per process."""
    if getattr(RemoteAction.__init__, _INSTALLED, False):
        return
    init = RemoteAction.__init__

    def __init__(self: RemoteAction, name: str, action_endpoint: EndpointConfig | None) -> None:
        init(self, name, kept(action_endpoint))

    setattr(__init__, _INSTALLED, True)
    RemoteAction.__init__ = __init__
