"""The subsidy eligibility check: a form that asks only what the rules still need.

What the family already said fills the slots; each answer may fill several. The rules
(knowledge/eligibility.py, data in the knowledge base) decide which question is worth
asking next. Nothing identifying is asked, and the household slots are cleared when the
check ends, whether it finished or was cancelled.
"""

from __future__ import annotations

import dataclasses
from datetime import date
from typing import Any

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from actions import common, school, templates
from knowledge.eligibility import LEAGUES_AND_CITIES, StudentProfile, eligible_subsidies, missing_fields, residence
from knowledge.kb import KnowledgeBase

# slot -> the vocabulary kind its answer is read with
PROFILE_SLOTS = {
    "elig_scope": "scope",
    "elig_grade": "grade",
    "elig_school_type": "school_type",
    "elig_household": "household",
    "elig_major_type": "major_type",
    "elig_hardship": "hardship",
    "elig_military": "military",
    "elig_place": "place",
}
RETRIES_SLOT = "elig_retries"
# The check's last question, asked with the short result: the details, yes or no. Asked inside
# the check so that the details are given before the check ends and its answers are cleared
# (connectors/household.py scrubs every elig_* slot and reply of a check once it has ended).
DETAILS_WANTED_SLOT = "elig_details_wanted"
RESULT_SHOWN_SLOT = "elig_result_shown"
# Every slot of a check: what ending it (or starting it again) clears.
CHECK_SLOTS = (*PROFILE_SLOTS, RETRIES_SLOT, DETAILS_WANTED_SLOT, RESULT_SHOWN_SLOT)
YES, NO = "是", "否"
# What a slot holds when the family does not know or skipped the question.
UNKNOWN = "不清楚"
# The place question lists the 旗县 that matter; "都不是" is an answer too.
NOT_LISTED_PLACE = "其他旗县"
NONE_OF_THEM = ("都不是", "都不在", "不在这些", "不是这些", "别的旗县", "其他旗县")
# Yes/no answers to a yes/no question.
YES_NO = {"elig_major_type": ("涉农", "非涉农"), "elig_military": ("退役士兵", "非退役士兵")}
SKIP_WORDS = ("跳过", "不想说", "不方便说", "下一个")
# Intents that are not an answer: the form steps aside and a rule answers (another question,
# then the check resumes) or ends the check (stop).
INTERRUPTIONS = {
    "ask_statistic",
    "ask_pathway",
    "ask_admission",
    "ask_undergraduate",
    "ask_subsidy",
    "follow_up",
    "bot_challenge",
    "out_of_scope",
    "greet",
    "thank",
    "stop",
}
MAX_RETRIES = 2
GRADES = {"一年级": 1, "二年级": 2, "三年级": 3, "四年级": 4}
LEVELS = ("中职", "高职", "职业本科")


def resumed(tracker: Tracker) -> bool:
    """Whether the form runs again after another action answered a message (an unhappy path),
    rather than to read the user's message. Rasa appends the form's own ActionExecuted to the
    tracker it sends for validation, so the action before it tells."""
    actions = [e.get("name") for e in tracker.events if e.get("event") == "action"]
    if actions and actions[-1] == tracker.active_loop.get("name"):
        actions.pop()
    return bool(actions) and actions[-1] != "action_listen"


def profile_from_slots(slots: dict[str, Any]) -> StudentProfile:
    def known(slot: str) -> str | None:
        value = slots.get(slot)
        return None if value in (None, UNKNOWN) else value

    scope, grade = known("elig_scope"), known("elig_grade")
    stage = None
    if scope in LEVELS and grade:
        stage = f"将读{scope}" if grade == "未入学" else f"{scope}在读"
    number = GRADES.get(grade or "")
    if number == 4 and scope != "职业本科":
        number = None  # only 职业本科 has a fourth year: the answer was a slip, ask nothing more of it
    league_city, county = residence(known("elig_place"))
    return StudentProfile(
        stage=stage,
        grade=number,
        school_type=known("elig_school_type"),
        household=known("elig_household"),
        major_type=known("elig_major_type"),
        hardship=known("elig_hardship"),
        military=known("elig_military"),
        league_city=league_city,
        county=county,
    )


