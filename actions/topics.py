"""Answers about pathways (3+2, 五年一贯制), admission channels, 职业本科 and subsidies.

They differ only in which kind of topic they read and which entity picks it. What answers
is chosen in knowledge/replies.py; here the reply is worded and the slots a follow-up needs
are set.
"""

from __future__ import annotations

import abc
import re
from datetime import date
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction, remember
from actions.eligibility import answers_in, described_profile
from knowledge.answering import ELLIPTICAL
from knowledge.eligibility import ELIGIBLE, eligible_subsidies
from knowledge.kb import KnowledgeBase, Question

# Which slot picks a topic of each kind; 职业本科 has a single topic.
TOPIC_SLOT = {"pathway": "pathway", "admission": "channel", "subsidy": "subsidy", "undergraduate": None}
# A message this short that asks only an aspect ("最多贷多少", "去哪申请 找谁") leans on the answer before.
SHORT_FOLLOW_UP = 16


def answer_topic(
    kind: str,
    values: list[str],
    scope: str | None,
    text: str,
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    asked: list[str] | None = None,
    context: str = "",
) -> list[dict[str, Any]]:
    reply = kb.answer_topic_question(kind, values, scope, text, asked, context)
    dispatcher.utter_message(text=templates.topic_reply(reply), buttons=templates.topic_buttons(reply))
    slot = TOPIC_SLOT[kind]
    selected = {slot: reply.value} if slot else {}
    return remember(kind, text, aspect=",".join(reply.asked), scope=reply.scope, **selected)


def last_aspects(tracker: Tracker) -> list[str]:
    return [a for a in (tracker.get_slot("last_aspect") or "").split(",") if a]


# A count asked of the subject before is its quota ("每年全国几个名额" of a scholarship); a bare
# "几个" or "多少" after a topic asks nothing of it.
QUOTA = re.compile(r"名额|指标|人数|多少人|几个人|多少名")


def aspects_of_follow_up(kb: KnowledgeBase, text: str) -> set[str]:
    """What a short follow-up asks of the subject before."""
    asked = set(kb.aspect_book.asked(text))
    return asked if QUOTA.search(text) else asked - {"scale"}


def subject_before(kb: KnowledgeBase, tracker: Tracker, asked: set[str]) -> tuple[str, str | None]:
    """The subject a short follow-up asks about: the answer before's, unless nothing of it
    answers the aspect asked and another subject the question before named does ("想读3+2，
    学费要交多少" then "那读完拿什么证" asks for 3+2's diploma, not 免学费's)."""
    kind = tracker.get_slot("last_topic")
    slot = TOPIC_SLOT[kind]
    value = tracker.get_slot(slot) if slot else None
    previous = tracker.get_slot("last_question") or ""
    named = [(k, v) for k, slot in TOPIC_SLOT.items() if slot for v in kb.vocabulary.mentioned(slot, previous)]
    for candidate_kind, candidate in [(kind, value), *named]:
        topics = kb.topics(candidate_kind, candidate)
        if not asked or any(a in s.aspects for t in topics for s in t.statements for a in asked):
            return candidate_kind, candidate
    return kind, value


def answer_in_context(
    question: Question,
    tracker: Tracker,
    kb: KnowledgeBase,
    dispatcher: CollectingDispatcher,
    figures: bool = False,
) -> list[dict[str, Any]] | None:
    """Answer a short question that names no subject but asks an aspect of the topic answered
    just before, whatever intent the model gave it; None when it is not such a question.
    With `figures`, for a message the model did not take for a question at all (out of scope,
    unsure, an answer outside the check), also what leans on a figure given just before
    ("单招呢", "撤了几个" after a count) and a subject named in place of the one before
    ("那对口招生呢" after "单招考什么")."""
    last_topic = tracker.get_slot("last_topic")
    if len(question.text) > SHORT_FOLLOW_UP:
        return None
    previous = tracker.get_slot("last_question") or ""
    if figures and last_topic == "statistic" and previous:
        from actions.statistics import utter_statistics  # statistics builds on common, as this module

        answer = kb.figure_follow_up(question, previous)
        return utter_statistics(answer, kb, dispatcher) if answer else None
    if last_topic not in TOPIC_SLOT:
        return None
    book = kb.aspect_book
    slot = TOPIC_SLOT[last_topic]
    named = question.values.get(slot) if slot else None
    if figures and named and ELLIPTICAL.search(question.text) and not book.asked(question.text):
        # "那对口招生呢" after "单招考什么": the aspect before, of the subject named now.
        scope = tracker.get_slot("scope")
        carried = last_aspects(tracker)
        return answer_topic(last_topic, list(named), scope, question.text, kb, dispatcher, carried, previous)
    if any(question.values.values()):
        return None
    asked = aspects_of_follow_up(kb, question.text)
    if not asked and not book.wants_details(question.text):
        return None
    kind, value = subject_before(kb, tracker, asked)
    return answer_topic(
        kind,
        [value] if value else [],
        tracker.get_slot("scope"),
        question.text,
        kb,
        dispatcher,
        context=previous,
    )


# What a figure does not answer: asked of one named channel, programme or subsidy, these are
# the topic's to answer ("对口招生是招什么人的" is who can apply, not how many were admitted).
NOT_A_FIGURE = frozenset({"who_can", "what_tested", "how_to_apply", "when", "how_long", "diploma", "what_after"})


def one_subject(question: Question) -> tuple[str, str] | None:
    """(kind, value) of the one programme, channel or subsidy a question names; None when it
    names none or several."""
    named = [(kind, values) for kind, slot in TOPIC_SLOT.items() if slot and (values := question.values.get(slot))]
    if len(named) != 1 or len(named[0][1]) != 1:
        return None
    kind, (value,) = named[0]
    return kind, value


def answer_one_subject(
    question: Question, kb: KnowledgeBase, dispatcher: CollectingDispatcher
) -> list[dict[str, Any]] | None:
    """Answer a question as the topic of the one subject it names; None when it names no one subject."""
    subject = one_subject(question)
    if subject is None:
        return None
    kind, value = subject
    return answer_topic(kind, [value], question.first("scope"), question.text, kb, dispatcher)


def answer_named_topic(
    question: Question, kb: KnowledgeBase, dispatcher: CollectingDispatcher
) -> list[dict[str, Any]] | None:
    """Answer as a topic a question that names one subject and asks what no figure answers,
    whatever intent the model gave it; None when it asks a figure or names no one subject."""
    asked = kb.aspect_book.asked(question.text)
    if not asked or not set(asked) <= NOT_A_FIGURE:
        return None
    return answer_one_subject(question, kb, dispatcher)


class TopicAction(KnowledgeAction, metaclass=abc.ABCMeta):
    kind: str

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        slot = TOPIC_SLOT[self.kind]
        values = list(question.values.get(slot) or []) if slot else []
        previous = tracker.get_slot("last_question") or ""
        if (
            tracker.get_slot("last_topic") == "statistic"
            and previous
            and ELLIPTICAL.search(question.text)
            and not kb.aspect_book.asked(question.text)
        ):
            # "单招呢" after "2022年转段录了多少人" asks the same figure of 单招, whatever intent it got.
            from actions.statistics import utter_statistics

            return utter_statistics(kb.answer_statistic_follow_up(question, previous), kb, dispatcher)
        same_kind = tracker.get_slot("last_topic") == self.kind
        # "那对口招生呢" after "单招考什么": the question before's aspect, of another subject.
        asked = last_aspects(tracker) if same_kind and ELLIPTICAL.search(question.text) else None
        if not values and slot and same_kind and kb.aspect_book.asked(question.text) and tracker.get_slot(slot):
            values = [tracker.get_slot(slot)]  # "最多能贷多少" after a loan answer asks it of the loan
        return answer_topic(
            self.kind,
            values,
            question.first("scope"),
            question.text,
            kb,
            dispatcher,
            asked=asked,
            context=tracker.get_slot("last_question") or "",
        )


class ActionAnswerPathway(TopicAction):
    kind = "pathway"

    def name(self) -> str:
        return "action_answer_pathway"


class ActionAnswerAdmission(TopicAction):
    kind = "admission"

    def name(self) -> str:
        return "action_answer_admission"


