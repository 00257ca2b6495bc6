"""The eligibility form: asks only what the rules need, reads several answers at once,
re-asks a bad answer with examples, accepts "不知道", and clears what the family said."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.eligibility import (
    DETAILS_WANTED_SLOT,
    NOT_LISTED_PLACE,
    PROFILE_SLOTS,
    RESULT_SHOWN_SLOT,
    UNKNOWN,
    ActionCancelEligibility,
    ValidateEligibilityForm,
    profile_from_slots,
)

FORM_DOMAIN = {
    "forms": {
        "eligibility_form": {
            "required_slots": [
                "elig_scope",
                "elig_grade",
                "elig_school_type",
                "elig_household",
                "elig_major_type",
                "elig_hardship",
                "elig_military",
                "elig_place",
                "elig_details_wanted",
            ]
        }
    }
}
DETAILS_WANTED = DETAILS_WANTED_SLOT


def form_tracker(
    text: str, intent: str = "inform", entities=None, requested=None, after: str = "action_listen", **slots
) -> Tracker:
    """The tracker Rasa sends the form's validation: the form's own ActionExecuted last, after
    the user's message (`after` action_listen) or after another action that answered it."""
    message = {"text": text, "intent": {"name": intent}, "entities": entities or []}
    events = [{"event": "action", "name": "action_listen"}, {"event": "user", "text": text, "parse_data": message}]
    if after != "action_listen":
        events.append({"event": "action", "name": after})
    events.append({"event": "action", "name": "eligibility_form"})
    return Tracker(
        sender_id="family",
        slots={"requested_slot": requested, **slots},
        latest_message=message,
        events=events,
        paused=False,
        followup_action=None,
        active_loop={"name": "eligibility_form"},
        latest_action_name="eligibility_form",
    )


async def validate(track):
    dispatcher = CollectingDispatcher()
    events = await ValidateEligibilityForm().run(dispatcher, track, FORM_DOMAIN)
    return dispatcher.messages, events


def slot_values(events) -> dict:
    return {e["name"]: e["value"] for e in events if e.get("event") == "slot"}


async def test_the_first_message_fills_several_slots_and_asks_nothing_the_rules_do_not_need():
    track = form_tracker("孩子在包头读中职一年级，农村户口，家里是低保户，能享受哪些资助？", "check_eligibility")
    _, events = await validate(track)
    values = slot_values(events)
    assert {
        "elig_scope": "中职",
        "elig_grade": "一年级",
        "elig_household": "农村",
        "elig_hardship": "低保",
        "elig_place": "包头市",
    }.items() <= values.items()
    assert DETAILS_WANTED == values["requested_slot"]  # 公办 or 民办 changes no verdict: not asked


async def test_a_secondary_family_is_asked_about_hardship_first():
    _, events = await validate(form_tracker("二年级", requested="elig_grade", elig_scope="中职"))
    assert "elig_hardship" == slot_values(events)["requested_slot"]


async def test_a_college_family_is_asked_about_military_service():
    _, events = await validate(
        form_tracker("家里不困难", requested="elig_hardship", elig_scope="高职", elig_grade="二年级")
    )
    assert ("不困难", "elig_military") == (slot_values(events)["elig_hardship"], slot_values(events)["requested_slot"])


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("是退役士兵", "inform", "退役士兵"),
        ("没当过兵", "inform", "非退役士兵"),
        ("是的", "affirm", "退役士兵"),
        ("不是", "deny", "非退役士兵"),
    ],
)
async def test_military_service_answers(text, intent, expected):
    _, events = await validate(
        form_tracker(
            text, intent, requested="elig_military", elig_scope="高职", elig_grade="一年级", elig_hardship="不困难"
        )
    )
    assert expected == slot_values(events)["elig_military"]


async def test_a_third_year_rural_student_is_asked_the_county_and_a_county_named_xian_counts():
    slots = {
        "elig_scope": "中职",
        "elig_grade": "三年级",
        "elig_household": "农村",
        "elig_hardship": "不困难",
        "elig_major_type": "非涉农",
    }
    _, events = await validate(form_tracker("非涉农", requested="elig_major_type", **slots))
    assert "elig_place" == slot_values(events)["requested_slot"]
    _, events = await validate(form_tracker("我们是化德的", requested="elig_place", **slots))
    assert ("化德县", DETAILS_WANTED) == (slot_values(events)["elig_place"], slot_values(events)["requested_slot"])
    assert "化德县" == profile_from_slots({**slots, "elig_place": "化德县"}).county


@pytest.mark.parametrize(
    "place, expected_question",
    [("包头市", DETAILS_WANTED), ("兴安盟", "elig_place"), ("科尔沁右翼中旗", DETAILS_WANTED)],
)
async def test_a_league_or_city_said_earlier_is_enough_only_outside_the_listed_counties(place, expected_question):
    slots = {
        "elig_scope": "中职",
        "elig_grade": "三年级",
        "elig_household": "农村",
        "elig_hardship": "不困难",
        "elig_place": place,
    }
    _, events = await validate(form_tracker("非涉农", requested="elig_major_type", **slots))
    assert expected_question == slot_values(events)["requested_slot"]


async def test_a_league_given_again_for_the_county_is_not_asked_a_third_time():
    _, events = await validate(
        form_tracker(
            "兴安盟",
            requested="elig_place",
            elig_scope="中职",
            elig_grade="三年级",
            elig_household="农村",
            elig_hardship="不困难",
            elig_major_type="非涉农",
            elig_place="兴安盟",
        )
    )
    assert DETAILS_WANTED == slot_values(events)["requested_slot"]


async def test_none_of_the_listed_counties_is_an_answer():
    _, events = await validate(
        form_tracker(
            "都不是",
            "deny",
            requested="elig_place",
            elig_scope="中职",
            elig_grade="三年级",
            elig_household="农村",
            elig_hardship="不困难",
            elig_major_type="非涉农",
        )
    )
    assert (NOT_LISTED_PLACE, DETAILS_WANTED) == (
        slot_values(events)["elig_place"],
        slot_values(events)["requested_slot"],
    )


async def test_dont_know_is_accepted_and_not_asked_again():
    track = form_tracker(
        "这个不清楚",
        "dont_know",
        requested="elig_hardship",
        elig_scope="中职",
        elig_grade="一年级",
        elig_household="农村",
    )
    _, events = await validate(track)
    values = slot_values(events)
    assert UNKNOWN == values["elig_hardship"]
    assert DETAILS_WANTED == values["requested_slot"]


async def test_a_bad_answer_is_re_asked_with_examples_then_skipped():
    slots = {"elig_scope": "中职", "elig_grade": "一年级", "elig_household": "城市"}
    messages, events = await validate(form_tracker("嗯嗯嗯", "nlu_fallback", requested="elig_hardship", **slots))
    assert ["utter_hint_elig_hardship"] == [m["response"] for m in messages]
    assert SlotSet("elig_retries", 1) in events
    messages, _ = await validate(
        form_tracker("嗯嗯嗯", "nlu_fallback", requested="elig_hardship", elig_retries=1, **slots)
    )
    assert ["utter_hint_elig_hardship", "utter_eligibility_offer_skip"] == [m["response"] for m in messages]
    messages, events = await validate(
        form_tracker("嗯嗯嗯", "nlu_fallback", requested="elig_hardship", elig_retries=2, **slots)
    )
    assert ["utter_eligibility_skipped"] == [m["response"] for m in messages]
    assert UNKNOWN == slot_values(events)["elig_hardship"]


async def test_another_question_mid_form_steps_aside():
    track = form_tracker("单招考什么", "ask_admission", requested="elig_hardship", elig_scope="中职")
    messages, events = await validate(track)
    assert [] == messages
    assert not any(e.get("name", "").startswith("elig_") for e in events)


