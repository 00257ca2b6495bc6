"""The action server's request carries the current turn's events (connectors/action_request.py)."""

from __future__ import annotations

from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

from connectors import action_request
from tests.connectors.rasa_source import source_digest

DOMAIN = Domain.from_dict({"slots": {"last_topic": {"type": "text", "mappings": [{"type": "custom"}]}}})


def two_turns() -> DialogueStateTracker:
    events = [
        ActionExecuted("action_listen"),
        UserUttered("内蒙古有多少所职业院校", {"name": "ask_statistic", "confidence": 0.9}),
        ActionExecuted("action_answer_statistic"),
        BotUttered("237所"),
        SlotSet("last_topic", "statistic"),
        ActionExecuted("action_listen"),
        UserUttered("那高职呢", {"name": "ask_follow_up", "confidence": 0.9}),
    ]
    return DialogueStateTracker.from_events("s", events, DOMAIN.slots)


def test_the_request_is_rasas_with_the_events_of_the_turn():
    tracker = two_turns()
    action = RemoteAction("action_answer_follow_up", EndpointConfig("http://127.0.0.1:1/webhook"))
    rasas = action_request.RASAS_CALL_FORMAT(action, tracker, DOMAIN)
    ours = action_request.call_format(action, tracker, DOMAIN)
    assert ["action", "user"] == [event["event"] for event in ours["tracker"]["events"]]
    assert rasas["tracker"]["events"][5:] == ours["tracker"]["events"]
    rasas["tracker"]["events"] = ours["tracker"]["events"]
    assert rasas == ours
    assert {"last_topic": "statistic"} == {k: v for k, v in ours["tracker"]["slots"].items() if k == "last_topic"}


def test_the_turn_starts_at_the_listen_before_the_latest_message():
    events = list(two_turns().events)
    assert 5 == action_request.turn_start(events)
    assert 0 == action_request.turn_start(events[:2])  # the first message: everything
    assert 0 == action_request.turn_start([ActionExecuted("action_session_start")])  # no message yet
    # A form's validation sees the form's action and the slots the message filled after it.
    validation = [*events, ActionExecuted("eligibility_form"), SlotSet("elig_scope", "中职")]
    assert 5 == action_request.turn_start(validation)


def test_installed_once_and_used_by_remote_actions():
    action_request.install()
    action_request.install()
    assert RemoteAction._action_call_format is action_request.call_format
    action = RemoteAction("action_answer_follow_up", EndpointConfig("http://127.0.0.1:1/webhook"))
    assert 2 == len(action._action_call_format(two_turns(), DOMAIN)["tracker"]["events"])


def test_rasas_request_is_built_as_when_this_was_written():
    # If an upgrade changes how Rasa builds the request or the state, build `call_format`
    # and `turn_state` the same way and update these.
    for function, digest in (
        (action_request.RASAS_CALL_FORMAT, "428795b944"),
        (DialogueStateTracker.current_state, "a9f1526ced"),
    ):
        assert digest == source_digest(function), function
