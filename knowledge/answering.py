"""Which fact answers a question: one function per kind of answer, called by the actions.

The store (store.py) serves the tables and reading.py takes the question apart; this module
scores every figure against the question and decides which one, if any, is the answer (or
which topic, passage or place), and what may be said beside it. Actions only word the
result (actions/templates.py) and set slots.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cached_property
from pathlib import Path
from typing import Any

from knowledge.answers import AspectBook
from knowledge.english import EnglishReader
from knowledge.pinyin import PinyinReader
from knowledge.reading import ASKS_NUMBER, FILLER, PERIOD, Asked, Vocabulary, level_named, measure_word, unit_kind
from knowledge.records import (
    Entity,
    Figure,
    Question,
    SearchHit,
    Source,
    Statistic,
    StatisticMatch,
    StatisticsAnswer,
    Topic,
)
from knowledge.replies import OutOfReach, TopicReply, out_of_reach, reply_to_topic
from knowledge.store import KnowledgeStore
from knowledge.text import YEAR, dictionary_words, is_noun_tag, normalize, parts, segment, tag_of, year_of

# Words of the question found in a statistic must add up to this before it can be the answer.
MIN_CONTENT_SCORE = 3.0
# Below this the best statistic shares too little with the question to be the one asked for.
MIN_MATCH_SCORE = 4.0
# A place or a channel the question names decides between figures that both fit.
NAMED_BONUS = 4
# Where one question may end and the next begin in a message that asks several.
QUESTION_END = re.compile(r"[？?；;。！!，,]+")
# How a kind of number (measure_word) is asked for when a follow-up carries it over.
MEASURE_ASKED = {"哪": "哪一年", "百分之": "百分之几", "年": "几年"}
# At most this many figures in one reply: a message listing more is a survey, not a question.
MAX_FIGURES = 3
# The kinds of value a question names that pick an answer (the entity kinds actions read).
ENTITY_KINDS = ("scope", "subsidy", "channel", "pathway")
# A question asking where something is or was held.
# Asking for the latest figure: "现在有几所", "十四五末还剩多少".
# A question about how a figure changed over the years: the earlier figure is part of the answer.
_CHANGE = re.compile(r"涨了多少|涨到了?多少|增长了多少|增加了多少|提高了多少|从多少|多少到多少|变化|这些年|这几年")
# A short question that names nothing but only what changes: "那对口招生呢", "对口招生的呢".
ELLIPTICAL = re.compile(r"^(?:那|那么)|呢\s*[？?]?\s*$")
# What a message asks of the figure before when it names no figure: names ("都叫什么名字"), another
# time ("现在呢", "以前呢"), a change ("撤了几个", "比前一年多了多少"), a quota.
_OF_A_FIGURE = re.compile(
    r"叫什么|叫啥|名字|哪几|哪些|是哪|现在|目前|最新|以前|原来|去年|今年|增|减|涨|降|撤|比上年|比前一年|名额"
)
_NAMES_ASKED = re.compile(r"叫什么|叫啥|名字|哪几|哪些|是哪")
# What is not asked of a figure: the time, the date, the weather, a price; the assistant itself.
_NOT_OF_A_FIGURE = re.compile(r"几点|星期几|礼拜几|几号|几度|多少钱|天气|你|您|助手|机器人|程序")
# 家 as the measure word of schools ("高职有多少家"): read as 所.
_SCHOOLS_AS_FIRMS = re.compile(r"(多少|几)家")
# A difference asked of one figure: "比上年增长多少", "增幅多大", "减少了几所".
_DIFFERENCE = re.compile(
    r"比上年|比去年|比前一年|同比|增长率|增幅|增速|(?:增长|增加|减少|多了|少了|涨了|降了|下降)了?(?:多少|几)"
)
# A count of things asked ("增加了几个", "多了多少所"), which a share does not answer.
_ITEMS_ASKED = re.compile(r"几|多少(?:个|所|人|名|家|项)")
# A figure that is itself a change: "由8所增加至21所", "增长12%", "比上年增加".
_IS_CHANGE = re.compile(r"增|减|提高|下降|由.{1,20}[到至]|比上年|同比|翻")
# A year as said in a question, with its 年 ("2012年", "22年").
_YEAR_SAID = re.compile(rf"(?:{YEAR.pattern})年?")
# How many search hits are read for a topic that answers a question naming none: a
# statement holding every noun of the question may rank below figures holding one.
TOPIC_SEARCH_DEPTH = 20
# A national programme or title named without 级: "国家中职改革发展示范校" (not 国家助学金's 国家).
_NATIONAL = re.compile(r"国家(?!助学|奖学|励志|资助)")
_LATEST = re.compile(r"现在|目前|如今|最新|今年|十四五末|还剩")
# Both levels asked together: 中职高职加起来, 一共, 总共.
_TOGETHER = re.compile(r"加起来|一共|总共|合计|总数|加在一起")
_WHERE = re.compile(r"在哪|哪里|哪儿|哪个(?:旗|市|县|盟|地方|城市|学校)|哪所|什么地方|位于")
# What may follow a level's name in a question about its schools: 大专院校, 中职学校.
_SCHOOL_WORDS = frozenset({"", "院校", "学校", "学院", "类学校"})
# Statistic scopes whose figures are about one school (or its library, team or student), not a level.
PARTICULAR_SCOPES = ("学校",)
_LEVEL_SCOPES = ("中职", "高职", "职业本科")
# A question asking how many, and the kinds of number that count people or schools.
_COUNT_ASKED = re.compile(r"多少(?!钱)|几(?:所|个|家|名|人)")
_COUNTS = ("people", "institutions", "items")
# A ratio as a passage says it: 32%, 百分之六十.
_RATIO = re.compile(r"\d\s*[%％]|百分之")
# A plan named as a thing counted ("招生计划一共多少个").
_PLAN_NOUNS = frozenset({"计划", "规划", "目标"})
# How the people a figure counts are named: 学生, 新生, 毕业生, 教师, 人员.
_PEOPLE = ("生", "人", "员", "师")


# -- how well a figure fits a question --------------------------------------------------


def units_agree(measure: str | None, unit: str, year: int | None = None) -> bool:
    """Whether a figure in `unit` (of `year`) is the kind of number asked for; "哪一年" is
    answered by a year, or by the year of a figure ("哪一年破千的": 2020)."""
    if measure == "哪":
        return unit_kind(unit) == "year" or year is not None
    asked, held = unit_kind(measure), unit_kind(unit)
    if asked == "ratio":
        return held == "ratio"  # "占比是百分之多少" is not answered by a count of 874
    return asked is None or held is None or asked == held


def all_in(words: tuple[str, ...], text: str) -> bool:
    return bool(words) and all(word in text for word in words)


def score(statistic: Statistic, asked: Asked) -> float:
    """How well a statistic answers the question; 0 when its words do not match at all."""
    named = keyword_score(statistic, asked)
    if not asked.asks_number and not named:
        return 0.0  # no 多少/几 and no metric named: a question about something else
    total = named + content_score(statistic, asked)
    if unit_kind(asked.measure) == unit_kind(statistic.unit) is not None:
        total += 1  # 多少人 of a figure counted in people: "那单招呢" after "转段有多少人"
    if total < MIN_CONTENT_SCORE:
        return 0.0  # scope and year alone do not make a match
    if not units_agree(asked.measure, statistic.unit, statistic.year):
        total -= 6
    if asked.scopes:
        # Named 高职: a 高职 figure first, a whole-region one after, a 中职 one never.
        total += 3 if statistic.scope in asked.scopes else (-6 if statistic.scope in _LEVEL_SCOPES else -2)
    if asked.year and statistic.year == asked.year:
        total += 1
    period = PERIOD.search(asked.text)
    if period:
        # "十四五期间" asks for the plan period's total, not one year's figure.
        total += 2 if period.group() in statistic.period else -2
    elif PERIOD.search(statistic.period):
        total -= 1  # and a question that names no period asks for one year's
    if (statistic.kind == "target") != asked.asks_plan:
        total -= 3
    level = level_named(asked.text)
    if level:
        total += 3 if level[1] in statistic.text else -3
    elif "自治区级" in statistic.text and _NATIONAL.search(asked.text):
        total -= 6  # "国家示范校有几所" is not answered by the 自治区级 ones
    return total


def keyword_score(statistic: Statistic, asked: Asked) -> float:
    """Points for the statistic's metric or keywords named in the question."""
    return sum(2 + len(keyword) / 2 for keyword, normalized in statistic.names if normalized in asked.text)


