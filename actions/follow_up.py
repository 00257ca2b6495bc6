"""Elliptical follow-ups ("那高职呢？", "2021年的呢") answered in the previous turn's context."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions.common import KnowledgeAction
from actions.statistics import utter_statistics
from actions.topics import TOPIC_SLOT, answer_topic, aspects_of_follow_up, last_aspects, subject_before
from knowledge.kb import KnowledgeBase, Question


class ActionAnswerFollowUp(KnowledgeAction):
    def name(self) -> str:
        return "action_answer_follow_up"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        last_topic = tracker.get_slot("last_topic")
        previous = tracker.get_slot("last_question") or ""
        scope = question.first("scope")
        details = kb.aspect_book.wants_details(question.text)
        if last_topic == "statistic":
            if details:
                # "详细说说" after a figure: the figure again, with the passage it comes from.
                return utter_statistics(kb.answer_statistics(previous), kb, dispatcher, quote=True)
            return utter_statistics(kb.answer_statistic_follow_up(question, previous), kb, dispatcher)
        if last_topic in TOPIC_SLOT:
            slot = TOPIC_SLOT[last_topic]
            kind, value = last_topic, (question.first(slot) if slot else None)
            if value is None and not details:
                kind, value = subject_before(kb, tracker, aspects_of_follow_up(kb, question.text))
            scope = scope or tracker.get_slot("scope")
            # "那对口招生呢" after "单招考什么" asks what 对口招生 tests: the aspect carries over.
            return answer_topic(
                kind,
                [value] if value else [],
                scope,
                question.text,
                kb,
                dispatcher,
                asked=[] if details else last_aspects(tracker),
                context=previous,
            )
        # "详细说说" with nothing before it to detail: ask what about.
        dispatcher.utter_message(response="utter_no_details" if details else "utter_ask_rephrase")
        return []
