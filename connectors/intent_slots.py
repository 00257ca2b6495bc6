"""A form's question that only intents answer steps aside without a call to the action server.

When a form asks for a slot, Rasa 3.6 sends every message to the form's validation action,
even one that cannot be an answer: the validation returns nothing, the form steps aside
(`ActionExecutionRejection`) and a rule answers the message. For a slot whose every mapping
is an intent mapping (`from_intent`, `from_trigger_intent`), Rasa has already read the
message with those mappings (`action_extract_slots`) before the form runs: if none filled
the slot, the message is not an answer, and the form steps aside here, on the Rasa server,
without that round trip (issue 17: the eligibility check's last question, 详细说说/不用了,
when the family asks something else instead). A validation action must therefore not
make an answer to such a slot out of a message its mappings did not match;
actions/eligibility.py reads the mapped value. Everything else goes to Rasa's `validate`
unchanged; tests/connectors/test_intent_slots.py pins the Rasa code this relies on.
"""

from __future__ import annotations

from typing import Any

from rasa.core.actions.action import ActionExecutionRejection
from rasa.core.actions.forms import FormAction
from rasa.shared.core.constants import ACTION_LISTEN_NAME, REQUESTED_SLOT
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import SlotSet
from rasa.shared.core.trackers import DialogueStateTracker

from connectors.patches import replace_once

INTENT_MAPPINGS = frozenset({"from_intent", "from_trigger_intent"})
# Rasa's own, kept for the fall-through and for the test that pins it.
RASAS_VALIDATE = FormAction.validate


def answered_by_intents_only(domain: Domain, slot_name: str) -> bool:
    """Whether every mapping of `slot_name` is an intent mapping (and it has one)."""
    slot = next((slot for slot in domain.slots if slot.name == slot_name), None)
    mappings = slot.mappings if slot is not None else []
    return bool(mappings) and all(mapping.get("type") in INTENT_MAPPINGS for mapping in mappings)


async def validate(self: FormAction, tracker: DialogueStateTracker, domain: Domain, *args: Any, **kwargs: Any) -> list:
    """FormAction.validate, stepping aside by itself when no intent answered an intent-only question."""
    requested = self.get_slot_to_fill(tracker)
    intents_only = bool(requested) and answered_by_intents_only(domain, requested)
    if (
        intents_only
        and tracker.latest_action_name == ACTION_LISTEN_NAME
        and not self._get_slot_extractions(tracker, domain)
    ):
        raise ActionExecutionRejection(self.name(), f"No intent mapping of '{requested}' matched the message.")
    events = await RASAS_VALIDATE(self, tracker, domain, *args, **kwargs)
    if intents_only and not any(isinstance(e, SlotSet) for e in events):
        # A mapping answered, but the validation did not run (the action server failed and
        # connectors/action_guard.py gave the apology alone): ask the question again, rather
        # than let Rasa move on to the next empty slot of the domain's list.
        events = [*events, SlotSet(requested, None), SlotSet(REQUESTED_SLOT, requested)]
    return events


def install() -> None:
    """Make every form step aside by itself where only intents answer, once per process."""
    replace_once(FormAction, "validate", validate)
