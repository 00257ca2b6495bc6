"""Answers about the numbers: schools, students, majors, enrollment, funding."""

from __future__ import annotations

import re
from typing import Any

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from actions.common import ENTITY_KINDS, KnowledgeAction, Question, remember, same_year
from actions.topics import answer_in_context
from knowledge.kb import KnowledgeBase, StatisticMatch
from knowledge.matching import ASKS_NUMBER, PERIOD, measure_word
from knowledge.text import YEAR, normalize, year_of

# Below this the best statistic shares too little with the question to be the one asked for.
MIN_MATCH_SCORE = 4.0
# Where one question may end and the next begin in a message that asks several.
QUESTION_END = re.compile(r"[？?；;。！!，,]+")
# How a kind of number (measure_word) is asked for when a follow-up carries it over.
MEASURE_ASKED = {"哪": "哪一年", "百分之": "百分之几", "年": "几年"}
# At most this many figures in one reply: a message listing more is a survey, not a question.
MAX_FIGURES = 3


def answers(match: StatisticMatch) -> bool:
    """Whether the matched statistic may be given as the answer."""
    return match.statistic is not None and match.score >= MIN_MATCH_SCORE and not match.unmatched


def answer_statistic(query: str, kb: KnowledgeBase, dispatcher: CollectingDispatcher,
                     scope: str | None = None, match: StatisticMatch | None = None,
                     quote: bool = False) -> list[dict[str, Any]]:
    """Answer `query`, or give `match` when the caller has already matched it."""
    match = match or kb.match_statistic(query, scope=scope)
    statistic = match.statistic
    if not answers(match):
        # Policy facts hold numbers too (职业本科 enrolment, 3+2 scale): a passage that covers
        # every word of the question may answer it; otherwise say honestly it is not known.
        hits = [hit for hit in kb.search(query) if not hit.unmatched and hit.kind == "topic" and same_year(query, hit.body)]
        if hits:
            dispatcher.utter_message(text=templates.search_answer(hits[0].body, hits[0].title,
                                                                  kb.source(hits[0].source_id)))
        else:
            hint = "、".join(match.unmatched[:2]) or None
            dispatcher.utter_message(text=templates.statistic_unknown(hint, kb.data_year))
        return remember("statistic", query)
    utter_statistic(match, kb, dispatcher, quote, query)
    return remember("statistic", query)


def with_year(question: str, year: int) -> str:
    """The question asked of another year: "2023年单招录了多少人" -> "2022年单招录了多少人"."""
    replaced, count = YEAR.subn(str(year), normalize(question), count=1)
    return replaced if count else f"{year}年{question}"


def utter_statistic(match: StatisticMatch, kb: KnowledgeBase, dispatcher: CollectingDispatcher,
                    quote: bool = False, query: str = "") -> None:
    statistic = match.statistic
    like = kb.statistics_like(statistic)
    years = [s.year for s in (statistic, *like) if s.year]
    # Asked without a year, the article's figure comes with any later one from another source.
    newer = [(s, kb.source(s.source_id)) for s in like
             if match.asked_year is None and statistic.year and s.year and s.year > statistic.year
             and s.source_id != statistic.source_id]
    if match.year_differs and not quote:
        # Another year's figure is no answer to this year's question: say which years there
        # are, and let one tap ask for one of them.
        held = sorted({y for y in years if y != match.asked_year}, reverse=True)
        dispatcher.utter_message(text=templates.year_not_held(match.asked_year, held),
                                 buttons=[{"title": f"看{year}年的数据", "payload": with_year(query, year)}
                                          for year in held[:2]])
        return
    dispatcher.utter_message(text=templates.statistic_answer(match, kb.source(statistic.source_id), years, newer, quote))


def statistics_asked(query: str, whole: StatisticMatch, kb: KnowledgeBase) -> list[StatisticMatch]:
    """The statistics a message asks for: one per question when it holds several
    ("全区单招录多少人，对口招生又录了多少"), else the one the whole message matches.

    A later question must name something a figure is about. It keeps the place, year and
    level the first one named ("2012年中职生均校舍面积多少，设备值多少" asks for 2012's),
    and when it finds no statistic with them it is read with the whole first question
    ("…选拔赛设了多少赛项？多少支代表队参赛？").
    """
    if not answers(whole):
        return []
    first, *later = [part.strip() for part in QUESTION_END.split(query) if part.strip()] or [query]
    if not later:
        return [whole]
    found = {}
    match = kb.match_statistic(first)
    if answers(match):
        found[match.statistic.id] = match
    for question in later:
        match = kb.match_statistic(question)
        if match.statistic is None:
            continue  # nothing of its own that a figure is about: "顺便问下加起来多少"
        kept = qualifiers(first, question, kb)
        if kept:
            match = kb.match_statistic(f"{question} {kept}")
        if not answers(match):
            match = kb.match_statistic(f"{question}，{first}")
        if answers(match):
            found.setdefault(match.statistic.id, match)
    return list(found.values())[:MAX_FIGURES] if len(found) > 1 else [whole]


