"""Answers about pathways (3+2, 五年一贯制), admission channels, 职业本科 and subsidies.

They differ only in which kind of topic they read and which entity selects it. A reply
gives the statements that answer what was asked (knowledge/answers.py), at most a few
suggestions for the other aspects of the same subject, and the whole topic on request.
"""

from __future__ import annotations

import abc
import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction, Question, remember
from knowledge.answers import borrow, choose, overlap, school_named, suggestions
from knowledge.kb import KnowledgeBase, Topic
from knowledge.text import YEAR, normalize, year_of

# Which slot selects a topic of each kind; 职业本科 has a single topic.
SELECTOR = {"pathway": "pathway", "admission": "channel", "subsidy": "subsidy", "undergraduate": None}
# Kinds whose rules change from year to year: the whole topic reminds the user to check.
CHANGES_YEARLY = {"admission", "subsidy"}
# At most this many subjects in one reply (a comparison, 中职 and 高职 of one subsidy).
MAX_TOPICS = 2
# Words that bring 普高 into a comparison ("普高还是3+2"): the 职普融通 topic speaks for it.
GENERAL_SCHOOL = ("普高", "高中")
DETAILS = "详细说说"


def answer_topic(kind: str, values: list[str], scope: str | None, text: str, kb: KnowledgeBase,
                 dispatcher: CollectingDispatcher, asked: list[str] | None = None,
                 context: str = "") -> list[dict[str, Any]]:
    """Answer `text` about the topics of `kind` that `values` select (all of them if none).

    `asked` carries the aspects over from the question before ("那对口招生呢" after 单招考什么);
    `context` is the question before, for choosing a topic when `text` names none."""
    book = kb.aspect_book
    asked = book.asked(text) or list(asked or [])
    school = school_named(text)
    scope = scope or (school[1] if school else None)
    value = values[0] if values else None
    topics = _topics(kind, values, scope, text, kb)
    events = remember(kind, text, scope=scope, aspect=",".join(asked), **_selected(kind, value))
    if not topics:
        # A scope with no such topic: 高职 has no 免学费, and a named school's own fees are not known.
        subject = (school[0] if school else scope or "") + (value or "")
        where = book.where_to_ask["tuition"] if value == "免学费" else book.where(asked[0] if asked else None, kind=kind)
        dispatcher.utter_message(text=templates.not_held(subject, where))
        return events
    if not values and len(topics) > 1:
        focused = kb.topic_for(kind, f"{text} {context}", scope) or _topic_answering(topics, asked, text)
        if focused is None:
            firsts = {t.statements[0].source_id: kb.source(t.statements[0].source_id) for t in topics if t.statements}
            dispatcher.utter_message(text=templates.topic_overview(topics, firsts),
                                     buttons=[_button(f"{t.short}", f"介绍一下{t.short}") for t in topics[:6]])
            return events
        topics = [focused]
    sources = {s.source_id: kb.source(s.source_id) for topic in topics for s in topic.statements}
    if book.wants_details(text):
        dispatcher.utter_message(text=templates.topic_answer(topics, sources, remind=kind in CHANGES_YEARLY))
        return events
    return events + _answer_aspects(topics[:MAX_TOPICS], asked, text, kb, sources, dispatcher)


def _topic_answering(topics: list[Topic], asked: list[str], text: str) -> Topic | None:
    """The one topic whose statements answer what was asked in the question's own words
    ("文化素质考那几科" is 单招's exam), when exactly one does."""
    if not asked:
        return None
    fitting = [t for t in topics if any(overlap(s, text) for s in t.statements if asked[0] in s.aspects)]
    return fitting[0] if len(fitting) == 1 else None


def _topics(kind: str, values: list[str], scope: str | None, text: str, kb: KnowledgeBase) -> list[Topic]:
    if not values:
        return [t for t in kb.topics(kind, None, scope) if t.in_menu]
    topics = [t for value in values for t in kb.topics(kind, value, scope, strict=bool(scope))]
    if any(word in text for word in GENERAL_SCHOOL) and kind == "pathway" and "职普融通" not in values:
        topics += kb.topics("pathway", "职普融通")
    return list(dict.fromkeys(topics))


