"""What every answering action shares: the knowledge base accessor and reading the question."""

from __future__ import annotations

import abc
import re
import logging
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from rasa_sdk import Action, Tracker
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from knowledge.answers import school_named
from knowledge.text import YEAR, normalize, year_of
from knowledge.kb import KnowledgeBase

logger = logging.getLogger(__name__)

ENTITY_KINDS = ("scope", "subsidy", "channel", "pathway")
TOPIC_SLOTS = ("subsidy", "channel", "pathway")


@lru_cache(maxsize=1)
def knowledge_base() -> KnowledgeBase:
    """Opened on first use, once per process (read-only)."""
    return KnowledgeBase()


@dataclass(frozen=True)
class Question:
    """What the latest user message asks, with entity values made canonical."""

    text: str
    intent: str | None
    values: dict[str, list[str]]

    def first(self, kind: str) -> str | None:
        found = self.values.get(kind) or []
        return found[0] if found else None


def read_question(tracker: Tracker, kb: KnowledgeBase) -> Question:
    message = tracker.latest_message or {}
    typed = message.get("text") or ""
    # "zhongzhi you duoshao suo" is 中职有多少所; "how many vocational schools" 多少职业院校.
    text = kb.pinyin.to_hanzi(kb.english.to_chinese(typed))
    # The vocabulary's longest match first ("交不起学费" is 绿色通道, not 免学费), then what
    # the model found that the vocabulary did not: misspellings no alias list covers.
    values: dict[str, list[str]] = {kind: kb.mentioned(kind, text) for kind in ENTITY_KINDS}
    for entity in message.get("entities") or []:
        kind = entity.get("entity")
        if kind in values:
            canonical = kb.canonical(kind, str(entity.get("value") or "")) or kb.canonical(kind, _surface(typed, entity))
            if canonical and canonical not in values[kind]:
                values[kind].append(canonical)
    intent = (message.get("intent") or {}).get("name")
    return Question(text=text, intent=intent, values=values)


# What only a school itself can say: its fees and its admission scores.
SCHOOL_DATA = re.compile(r"学费|收费|多少钱|分数|多少分|录取线|分数线|几分")


def same_year(question: str, passage: str) -> bool:
    """A passage answers a question naming a year only if it is about that year: 2024's
    cut-off scores are no answer to 2025's."""
    asked = YEAR.search(normalize(question))
    return asked is None or str(year_of(asked)) in passage


def is_english(typed: str, kb: KnowledgeBase) -> bool:
    """No Chinese typed, and none read from pinyin: the reply asks for Chinese."""
    return not any("\u4e00" <= ch <= "\u9fff" for ch in kb.pinyin.to_hanzi(typed)) and any(c.isalpha() for c in typed)


def message_text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def _surface(text: str, entity: dict) -> str:
    start, end = entity.get("start"), entity.get("end")
    return text[start:end] if isinstance(start, int) and isinstance(end, int) else ""


class KnowledgeAction(Action, metaclass=abc.ABCMeta):
    """An action that answers from the knowledge base and remembers what it answered.

    Abstract so that the SDK, which registers every concrete Action subclass, skips it.
    """

    @abc.abstractmethod
    def name(self) -> str: ...

    @abc.abstractmethod
    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        """Utter the answer and return the events that record the topic."""

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker,
                  domain: dict[str, Any]) -> list[dict[str, Any]]:
        kb = knowledge_base()
        question = read_question(tracker, kb)
        # "莫旗中等职业学校在哪个市": whatever the intent, where a school or event is comes
        # from what the article says of it, not from a figure or a policy topic.
        # "北京的单招考什么": the answer would be Inner Mongolia's, so say what is covered.
        region = kb.aspect_book.other_region(question.text)
        if region and not kb.mentioned("place", question.text) and "内蒙" not in question.text:
            dispatcher.utter_message(text=templates.other_region(region, kb.aspect_book.where_to_ask["province"]))
            return []
        school = school_named(question.text)
        if school and SCHOOL_DATA.search(question.text):
            # "包头职业技术学院单招去年多少分能录": one school's fees and scores are not known here.
            dispatcher.utter_message(text=templates.school_not_held(school[0], question.text, kb.aspect_book))
            return []
        if is_english(message_text(tracker), kb):
            dispatcher.utter_message(text=templates.PLEASE_USE_CHINESE)
        located = kb.location(question.text)
        if located:
            dispatcher.utter_message(text=templates.search_answer(located.body, located.title,
                                                                  kb.source(located.source_id)))
            return []
        return self.answer(question, tracker, kb, dispatcher)


def remember(topic: str, question_text: str, aspect: str | None = None, **values: str | None) -> list[dict[str, Any]]:
    """Slots a follow-up ('那高职呢？') needs to know what the previous answer was about,
    and what it asked of it (the aspects, "what_tested"), so that "那对口招生呢" asks the same."""
    events = [SlotSet("last_topic", topic), SlotSet("last_question", question_text), SlotSet("last_aspect", aspect or None)]
    events += [SlotSet(slot, value) for slot, value in values.items()]
    return events