def qualifiers(first: str, later: str, kb: KnowledgeBase, kinds: tuple[str, ...] = ("place", "scope")) -> str:
    """The place, level, year, period and kind of number `first` asks for that `later` does
    not name itself: "那单招呢" after "2022年转段有多少人" asks how many people in 2022."""
    kept = [value for kind in kinds if not kb.mentioned(kind, later) for value in kb.mentioned(kind, first)]
    year = YEAR.search(normalize(first))
    if year and not YEAR.search(normalize(later)):
        kept.append(f"{year_of(year)}年")
    period = PERIOD.search(normalize(first))
    if period and not PERIOD.search(normalize(later)):
        kept.append(period.group())
    # The kind of number carries over to another channel or programme ("那单招呢" after 转段's
    # people), not to a question naming a figure of its own or only another year.
    measure = measure_word(first)
    if measure and not measure_word(later) and not kb.names_figure(later) \
            and any(kb.mentioned(kind, later) for kind in ("channel", "subsidy", "pathway")):
        kept.append(MEASURE_ASKED.get(measure, f"多少{measure}"))
    return " ".join(kept)


def answer_statistic_in_context(question: Question, previous: str, kb: KnowledgeBase,
                                dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
    """A question that leans on the previous statistics question ("那高职呢？")."""
    scope = question.first("scope")
    before = kb.match_statistic(previous).statistic
    names_own = kb.names_figure(question.text)
    # "那高职呢" asks for the same figure of another level; "高职专升本的呢" names its own.
    sibling = kb.sibling(before, scope) if before and scope and not names_own else None
    if sibling:
        return answer_statistic(previous, kb, dispatcher, match=StatisticMatch(sibling, MIN_MATCH_SCORE))
    # A follow-up naming a figure of its own ("在校生呢" after the schools) asks for that
    # figure, with the place, year and level the question before named; what it names may
    # be of another level ("专升本呢" after a 职业本科 figure is 高职's); and it asks for a
    # number as the question before did ("那激励办法的举措呢" is how many: the comma keeps
    # the qualifiers after it out of what is counted).
    kinds = [("place", "scope")] + ([] if scope else [("place",)])
    how_many = ["", "多少，"] if names_own and not ASKS_NUMBER.search(normalize(question.text)) else [""]
    for asked in (f"{question.text}{ask}{qualifiers(previous, question.text, kb, kinds=kept)}".strip()
                  for ask in how_many for kept in kinds):
        own = kb.match_statistic(asked, scope=scope)
        if answers(own):
            if own.statistic != before:
                return answer_statistic(asked, kb, dispatcher, match=own)
            break
    # What the follow-up names replaces what the question before named ("那对口招生呢"
    # after 单招), and its words come first so its year wins.
    context = previous
    for kind in ENTITY_KINDS:
        if question.values.get(kind):
            context = kb.without(kind, context)
    return answer_statistic(f"{question.text} {context}", kb, dispatcher, scope=scope)


class ActionAnswerStatistic(KnowledgeAction):
    def name(self) -> str:
        return "action_answer_statistic"

    def answer(self, question: Question, tracker: Tracker, kb: KnowledgeBase,
               dispatcher: CollectingDispatcher) -> list[dict[str, Any]]:
        # "利息多少 什么时候开始还" after a loan answer asks about the loan, not for a figure.
        in_context = answer_in_context(question, tracker, kb, dispatcher)
        if in_context is not None:
            return in_context
        # A short question after a statistics answer ("以前是几所？") may lean on it.
        previous = tracker.get_slot("last_question")
        match = kb.match_statistic(question.text)
        asked = statistics_asked(question.text, match, kb)
        if not asked and tracker.get_slot("last_topic") == "statistic" and previous:
            return answer_statistic_in_context(question, previous, kb, dispatcher)
        if len(asked) < 2:
            return answer_statistic(question.text, kb, dispatcher, match=match)
        for each in asked:
            utter_statistic(each, kb, dispatcher, query=question.text)
        return remember("statistic", question.text)
