"""Answers about the numbers: schools, students, majors, enrollment, funding."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import ENTITY_KINDS, KnowledgeAction, Question, remember
from knowledge.kb import KnowledgeBase, StatisticMatch

# Below this the best statistic shares too little with the question to be the one asked for.
MIN_MATCH_SCORE = 4.0
# Where one question ends and the next begins in a message that asks two ("设了多少赛项？多少支代表队参赛？").
QUESTION_END = re.compile(r"[？?；;。！!]+|[，,]\s*(?:另外|还有|顺便问?一?下?)")
# At most this many figures in one reply: a message listing more is a survey, not a question.
MAX_FIGURES = 3


def answers(match: StatisticMatch) -> bool:
    """Whether the matched statistic may be given as the answer."""
    return match.statistic is not None and match.score >= MIN_MATCH_SCORE and not match.unmatched


def answer_statistic(query: str, kb: KnowledgeBase, dispatcher: CollectingDispatcher,
                     scope: str | None = None, match: StatisticMatch | None = None) -> list[dict[str, Any]]:
    """Answer `query`, or give `match` when the caller has already matched it."""
    match = match or kb.match_statistic(query, scope=scope)
    statistic = match.statistic
    if not answers(match):
        # Policy facts hold numbers too (职业本科 enrolment, 3+2 scale): a passage that covers
        # every word of the question may answer it; otherwise say honestly it is not known.
        hits = [hit for hit in kb.search(query) if not hit.unmatched and hit.kind == "topic"]
        if hits:
            dispatcher.utter_message(text=templates.search_answer(hits[0].body, hits[0].title,
                                                                  kb.source(hits[0].source_id)))
        else:
            hint = "、".join(match.unmatched[:2]) or None
            dispatcher.utter_message(text=templates.statistic_unknown(hint, kb.data_year))
        return remember("statistic", query)
    utter_statistic(match, kb, dispatcher)
    return remember("statistic", query)


def utter_statistic(match: StatisticMatch, kb: KnowledgeBase, dispatcher: CollectingDispatcher) -> None:
    statistic = match.statistic
    years = [s.year for s in (statistic, *kb.statistics_like(statistic)) if s.year]
    dispatcher.utter_message(text=templates.statistic_answer(match, kb.source(statistic.source_id), years))


def later_questions(query: str, first: StatisticMatch, kb: KnowledgeBase) -> list[StatisticMatch]:
    """The statistics a message's later questions ask for, besides the one already answered.

    A later question often leaves its subject to the first one ("…选拔赛设了多少赛项？多少支
    代表队参赛？"): when it does not find a statistic on its own, it is read with the first.
    """
    questions = [part.strip() for part in QUESTION_END.split(query) if part.strip()]
    found, seen = [], {first.statistic.id}
    for later in questions[1:]:
        match = kb.match_statistic(later)
        if not answers(match):
            match = kb.match_statistic(f"{later}，{questions[0]}")
        if answers(match) and match.statistic.id not in seen and len(found) < MAX_FIGURES - 1:
            seen.add(match.statistic.id)
            found.append(match)
    return found


def answer_statistic_in_context(question: Question, previous: str, kb: KnowledgeBase,
                                dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """A question that leans on the previous statistics question ("那高职呢？")."""
    scope = question.first("scope")
    before = kb.match_statistic(previous).statistic
    sibling = kb.sibling(before, scope) if before and scope else None
    if sibling:
        return answer_statistic(previous, kb, dispatcher, match=StatisticMatch(sibling, MIN_MATCH_SCORE))
    # What the follow-up names replaces what the question before named ("那对口招生呢"
    # after 单招), and its words come first so its year wins.
    context = previous
    for kind in ENTITY_KINDS:
        if question.values.get(kind):
            context = kb.without(kind, context)
    return answer_statistic(f"{question.text} {context}", kb, dispatcher, scope=scope)


class ActionAnswerStatistic(KnowledgeAction):
    def name(self) -> str:
        return "action_answer_statistic"

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        # A short question after a statistics answer ("以前是几所？") may lean on it.
        previous = tracker.get_slot("last_question")
        match = kb.match_statistic(question.text)
        if tracker.get_slot("last_topic") == "statistic" and previous and not answers(match):
            return answer_statistic_in_context(question, previous, kb, dispatcher)
        events = answer_statistic(question.text, kb, dispatcher, match=match)
        if answers(match):
            for later in later_questions(question.text, match, kb):
                utter_statistic(later, kb, dispatcher)
        return events