@pytest.mark.parametrize("text", ["算了", "取消", "不查了", "不用了", "退出"])
async def test_cancel_words_at_any_question_step_aside_for_the_cancel_rule(text):
    for requested in (
        "elig_scope",
        "elig_grade",
        "elig_hardship",
        "elig_household",
        "elig_major_type",
        "elig_military",
        "elig_place",
    ):
        messages, events = await validate(form_tracker(text, "stop", requested=requested))
        assert ([], []) == (messages, events), requested  # no "没听明白": the form is rejected


async def test_back_from_another_question_the_form_asks_the_pending_question_again():
    slots = {"elig_scope": "高职", "elig_grade": "未入学", "elig_hardship": "低保"}
    assert ([], []) == await validate(
        form_tracker("助学贷款毕业后多久开始还", "ask_subsidy", requested="elig_military", **slots)
    )  # first the form steps aside for the rule
    track = form_tracker(
        "助学贷款毕业后多久开始还", "ask_subsidy", requested="elig_military", after="action_answer_subsidy", **slots
    )
    messages, events = await validate(track)
    assert ([], [SlotSet("requested_slot", "elig_military")]) == (messages, events)


async def test_yes_to_the_agricultural_major_question_means_agricultural():
    track = form_tracker(
        "是的",
        "affirm",
        requested="elig_major_type",
        elig_scope="中职",
        elig_grade="二年级",
        elig_household="城市",
        elig_hardship="不困难",
    )
    _, events = await validate(track)
    assert "涉农" == slot_values(events)["elig_major_type"]


def test_stage_comes_from_scope_and_grade():
    entering = profile_from_slots({"elig_scope": "高职", "elig_grade": "未入学"})
    assert ("将读高职", 1) == (entering.stage, entering.grade)
    assert "中职在读" == profile_from_slots({"elig_scope": "中职", "elig_grade": "二年级"}).stage
    fourth_year = profile_from_slots({"elig_scope": "职业本科", "elig_grade": "四年级"})
    assert ("职业本科在读", 4) == (fourth_year.stage, fourth_year.grade)
    assert profile_from_slots({"elig_scope": "中职", "elig_grade": UNKNOWN}).stage is None
    assert profile_from_slots({"elig_scope": "高职", "elig_grade": "四年级"}).grade is None


@pytest.mark.parametrize(
    "place, league_city, county",
    [
        ("包头市", "包头市", None),
        ("兴安盟", "兴安盟", None),
        ("阿尔山市", None, "阿尔山市"),
        ("化德县", None, "化德县"),
        ("科尔沁右翼中旗", None, "科尔沁右翼中旗"),
        (UNKNOWN, None, None),
    ],
)
def test_a_place_is_a_league_or_city_or_else_a_county(place, league_city, county):
    profile = profile_from_slots({"elig_place": place})
    assert (league_city, county) == (profile.league_city, profile.county)


async def result_for(**slots):
    """What the validation says once the check has what it needs: the short result, with the
    details question next (asked by the form: utter_ask_elig_details_wanted)."""
    messages, events = await validate(form_tracker("", **slots))
    assert DETAILS_WANTED_SLOT == slot_values(events)["requested_slot"]
    return messages, [e for e in events if e["name"] != "requested_slot"]


async def end_of_check(wanted, **slots):
    """What the validation says when the details question is answered (是 or 否, as the slot's
    intent mappings read the answer before the form runs)."""
    text, intent = ("详细说说", "ask_details") if wanted == "是" else ("不用了", "deny")
    return await validate(
        form_tracker(
            text,
            intent,
            requested=DETAILS_WANTED_SLOT,
            **slots,
            **{RESULT_SHOWN_SLOT: "是", DETAILS_WANTED_SLOT: wanted},
        )
    )