def described_profile(slots: dict[str, Any]) -> StudentProfile:
    """The family a question describes: as the check reads its answers, except that a level
    named without a grade is a student of that level (in 读), so the rules of the level apply."""
    profile = profile_from_slots(slots)
    scope = slots.get("elig_scope")
    if profile.stage is None and scope in LEVELS:
        return dataclasses.replace(profile, stage=f"{scope}在读")
    return profile


def slots_for_field(field: str) -> list[str]:
    """The questions that settle a profile field."""
    if field == "stage":
        return ["elig_scope", "elig_grade"]
    if field == "grade":
        return ["elig_grade"]
    if field in ("league_city", "county"):
        return ["elig_place"]
    if field == "military":
        return ["elig_military"]
    return [f"elig_{field}"]


def answers_in(message: dict[str, Any], kb: KnowledgeBase) -> dict[str, str]:
    """Slot values a message gives: the model's entities, then the vocabulary on the text."""
    slot_of = {kind: slot for slot, kind in PROFILE_SLOTS.items()}
    values = kb.read_values(message.get("text") or "", message.get("entities") or [], tuple(slot_of))
    return {slot_of[kind]: value for kind, value in values.items()}


class ValidateEligibilityForm(FormValidationAction):
    def name(self) -> str:
        return "validate_eligibility_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        # The SDK's run keeps only slots still listed as required; ours are computed from
        # what is still missing, so the slots just answered would be dropped.
        answers = await self.get_extraction_events(dispatcher, tracker, domain)
        nothing = not answers and not dispatcher.messages and tracker.get_slot("requested_slot")
        if nothing and not resumed(tracker):
            return []  # not an answer: Rasa rejects the form and another rule answers
        # Back after another rule's answer, the pending question is named below: left to Rasa,
        # it would ask the first empty slot of the domain's list (公办/民办, which no verdict needs).
        tracker.add_slots(answers)
        # A slot listed as required although filled (a 盟市 where a 旗县 is needed) is asked
        # again: emptied first, as the SDK asks only empty slots.
        required = await self.required_slots([], dispatcher, tracker, domain)
        again = [SlotSet(slot, None) for slot in required if tracker.slots.get(slot) is not None]
        tracker.add_slots(again)
        next_slot = await self.next_requested_slot(dispatcher, tracker, domain)
        events = answers + again + ([next_slot] if next_slot else [])
        asking = next_slot.get("value") if next_slot else tracker.get_slot("requested_slot")
        # The result and the check's end are given here, in the same call, rather than by
        # actions of their own (issue 17: one action server round trip per step).
        if asking == DETAILS_WANTED_SLOT and not tracker.get_slot(RESULT_SHOWN_SLOT):
            return events + show_result(dispatcher, tracker)
        if asking is None and tracker.get_slot(DETAILS_WANTED_SLOT) is not None:
            return events + end_check(dispatcher, tracker)
        return events

    async def required_slots(
        self, domain_slots: list[str], dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[str]:
        kb = common.knowledge_base()
        profile = profile_from_slots(tracker.slots)
        needed: list[str] = []
        for field in missing_fields(profile, kb.subsidy_rules, date.today()):
            for slot in slots_for_field(field):
                held = tracker.slots.get(slot)
                # A 盟市 said in passing does not tell the 旗县 a rule needs: ask, but only once.
                vague = field == "county" and held in LEAGUES_AND_CITIES and tracker.get_slot("requested_slot") != slot
                if slot not in needed and (held is None or vague):
                    needed.append(slot)
        if not needed and tracker.slots.get(DETAILS_WANTED_SLOT) is None:
            needed.append(DETAILS_WANTED_SLOT)
        return needed

    async def get_extraction_events(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> list[EventType]:
        message = tracker.latest_message or {}
        intent = (message.get("intent") or {}).get("name")
        requested = tracker.get_slot("requested_slot")
        answers = answers_in(message, common.knowledge_base())
        if requested is None and tracker.get_slot("last_topic") == "subsidy":
            # The check accepted after a subsidy answer: what the family said in the question
            # it answered ("低保户 孩子读中职 能补多少") is not asked again.
            said = {"text": tracker.get_slot("last_question") or ""}
            answers = {**answers_in(said, common.knowledge_base()), **answers}
        if requested == DETAILS_WANTED_SLOT:
            if intent == "check_eligibility" and resumed(tracker):
                # Asked for a check again after the result (its rule has just said the intro):
                # a new check from what this message says, not the end of the old one.
                return [SlotSet(slot, value) for slot, value in {**dict.fromkeys(CHECK_SLOTS), **answers}.items()]
            return self._details_wanted(tracker.get_slot(DETAILS_WANTED_SLOT), resumed=resumed(tracker))
        if intent in INTERRUPTIONS and requested not in answers:
            return []  # another question: the form is rejected and the rules answer it
        if requested and requested not in answers:
            text = message.get("text") or ""
            if intent == "dont_know" or any(word in text for word in SKIP_WORDS):
                answers[requested] = UNKNOWN
            elif requested in YES_NO and intent in ("affirm", "deny"):
                answers[requested] = YES_NO[requested][0 if intent == "affirm" else 1]
            elif requested == "elig_place" and (intent == "deny" or any(w in text for w in NONE_OF_THEM)):
                answers[requested] = NOT_LISTED_PLACE
        if answers:
            return [SlotSet(slot, value) for slot, value in answers.items()] + [SlotSet(RETRIES_SLOT, 0)]
        if not requested:
            return []
        return self._bad_answer(requested, tracker, dispatcher)

    @staticmethod
    def _details_wanted(wanted: str | None, resumed: bool) -> list[EventType]:
        """The details question's answer: the value its intent mappings read (domain), or 否
        once the family moved on to another question (answered by its rule just now): the
        check ends without keeping it waiting. Nothing else is an answer: another question
        steps aside on the Rasa server before it gets here (connectors/intent_slots.py)."""
        if resumed:
            return [SlotSet(DETAILS_WANTED_SLOT, NO)]
        return [SlotSet(DETAILS_WANTED_SLOT, wanted)] if wanted in (YES, NO) else []

    @staticmethod
    def _bad_answer(requested: str, tracker: Tracker, dispatcher: CollectingDispatcher) -> list[EventType]:
        retries = int(tracker.get_slot(RETRIES_SLOT) or 0) + 1
        if retries > MAX_RETRIES:
            dispatcher.utter_message(response="utter_eligibility_skipped")
            return [SlotSet(requested, UNKNOWN), SlotSet(RETRIES_SLOT, 0)]
        dispatcher.utter_message(response=f"utter_hint_{requested}")
        if retries == MAX_RETRIES:
            dispatcher.utter_message(response="utter_eligibility_offer_skip")
        return [SlotSet(RETRIES_SLOT, retries)]


def clear_profile() -> list[EventType]:
    return [SlotSet(slot, None) for slot in CHECK_SLOTS]


def _result(tracker: Tracker):
    kb = common.knowledge_base()
    profile = profile_from_slots(tracker.slots)
    return profile, eligible_subsidies(profile, kb.subsidy_rules, kb.policy_facts, date.today())


def show_result(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The short result, said once, before the check's last question (utter_ask_elig_details_wanted,
    which the form asks next): the details, yes or no."""
    profile, result = _result(tracker)
    dispatcher.utter_message(text=templates.eligibility_answer(profile, result))
    school.with_school_offices(tracker, dispatcher, common.knowledge_base())
    return [SlotSet(RESULT_SHOWN_SLOT, YES)]


def end_check(dispatcher: CollectingDispatcher, tracker: Tracker) -> list[EventType]:
    """The end of the check once its last question is answered: the details if wanted, and
    the family's answers cleared (the form ends with this turn)."""
    if tracker.get_slot(DETAILS_WANTED_SLOT) == YES:
        _, result = _result(tracker)
        dispatcher.utter_message(text=templates.eligibility_details(result))
    dispatcher.utter_message(response="utter_eligibility_done")
    return clear_profile()


class ActionCancelEligibility(Action):
    def name(self) -> str:
        return "action_cancel_eligibility"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> list[EventType]:
        dispatcher.utter_message(response="utter_eligibility_cancelled")
        return clear_profile()