def _answer_aspects(topics: list[Topic], asked: list[str], text: str, kb: KnowledgeBase,
                    sources: dict, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    book = kb.aspect_book
    several = len(topics) > 1
    parts, shown = [], []
    for topic in topics:
        units = list(choose(topic.statements, asked, text).units)
        if several and not units and "differs" in asked:
            # Comparing two subjects, each says what it is when it has nothing on how they differ.
            units = list(choose(topic.statements, [], text).units)
        parts.append((_label(topic, topics) if several else "", units))
        shown += units
    answered = {a for unit in shown for a in unit.aspects}
    missing = [a for a in asked if a not in answered and a in book.aspects]
    others = [s for t in kb.topics() if t.kind != topic_kind(topics) for s in t.statements]
    for aspect in list(missing):
        # Another kind of subject may answer it in the question's own words: "以后还能考本科不"
        # after 五年一贯制 is answered by the routes to a degree. Another programme of the same
        # kind never answers for this one (the loan is not applied for like the 助学金).
        borrowed = borrow(others, aspect, text, book.cues)
        if borrowed is not None and borrowed not in shown:
            sources.setdefault(borrowed.source_id, kb.source(borrowed.source_id))
            parts.append(("", [borrowed]))
            shown.append(borrowed)
            missing.remove(aspect)
    preface, lines = [], []
    topic = topics[0]
    for aspect in missing[:1]:
        said = (topic.note if topic.note and aspect in ("how_much", "who_can")
                else templates.missing_line(topic.short or topic.name, book.aspects[aspect].label))
        # What is missing comes first when nothing else answers the question.
        (lines if shown else preface).append(said)
    if not shown:
        # Nothing answers what was asked: the general one-liner, then where to ask.
        parts = [("", list(choose(topic.statements, [], text).units[:1]))]
    year = YEAR.search(normalize(text))
    if year and shown and not any(str(year_of(year)) in unit.text for unit in shown):
        # "2026年单招什么时候报名": another year's dates are no answer. What holds every year
        # stays; a statement of another year goes, and the year asked is said to be missing.
        parts = [(label, [u for u in units if not YEAR.search(normalize(u.text))]) for label, units in parts]
        preface.append(f"我没有{year_of(year)}年的这项资料。")
        if not any(units for _, units in parts):
            parts = []
    if several and "differs" in asked:
        lines.append("两者在招生、转段和毕业证上的具体区别，我没有查到内蒙古的官方说法，以学校招生简章为准。")
    if missing or preface or (several and "differs" in asked):
        lines.append(book.where(missing[0] if missing else (asked[0] if asked else None), kind=topic.kind))
    used = [unit for _, units in parts for unit in units]
    dispatcher.utter_message(text=templates.short_answer(parts, sources, lines, preface),
                             buttons=_suggestions(topic, book, asked, used))
    return []


def topic_kind(topics: list[Topic]) -> str:
    return topics[0].kind


def _label(topic: Topic, topics: list[Topic]) -> str:
    shorts = [t.short for t in topics]
    return topic.scope if shorts.count(topic.short) > 1 and topic.scope else topic.short or topic.name


def _suggestions(topic: Topic, book, asked: list[str], used: list) -> list[dict[str, str]]:
    """At most two other aspects of the same subject, then the whole topic."""
    subject = topic.short or topic.name
    done = [*asked, *(a for unit in used for a in unit.aspects)]
    offered = [_button(text, text) for text in
               (book.ask(a, topic.kind, subject) for a in suggestions(topic.statements, done))]
    if len(topic.statements) > len(used):
        offered.append(_button(DETAILS, f"{DETAILS}{subject}"))
    return offered


def _button(title: str, payload: str) -> dict[str, str]:
    return {"title": title, "payload": payload}


def _selected(kind: str, value: str | None) -> dict[str, str | None]:
    selector = SELECTOR[kind]
    return {selector: value} if selector else {}


# A question that names only what changes: "那对口招生呢", "对口招生的呢".
ELLIPTICAL = re.compile(r"^(?:那|那么)|呢\s*[？?]?\s*$")
# A message this short that asks only an aspect ("最多贷多少", "去哪申请 找谁") leans on the answer before.
SHORT_FOLLOW_UP = 16


def answer_in_context(question: Question, tracker: Tracker, kb: KnowledgeBase,
                      dispatcher: CollectingDispatcher) -> list[dict[str, Any]] | None:
    """Answer a short question that names no subject but asks an aspect of the topic answered
    just before, whatever intent the model gave it; None when it is not such a question."""
    last_topic = tracker.get_slot("last_topic")
    if last_topic not in SELECTOR or any(question.values.values()) or len(question.text) > SHORT_FOLLOW_UP:
        return None
    if not set(kb.aspect_book.asked(question.text)) - {"scale"} and not kb.aspect_book.wants_details(question.text):
        return None
    selector = SELECTOR[last_topic]
    value = tracker.get_slot(selector) if selector else None
    return answer_topic(last_topic, [value] if value else [], tracker.get_slot("scope"), question.text, kb,
                        dispatcher, context=tracker.get_slot("last_question") or "")


class TopicAction(KnowledgeAction, metaclass=abc.ABCMeta):
    kind: str

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        selector = SELECTOR[self.kind]
        values = list(question.values.get(selector) or []) if selector else []
        context = tracker.get_slot("last_question") or ""
        asked = None
        if tracker.get_slot("last_topic") == self.kind and ELLIPTICAL.search(question.text):
            # "那对口招生呢" after "单招考什么": the question before's aspect, of another subject.
            asked = [a for a in (tracker.get_slot("last_aspect") or "").split(",") if a]
        if not values and selector and tracker.get_slot("last_topic") == self.kind \
                and kb.aspect_book.asked(question.text) and tracker.get_slot(selector):
            # "最多能贷多少" after a loan answer asks it of the loan.
            values = [tracker.get_slot(selector)]
        return answer_topic(self.kind, values, question.first("scope"), question.text, kb, dispatcher,
                            asked=asked, context=context)


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

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        # A route to a degree that is a programme of its own (中职本科衔接) has its own topic.
        pathway = question.first("pathway")
        if pathway and kb.topics("pathway", pathway, None):
            return answer_topic("pathway", [pathway], question.first("scope"), question.text, kb, dispatcher)
        return super().answer(question, tracker, kb, dispatcher)


class ActionAnswerSubsidy(TopicAction):
    kind = "subsidy"

    def name(self) -> str:
        return "action_answer_subsidy"