def content_score(statistic: Statistic, asked: Asked) -> float:
    """Points for the question's other words found in the statistic's own words."""
    score = 0.0
    for word in asked.words:
        if word in statistic.vocabulary:
            score += 2
        elif word in statistic.text or all_in(parts(word), statistic.text):
            score += 1  # or said in its parts: 录取人数 for 录取学生…人
    # What is counted weighs most: "录取了多少学生" is the admissions, not the schools.
    for word in asked.counted:
        score += 3 if word in statistic.text else -3
    return score


def answers(match: StatisticMatch) -> bool:
    """Whether the matched statistic may be given as the answer."""
    return match.statistic is not None and match.score >= MIN_MATCH_SCORE and not match.unmatched


def _precedence(statistic: Statistic | None) -> tuple[bool, int]:
    if statistic is None:
        return False, 0
    return not statistic.from_policy, statistic.year or 0


def same_year(question: str, passage: str) -> bool:
    """A passage answers a question naming a year only if it is about that year: 2024's
    cut-off scores are no answer to 2025's."""
    asked = YEAR.search(normalize(question))
    return asked is None or str(year_of(asked)) in passage


class KnowledgeBase:
    """Reads questions against the knowledge store and chooses what answers them."""

    def __init__(self, path: Path | None = None):
        self.store = KnowledgeStore(path)
        self.path = self.store.path
        self.vocabulary = Vocabulary(self.store.aliases)
        self._covered: dict[str, str] = {}  # statistic id and own → _words_covered
        self._subject_names: dict[str, tuple[str, ...]] = {}  # subject → _names_of_subject

    def close(self) -> None:
        self.store.close()

    # -- reading ---------------------------------------------------------------------

    @cached_property
    def pinyin(self) -> PinyinReader:
        """Reads a question typed in pinyin ("zhongzhi you duoshao suo") as Chinese."""
        return PinyinReader(self.store.pinyin_spellings)

    def aliases(self, kind: str) -> list[tuple[str, str]]:
        return self.vocabulary.aliases(kind)

    def canonical(self, kind: str, text: str | None) -> str | None:
        return self.vocabulary.canonical(kind, text)

    def mentioned(self, kind: str, text: str) -> list[str]:
        return self.vocabulary.mentioned(kind, text)

    def without(self, kind: str, text: str) -> str:
        return self.vocabulary.without(kind, text)

    def read(self, typed: str, entities: list[dict[str, Any]], intent: str | None = None) -> Question:
        """The question a message asks: its text (pinyin read as Chinese) and the canonical
        values it names. The vocabulary's longest match first ("交不起学费" is 绿色通道, not
        免学费), then what the model found that the vocabulary did not: misspellings no alias
        list covers."""
        # "zhongzhi you duoshao suo" is 中职有多少所; "how many vocational schools" 多少职业院校.
        text = self.pinyin.to_hanzi(self.english.to_chinese(typed))
        values: dict[str, list[str]] = {kind: self.mentioned(kind, text) for kind in ENTITY_KINDS}
        for entity in entities:
            kind = entity.get("entity")
            if kind in values:
                canonical = self.canonical(kind, str(entity.get("value") or "")) or self.canonical(
                    kind, _surface(typed, entity)
                )
                if canonical and canonical not in values[kind]:
                    values[kind].append(canonical)
        return Question(text=text, intent=intent, values=values)

    def read_values(self, text: str, entities: list[dict[str, Any]], kinds: tuple[str, ...]) -> dict[str, str]:
        """The value of each of `kinds` a message gives (an answer to the eligibility check):
        the model's entities first, then the vocabulary on the text. 全部 answers nothing."""
        found: dict[str, str] = {}
        for entity in entities:
            kind = str(entity.get("entity"))
            canonical = self.canonical(kind, str(entity.get("value") or "")) if kind in kinds else None
            if canonical and canonical != "全部":
                found.setdefault(kind, canonical)
        for kind in kinds:
            if kind not in found:
                values = [v for v in self.mentioned(kind, text) if v != "全部"]
                if values:
                    found[kind] = values[0]
        return found

    @cached_property
    def _domain_words(self) -> frozenset[str]:
        """Every word the knowledge base uses: a question word outside this set is filler."""
        return frozenset((self.store.document_words | self.vocabulary.words) - FILLER)

    def names_figure(self, text: str) -> bool:
        """Whether `text` names something counted besides levels, channels, places and
        years: "在校生呢" does, "那单招呢" and "2021年的呢" do not."""
        rest = self.vocabulary.without_any(text)
        return any(w not in FILLER and w in self._domain_words for w in segment(rest))

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """(word, part of speech) pairs of `text`, tagged from the knowledge base's word table."""
        found = dictionary_words(text)
        stored = self.store.word_tags(found)
        return [(word, tag_of(word, stored)) for word in found]

    # -- tables ----------------------------------------------------------------------

    def source(self, source_id: str) -> Source:
        return self.store.sources[source_id]

    @property
    def statistics(self) -> tuple[Statistic, ...]:
        return self.store.statistics

    @property
    def data_year(self) -> int:
        return self.store.data_year

    @property
    def policy_facts(self) -> dict[str, dict[str, Any]]:
        return self.store.policy_facts

    @cached_property
    def subsidy_rules(self) -> tuple[Any, ...]:
        from knowledge.eligibility import parse_rules

        return parse_rules(self.store.subsidy_rules_text, self.policy_facts)

    # -- statistics ------------------------------------------------------------------

    def answer_statistics(self, text: str) -> StatisticsAnswer:
        """The figures a message asks for (several when it asks several questions); no
        figures when none answers it."""
        whole = self.match_statistic(text)
        asked = self.statistics_asked(text, whole)
        if not asked:
            return self._unanswered(text, whole)
        latest = bool(_LATEST.search(normalize(text)))
        if len(asked) == 1 and (_CHANGE.search(normalize(text)) or _DIFFERENCE.search(normalize(text))):
            # "这些年涨了多少，从多少到多少": the figure at the other end of the years, with this one.
            pair = self._change(asked[0])
            if pair:
                return StatisticsAnswer(text, tuple(self.figure(match) for match in pair))
            difference = self._difference(text, asked[0])
            if difference is not None:
                return difference
        return StatisticsAnswer(text, tuple(self.figure(match, latest) for match in asked))

    def _gave_newer(self, question: str) -> bool:
        """Whether the answer to a question asking for the latest gave a figure newer than the
        one it matched ("现在有多少所中职学校" is 2025's 171; "现在一共有多少所职业院校" stays 2022's 237)."""
        match = self.match_statistic(question)
        return answers(match) and self.figure(match, latest=True).match.statistic is not match.statistic

    def _change(self, match: StatisticMatch) -> tuple[StatisticMatch, StatisticMatch] | None:
        """The earlier and the later figure of a measure, for a question about how it changed:
        the earliest before the one matched, else the latest after it from the same source."""
        statistic = match.statistic
        if statistic is None or not statistic.year:
            return None
        year = statistic.year
        like = [(s.year or 0, s) for s in self.statistics_like(statistic) if s.year]
        earlier = [s for held, s in like if held < year]
        later = [s for held, s in like if held > year and s.source_id == statistic.source_id]
        if earlier:
            return StatisticMatch(min(earlier, key=lambda s: s.year or 0), match.score), replace(match, asked_year=None)
        if later:
            return replace(match, asked_year=None), StatisticMatch(max(later, key=lambda s: s.year or 0), match.score)
        return None

    def answer_statistic_follow_up(self, question: Question, previous: str) -> StatisticsAnswer:
        """A question that leans on the previous statistics question ("那高职呢？")."""
        scope = question.first("scope")
        asked_now = normalize(question.text)
        # "现在呢" asks for the newest figure, and so does "那中职呢" after an answer that gave one.
        latest = bool(_LATEST.search(asked_now)) or (
            not YEAR.search(asked_now) and bool(_LATEST.search(previous)) and self._gave_newer(previous)
        )
        if latest:
            # "现在呢" after "2012年中职生均校舍面积多少": the year before goes.
            previous = _YEAR_SAID.sub("", normalize(previous))
        before = self.match_statistic(previous).statistic
        names_own = self.names_figure(question.text)
        # "那高职呢" asks for the same figure of another level; "高职专升本的呢" names its own.
        sibling = self.sibling(before, scope) if before and scope and not names_own else None
        if sibling:
            # Of the year the question before asked ("那高职呢" after "2022年…中职"), if it named one:
            # that year's figure alone, not a newer one beside it.
            year = YEAR.search(normalize(previous))
            asked_year = year_of(year) if year else None
            # What was asked, for the next follow-up ("现在呢" after "那高职呢"): the level named now.
            query = f"{question.text} {self.without('scope', previous)}"
            return self._answer(query, StatisticMatch(sibling, MIN_MATCH_SCORE, asked_year=asked_year), latest)
        # A follow-up naming a figure of its own ("在校生呢" after the schools) asks for that
        # figure, with the place, year and level the question before named; what it names may
        # be of another level ("专升本呢" after a 职业本科 figure is 高职's); and it asks for a
        # number as the question before did ("那激励办法的举措呢" is how many: the comma keeps
        # the qualifiers after it out of what is counted).
        kinds: list[tuple[str, ...]] = [("place", "scope")] + ([] if scope else [("place",)])
        how_many = ["", "多少，"] if names_own and not ASKS_NUMBER.search(normalize(question.text)) else [""]
        for asked in (
            f"{question.text}{ask}{self.qualifiers(previous, question.text, kinds=kept)}".strip()
            for ask in how_many
            for kept in kinds
        ):
            own = self.match_statistic(asked, scope=scope)
            if answers(own):
                if own.statistic != before:
                    return self._answer(asked, own, latest)
                break
        # What the follow-up names replaces what the question before named ("那对口招生呢"
        # after 单招), and its words come first so its year wins.
        context = previous
        for kind in ENTITY_KINDS:
            if question.values.get(kind):
                context = self.without(kind, context)
        query = f"{question.text} {context}"
        return self._answer(query, self.match_statistic(query, scope=scope), latest)

    def figure_follow_up(self, question: Question, previous: str) -> StatisticsAnswer | None:
        """The answer to a short message the model did not take for a question ("单招呢",
        "撤了几个", "都叫什么名字", "比前一年多了多少") when it asks of the figure answered before
        (`previous` is its question) and its reading gives something new; None otherwise
        ("今天星期几", "能帮我写一篇作文吗", and "单招呢" when no 单招 figure is held)."""
        text = normalize(question.text)
        if _NOT_OF_A_FIGURE.search(text):
            return None
        names_what_changes = any(question.values.values()) or (
            bool(ELLIPTICAL.search(text)) and (self.names_figure(text) or bool(YEAR.search(text)))
        )
        if not names_what_changes and not _OF_A_FIGURE.search(text):
            return None
        answer = self.answer_statistic_follow_up(question, previous)
        if not answer.figures:
            return None
        if _NAMES_ASKED.search(text):
            # Names are in a figure that lists them ("新设A、B、C3所"), not in a count.
            listed = any(f.match.statistic and "、" in f.match.statistic.answer for f in answer.figures)
            return answer if listed else None
        before = self.match_statistic(previous).statistic
        if before and all(f.match.statistic is before for f in answer.figures) and not _LATEST.search(text):
            return None  # the figure before again: nothing held answers what changed
        return answer

    def _answer(self, query: str, match: StatisticMatch, latest: bool = False) -> StatisticsAnswer:
        if not answers(match):
            return self._unanswered(query, match)
        return self._difference(query, match) or StatisticsAnswer(query, (self.figure(match, latest),))

    def _difference(self, query: str, match: StatisticMatch) -> StatisticsAnswer | None:
        """Asked how a figure changed ("经费比上年增长多少"), the figure itself is no answer: the
        change its passage states is ("比上年增长8.5%"), and without one the change is not held.
        None when no change is asked, or the figure is one."""
        statistic, text = match.statistic, normalize(query)
        if statistic is None or not _DIFFERENCE.search(text) or _IS_CHANGE.search(statistic.answer):
            return None
        # The change of the same measure: its passage's, naming what the figure names, and a
        # count when a count is asked ("增加了几个" is not "占比由53%提高到61%").
        counted = bool(_ITEMS_ASKED.search(text))
        change = next(
            (
                s
                for s in self.statistics
                if s.passage == statistic.passage
                and _IS_CHANGE.search(s.answer)
                and not (counted and unit_kind(s.unit) == "ratio")
                and any(name in normalize(s.vocabulary + s.answer) for _, name in statistic.names)
            ),
            None,
        )
        if change is None:
            return StatisticsAnswer(query, missing=("这项数字的增减变化",))
        return StatisticsAnswer(query, (self.figure(replace(match, statistic=change, unmatched=())),))

    def _unanswered(self, query: str, match: StatisticMatch) -> StatisticsAnswer:
        # Policy facts hold numbers too (职业本科 enrolment, 3+2 scale): a passage that covers
        # every word of the question may answer it; otherwise say honestly it is not known.
        # A ratio no figure holds ("单招录取率有多高") is not answered by a passage without one.
        ratio = unit_kind(measure_word(query)) == "ratio"
        hits = [
            hit
            for hit in self.search(query)
            if not hit.unmatched
            and hit.kind == "topic"
            and same_year(query, hit.body)
            and (not ratio or _RATIO.search(hit.body))
            # and it names what the nearest figure left out ("招生计划"), or it is that figure's neighbour
            and (
                match.statistic is None
                or all(
                    all_in(parts(word) or (word,), normalize(hit.body))
                    for word in match.unmatched
                    if unit_kind(word) is None  # 钱 is said as 2000元; a ratio is checked above
                )
            )
        ]
        if hits:
            return StatisticsAnswer(query, passage=hits[0], passage_source=self.source(hits[0].source_id))
        return StatisticsAnswer(query, missing=match.unmatched[:2])

    def figure(self, match: StatisticMatch, latest: bool = False) -> Figure:
        """The figure a match gives; asked for the latest ("现在", "十四五末"), the newest figure
        of the same measure alone, not the article's with it."""
        statistic = match.statistic
        assert statistic is not None
        like = self.statistics_like(statistic)
        years = tuple(s.year for s in (statistic, *like) if s.year)
        # Asked without a year, the article's figure comes with any later one from another source.
        newer = tuple(
            (s, self.source(s.source_id))
            for s in like
            if match.asked_year is None
            and statistic.year
            and s.year
            and s.year > statistic.year
            and s.source_id != statistic.source_id
        )
        if latest and newer:
            newest, source = max(newer, key=lambda pair: pair[0].year or 0)
            return Figure(replace(match, statistic=newest), source, years, ())
        return Figure(match, self.source(statistic.source_id), years, newer)

    def statistics_asked(self, query: str, whole: StatisticMatch) -> list[StatisticMatch]:
        """The statistics a message asks for: one per question when it holds several
        ("全区单招录多少人，对口招生又录了多少"), else the one the whole message matches.

        A later question must name something a figure is about. It keeps the place, year and
        level the first one named ("2012年中职生均校舍面积多少，设备值多少" asks for 2012's),
        and when it finds no statistic with them it is read with the whole first question
        ("…选拔赛设了多少赛项？多少支代表队参赛？").
        """
        first, *later = [part.strip() for part in QUESTION_END.split(query) if part.strip()] or [query]
        if not answers(whole) and not later:
            return []
        if not later:
            return [whole]
        found: dict[str, StatisticMatch] = {}
        match = self.match_statistic(first)
        if match.statistic and answers(match) and (answers(whole) or ASKS_NUMBER.search(normalize(first))):
            found[match.statistic.id] = match
        for question in later:
            match = self.match_statistic(question)
            if match.statistic is None or not (answers(whole) or ASKS_NUMBER.search(normalize(question))):
                continue  # nothing of its own that a figure is about: "顺便问下加起来多少"
            kept = self.qualifiers(first, question)
            if kept:
                match = self.match_statistic(f"{question} {kept}")
            if not answers(match):
                match = self.match_statistic(f"{question}，{first}")
            if match.statistic and answers(match):
                found.setdefault(match.statistic.id, match)
        if len(found) > 1:
            return list(found.values())[:MAX_FIGURES]
        if answers(whole):
            return [whole]
        # The whole message answered by no figure: what its questions asking a number ask for.
        return list(found.values())[:MAX_FIGURES]

    def qualifiers(self, first: str, later: str, kinds: tuple[str, ...] = ("place", "scope")) -> str:
        """The place, level, year, period and kind of number `first` asks for that `later` does
        not name itself: "那单招呢" after "2022年转段有多少人" asks how many people in 2022."""
        kept = [value for kind in kinds if not self.mentioned(kind, later) for value in self.mentioned(kind, first)]
        year = YEAR.search(normalize(first))
        if year and not YEAR.search(normalize(later)):
            kept.append(f"{year_of(year)}年")
        period = PERIOD.search(normalize(first))
        if period and not PERIOD.search(normalize(later)):
            kept.append(period.group())
        # The kind of number carries over to another channel or programme ("那单招呢" after 转段's
        # people), not to a question naming a figure of its own or only another year.
        measure = measure_word(first)
        if (
            measure
            and not measure_word(later)
            and not self.names_figure(later)
            and any(self.mentioned(kind, later) for kind in ("channel", "subsidy", "pathway"))
        ):
            kept.append(MEASURE_ASKED.get(measure, f"多少{measure}"))
        return " ".join(kept)

    def match_statistic(self, question: str, scope: str | None = None) -> StatisticMatch:
        """The statistic a question asks for, with the question words it leaves unexplained.

        A match whose `unmatched` is not empty must not be given as the answer: the user
        asked about something (a city, another kind of school) that this figure is not about.
        """
        question = _SCHOOLS_AS_FIRMS.sub(r"\1所", question)  # "有多少家" counts schools, not 国家's 家
        scopes = {scope} if scope else set(self.mentioned("scope", question)) - {"全部"}
        if _TOGETHER.search(normalize(question)) and self._names_both_levels(question):
            # "中职高职加起来多少所" asks for the whole, not one level.
            question, scopes = f"职业院校 {self.without('scope', question)}", set()
        asked = self._school_words_generalised(Asked.parse(question, scopes, self.tagged))
        # On a tie the article, the primary source, wins over a policy fact ("全区有几所高职" is
        # the article's 37, not the 24 that run 3+2), then the most recent figure ("生均校舍面积"
        # is 2022's, not the 2012 baseline).
        places = self.mentioned("place", asked.text)
        channels = set(self.mentioned("channel", asked.text))
        best: Statistic | None = None
        best_score = 0.0
        for statistic in self.statistics:
            # A figure about one school or person ("莫旗中等职业学校 had 100 students in
            # 2015") is no answer to a question that does not name it ("中职在校生多少").
            if not self._names_subject(asked.text, statistic):
                continue
            fit = score(statistic, asked)
            if fit > 0 and places:
                # A place the question names decides between figures: 莫旗's students, not the region's.
                fit += NAMED_BONUS if not self._places_not_covered(places, statistic) else -NAMED_BONUS
            if fit > 0 and channels:
                # So does a channel: 对口招生's 6161, not the 单招 figure whose passage lists both.
                own = normalize(statistic.vocabulary + " " + statistic.answer)
                fit += NAMED_BONUS if channels & set(self.mentioned("channel", own)) else -NAMED_BONUS
            if (fit, *_precedence(statistic)) > (best_score, *_precedence(best)):
                best, best_score = statistic, fit
        if best is None or best_score <= 0:
            return StatisticMatch(None, 0.0, tuple(asked.counted or asked.words), asked.year)
        return StatisticMatch(best, best_score, self._unexplained(asked, best), asked.year)

    def _names_both_levels(self, question: str) -> bool:
        """Whether a question names 中职 and 高职 ("中职高职" holds 职高, so names are looked
        for one by one, not as the longest matches)."""
        text = normalize(question)
        return all(
            any(alias in text for alias, canonical in self.aliases("scope") if canonical == level)
            for level in ("中职", "高职")
        )

    def _school_words_generalised(self, asked: Asked) -> Asked:
        """大专院校 and 中专学校 are the scope (already read) and 院校 / 学校: figures say
        高职院校 and 中职学校, so the kind of school is what is left to match."""
        scope_aliases = self.aliases("scope")

        def general(word: str) -> str:
            rest = next(
                (word.replace(alias, "", 1) for alias, _ in scope_aliases if word.startswith(alias) and word != alias),
                "",
            )
            return rest if rest and rest in _SCHOOL_WORDS else word

        return replace(asked, words=tuple(map(general, asked.words)), counted=tuple(map(general, asked.counted)))

    def _unexplained(self, asked: Asked, statistic: Statistic) -> tuple[str, ...]:
        """Words naming what the question counts, or where, that the statistic is not about."""
        covered = self._covered_text(statistic)
        places = self._places_not_covered(self.mentioned("place", asked.text), statistic)
        # What is counted must be what the figure counts, not a word of the passage around it:
        # "中职开了多少个专业" is not the 优质中职学校 whose passage also speaks of 专业.
        own = self._covered_text(statistic, own=True)
        # The measure word is checked by unit below: 条 for a figure of 项, 百分之 for a %.
        counted = [
            w
            for w in asked.counted
            if w != asked.measure and not (self._covers(covered, w, statistic) and self._counts(own, w, statistic))
        ]
        level = level_named(asked.text)
        counted += [level[0]] if level and level[1] not in covered else []
        unit = (
            [self._ratio_asked(asked) or asked.measure]
            if asked.measure and not units_agree(asked.measure, statistic.unit, statistic.year)
            else []
        )
        scope = (
            [statistic.scope]
            if asked.scopes and statistic.scope in _LEVEL_SCOPES and statistic.scope not in asked.scopes
            else self._levels_not_said(asked, statistic)
        )
        # A plan asked for and nothing else counted ("招生计划一共多少个"): a count of what was
        # done (34 schools ran 单招) is not the plan.
        plan = self._plan_asked(asked) if asked.asks_plan and not asked.counted and statistic.kind != "target" else None
        counted += [plan] if plan else []
        # "高职在校生" says what is missing better than 高职 alone.
        counted = [w for w in counted if not any(w != named and w in named for named in scope)]
        return tuple(dict.fromkeys(places + counted + unit + scope))

    def _counts(self, own: str, word: str, statistic: Statistic) -> bool:
        """Whether a figure's own words share something with what is counted: 录取人数 is
        counted in people (人数) by 对口招生人数; 专业 shares nothing with 优质中职学校数."""
        pieces = parts(word) or (word,)
        return any(
            piece in own
            or self._names_school_level(piece, statistic)
            or unit_kind(piece) == unit_kind(statistic.unit)
            or unit_kind(statistic.unit) == "people"
            and piece.endswith(_PEOPLE)
            for piece in pieces
            if unit_kind(piece) is not None or piece not in FILLER
        )

    def _levels_not_said(self, asked: Asked, statistic: Statistic) -> list[str]:
        """The levels a question names that a whole-region figure does not say it is about:
        "高职院校在校生" is not answered by all vocational students (职业院校在校生), a
        neighbouring number. Said as what is missing ("高职在校生")."""
        if statistic.scope in (*_LEVEL_SCOPES, *PARTICULAR_SCOPES) or "全部" in self.mentioned("scope", asked.text):
            return []  # "职业院校…高职" asks of the whole too
        said = set(self.mentioned("scope", normalize(f"{statistic.metric} {statistic.answer}")))
        counted = sorted(asked.counted, key=lambda w: asked.text.find(w))
        what = "".join(w for w in counted if w not in _SCHOOL_WORDS and not self.mentioned("scope", w))
        return [f"{level}{what}" for level in sorted(asked.scopes) if level in _LEVEL_SCOPES and level not in said]

    @staticmethod
    def _plan_asked(asked: Asked) -> str | None:
        """The plan a question names as a thing, with the word before it: 招生计划."""
        words = segment(asked.text)
        at = next((i for i, w in enumerate(words) if w in _PLAN_NOUNS), None)
        if at is None:
            return None
        before = words[at - 1] if at and words[at - 1] not in FILLER else ""
        return before + words[at]

    @staticmethod
    def _ratio_asked(asked: Asked) -> str | None:
        """The word that asks for a ratio (录取率, 比例), said as what is missing."""
        if unit_kind(asked.measure) != "ratio":
            return None
        return next((w for w in asked.words if unit_kind(w) == "ratio"), None)

    def _covers(self, covered: str, word: str, statistic: Statistic) -> bool:
        """Whether a figure is about `word`: it says it, or the word is its level's name with a
        kind of school ("大专院校" for a 高职 figure)."""
        if word in covered or self._names_school_level(word, statistic):
            return True
        # A compound the figure says in its parts: 录取人数 (录取 … 人), 县里 (县).
        inner = parts(word) or (tuple(word) if len(word) == 2 and word[1] in FILLER else ())
        return bool(inner) and all(
            part in covered
            or part in FILLER
            or self._names_school_level(part, statistic)
            or unit_kind(part) is not None
            and unit_kind(part) == unit_kind(statistic.unit)
            for part in inner
        )

    def _names_school_level(self, word: str, statistic: Statistic) -> bool:
        return any(
            alias in word and word.replace(alias, "", 1) in _SCHOOL_WORDS
            for alias, canonical in self.aliases("scope")
            if canonical == statistic.scope
        )

    def _names_subject(self, text: str, statistic: Statistic) -> bool:
        """Whether a question names what a figure about one school or person is about."""
        if statistic.scope not in PARTICULAR_SCOPES and statistic.subject not in self._particular_entities:
            return True
        if statistic.subject not in self._subject_names:
            self._subject_names[statistic.subject] = self._names_of_subject(statistic.subject)
        return any(name in text for name in self._subject_names[statistic.subject])

    def _names_of_subject(self, subject: str) -> tuple[str, ...]:
        names = [subject] + [
            alias for entity in self.store.entities if entity.name == subject for alias in entity.aliases
        ]
        place_aliases = self.aliases("place")
        places = {canonical for alias, canonical in place_aliases if alias in subject or canonical in subject}
        names += [alias for alias, canonical in place_aliases if canonical in places]
        return tuple(normalize(name) for name in names)

    def _places_not_covered(self, places: list[str], statistic: Statistic) -> list[str]:
        covered = self._covered_text(statistic)
        return [p for p in places if not any(alias in covered for alias in self.vocabulary.names_of("place", p))]

    def _covered_text(self, statistic: Statistic, own: bool = False) -> str:
        """The statistic's words (with its passage, unless `own`: its metric, keywords and
        answer only) and every alias of the scope and entities it names."""
        key = f"{statistic.id} {own}"
        if key not in self._covered:
            self._covered[key] = self._words_covered(statistic, own)
        return self._covered[key]

    def _words_covered(self, statistic: Statistic, own: bool = False) -> str:
        text = normalize(f"{statistic.vocabulary} {statistic.answer} {statistic.period}") if own else statistic.text
        extra = [alias for alias, canonical in self.aliases("scope") if canonical == statistic.scope]
        entities = [entity for entity in self.store.entities if entity.name in text]
        extra += [alias for entity in entities for alias in entity.aliases]
        # What the figure is about is described too: the 资源库 is 内蒙古机电职业技术学院's.
        descriptions = [entity.description for entity in entities]
        extra += descriptions
        # A place is covered when the figure, or what it is about, names it: the 金砖 selection
        # contest was held in 准格尔旗, so "准格尔旗办的金砖比赛" asks about its figures.
        where = " ".join([text, *descriptions])
        places = self.aliases("place")
        named = {canonical for alias, canonical in places if canonical in where or normalize(alias) in where}
        extra += [alias for alias, canonical in places if canonical in named]
        return text + " " + normalize(" ".join(extra))

    @cached_property
    def _particular_entities(self) -> frozenset[str]:
        """Entities that are one person or one school, by their stored name."""
        return frozenset(entity.stored_name for entity in self.store.entities if entity.is_particular)

    def sibling(self, statistic: Statistic, scope: str) -> Statistic | None:
        """The same figure for another scope: "其中中职200所、高职37所" are siblings."""
        same_passage = [s for s in self.statistics if s.passage == statistic.passage and s.scope == scope]
        same_metric = [s for s in self.statistics if s.metric == statistic.metric and s.scope == scope]
        return next(iter(same_passage or same_metric), None)

    def statistics_like(self, statistic: Statistic) -> list[Statistic]:
        """Other figures for the same metric (another year or scope), for 'I only have …'."""
        same = (statistic.metric, statistic.subject, statistic.scope)
        return [s for s in self.statistics if (s.metric, s.subject, s.scope) == same and s.id != statistic.id]

    # -- where a school or event is ----------------------------------------------------

    def location(self, question: str) -> SearchHit | None:
        """Where a school or event the question names is, when the question asks where
        ("莫旗中等职业学校在哪个市", "金砖选拔赛在哪办的"): the entity whose description
        names a place. Its longest name in the question wins."""
        text = normalize(question)
        if not _WHERE.search(text):
            return None
        place_names = {entity.name for entity in self.store.entities if entity.is_place}
        places = [*place_names, *(alias for alias, _ in self.aliases("place"))]
        named: list[tuple[int, str, str, Entity]] = []
        for entity in self.store.entities:
            lengths = [len(n) for n in (entity.name, *entity.aliases) if normalize(n) in text]
            if lengths and entity.name not in place_names:
                named.append((max(lengths), entity.name, entity.description, entity))
        located = next(
            (
                entity
                for _, _, description, entity in sorted(named, key=lambda n: n[:3], reverse=True)
                if description and any(place in description for place in places)
            ),
            None,
        )
        if located is None:
            return None
        return SearchHit(
            f"entity:{located.stored_name}", "entity", located.stored_name, located.body, located.source_id, 0.0, ()
        )

    # -- topics ----------------------------------------------------------------------

    def topics(
        self, kind: str | None = None, value: str | None = None, scope: str | None = None, strict: bool = False
    ) -> list[Topic]:
        """Topics of a kind selected by a canonical value. A scope narrows the list; unless
        `strict`, it never empties it (a 中职 question about 助学贷款 still gets the loan)."""
        found = [
            t for t in self.store.topics if (kind is None or t.kind == kind) and (value is None or value in t.values)
        ]
        if scope:
            narrowed = [t for t in found if t.scope in ("", scope)]
            found = narrowed if narrowed or strict else found
        return found

    @cached_property
    def aspect_book(self) -> AspectBook:
        """What a question asks about its subject, and where to ask when nothing answers it."""
        return AspectBook.from_dict(self.store.meta_json("aspects"))

    @cached_property
    def english(self) -> EnglishReader:
        """Reads a question typed in English ("how many vocational schools") as Chinese."""
        return EnglishReader(self.store.meta_json("english"))

    def out_of_reach(self, text: str) -> OutOfReach | None:
        """Another province's rules, one school's fees and scores, or a count of one 盟市 or
        旗县 that no figure is about: nothing here answers them."""
        places = self.mentioned("place", text)
        return (
            out_of_reach(self.aspect_book, text, bool(places))
            or self._place_not_counted(text, places)
            or self._ratio_not_held(text)
        )

    def _ratio_not_held(self, text: str) -> OutOfReach | None:
        """ "单招录取率有多高": a ratio that no figure or passage holds, whatever the intent; a
        topic's process or a count of people is no answer to it. Where to ask is the exam
        authority for an admission channel's, else the general where (empty here)."""
        if unit_kind(measure_word(text)) != "ratio":
            return None
        answer = self.answer_statistics(text)
        what = next((word for word in answer.missing if unit_kind(word) == "ratio"), None)
        if answer.figures or answer.passage or what is None:
            return None
        named = [*self.mentioned("channel", text), *self.mentioned("pathway", text)]
        where = self.aspect_book.where(None, default="exam") if named else ""
        return OutOfReach(_said_before(normalize(text), what), where, figure=True)

    def _place_not_counted(self, text: str, places: list[str]) -> OutOfReach | None:
        """A count of one place, "通辽有多少中职学生领了助学金": the figures are the region's (or one school's), and
        a count of one place that none of them is about is not held, whatever the intent
        (a subsidy's amount is the same in every 盟市, its number of students is not)."""
        if not places or not _COUNT_ASKED.search(normalize(text)):
            return None
        match = self.match_statistic(text)
        if match.statistic is None or places[0] not in match.unmatched:
            return None
        if unit_kind(match.statistic.unit) not in _COUNTS or unit_kind(measure_word(text)) not in (None, *_COUNTS):
            return None
        return OutOfReach(places[0], self.aspect_book.where(None, default="city_figures"), place=True)

    def is_english(self, typed: str) -> bool:
        """No Chinese typed, and none read from pinyin: the reply asks for Chinese."""
        return not any("\u4e00" <= ch <= "\u9fff" for ch in self.pinyin.to_hanzi(typed)) and any(
            c.isalpha() for c in typed
        )

    def answer_topic_question(
        self,
        kind: str,
        values: list[str],
        scope: str | None,
        text: str,
        asked: list[str] | None = None,
        context: str = "",
    ) -> TopicReply:
        """What answers a question about a programme, channel or subsidy (knowledge/replies.py)."""
        return reply_to_topic(self, kind, values, scope, text, asked, context)

    def topic_for(self, kind: str, question: str, scope: str | None = None) -> Topic | None:
        """The topic of `kind` one of whose statements answers a question that names no value
        ("职业教育和普通教育地位一样吗" is 职普融通's 同等重要): its statement holds at least
        two of the question's domain nouns and misses none, or holds three and misses one."""
        candidates = {t.id: t for t in self.topics(kind, None, scope)}
        for hit in self.search(question, limit=TOPIC_SEARCH_DEPTH):
            topic = candidates.get(hit.doc_id.split(":")[1]) if hit.kind == "topic" else None
            if topic and hit.matched >= 2 and len(hit.unmatched) <= (1 if hit.matched >= 3 else 0):
                return topic
        return None

    # -- search ----------------------------------------------------------------------

    def answer_search(self, question: str) -> SearchHit | None:
        """The best passage holding every domain noun of a question no intent answered, and
        about the year it names if it names one."""
        return next((hit for hit in self.search(question) if not hit.unmatched and same_year(question, hit.body)), None)

    def search(self, question: str, limit: int = 3) -> list[SearchHit]:
        """Best passages for a free question (FTS5 over jieba-segmented text, bm25 ranked).

        Each hit says which of the question's domain nouns it does not contain: a hit that
        leaves one out answers a neighbouring question, not this one. Verbs and time words
        (建, 升, 一年) are left to the ranking: a passage says 申建 or 达到 where users say 建 or 升.
        """
        words = list(
            dict.fromkeys(
                w for w in segment(question) if w not in FILLER and w in self._domain_words and not w.isdigit()
            )
        )
        if len(words) < 2:
            return []  # one shared word is a coincidence, not an answer
        # A passage names a thing its own way: 职校 in the question is 职业学校 in the passage.
        synonyms = self.vocabulary.synonyms
        names = {w: synonyms.get(w, frozenset((w,))) for w in words}  # each holds w itself
        query = " OR ".join(
            '"' + w.replace('"', '""') + '"'
            for w in dict.fromkeys(name for word in words for name in sorted(names[word]))
        )
        stored = self.store.word_tags(words)
        nouns = [w for w in words if is_noun_tag(tag_of(w, stored))]
        hits = []
        for row in self.store.search_documents(query, limit):
            present = set(row["segmented"].split())
            missing = tuple(w for w in nouns if names[w].isdisjoint(present))
            hits.append(
                SearchHit(
                    row["doc_id"],
                    row["kind"],
                    row["title"],
                    row["body"],
                    row["source_id"],
                    -row["rank"],
                    missing,
                    len(nouns) - len(missing),
                )
            )
        return hits


def _said_before(text: str, word: str, most: int = 3) -> str:
    """`word` with the words the question says just before it, up to a filler word:
    "专升本录取率" in "内蒙古专升本录取率高吗"."""
    words = segment(text)
    if word not in words:
        return word
    at = words.index(word)
    start = at
    while (
        start > 0 and at - start < most and words[start - 1] not in FILLER and not ASKS_NUMBER.search(words[start - 1])
    ):
        start -= 1
    return "".join(words[start : at + 1])


def _surface(text: str, entity: dict[str, Any]) -> str:
    start, end = entity.get("start"), entity.get("end")
    return text[start:end] if isinstance(start, int) and isinstance(end, int) else ""
