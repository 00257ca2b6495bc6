"""The eligibility form: asks only what the rules need, reads several answers at once,
re-asks a bad answer with examples, accepts "不知道", and clears what the family said."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.eligibility import (
    PROFILE_SLOTS,
    UNKNOWN,
    ActionCancelEligibility,
    ActionEligibilityResult,
    ValidateEligibilityForm,
    profile_from_slots,
)

FORM_DOMAIN = {"forms": {"eligibility_form": {"required_slots": [
    "elig_scope", "elig_grade", "elig_school_type", "elig_household", "elig_major_type", "elig_hardship"]}}}


def form_tracker(text: str, intent: str = "inform", entities=None, requested=None, **slots) -> Tracker:
    return Tracker(
        sender_id="family", slots={"requested_slot": requested, **slots},
        latest_message={"text": text, "intent": {"name": intent}, "entities": entities or []},
        events=[], paused=False, followup_action=None,
        active_loop={"name": "eligibility_form"}, latest_action_name="action_listen",
    )


async def validate(track):
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, track, FORM_DOMAIN)
    return dispatcher.messages, events


def slot_values(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_the_first_message_fills_several_slots_and_leaves_one_question():
    track = form_tracker("孩子在包头读中职一年级，农村户口，家里是低保户，能享受哪些资助？", "check_eligibility")
    _, events = await validate(track)
    values = slot_values(events)
    assert {"elig_scope": "中职", "elig_grade": "一年级", "elig_household": "农村", "elig_hardship": "低保",
            "elig_place": "包头市"}.items() <= values.items()
    assert "elig_school_type" == values["requested_slot"]


async def test_when_everything_is_known_the_form_asks_nothing_more():
    track = form_tracker("公办的", requested="elig_school_type", elig_scope="中职", elig_grade="一年级",
                         elig_household="农村", elig_hardship="低保")
    _, events = await validate(track)
    values = slot_values(events)
    assert "公办" == values["elig_school_type"]
    assert values["requested_slot"] is None


async def test_dont_know_is_accepted_and_not_asked_again():
    track = form_tracker("这个不清楚", "dont_know", requested="elig_school_type", elig_scope="中职",
                         elig_grade="一年级", elig_household="农村", elig_hardship="低保")
    _, events = await validate(track)
    values = slot_values(events)
    assert UNKNOWN == values["elig_school_type"]
    assert values["requested_slot"] is None


async def test_a_bad_answer_is_re_asked_with_examples_then_skipped():
    slots = {"elig_scope": "中职", "elig_grade": "一年级", "elig_household": "农村", "elig_hardship": "低保"}
    messages, events = await validate(form_tracker("嗯嗯嗯", "nlu_fallback", requested="elig_school_type", **slots))
    assert ["utter_hint_elig_school_type"] == [m["response"] for m in messages]
    assert SlotSet("elig_retries", 1) in events
    messages, _ = await validate(form_tracker("嗯嗯嗯", "nlu_fallback", requested="elig_school_type",
                                              elig_retries=1, **slots))
    assert ["utter_hint_elig_school_type", "utter_eligibility_offer_skip"] == [m["response"] for m in messages]
    messages, events = await validate(form_tracker("嗯嗯嗯", "nlu_fallback", requested="elig_school_type",
                                                   elig_retries=2, **slots))
    assert ["utter_eligibility_skipped"] == [m["response"] for m in messages]
    assert UNKNOWN == slot_values(events)["elig_school_type"]


async def test_another_question_mid_form_steps_aside():
    track = form_tracker("单招考什么", "ask_admission", requested="elig_school_type", elig_scope="中职")
    messages, events = await validate(track)
    assert [] == messages
    assert not any(e.get("name", "").startswith("elig_") for e in events)


async def test_yes_to_the_agricultural_major_question_means_agricultural():
    track = form_tracker("是的", "affirm", requested="elig_major_type", elig_scope="中职", elig_grade="二年级",
                         elig_household="城市", elig_hardship="不困难", elig_school_type="公办")
    _, events = await validate(track)
    assert "涉农" == slot_values(events)["elig_major_type"]


def test_stage_comes_from_scope_and_grade():
    assert "将读高职" == profile_from_slots({"elig_scope": "高职", "elig_grade": "未入学"}).stage
    assert "中职在读" == profile_from_slots({"elig_scope": "中职", "elig_grade": "二年级"}).stage
    assert profile_from_slots({"elig_scope": "中职", "elig_grade": UNKNOWN}).stage is None


async def test_the_result_lists_tuition_and_grant_with_sources_and_clears_the_profile():
    track = form_tracker("", elig_scope="中职", elig_grade="一年级", elig_household="农村",
                         elig_hardship="低保", elig_school_type="公办", elig_place="包头市")
    dispatcher = CollectingDispatcher()
    events = await ActionEligibilityResult().run(dispatcher, track, {})
    answer = dispatcher.messages[0]["text"]
    applies = answer.split("【还不确定】")[0].split("【不符合】")[0]
    assert "免学费" in applies and "国家助学金" in applies
    assert "具体以学校资助中心认定为准" in answer
    assert answer.splitlines()[-1].startswith("来源：") and "财教〔2024〕181号" in answer
    assert dict.fromkeys(PROFILE_SLOTS).items() <= slot_values(events).items()


async def test_cancelling_clears_the_profile():
    dispatcher = CollectingDispatcher()
    events = await ActionCancelEligibility().run(dispatcher, form_tracker("算了", "stop", elig_hardship="低保"), {})
    assert ["utter_eligibility_cancelled"] == [m["response"] for m in dispatcher.messages]
    assert SlotSet("elig_hardship", None) in events


@pytest.mark.parametrize("text, slot, value", [
    ("城镇户口", "elig_household", "城市"),
    ("我们是建档立卡户", "elig_hardship", "脱贫户"),
    ("学的畜牧兽医", "elig_major_type", "涉农"),
    ("私立学校", "elig_school_type", "民办"),
    ("准备上大专", "elig_scope", "高职"),
])
async def test_plain_answers_are_understood(text, slot, value):
    _, events = await validate(form_tracker(text, requested=slot))
    assert value == slot_values(events)[slot]