class ActionAnswerUndergraduate(TopicAction):
    kind = "undergraduate"

    def name(self) -> str:
        return "action_answer_undergraduate"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        # A route to a degree that is a programme of its own (中职本科衔接) has its own topic.
        pathway = question.first("pathway")
        if pathway and kb.topics("pathway", pathway, None):
            return answer_topic("pathway", [pathway], question.first("scope"), question.text, kb, dispatcher)
        return super().answer(question, tracker, kb, dispatcher)


class ActionAnswerSubsidy(TopicAction):
    kind = "subsidy"

    def name(self) -> str:
        return "action_answer_subsidy"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        book = kb.aspect_book
        asked = set(book.asked(question.text))
        if "which_schools" in asked or book.asks_particular(question.text):
            # "乌兰察布有哪些中职学校", "明年还会涨吗": nothing the rules decide for a family.
            return super().answer(question, tracker, kb, dispatcher)
        reply = family_reply(question, tracker.latest_message or {}, kb)
        if reply is None:
            return super().answer(question, tracker, kb, dispatcher)
        if question.values.get("subsidy") and asked - VERDICT_ASPECTS:
            # "单亲家庭 孩子高职大二 励志奖学金多少钱": the amount asked first, the family's verdict after.
            events = super().answer(question, tracker, kb, dispatcher)
            dispatcher.utter_message(text=reply)
            return events
        dispatcher.utter_message(text=reply)
        return remember(self.kind, question.text, scope=question.first("scope"), subsidy=question.first("subsidy"))


# A question about one's own family or child, not about a kind of student ("农村户口的学生
# 上中职能拿助学金吗" asks the rule).
PERSONAL = re.compile(r"我|俺|咱|孩子|娃|儿子|女儿|闺女|姑娘|家里|他|她")
# What the eligibility rules answer of a named programme: whether the family gets it.
VERDICT_ASPECTS = frozenset({"who_can", "what_is", "can_i"})
# What the family tells of itself beyond the level and the place: it asks about itself.
FAMILY_SLOTS = ("elig_school_type", "elig_household", "elig_major_type", "elig_hardship", "elig_military")
# Asking what there is: "有啥补贴", "能享受哪些", "有补助吗", "能补多少".
WHAT_THERE_IS = re.compile(r"哪些|什么|啥|有没有|[助贴]吗|[助贴]不|能补|能领|能拿|能享受|能申请|能有|优惠")
# What the rules do not answer, whoever the family is: how, where, when, how long.
NOT_A_VERDICT = re.compile(r"怎么|如何|咋|去哪|在哪|哪里|找谁|流程|材料|手续|什么时候|啥时候|几月|哪天|多久|几年|区别")


def family_reply(question: Question, message: dict[str, Any], kb: KnowledgeBase) -> str | None:
    """A family that describes itself (低保户, 农村户口, 读中职二年级, 退伍) and asks what it can
    get is answered from the eligibility rules with what it said, before any check: what the
    rules grant, what depends on what it has not said (issue 16 part 4). Asked of one
    programme, that programme's verdict. None when the question is not of that kind."""
    slots = answers_in(message, kb)
    profile = described_profile(slots)
    subsidies = list(question.values.get("subsidy") or [])
    described = bool(PERSONAL.search(question.text)) and any(slot in slots for slot in FAMILY_SLOTS)
    if profile.stage is None or len(subsidies) > 1 or NOT_A_VERDICT.search(question.text):
        return None
    if subsidies and not described:
        return None  # "中职助学金多少钱": the programme's own answer
    if not subsidies and not (described or WHAT_THERE_IS.search(question.text)):
        return None
    result = eligible_subsidies(profile, kb.subsidy_rules, kb.policy_facts, date.today())
    subsidy = subsidies[0] if subsidies else None
    verdict = result.of(subsidy) if subsidy else None
    if subsidy is not None and (verdict is None or verdict.verdict == ELIGIBLE):
        # A programme the rules do not decide (绿色通道), or one the family gets: the programme's
        # own rule says so, and says it of everyone ("城镇户口上中职也免学费吗": all full-time students).
        return None
    return templates.family_answer(profile, result, subsidy, described)
