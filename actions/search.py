"""The fallback: a question no intent answered confidently is searched in the knowledge base."""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction
from actions.statistics import utter_statistics
from actions.topics import answer_one_subject
from knowledge.kb import KnowledgeBase, Question
from knowledge.reading import ASKS_NUMBER
from knowledge.replies import about_schooling, unplaced_where
from knowledge.text import normalize


class UnplacedMessageAction(KnowledgeAction, metaclass=abc.ABCMeta):
    """An action for a message the model did not take for a question (out of scope, unsure,
    an answer outside the check): a short one may lean on the answer or figure before."""

    asks_of_the_answer_before = True
    follows_figures = True


class ActionAnswerOutOfScope(UnplacedMessageAction):
    """Out of scope, unless it is a short question about the answer just given ("最多贷多少")."""

    def name(self) -> str:
        return "action_answer_out_of_scope"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        return decline(question, kb, dispatcher)


def decline(question: Question, kb: KnowledgeBase, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """Out of scope; but a question of schooling the model could not place is not. One that
    names one programme, channel or subsidy is that subject's to answer ("中职国家助学金一年多少钱");
    a count a figure holds is answered ("how many students got admitted through the separate
    enrollment exam in 2022"); anything else about schooling ("职业本科怎么录取 看高考分还是单独考")
    is declined with where to ask."""
    # A count ("多少", "几个") may be a figure's; what is tested or how to apply is not.
    asked = set(kb.aspect_book.asked(question.text)) - {"scale", "how_much"}
    if about_schooling(question) and not asked and ASKS_NUMBER.search(normalize(question.text)):
        answer = kb.answer_statistics(question.text)
        if answer.figures:
            return utter_statistics(answer, kb, dispatcher)
    answered = answer_one_subject(question, kb, dispatcher)
    if answered is not None:
        return answered
    where = unplaced_where(kb.aspect_book, question)
    if where is not None:
        dispatcher.utter_message(text=templates.not_held(where or templates.WHERE_TO_ASK))
    else:
        dispatcher.utter_message(response="utter_out_of_scope")
    return []


class ActionSearchKnowledge(UnplacedMessageAction):
    def name(self) -> str:
        return "action_search_knowledge"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        best = kb.answer_search(question.text)
        if best is None:
            return decline(question, kb, dispatcher)
        dispatcher.utter_message(text=templates.search_answer(best.body, best.title, kb.source(best.source_id)))
        return []


class ActionAnswerUnclear(UnplacedMessageAction):
    """An answer to the eligibility check's question, or "不知道", outside the check: asked to
    rephrase, unless it asks something of the answer before ("几年级能申请" after a scholarship)."""

    def name(self) -> str:
        return "action_answer_unclear"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []
