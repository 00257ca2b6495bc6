"""The fallback: a question no intent answered confidently is searched in the knowledge base."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import KnowledgeAction
from actions.statistics import utter_statistics
from knowledge.kb import KnowledgeBase, Question
from knowledge.reading import ASKS_NUMBER
from knowledge.text import normalize


class ActionAnswerOutOfScope(KnowledgeAction):
    """Out of scope, unless it is a short question about the answer just given ("最多贷多少")."""

    asks_of_the_answer_before = True
    follows_figures = True

    def name(self) -> str:
        return "action_answer_out_of_scope"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        return decline(question, kb, dispatcher)


def decline(question: Question, kb: KnowledgeBase, dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """Out of scope; but a question of schooling the model could not place ("职业本科怎么录取
    看高考分还是单独考") is not: nothing here answers it, and the reply says where to ask."""
    if about_schooling(question) and ASKS_NUMBER.search(normalize(question.text)):
        # "how many students got admitted through the separate enrollment exam in 2022": a
        # figure held answers it, whatever the model made of the words.
        answer = kb.answer_statistics(question.text)
        if answer.figures:
            return utter_statistics(answer, kb, dispatcher)
    if about_schooling(question):
        dispatcher.utter_message(text=templates.not_held(where_to_ask(question, kb)))
    else:
        dispatcher.utter_message(response="utter_out_of_scope")
    return []


# What a question about schooling speaks of, besides the vocabulary's programmes, channels,
# subsidies and levels (a place alone is not: "今天呼和浩特天气怎么样").
SCHOOLING = re.compile(
    r"学校|学院|大学|专业|学费|考试|招生|录取|毕业|中职|高职|大专|中专|职高|技校|升学|补助|资助|奖学金|助学|贷款"
    r"|单招|对口|专升本|本科|分数|志愿|报名|中考|高考|就业|找工作|工资|挣多少|收入"
)
SUBSIDY_WORDS = re.compile(r"补助|资助|奖学金|助学|贷款|学费|免费|补贴|雨露")
EXAM_WORDS = re.compile(r"考试|录取|分数|志愿|报名|单招|对口|中考|高考|专升本|招生")


def about_schooling(question: Question) -> bool:
    return any(values for kind, values in question.values.items() if kind != "place") or bool(
        SCHOOLING.search(question.text)
    )


def where_to_ask(question: Question, kb: KnowledgeBase) -> str:
    where = kb.aspect_book.where_to_ask
    if question.values.get("subsidy") or SUBSIDY_WORDS.search(question.text):
        return where["aid"]
    if question.values.get("channel") or EXAM_WORDS.search(question.text):
        return where["exam"]
    return templates.WHERE_TO_ASK


class ActionSearchKnowledge(KnowledgeAction):
    asks_of_the_answer_before = True
    follows_figures = True

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


class ActionAnswerUnclear(KnowledgeAction):
    """An answer to the eligibility check's question, or "不知道", outside the check: asked to
    rephrase, unless it asks something of the answer before ("几年级能申请" after a scholarship)."""

    asks_of_the_answer_before = True
    follows_figures = True

    def name(self) -> str:
        return "action_answer_unclear"

    def answer(
        self, question: Question, tracker: Tracker, kb: KnowledgeBase, dispatcher: CollectingDispatcher
    ) -> list[dict[str, Any]]:
        dispatcher.utter_message(response="utter_ask_rephrase")
        return []
