"""Answers about the numbers: schools, students, majors, enrollment, funding."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction, remember
from knowledge.kb import KnowledgeBase, Question, StatisticsAnswer
from knowledge.text import YEAR, normalize


def utter_statistics(
    answer: StatisticsAnswer, kb: KnowledgeBase, dispatcher: CollectingDispatcher, quote: bool = False
) -> list[dict[str, Any]]:
    """Each figure found, else the passage that answers instead, else what is not known.
    Another year's figure is no answer: the years held are named, one tap away."""
    for figure in answer.figures:
        if figure.match.year_differs and figure.match.asked_year and not quote:
            held = sorted({year for year in figure.years if year != figure.match.asked_year}, reverse=True)
            dispatcher.utter_message(
                text=templates.year_not_held(figure.match.asked_year, held),
                buttons=[{"title": f"看{year}年的数据", "payload": with_year(answer.query, year)} for year in held[:2]],
            )
            continue
        dispatcher.utter_message(
            text=templates.statistic_answer(figure.match, figure.source, figure.years, figure.newer, quote),
            buttons=[{"title": templates.LATEST_BUTTON, "payload": templates.LATEST_PAYLOAD}] if figure.newer else [],
        )
    if answer.passage and answer.passage_source:
        dispatcher.utter_message(
            text=templates.search_answer(answer.passage.body, answer.passage.title, answer.passage_source)
        )
    elif not answer.figures:
        hint = "、".join(answer.missing) or None
        dispatcher.utter_message(text=templates.statistic_unknown(hint, kb.data_year))
    return remember("statistic", answer.query)


def with_year(question: str, year: int) -> str:
    """The question asked of another year: "2023年单招录了多少人" -> "2022年单招录了多少人"."""
    replaced, count = YEAR.subn(str(year), normalize(question), count=1)
    return replaced if count else f"{year}年{question}"


class ActionAnswerStatistic(KnowledgeAction):
    # "利息多少 什么时候开始还" after a loan answer asks about the loan, not for a figure.
    asks_of_the_answer_before = True

    def name(self) -> str:
        return "action_answer_statistic"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        answer = kb.answer_statistics(question.text)
        # A short question after a statistics answer ("以前是几所？") may lean on it.
        previous = tracker.get_slot("last_question")
        if not answer.figures and tracker.get_slot("last_topic") == "statistic" and previous:
            answer = kb.answer_statistic_follow_up(question, previous)
        return utter_statistics(answer, kb, dispatcher)
