"""A custom action that cannot run answers "暂时无法查询，请稍后再试" within seconds.

Rasa 3.6 gives a call to the action server 300 s (rasa.core.constants.
DEFAULT_REQUEST_TIMEOUT, passed by RemoteAction.run) and has no setting to change it.
When the call fails, the processor logs the exception, drops the action's events and
carries on: the user gets no reply at all (the REST channel returns `[]`) and waits up
to five minutes first if the action server hangs.

`install()` wraps RemoteAction.run, the one place every custom action call goes through
(answers, form validation, custom slot mappings), so that:

- a call gets `ACTION_TIMEOUT_SECONDS` (4 s), enforced with asyncio.wait_for rather than
  by rebinding Rasa's constant, so it holds whatever Rasa passes to aiohttp;
- a failed call (refused, timed out, 5xx, malformed response) becomes the bot message
  ACTION_UNAVAILABLE_REPLY, returned as the action's BotUttered event. Rasa then sends it
  through whichever channel the user is on (REST, socket.io) and stores it in the
  tracker, so the conversation record shows what the user saw. Deciding in the channel
  instead ("no bot message came back") would need each channel to guess why, and would
  not see a failure that happened after an earlier message of the same turn;
- once a turn has apologised, its remaining custom actions (a form validates twice per
  turn) are skipped instead of each waiting out the timeout again;
- ActionExecutionRejection (the action server's deliberate 400) still propagates: the
  form logic depends on it.

It also replaces RemoteAction._validate_action_result, which checks every response of the
action server with `jsonschema.validate()`: that call first checks Rasa's schema itself
against the draft 2020-12 meta-schema (about 16 ms on this machine, more than the rest of a
turn's custom action call) and only then the response (a quarter of a millisecond). The
replacement builds the validator once and checks each response against the same schema;
an invalid response still gets Rasa's own error (docs/benchmarks.md has the figures). A
response is first checked event by event against its event type's schemas only
(`EventwiseCheck`: the same verdict for a fraction of the cost); only what that cannot
pass goes to the whole schema.

Every slot an action sets is bounded: a text longer than SLOT_MAX_CHARS (1000) is cut, a
list keeps its first items within the same budget, before Rasa stores it (issue 14: a
slot that grew each turn made one conversation 5.6 MB and each of its turns 2 s).

Nothing is remembered between turns: when the action server is back, the next message is
answered normally. Rasa offers no start-up hook for this, so our channels call
`install()` from `from_credentials`, which `rasa run` calls for every channel in
credentials.yml before it serves a request (the same under `make run`, the tests and a
`rasa run` in Kubernetes).
"""

from __future__ import annotations

import asyncio
import logging
from functools import lru_cache
from typing import Any

from jsonschema import ValidationError
from jsonschema.validators import validator_for
from rasa.core.actions.action import ActionExecutionRejection, RemoteAction
from rasa.shared.core.events import BotUttered, Event, SlotSet, UserUttered

from connectors.settings import action_timeout_seconds, slot_max_chars

logger = logging.getLogger(__name__)

ACTION_UNAVAILABLE_REPLY = "暂时无法查询，请稍后再试。"

_GUARDED = "_zhijiao_guarded"


def install() -> None:
    """Wrap RemoteAction.run and its response check once per process (later calls do nothing)."""
    if getattr(RemoteAction.run, _GUARDED, False):
        return
    unguarded = RemoteAction.run
    rasa_validate = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        if eventwise_check().passes(result):
            return True
        try:
            response_validator().validate(result)
        except ValidationError:
            return rasa_validate(self, result)  # raises with Rasa's own message
        return True

    async def run(self: RemoteAction, output_channel: Any, nlg: Any, tracker: Any, domain: Any) -> list:
        if apologised_this_turn(tracker):
            return []
        timeout = action_timeout_seconds()
        try:
            events = await asyncio.wait_for(unguarded(self, output_channel, nlg, tracker, domain), timeout)
            return [bounded(event) for event in events]
        except ActionExecutionRejection:
            raise
        except Exception as error:  # noqa: BLE001 - any failure must still get the user a reply
            # The action name and the error only: never the user's message.
            reason = f"no answer within {timeout:g} s" if isinstance(error, asyncio.TimeoutError) else repr(error)
            logger.error("custom action %s could not run (%s); the user was asked to retry later", self.name(), reason)
            return [BotUttered(ACTION_UNAVAILABLE_REPLY)]

    setattr(run, _GUARDED, True)
    RemoteAction.run = run
    RemoteAction._validate_action_result = validate_action_result


