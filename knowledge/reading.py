"""Reading a question: what it counts, in which measure, for which year, level and period,
and which values of the vocabulary it names.

Pure functions over the question's words, and `Vocabulary`, which holds every alias once
(knowledge/sources/vocabulary.yaml, as the store serves it). Which figure or passage then
answers the question is decided in knowledge/answering.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property, lru_cache

from knowledge.text import BRIDGE_TAGS, YEAR, find_aliases, is_noun_tag, normalize, segment, year_of

# Words that carry no information about which fact is meant.
FILLER = set(
    """
内蒙古 内蒙 内蒙古自治区 自治区 全区 我们 咱们 这边 这里 本地 现在 目前 如今 一共 总共 总计 共 有 多少 多少个 多少所
几 几个 几所 数量 数目 数 个 所 人 是 的 了 吗 呢 啊 呀 吧 么 嘛 请问 请 问 问下 问一下 想 想问 想知道 知道 告诉
告诉我 我 你 您 一下 下 能 能不能 可以 麻烦 谢谢 大概 大约 左右 具体 到底 什么 啥 怎么 怎么样 多 多大 多高 哪些 哪个
那 那么 还有 和 与 及 跟 以及 或者 还是 都 也 就 在 里 中 上 年 今年 去年 家长 孩子 学生家长 老师 同学 小孩 统计 数据
情况 规模 总数 生 钱 块钱 时候 计划 规划 打算 目标 那时候 鸭 哇 哈 嘞 捏 咧 喔 哦 噢 呗 啦 total how many
""".split()
)
# How people name what the figures count: "上职校的娃有多少" asks for students.
_COLLOQUIAL = {"新生": "招生", "娃": "学生", "娃娃": "学生", "孩子们": "学生", "小孩": "学生", "学生娃": "学生"}
# The level a question names (国家级 or 自治区级 示范校) and the word a figure of that level uses.
_LEVELS = (("国家级", "国家"), ("自治区级", "自治区"), ("区级", "自治区"))


def level_named(text: str) -> tuple[str, str] | None:
    """(the level word, the mark a figure of that level carries) of the first level named."""
    return next(((word, mark) for word, mark in _LEVELS if word in text), None)


# A question about a plan or target ("规划要建多少所") is answered by a target, and only then.
# (拟 but not 虚拟, 模拟: a 虚拟仿真 base is no plan.)
_PLANNED = re.compile(r"规划|(?<!双高)计划|打算|目标|要建|将建|预计|(?<![虚模])拟")
# A five-year plan's period (十三五, 十四五).
PERIOD = re.compile(r"十[一二三四五六]五")
# "多少" and "几" mark what is being counted: the noun phrase next to them.
_QUANTITY = re.compile(r"多少|几|百分之")
ASKS_NUMBER = re.compile(
    r"多少|几|百分之|数量|人数|规模|比例|占比|排名|排第|金额|哪一?年|多大|多高|多长"
    r"|how many|how much"
)
_BRIDGE = set("有 是 一共 总共 共 目前 现在 如今 大概 大约 总计 都 达到 的 了 还 已经 已 能 会 算 到底 分别 各".split())


def counted_words(words: list[tuple[str, str]]) -> list[str]:
    """The noun phrase beside the first 多少/几 of a question's (word, part of speech): in
    "有多少所技工学校" it is 技工学校, in "专任教师一共有多少人" it is 专任教师. Filler
    words are left out."""
    at = next((i for i, (word, _) in enumerate(words) if _QUANTITY.search(word)), None)
    if at is None:
        return []
    # "多少所优质中职学校": the phrase after; "专任教师一共有多少人": the one before.
    for step in (1, -1):
        phrase: list[str] = []
        i = at + step
        while 0 <= i < len(words) and (words[i][0] in _BRIDGE or words[i][1] in BRIDGE_TAGS):
            i += step
        while 0 <= i < len(words) and _is_nounish(*words[i]):
            phrase.append(words[i][0])
            i += step
        phrase = [w for w in dict.fromkeys(phrase) if w not in FILLER and not w.isascii()]
        if phrase:
            return phrase
    return []


def _is_nounish(word: str, tag: str) -> bool:
    return word not in _BRIDGE and is_noun_tag(tag)


# The measure word after 多少/几 says what kind of number is wanted.
_MEASURE_KINDS = {
    "人": "people",
    "名": "people",
    "人次": "people",
    "所": "institutions",
    "家": "institutions",
    "钱": "money",
    "元": "money",
    "块": "money",
    "百分之": "ratio",
    "率": "ratio",
    "比例": "ratio",
    "占比": "ratio",
    "%": "ratio",
    "平方米": "area",
    "公里": "length",
    "年": "year",
    "项": "items",
    "条": "items",
}


_MEASURE_WORDS = sorted(_MEASURE_KINDS, key=len, reverse=True)


@lru_cache(maxsize=4096)
def unit_kind(text: str | None) -> str | None:
    """The kind of measure a unit or a question names (the longest word first)."""
    for key in _MEASURE_WORDS:
        if text and key in text:
            return _MEASURE_KINDS[key]
    return None


@dataclass(frozen=True)
class Asked:
    """A statistics question taken apart once, to be scored against every statistic."""

    text: str
    words: tuple[str, ...]
    scopes: frozenset[str]
    year: int | None
    counted: tuple[str, ...]
    measure: str | None
    asks_number: bool
    asks_plan: bool = False

    @classmethod
    def parse(cls, question: str, scopes: set[str], tag: Callable[[str], list[tuple[str, str]]]) -> Asked:
        """`tag` gives a text's (word, part of speech) pairs (KnowledgeBase.tagged)."""
        text = normalize(question)
        year = YEAR.search(text)
        without_year = YEAR.sub(" ", text)
        words = [_COLLOQUIAL.get(w, w) for w in segment(without_year) if w not in FILLER and not w.isdigit()]
        counted = [_COLLOQUIAL.get(w, w) for w in counted_words(tag(without_year))]
        return cls(
            text,
            tuple(words),
            frozenset(scopes),
            year_of(year) if year else None,
            tuple(counted),
            measure_word(text),
            bool(ASKS_NUMBER.search(text)),
            bool(_PLANNED.search(text)),
        )


