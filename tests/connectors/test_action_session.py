"""Action calls over a kept session (connectors/action_session.py), against a local server."""

from __future__ import annotations

import pytest
from aiohttp import web
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from connectors import action_session
from tests.connectors.action_server_stub import serving
from tests.connectors.rasa_source import source_digest


@pytest.fixture
async def action_server():
    """A stand-in action server that answers every call and notes each call's connection."""
    peers: list[tuple] = []

    async def webhook(request: web.Request) -> web.Response:
        peers.append(request.transport.get_extra_info("peername"))
        return web.json_response({"events": [], "responses": [{"text": "内蒙古共有职业院校237所"}]})

    async with serving(webhook) as url:
        yield url, peers


async def call(endpoint: EndpointConfig) -> list:
    action = RemoteAction("action_answer_statistic", endpoint)
    tracker = DialogueStateTracker.from_events("s", [UserUttered("内蒙古有多少所职业院校")])
    return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, Domain.empty())


async def test_calls_reuse_one_connection_and_answer_as_before(action_server):
    url, peers = action_server
    action_session.install()
    endpoint = EndpointConfig(url)
    for _ in range(3):
        events = await call(endpoint)
        assert [BotUttered("内蒙古共有职业院校237所")] == [e for e in events if isinstance(e, BotUttered)]
    assert 3 == len(peers)
    assert 1 == len(set(peers))  # Rasa's own session() opened a connection for each call


async def test_rasa_opens_a_connection_per_call(action_server, monkeypatch):
    """The test above can fail: without the kept session, each call connects anew."""
    url, peers = action_server
    monkeypatch.setattr(action_session, "kept", lambda endpoint: endpoint)
    action_session.install()
    endpoint = EndpointConfig(url)
    for _ in range(2):
        await call(endpoint)
    assert 2 == len(set(peers))


async def test_the_session_is_configured_as_rasas():
    endpoint = EndpointConfig(
        "http://127.0.0.1:1/webhook", headers={"X-Test": "1"}, basic_auth={"username": "u", "password": "p"}
    )
    ours, rasas = action_session.kept(endpoint).new_session(), endpoint.session()
    try:
        assert rasas.headers == ours.headers
        assert rasas.auth == ours.auth
        assert rasas.timeout == ours.timeout
    finally:
        await ours.close()
        await rasas.close()
    # If an upgrade changes Rasa's session(), configure `new_session` the same way and update this.
    assert "e55aa13d9d" == source_digest(EndpointConfig.session)


def test_installing_twice_wraps_once():
    action_session.install()
    wrapped = RemoteAction.__init__
    action_session.install()
    assert wrapped is RemoteAction.__init__
    assert isinstance(RemoteAction("a", EndpointConfig("http://x")).action_endpoint, action_session.KeptSessionEndpoint)
