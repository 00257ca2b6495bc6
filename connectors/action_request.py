"""A call to the action server carries the current turn's events, not the whole window.

Rasa 3.6 sends the action server the tracker's state with every event it holds
(`EventVerbosity.ALL`): with the windowed store (connectors/tracker_window.py) the
window's events and the state before them, serialised to JSON by the Rasa server and read back by
the action server on every call. Encoding them was the largest single cost of an action
call on the Rasa server under load (docs/benchmarks.md, issue 17).

Nothing in actions/ reads older events: the actions read the slots, `latest_message`,
the active form and `latest_action_name`, which the state carries in full whatever its
events; what they read of the events is this turn's (the SDK's `slots_to_validate` reads
the slot events at the end, `get_latest_input_channel` and actions/school.py the latest
user message, actions/eligibility.py `resumed` the actions since the `action_listen`
before it). `install()` makes every RemoteAction send the events from the `action_listen`
before the latest user message on, everything else in the request as Rasa builds it;
tests/connectors/test_action_request.py compares the request with Rasa's and fails if an
upgrade changes how Rasa builds it.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import rasa
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, Event, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker, EventVerbosity

from connectors.patches import replace_once

ACTION_LISTEN = "action_listen"
# Rasa's own, kept for the test that compares the two requests.
RASAS_CALL_FORMAT = RemoteAction._action_call_format


def turn_start(events: Sequence[Event]) -> int:
    """Index of the `action_listen` before the latest user message (0 without one)."""
    for index in range(len(events) - 1, -1, -1):
        if isinstance(events[index], UserUttered):
            for before in range(index - 1, -1, -1):
                event = events[before]
                if isinstance(event, ActionExecuted) and event.action_name == ACTION_LISTEN:
                    return before
            return 0
    return 0


def turn_state(tracker: DialogueStateTracker) -> dict[str, Any]:
    """The tracker's state as Rasa sends it, with the events of the current turn only."""
    state = tracker.current_state(EventVerbosity.NONE)
    events = list(tracker.events)
    state["events"] = [event.as_dict() for event in events[turn_start(events) :]]
    return state


def call_format(self: RemoteAction, tracker: DialogueStateTracker, domain: Domain) -> dict[str, Any]:
    """RemoteAction._action_call_format, the tracker's events cut to the current turn."""
    result = {
        "next_action": self._name,
        "sender_id": tracker.sender_id,
        "tracker": turn_state(tracker),
        "version": rasa.__version__,
    }
    if not self._is_selective_domain_enabled() or domain.does_custom_action_explicitly_need_domain(self.name()):
        result["domain"] = domain.as_dict()
    return result


def install() -> None:
    """Make every RemoteAction send the current turn's events, once per process."""
    replace_once(RemoteAction, "_action_call_format", call_format)
