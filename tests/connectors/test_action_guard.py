"""Calls to an action server that is down or hangs, without a Rasa server."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest
from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from connectors import action_guard
from connectors.action_guard import ACTION_UNAVAILABLE_REPLY
from tests.connectors.action_server_stub import serving


@pytest.fixture(autouse=True)
def guarded():
    action_guard.install()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


async def run(url: str, events: list | None = None) -> list:
    action = RemoteAction("action_answer_statistic", EndpointConfig(url))
    tracker = DialogueStateTracker.from_events("s", events or [UserUttered("内蒙古有多少所职业院校")])
    domain = Domain.empty()
    return await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, domain)


async def test_an_action_server_that_is_down_gets_the_user_an_apology():
    assert [BotUttered(ACTION_UNAVAILABLE_REPLY)] == await run(f"http://127.0.0.1:{free_port()}/webhook")


async def test_an_action_server_that_hangs_is_given_up_on_after_the_timeout(monkeypatch):
    monkeypatch.setenv("ACTION_TIMEOUT_SECONDS", "0.5")
    server = await asyncio.start_server(lambda reader, writer: None, "127.0.0.1", 0)  # accepts, never answers
    port = server.sockets[0].getsockname()[1]
    started = time.monotonic()
    try:
        events = await asyncio.wait_for(run(f"http://127.0.0.1:{port}/webhook"), 10)  # Rasa alone waits 300 s
    finally:
        server.close()
    assert [BotUttered(ACTION_UNAVAILABLE_REPLY)] == events
    assert time.monotonic() - started < 2


async def test_a_turn_apologises_once():
    already = [UserUttered("内蒙古有多少所职业院校"), BotUttered(ACTION_UNAVAILABLE_REPLY)]
    assert [] == await run(f"http://127.0.0.1:{free_port()}/webhook", already)


def test_installing_twice_wraps_once():
    wrapped = RemoteAction.run
    action_guard.install()
    assert wrapped is RemoteAction.run


def test_responses_are_checked_by_a_validator_built_once(monkeypatch):
    """Rasa's own check (jsonschema.validate) checks the schema itself on every call first."""
    import jsonschema

    action = RemoteAction("action_answer_statistic", None)
    valid = {"events": [{"event": "slot", "name": "x", "value": 1}], "responses": [{"text": "内蒙古共有职业院校237所"}]}
    per_call_checks = []
    monkeypatch.setattr(jsonschema, "validate", lambda *args, **kwargs: per_call_checks.append(args))
    assert action._validate_action_result(valid)
    assert [] == per_call_checks
    monkeypatch.undo()
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": "not a list"})


async def test_a_slot_value_from_the_action_server_is_bounded(monkeypatch):
    # Issue 14: a slot that grew every turn made a conversation 5.6 MB and each turn 2 s.
    from aiohttp import web

    monkeypatch.setenv("SLOT_MAX_CHARS", "1000")
    long_text, many = "问" * 10_000, ["学校"] * 5_000

    async def answer(request):
        return web.json_response(
            {
                "events": [
                    {"event": "slot", "name": "last_question", "value": long_text},
                    {"event": "slot", "name": "places", "value": many},
                    {"event": "slot", "name": "scope", "value": "中职"},
                ],
                "responses": [],
            }
        )

    async with serving(answer) as url:
        events = await run(url)
    values = {event.key: event.value for event in events}
    assert long_text[:1000] == values["last_question"]
    assert 0 < len(values["places"]) and len(str(values["places"])) <= 1000
    assert "中职" == values["scope"]


def every_kind_of_event() -> list[dict]:
    from rasa.shared.core import events as e

    return [
        event.as_dict()
        for event in (
            e.SlotSet("last_topic", "单招"),
            e.SlotSet("elig_level", None),
            e.BotUttered("内蒙古共有职业院校237所", {"buttons": [{"title": "是", "payload": "/affirm"}]}),
            e.UserUttered(
                "那高职呢？", {"name": "follow_up", "confidence": 0.9}, [{"entity": "level", "value": "高职"}]
            ),
            e.ActiveLoop("eligibility_form"),
            e.ActiveLoop(None),
            e.FollowupAction("action_listen"),
            e.ActionExecuted("action_answer_statistic"),
            e.Restarted(),
            e.SessionStarted(),
            e.AllSlotsReset(),
            e.LoopInterrupted(True),
            e.ActionExecutionRejected("validate_eligibility_form"),
            e.ConversationPaused(),
            e.ConversationResumed(),
            e.UserUtteranceReverted(),
            e.ActionReverted(),
            e.EntitiesAdded([{"entity": "place", "value": "包头"}]),
            e.ReminderCancelled(name="r"),
        )
    ]


def spoiled(event: dict) -> list[dict]:
    """`event` with each of its fields given a value of the wrong type, one at a time."""
    return [{**event, key: [] if not isinstance(value, list) else 3} for key, value in event.items()]


def test_checking_event_by_event_gives_the_whole_schemas_verdict():
    whole, eventwise = action_guard.response_validator(), action_guard.eventwise_check()
    assert eventwise.events is not None  # Rasa's schema still has the shape that makes it faster
    events = every_kind_of_event()
    valid = [{"events": events, "responses": [{"text": "你好"}]}, {"events": []}, {}, {"responses": []}]
    invalid = [
        {"events": "not a list"},
        {"events": [{"event": "no_such_event"}]},
        {"events": [{"name": "slot without a type"}]},
        {"events": [3]},
        {"responses": [3]},
        [],
        *({"events": [wrong]} for event in events for wrong in spoiled(event)),
    ]
    for response in valid:
        assert whole.is_valid(response) and eventwise.passes(response), response
    for response in invalid:
        # The shortcut never passes what the whole schema fails (it may leave a case to it).
        assert not eventwise.passes(response) or whole.is_valid(response), response
    assert sum(whole.is_valid(r) for r in invalid) < len(invalid) / 2  # the spoiled events are mostly invalid


def test_an_invalid_response_still_gets_rasas_error():
    import jsonschema

    action = RemoteAction("action_answer_statistic", None)
    with pytest.raises(jsonschema.ValidationError, match="Failed to validate Action server response"):
        action._validate_action_result({"events": [{"event": "slot", "name": 3}]})
