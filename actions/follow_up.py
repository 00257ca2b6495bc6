"""Elliptical follow-ups ("那高职呢？", "2021年的呢") answered in the previous turn's context."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import KnowledgeAction, Question
from actions.statistics import answer_statistic, answer_statistic_in_context
from actions.topics import SELECTOR, answer_topic
from knowledge.kb import KnowledgeBase


class ActionAnswerFollowUp(KnowledgeAction):
    def name(self) -> str:
        return "action_answer_follow_up"

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        last_topic = tracker.get_slot("last_topic")
        previous = tracker.get_slot("last_question") or ""
        scope = question.first("scope")
        details = kb.aspect_book.wants_details(question.text)
        if last_topic == "statistic":
            if details:
                # "详细说说" after a figure: the figure again, with the passage it comes from.
                return answer_statistic(previous, kb, dispatcher, quote=True)
            return answer_statistic_in_context(question, previous, kb, dispatcher)
        if last_topic in SELECTOR:
            selector = SELECTOR[last_topic]
            value = (question.first(selector) or tracker.get_slot(selector)) if selector else None
            scope = scope or tracker.get_slot("scope")
            # "那对口招生呢" after "单招考什么" asks what 对口招生 tests: the aspect carries over.
            asked = (tracker.get_slot("last_aspect") or "").split(",") if not details else []
            return answer_topic(last_topic, [value] if value else [], scope, question.text, kb, dispatcher,
                                asked=[a for a in asked if a], context=previous)
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []
