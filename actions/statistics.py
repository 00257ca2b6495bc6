"""Answers about the numbers: schools, students, majors, enrollment, funding."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction, remember
from knowledge.kb import KnowledgeBase, Question, StatisticsAnswer


def utter_statistics(answer: StatisticsAnswer, kb: KnowledgeBase,
                     dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """Each figure found, else the passage that answers instead, else what is not known."""
    for figure in answer.figures:
        dispatcher.utter_message(text=templates.statistic_answer(figure.match, figure.source, figure.years,
                                                                 figure.newer))
    if answer.passage and answer.passage_source:
        dispatcher.utter_message(text=templates.search_answer(answer.passage.body, answer.passage.title,
                                                              answer.passage_source))
    elif not answer.figures:
        hint = "、".join(answer.missing) or None
        dispatcher.utter_message(text=templates.statistic_unknown(hint, kb.data_year))
    return remember("statistic", answer.query)


class ActionAnswerStatistic(KnowledgeAction):
    def name(self) -> str:
        return "action_answer_statistic"

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        answer = kb.answer_statistics(question.text)
        # A short question after a statistics answer ("以前是几所？") may lean on it.
        previous = tracker.get_slot("last_question")
        if not answer.figures and tracker.get_slot("last_topic") == "statistic" and previous:
            answer = kb.answer_statistic_follow_up(question, previous)
        return utter_statistics(answer, kb, dispatcher)
