"""What every answering action shares: the knowledge base accessor and reading the question."""

from __future__ import annotations

import abc
import asyncio
import logging
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import school, templates
from knowledge.kb import KnowledgeBase, Question

logger = logging.getLogger(__name__)


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """Opened on first use, once per process (read-only)."""
    return KnowledgeBase()


def read_question(tracker: Tracker, kb: KnowledgeBase) -> Question:
    message = tracker.latest_message or {}
    intent = (message.get("intent") or {}).get("name")
    return kb.read(message.get("text") or "", message.get("entities") or [], intent)


class KnowledgeAction(Action, metaclass=abc.ABCMeta):
    """An action that answers from the knowledge base and remembers what it answered.

    Abstract so that the SDK, which registers every concrete Action subclass, skips it.
    """

    # Whether a short question naming no subject but asking an aspect ("最多贷多少") is asked
    # of the topic answered just before, whatever intent the model gave it.
    asks_of_the_answer_before = False
    # Whether, besides, a short message leans on a figure or names a subject in place of the one
    # before ("单招呢" after a count): for messages the model did not take for a question.
    follows_figures = False

    @abc.abstractmethod
    def name(self) -> str: ...

    @abc.abstractmethod
    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        """Utter the answer and return the events that record the topic."""

    async def run(
        self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: dict[str, Any]
    ) -> list[dict[str, Any]]:
        # The school the widget is on answers first what it answers, and adds to the reply.
        if school.answered_by_school(tracker, dispatcher):
            return []
        events = await self._reply(dispatcher, tracker)
        school.after_reply(tracker, dispatcher, knowledge_base(), events)
        return events

    async def _reply(self, dispatcher: CollectingDispatcher, tracker: Tracker) -> list[dict[str, Any]]:
        kb = knowledge_base()
        question = read_question(tracker, kb)
        # Between the steps the call may be cancelled: Sanic cancels the handler when Rasa
        # gives up on the call (connectors/action_guard.py) and closes the connection.
        await asyncio.sleep(0)
        beyond = kb.out_of_reach(question.text)
        if beyond is not None:
            # "北京的单招考什么", "包头职业技术学院单招去年多少分能录": not answered with Inner
            # Mongolia's rules or the region's figures; said so, with where to ask.
            dispatcher.utter_message(text=templates.out_of_reach(beyond))
            return []
        await asyncio.sleep(0)
        events = self._answer_in_turn(question, tracker, kb, dispatcher)
        if kb.is_english((tracker.latest_message or {}).get("text") or "") and not any(
            m.get("response") == "utter_out_of_scope" for m in dispatcher.messages
        ):
            # An answer to a question typed in English comes after a request for Chinese (the
            # out-of-scope reply already asks for it).
            asking = CollectingDispatcher()
            asking.utter_message(text=templates.PLEASE_USE_CHINESE)
            dispatcher.messages.insert(0, asking.messages[0])
        return events

    def _answer_in_turn(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        if self.asks_of_the_answer_before:
            from actions.topics import answer_in_context, answer_named_topic  # topics builds on this module

            in_context = answer_in_context(question, tracker, kb, dispatcher, self.follows_figures)
            if in_context is None:
                # "对口招生是招什么人的" taken for a figure: who can apply is the channel's to answer.
                in_context = answer_named_topic(question, kb, dispatcher)
            if in_context is not None:
                return in_context
        # "莫旗中等职业学校在哪个市": whatever the intent, where a school or event is comes
        # from what the article says of it, not from a figure or a policy topic.
        located = kb.location(question.text)
        if located:
            dispatcher.utter_message(
                text=templates.search_answer(located.body, located.title, kb.source(located.source_id))
            )
            return []
        return self.answer(question, tracker, kb, dispatcher)


# The most of a question a follow-up leans on. A follow-up's question is its own words
# before the question it follows: cut at the end, the oldest words go first, and a long
# chain of follow-ups costs each turn the same (issue 14: 60 follow-ups made one slot 5 MB).
LAST_QUESTION_MAX_CHARS = 500


def remember(topic: str, question_text: str, aspect: str | None = None, **values: str | None) -> list[dict[str, Any]]:
    """Slots a follow-up ('那高职呢？') needs to know what the previous answer was about, and
    what it asked of it (the aspects, "when"), so that "那对口招生呢" asks the same."""
    events = [
        SlotSet("last_topic", topic),
        SlotSet("last_question", question_text[:LAST_QUESTION_MAX_CHARS]),
        SlotSet("last_aspect", aspect or None),
    ]
    events += [SlotSet(slot, value) for slot, value in values.items()]
    return events