# How English asks the same: "how many students" is 多少人.
_ENGLISH_MEASURES = (
    (re.compile(r"how many (?:students|people|persons|kids)"), "人"),
    (re.compile(r"how many (?:schools|colleges|universities)"), "所"),
    (re.compile(r"how much (?:money|funding)"), "钱"),
)


def measure_word(question: str) -> str | None:
    """所 in 多少所, 人 in 几个人 … 钱 in 多少钱, 百分之 in 百分之几 (and 录取率, 比例: a ratio),
    年 in 几年 (how long), 哪 in 哪一年 (when); None when not said."""
    match = re.search(
        r"(?:多少|(?<![这近前头])几)(个)?(人次|[所家人名元块钱年项条])"
        r"|(人)数|(百分之)(?:几|多少)|多少(钱)|(哪)一?年|录取(率)|(比例)|(占比)",
        normalize(question),
    )
    if not match:
        return next((measure for pattern, measure in _ENGLISH_MEASURES if pattern.search(normalize(question))), None)
    return next(group for group in match.groups()[1:] if group)


class Vocabulary:
    """Every alias of every kind of value (scope, subsidy, channel, pathway, place …), longest first."""

    def __init__(self, aliases: dict[str, list[tuple[str, str]]]):
        self._aliases = aliases

    def aliases(self, kind: str) -> list[tuple[str, str]]:
        """(alias, canonical) pairs of an entity kind, longest alias first."""
        return list(self._aliases.get(kind, []))

    def kinds(self) -> list[str]:
        return list(self._aliases)

    def canonical(self, kind: str, text: str | None) -> str | None:
        """The canonical value for an entity value or alias, e.g. ('scope', '大专') -> '高职'."""
        if not text:
            return None
        wanted = normalize(text)
        for alias, canonical in self._aliases.get(kind, []):
            if alias == wanted:
                return canonical
        return None

    def mentioned(self, kind: str, text: str) -> list[str]:
        """Canonical values of `kind` named in `text` (longest aliases matched first), in text order."""
        return [canonical for canonical, _, _ in find_aliases(text, self._aliases.get(kind, []))]

    def names_of(self, kind: str, canonical: str) -> list[str]:
        """A value and its aliases."""
        return [canonical] + [alias for alias, value in self._aliases.get(kind, []) if value == canonical]

    def without(self, kind: str, text: str) -> str:
        """`text` with the aliases of `kind` blanked out (a follow-up replaces the old scope).

        The whole-region scope's aliases (职业院校, 职校) name what is counted and stay."""
        text = normalize(text)
        for alias, canonical in self._aliases.get(kind, []):
            if canonical != "全部":
                text = text.replace(alias, " ")
        return text

    def without_any(self, text: str) -> str:
        """`text` with every alias and year blanked out: what else it names."""
        rest = YEAR.sub(" ", normalize(text))
        for aliases in self._aliases.values():
            for alias, _ in aliases:
                rest = rest.replace(alias, " ")
        return rest

    @cached_property
    def words(self) -> frozenset[str]:
        return frozenset(alias for aliases in self._aliases.values() for alias, _ in aliases)

    @cached_property
    def synonyms(self) -> dict[str, frozenset[str]]:
        """Each alias and the other names of the same value (职校 -> 职业学校, 职业院校 …)."""
        names: dict[tuple[str, str], set[str]] = {}
        for kind, aliases in self._aliases.items():
            for alias, canonical in aliases:
                names.setdefault((kind, canonical), {canonical}).add(alias)
        synonyms: dict[str, set[str]] = {}
        for group in names.values():
            for name in group:
                synonyms.setdefault(name, set()).update(group)
        return {name: frozenset(group) for name, group in synonyms.items()}
