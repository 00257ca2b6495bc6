"""Answers about pathways (3+2, 五年一贯制), admission channels, 职业本科 and subsidies.

They differ only in which kind of topic they read and which entity picks it.
"""

from __future__ import annotations

import abc
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction, remember
from knowledge.kb import KnowledgeBase, Question

# Which slot picks a topic of each kind; 职业本科 has a single topic.
TOPIC_SLOT = {"pathway": "pathway", "admission": "channel", "subsidy": "subsidy", "undergraduate": None}
# Kinds whose rules change from year to year: the answer reminds the user to check.
CHANGES_YEARLY = {"admission", "subsidy"}


def answer_topic(kind: str, value: str | None, scope: str | None, query: str, kb: KnowledgeBase,
                 dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    found = kb.answer_topic(kind, value, scope, query)
    dispatcher.utter_message(text=templates.topic_answer(list(found.topics), found.sources,
                                                         remind=kind in CHANGES_YEARLY))
    slot = TOPIC_SLOT[kind]
    values = {slot: value} if slot else {}
    return remember(kind, query, scope=scope, **values)


class TopicAction(KnowledgeAction, metaclass=abc.ABCMeta):
    kind: str

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        slot = TOPIC_SLOT[self.kind]
        value = question.first(slot) if slot else None
        return answer_topic(self.kind, value, question.first("scope"), question.text, kb, dispatcher)


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
            return answer_topic("pathway", pathway, question.first("scope"), question.text, kb, dispatcher)
        return super().answer(question, tracker, kb, dispatcher)


class ActionAnswerSubsidy(TopicAction):
    kind = "subsidy"

    def name(self) -> str:
        return "action_answer_subsidy"
