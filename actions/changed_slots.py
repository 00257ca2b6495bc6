"""An action's response keeps only the slot events that change a slot.

The knowledge actions return the context a follow-up needs (last_topic, last_question,
last_aspect and the subject's slots) on every answer, and the subject's slot has usually
just been set from the message's entity: about four of a turn's ten events were a slot set
to the value it already had (issue 17). Each such event is stored, loaded with the window,
replayed into the tracker and walked by the policies on every later message of the
conversation, and changes nothing.

`install()` wraps the SDK's ActionExecutor.run: the events of a response are replayed in
order over the slots the request carried, and a `slot` event whose value the slot already
has is left out (the eligibility check's slots excepted, KEPT_PREFIXES). Anything else
that can change slots (a reset, a restart, a session start…) makes the values unknown from
there on, so every later slot event is kept. A form's
validation action is left as it is: Rasa takes the slots it returns as the ones the user's
message filled (a candidate it leaves out is rejected), whatever the tracker held before.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from rasa_sdk.executor import ActionExecutor

from actions.executor_hooks import Run, wrap_run

# Events that change no slot: the values known before them still hold after.
_NO_SLOT_CHANGE = frozenset({"bot", "action", "active_loop", "loop_interrupted", "followup"})
# The eligibility check's slots are always kept: an event of one between a form's activation
# and its end is what marks a check for the household scrub (connectors/household.py
# CHECK_SLOT_PREFIX), even one cancelled before any answer, whose clearing sets None to None.
KEPT_PREFIXES = ("elig_",)
_INSTALLED = "_changed_slots_only"


def _same(value: Any, other: Any) -> bool:
    return type(value) is type(other) and value == other


def changed_only(slots: Mapping[str, Any], events: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`events` without the `slot` events that set a slot to the value it has by then."""
    known: dict[str, Any] | None = dict(slots)
    kept = []
    for event in events:
        kind = event.get("event")
        if kind == "slot" and known is not None:
            name, value = str(event.get("name")), event.get("value")
            if name in known and _same(known[name], value) and not name.startswith(KEPT_PREFIXES):
                continue
            known[name] = value
        elif kind not in _NO_SLOT_CHANGE:
            known = None
        kept.append(event)
    return kept


def trimmed(action_call: Mapping[str, Any], result: dict[str, Any] | None) -> dict[str, Any] | None:
    """The executor's `result` for `action_call`, its unchanged slot events left out."""
    name = str(action_call.get("next_action") or "")
    slots = (action_call.get("tracker") or {}).get("slots")
    if result is None or name.startswith("validate_") or not isinstance(slots, Mapping):
        return result
    events = result.get("events")
    if isinstance(events, list):
        result["events"] = changed_only(slots, events)
    return result


def install() -> None:
    """Wrap ActionExecutor.run once per process (later calls do nothing)."""

    def trimming(run: Run) -> Run:
        async def changed_slots_run(self: ActionExecutor, action_call: Any) -> dict[str, Any] | None:
            return trimmed(action_call, await run(self, action_call))

        return changed_slots_run

    wrap_run(_INSTALLED, trimming)