def bounded(event: Event) -> Event:
    """`event`, with a slot value cut to SLOT_MAX_CHARS characters (a list: to its first
    items of that many characters in all)."""
    if not isinstance(event, SlotSet):
        return event
    limit = slot_max_chars()
    value = event.value
    if isinstance(value, str) and len(value) > limit:
        return SlotSet(event.key, value[:limit], event.timestamp, event.metadata)
    if isinstance(value, list) and len(str(value)) > limit:
        kept: list = []
        for item in value:
            if len(str(kept + [item])) > limit:
                break
            kept.append(item)
        return SlotSet(event.key, kept, event.timestamp, event.metadata)
    return event


def compiled(schema: dict[str, Any]) -> Any:
    """`schema`, checked once and compiled into a validator."""
    validator_class = validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


@lru_cache(maxsize=1)
def response_validator() -> Any:
    """Rasa's schema for action server responses, checked once and compiled into a validator."""
    return compiled(RemoteAction.action_response_format_spec())


class EventwiseCheck:
    """Rasa's response schema, each event checked against its own type's schemas only.

    The schema's events are `oneOf` some twenty event schemas, each fixing "event" to one
    value, so jsonschema checks every event against all of them to be sure exactly one fits:
    about 0.9 ms of the Rasa server's time per message at 20 conversations
    (docs/benchmarks.md). An event whose "event" is E can only fit the schemas that fix it to
    E, so exactly one of all fits if and only if exactly one of those does: `passes` checks
    that, and says True only for a response the whole schema passes. Whatever it cannot
    pass (an unknown type, an invalid event, a schema of another shape after an upgrade) is
    left to the whole schema, which decides and words Rasa's error.
    """

    def __init__(self, schema: dict[str, Any]) -> None:
        self.top = compiled({key: value for key, value in schema.items() if key != "properties"})
        properties = dict(schema.get("properties", {}))
        events = properties.pop("events", None)
        self.others = {name: compiled(part) for name, part in properties.items()}
        self.events: Any = None
        self.by_type: dict[str, Any] = {}
        items = events.get("items") if isinstance(events, dict) else None
        alternatives = items.get("oneOf") if isinstance(items, dict) else None
        if not (alternatives and isinstance(events, dict) and isinstance(items, dict)):
            return
        by_type: dict[str, list[dict[str, Any]]] = {}
        for alternative in alternatives:
            fixed = alternative.get("properties", {}).get("event", {})
            if "const" not in fixed or not isinstance(fixed["const"], str):
                return  # an alternative any event could fit: only the whole schema can tell
            by_type.setdefault(fixed["const"], []).append(alternative)
        base = {key: value for key, value in items.items() if key != "oneOf"}
        self.events = compiled({key: value for key, value in events.items() if key != "items"})
        self.by_type = {kind: compiled({**base, "oneOf": fitting}) for kind, fitting in by_type.items()}

    def passes(self, result: Any) -> bool:
        if self.events is None or not self.top.is_valid(result) or not isinstance(result, dict):
            return False
        if any(name in result and not check.is_valid(result[name]) for name, check in self.others.items()):
            return False
        events = result.get("events", [])
        if not self.events.is_valid(events) or not isinstance(events, list):
            return False
        return all(
            isinstance(event, dict)
            and isinstance(event.get("event"), str)
            and event["event"] in self.by_type
            and self.by_type[event["event"]].is_valid(event)
            for event in events
        )


@lru_cache(maxsize=1)
def eventwise_check() -> EventwiseCheck:
    return EventwiseCheck(RemoteAction.action_response_format_spec())


def apologised_this_turn(tracker: Any) -> bool:
    """Whether the bot already said ACTION_UNAVAILABLE_REPLY since the user's last message."""
    for event in reversed(tracker.events):
        if isinstance(event, UserUttered):
            return False
        if isinstance(event, BotUttered) and event.text == ACTION_UNAVAILABLE_REPLY:
            return True
    return False