async def test_the_result_is_short_one_line_per_item_with_where_to_apply_and_sources():
    messages, events = await result_for(
        elig_scope="中职", elig_grade="一年级", elig_household="农村", elig_hardship="低保", elig_place="包头市"
    )
    lines = messages[0]["text"].splitlines()
    assert ["· 免学费", "· 免费教科书", "· 国家助学金"] == [
        line.split("：")[0] for line in lines if line.startswith("· ")
    ]
    assert any(line.startswith("怎么申请：") for line in lines)
    assert "具体以学校资助中心认定为准" in messages[0]["text"]
    assert lines[-1].startswith("来源：") and "财教〔2024〕181号" in lines[-1]
    assert 1 == len(messages)  # the details question is the form's to ask
    assert [SlotSet(RESULT_SHOWN_SLOT, "是")] == events  # nothing cleared yet: the check goes on


async def test_the_result_is_not_shown_twice():
    messages, events = await result_for(
        elig_scope="中职", elig_grade="一年级", elig_hardship="低保", **{RESULT_SHOWN_SLOT: "是"}
    )
    assert ([], []) == (messages, events)  # the form asks the details question (alone) if at all


async def test_each_source_is_named_once_without_research_notes():
    messages, _ = await result_for(
        elig_scope="高职", elig_grade="二年级", elig_hardship="低保", elig_military="非退役士兵"
    )
    text = messages[0]["text"]
    sources = text.splitlines()[-1].removeprefix("来源：").split("；")
    assert len(sources) == len(set(sources)) and sources
    assert not any(note in text for note in ("n/a", "not found", "not seen", "二手来源", "作为对照"))
    assert "国家奖学金：每生每年10000元" in text and "同一学年只能得一项" in text


@pytest.mark.parametrize(
    "text, intent, expected",
    [
        ("详细说说", "ask_details", "是"),
        ("好的", "affirm", "是"),
        ("不用了", "deny", "否"),
        ("算了", "stop", "否"),
    ],
)
async def test_the_details_question_is_answered_and_ends_the_check(text, intent, expected):
    # Which intent gives 是 or 否 is the domain's mapping, read by Rasa before the form runs
    # (tests/connectors/test_intent_slots.py); here the slot arrives as the mapping set it.
    messages, events = await validate(
        form_tracker(
            text,
            intent,
            requested=DETAILS_WANTED_SLOT,
            elig_scope="中职",
            elig_grade="一年级",
            elig_hardship="低保",
            **{RESULT_SHOWN_SLOT: "是", DETAILS_WANTED_SLOT: expected},  # the slot's intent mapping read it
        )
    )
    assert SlotSet(DETAILS_WANTED_SLOT, expected) in events and slot_values(events)["requested_slot"] is None
    said = [m.get("response") or "the details" for m in messages]
    assert ["the details"] * (expected == "是") + ["utter_eligibility_done"] == said
    assert not any(slot_values(events)[slot] for slot in (*PROFILE_SLOTS, DETAILS_WANTED_SLOT, RESULT_SHOWN_SLOT))


async def test_a_question_at_the_details_question_is_answered_and_then_the_check_ends():
    slots = {"elig_scope": "中职", "elig_grade": "一年级", "elig_hardship": "低保", RESULT_SHOWN_SLOT: "是"}
    track = form_tracker("单招考什么", "ask_admission", requested=DETAILS_WANTED_SLOT, **slots)
    assert ([], []) == await validate(track)  # steps aside: the rule answers the question
    track = form_tracker(
        "单招考什么", "ask_admission", requested=DETAILS_WANTED_SLOT, after="action_answer_admission", **slots
    )
    messages, events = await validate(track)
    assert SlotSet(DETAILS_WANTED_SLOT, "否") in events and slot_values(events)["requested_slot"] is None
    assert ["utter_eligibility_done"] == [m["response"] for m in messages]


