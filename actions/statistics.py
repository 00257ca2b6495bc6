"""Answers about the numbers: schools, students, majors, enrollment, funding."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction, Question, remember
from knowledge.kb import KnowledgeBase, Statistic, StatisticMatch

# Below this the best statistic shares too little with the question to be the one asked for.
MIN_MATCH_SCORE = 4.0


def answer_statistic(query: str, kb: KnowledgeBase, dispatcher: CollectingDispatcher,
                     scope: str | None = None, statistic: Statistic | None = None) -> list[dict[str, Any]]:
    """Answer `query`, or give `statistic` when the caller already knows which one is meant."""
    match = StatisticMatch(statistic, MIN_MATCH_SCORE) if statistic else kb.match_statistic(query, scope=scope)
    statistic = match.statistic
    if statistic is None or match.score < MIN_MATCH_SCORE or match.unmatched:
        # Policy facts hold numbers too (职业本科 enrolment, 3+2 scale): a passage that covers
        # every word of the question may answer it; otherwise say honestly it is not known.
        hits = [hit for hit in kb.search(query) if not hit.unmatched and hit.kind == "topic"]
        if hits:
            dispatcher.utter_message(text=templates.search_answer(hits[0].body, hits[0].title,
                                                                  kb.source(hits[0].source_id)))
        else:
            hint = "".join(match.unmatched[:2]) or None
            dispatcher.utter_message(text=templates.statistic_unknown(hint, kb.years))
        return remember("statistic", query)
    years = [s.year for s in (statistic, *kb.statistics_like(statistic)) if s.year]
    dispatcher.utter_message(
        text=templates.statistic_answer(statistic, kb.source(statistic.source_id), match.asked_year, years))
    return remember("statistic", query)


class ActionAnswerStatistic(KnowledgeAction):
    def name(self) -> str:
        return "action_answer_statistic"

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        return answer_statistic(question.text, kb, dispatcher)
