"""The fallback: a question no intent answered confidently is searched in the knowledge base."""

from __future__ import annotations

from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction
from knowledge.kb import KnowledgeBase, Question


class ActionAnswerOutOfScope(KnowledgeAction):
    """Out of scope, unless it is a short question about the answer just given ("最多贷多少")."""

    asks_of_the_answer_before = True

    def name(self) -> str:
        return "action_answer_out_of_scope"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_out_of_scope")
        return []


class ActionSearchKnowledge(KnowledgeAction):
    asks_of_the_answer_before = True

    def name(self) -> str:
        return "action_search_knowledge"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        best = kb.answer_search(question.text)
        if best is None:
            dispatcher.utter_message(response="utter_out_of_scope")
            return []
        dispatcher.utter_message(text=templates.search_answer(best.body, best.title, kb.source(best.source_id)))
        return []
