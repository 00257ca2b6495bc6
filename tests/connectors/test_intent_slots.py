"""The eligibility check's last question is answered by intents alone, read on the Rasa
server; any other message steps aside there without a call to the action server
(connectors/intent_slots.py)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rasa.core.actions.action import ActionExecutionRejection, ActionExtractSlots
from rasa.core.actions.forms import FormAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from connectors import intent_slots
from connectors.action_guard import ACTION_UNAVAILABLE_REPLY
from tests.connectors.rasa_source import source_digest

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))
FORM = "eligibility_form"


def asked(slot: str, text: str, intent: str) -> DialogueStateTracker:
    events = [
        ActionExecuted(FORM),
        ActiveLoop(FORM),
        SlotSet("requested_slot", slot),
        ActionExecuted("action_listen"),
        UserUttered(text, {"name": intent, "confidence": 0.9}),
    ]
    return DialogueStateTracker.from_events("family", events, DOMAIN.slots)


async def read(tracker: DialogueStateTracker) -> DialogueStateTracker:
    """The tracker after Rasa's own slot extraction, as the form sees it."""
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    events = await ActionExtractSlots(None).run(CollectingOutputChannel(), nlg, tracker, DOMAIN)
    tracker.update_with_events(events, DOMAIN)
    return tracker


@pytest.fixture
def sent(monkeypatch) -> list[dict]:
    """What the form would have sent the validation action (its slot candidates)."""
    calls: list[dict] = []

    async def validate_slots(self, candidates, *args, **kwargs):
        calls.append(dict(candidates))
        return [SlotSet(name, value) for name, value in candidates.items()]

    monkeypatch.setattr(FormAction, "validate_slots", validate_slots)
    monkeypatch.setattr(FormAction, "validate", intent_slots.validate)
    return calls


async def validated(tracker: DialogueStateTracker) -> list:
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    return await FormAction(FORM, None).validate(tracker, DOMAIN, CollectingOutputChannel(), nlg)


@pytest.mark.parametrize(
    "text, intent, value",
    [
        ("详细说说", "ask_details", "是"),
        ("好的", "affirm", "是"),
        ("不用了", "deny", "否"),
        ("算了", "stop", "否"),
        ("不知道", "dont_know", "否"),
        ("谢谢", "thank", "否"),
        ("再见", "goodbye", "否"),
    ],
)
async def test_the_details_question_is_answered_by_its_intents_and_sent_to_the_validation(sent, text, intent, value):
    tracker = await read(asked("elig_details_wanted", text, intent))
    assert value == tracker.get_slot("elig_details_wanted")
    await validated(tracker)
    assert [{"elig_details_wanted": value}] == sent


@pytest.mark.parametrize(
    "text, intent", [("对口招生考什么", "ask_admission"), ("今天天气怎么样", "out_of_scope"), ("哈哈", "nlu_fallback")]
)
async def test_another_message_steps_aside_without_a_call(sent, text, intent):
    tracker = await read(asked("elig_details_wanted", text, intent))
    with pytest.raises(ActionExecutionRejection):
        await validated(tracker)
    assert [] == sent


async def test_a_question_with_other_mappings_still_goes_to_the_validation(sent):
    # The grade question is read by the action server (custom mapping): a message the
    # domain cannot read is the validation's to judge (a hint, a retry, a skip).
    tracker = await read(asked("elig_grade", "对口招生考什么", "ask_admission"))
    with pytest.raises(ActionExecutionRejection):  # Rasa's own rejection: nothing validated
        await validated(tracker)
    assert [{}] == sent


async def test_the_intents_answer_only_the_details_question(sent):
    tracker = await read(asked("elig_grade", "好的", "affirm"))
    assert tracker.get_slot("elig_details_wanted") is None


async def test_a_validation_that_failed_asks_the_question_again(monkeypatch):
    # The action server is down: the guard's apology is all the validation returns. The
    # form asks the details question again instead of the next empty slot (公办/民办).
    async def validate_slots(self, candidates, *args, **kwargs):
        return [BotUttered(ACTION_UNAVAILABLE_REPLY)]

    monkeypatch.setattr(FormAction, "validate_slots", validate_slots)
    monkeypatch.setattr(FormAction, "validate", intent_slots.validate)
    tracker = await read(asked("elig_details_wanted", "详细说说", "ask_details"))
    nlg = TemplatedNaturalLanguageGenerator(DOMAIN.responses)
    events = await FormAction(FORM, None).run(CollectingOutputChannel(), nlg, tracker, DOMAIN)
    said = [event.text for event in events if isinstance(event, BotUttered)]
    assert [ACTION_UNAVAILABLE_REPLY, DOMAIN.responses["utter_ask_elig_details_wanted"][0]["text"]] == said
    tracker.update_with_events(events, DOMAIN)
    assert ("elig_details_wanted", None) == (
        tracker.get_slot("requested_slot"),
        tracker.get_slot("elig_details_wanted"),
    )
    assert FORM == tracker.active_loop_name


def test_installing_twice_wraps_once(monkeypatch):
    monkeypatch.setattr(FormAction, "validate", intent_slots.RASAS_VALIDATE)
    intent_slots.install()
    intent_slots.install()
    assert FormAction.validate is intent_slots.validate


def test_rasas_form_validation_is_as_when_this_was_written():
    # If an upgrade changes how a form validates, check that stepping aside before
    # `validate` still does what Rasa's rejection does, and update these.
    for function, digest in (
        (intent_slots.RASAS_VALIDATE, "def2d0fcdb"),
        (FormAction._get_slot_extractions, "31f49114e4"),
        (FormAction._validate_if_required, "d8a33e9bd3"),
    ):
        assert digest == source_digest(function), function