async def test_asking_for_a_check_after_the_result_starts_a_new_one():
    # 帮我查查… at the details question: its rule says the intro, then the form comes back.
    slots = {"elig_scope": "中职", "elig_grade": "一年级", "elig_hardship": "低保", RESULT_SHOWN_SLOT: "是"}
    text = "再帮我查查，这次是高职的孩子"
    track = form_tracker(
        text, "check_eligibility", requested=DETAILS_WANTED_SLOT, after="utter_eligibility_intro", **slots
    )
    messages, events = await validate(track)
    values = slot_values(events)
    assert [] == messages  # no result and no "查询结束": the form asks its next question
    assert ("高职", None, None, None) == (
        values["elig_scope"],
        values["elig_grade"],
        values["elig_hardship"],
        values[RESULT_SHOWN_SLOT],
    )
    assert "elig_grade" == values["requested_slot"]


async def test_the_details_are_given_when_wanted_and_everything_is_cleared():
    slots = {"elig_scope": "高职", "elig_grade": "一年级", "elig_hardship": "低保", "elig_military": "非退役士兵"}
    messages, events = await end_of_check("是", **slots)
    details = messages[0]["text"]
    assert "待核实" in details and "还款期限" in details and "3年" not in details
    assert "utter_eligibility_done" == messages[1]["response"]
    cleared = dict.fromkeys((*PROFILE_SLOTS, DETAILS_WANTED_SLOT, RESULT_SHOWN_SLOT))
    assert cleared.items() <= slot_values(events).items()
    messages, _ = await end_of_check("否", **slots)
    assert ["utter_eligibility_done"] == [m["response"] for m in messages]


async def test_where_sources_conflict_the_details_defer_to_the_school():
    messages, _ = await end_of_check(
        "是",
        elig_scope="中职",
        elig_grade="一年级",
        elig_hardship="不困难",
        elig_household="城市",
        elig_major_type="非涉农",
    )
    waiver = messages[0]["text"].split("· 免学费")[1].split("· ")[0]
    assert "财教〔2012〕376号" in waiver and "以学校资助中心认定为准" in waiver


async def test_cancelling_clears_the_profile():
    dispatcher = CollectingDispatcher()
    events = await ActionCancelEligibility().run(
        dispatcher, form_tracker("算了", "stop", elig_hardship="低保", **{RESULT_SHOWN_SLOT: "是"}), {}
    )
    assert ["utter_eligibility_cancelled"] == [m["response"] for m in dispatcher.messages]
    assert SlotSet("elig_hardship", None) in events and SlotSet(RESULT_SHOWN_SLOT, None) in events


@pytest.mark.parametrize(
    "text, slot, value",
    [
        ("城镇户口", "elig_household", "城市"),
        ("我们是建档立卡户", "elig_hardship", "脱贫户"),
        ("孤儿", "elig_hardship", "孤儿"),
        ("特困供养", "elig_hardship", "特困"),
        ("学的畜牧兽医", "elig_major_type", "涉农"),
        ("私立学校", "elig_school_type", "民办"),
        ("准备上大专", "elig_scope", "高职"),
        ("职业本科", "elig_scope", "职业本科"),
        ("还没上", "elig_grade", "未入学"),
        ("科右前旗", "elig_place", "科尔沁右翼前旗"),
    ],
)
async def test_plain_answers_are_understood(text, slot, value):
    _, events = await validate(form_tracker(text, requested=slot))
    assert value == slot_values(events)[slot]


async def test_the_check_accepted_after_a_subsidy_answer_reads_what_the_family_said_in_it():
    track = form_tracker(
        "帮我查查我家能领什么",
        "check_eligibility",
        last_topic="subsidy",
        last_question="孩子在包头读中职一年级，农村户口，家里是低保户，能享受哪些资助？",
    )
    _, events = await validate(track)
    values = slot_values(events)
    assert {"elig_scope": "中职", "elig_grade": "一年级", "elig_hardship": "低保"}.items() <= values.items()
    assert DETAILS_WANTED == values["requested_slot"]


async def test_a_check_asked_after_another_topic_reads_only_its_own_message():
    track = form_tracker(
        "帮我查查我家能领什么", "check_eligibility", last_topic="statistic", last_question="中职学校有几所"
    )
    _, events = await validate(track)
    assert "elig_scope" == slot_values(events)["requested_slot"]
