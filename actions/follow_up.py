"""Elliptical follow-ups ("那高职呢？", "2021年的呢") answered in the previous turn's context."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import KnowledgeAction
from actions.statistics import utter_statistics
from actions.topics import TOPIC_SLOT, answer_topic
from knowledge.kb import KnowledgeBase, Question


class ActionAnswerFollowUp(KnowledgeAction):
    def name(self) -> str:
        return "action_answer_follow_up"

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        last_topic = tracker.get_slot("last_topic")
        previous = tracker.get_slot("last_question") or ""
        scope = question.first("scope")
        if last_topic == "statistic":
            return utter_statistics(kb.answer_statistic_follow_up(question, previous), kb, dispatcher)
        if last_topic in TOPIC_SLOT:
            slot = TOPIC_SLOT[last_topic]
            value = (question.first(slot) or tracker.get_slot(slot)) if slot else None
            scope = scope or tracker.get_slot("scope")
            return answer_topic(last_topic, value, scope, f"{question.text} {previous}", kb, dispatcher)
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []
