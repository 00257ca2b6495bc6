"""Answer units: which statements of a topic answer what a question asks.

A question is read as its subject (the topic, chosen by the actions from the entities) and
what it asks about it, the aspects (aspects.yaml: 考什么, 多少钱, 什么时候 …). A reply gives
the statements that answer those aspects and stops; what no statement answers is said to be
missing, with where to ask. Pure Python over the records: no SQL, no Rasa.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property

from knowledge.records import Statement
from knowledge.text import normalize, segment

# The order "还可以问" suggestions are offered in: what families ask most first.
SUGGESTION_ORDER = (
    "how_much",
    "who_can",
    "how_to_apply",
    "what_tested",
    "when",
    "how_long",
    "diploma",
    "what_after",
    "what_is",
    "can_i",
    "differs",
    "scale",
)
# Words every subject uses: they do not say which subject a question is about.
GENERIC_WORDS = frozenset({"学校", "学生", "专业", "高职", "中职", "大学", "考试", "报名", "申请", "几所", "几个"})
# A number in a question worth matching: three digits or more (not 3+2, not a grade), not a year.
NUMBER = re.compile(r"(?<!\d)(?!(?:19|20)\d\d(?!\d))\d{3,}")
# A statement that states a figure (an amount, a rate): one with none does not answer "多少".
FIGURE = re.compile(r"\d")
# At most this many statements answer one question: one per aspect asked, two aspects at most.
MAX_UNITS = 3
MAX_ASPECTS = 2
# BM25's usual constants, for the retrieval-only candidate (`retrieve`).
BM25_K1, BM25_B = 1.2, 0.75


@dataclass(frozen=True)
class Aspect:
    name: str
    label: str
    cues: tuple[str, ...]
    ask: str
    where: str
    needs_keyword: bool = False
    # Cues that also name a subject ("专升本"): they ask this aspect only when nothing else is
    # asked ("能专升本吗" is what comes after; "专升本考哪几科" asks what is tested).
    subject_cues: tuple[str, ...] = ()


@dataclass(frozen=True)
class Particular:
    """A particular thing a question asks for (a bank, next year, a city's schools) that a
    statement answers only by naming it (aspects.yaml `particulars`)."""

    name: str
    asks: re.Pattern[str]
    label: str
    where: str
    held: re.Pattern[str] | None = None
    only_with: tuple[str, ...] = ()

    def found(self, text: str, asked: Iterable[str]) -> str | None:
        """The words of `text` asking for it, if it applies to what was asked."""
        if self.only_with and not set(self.only_with) & set(asked):
            return None
        match = self.asks.search(text)
        return match.group() if match else None

    def held_by(self, statement: Statement, found: str) -> bool:
        text = normalize(statement.text)
        return bool(self.held.search(text)) if self.held else found in text


@dataclass(frozen=True)
class AspectBook:
    """aspects.yaml as the answering code reads it."""

    aspects: dict[str, Aspect]
    detail_cues: tuple[str, ...]
    where_to_ask: dict[str, str]
    other_regions: tuple[str, ...] = ()
    asks: dict[tuple[str, str], str] = field(default_factory=dict)  # (aspect, topic kind) -> how to ask
    where_by_kind: dict[str, str] = field(default_factory=dict)  # topic kind -> where_to_ask key
    particulars: tuple[Particular, ...] = ()

    @classmethod
    def from_dict(cls, book: dict) -> AspectBook:
        aspects = {
            name: Aspect(
                name,
                a["label"],
                tuple(normalize(c) for c in a["cues"]),
                a["ask"],
                a["where"],
                bool(a.get("needs_keyword")),
                tuple(normalize(c) for c in a.get("subject_cues") or ()),
            )
            for name, a in book["aspects"].items()
        }
        asks = {
            (name, kind): text
            for name, a in book["aspects"].items()
            for kind, text in (a.get("ask_by_kind") or {}).items()
        }
        return cls(
            aspects,
            tuple(normalize(c) for c in book["details"]["cues"]),
            dict(book["where_to_ask"]),
            tuple(book.get("other_regions") or ()),
            asks,
            dict(book.get("where_by_kind") or {}),
            tuple(
                Particular(
                    name,
                    re.compile(p["asks"]),
                    p["label"],
                    p["where"],
                    re.compile(p["held"]) if p.get("held") else None,
                    tuple(p.get("only_with") or ()),
                )
                for name, p in (book.get("particulars") or {}).items()
            ),
        )

    def other_region(self, question: str) -> str | None:
        """A province or region other than Inner Mongolia that the question is about."""
        text = normalize(question)
        return next((region for region in self.other_regions if region in text), None)

    def asked(self, question: str) -> list[str]:
        """The aspects a question asks, in the order it asks them. Where two cues overlap
        ("能申请吗" holds "申请") the longer one is what was asked."""
        text = normalize(question)
        found = sorted(
            (
                (text.find(cue), -len(cue), name)
                for name, aspect in self.aspects.items()
                for cue in aspect.cues
                if cue in text
            ),
            key=lambda f: (f[1], f[0]),
        )
        taken: list[tuple[int, int]] = []
        at: dict[str, int] = {}
        named_only: set[str] = set()  # aspects found only by a cue that names a subject
        for start, negative_length, name in found:
            end = start - negative_length
            if any(start < t_end and t_start < end for t_start, t_end in taken):
                continue
            taken.append((start, end))
            by_name = text[start:end] in self.aspects[name].subject_cues
            if by_name and name not in at:
                named_only.add(name)
            elif not by_name:
                named_only.discard(name)
            at.setdefault(name, start)
            at[name] = min(at[name], start)
        asked = sorted(at, key=at.__getitem__)
        by_subject = {a for a in asked if a in named_only and len(asked) > 1}
        asked = [a for a in asked if a not in by_subject]
        return [a for a in asked if a != "what_is"] or asked

    # Read on every reply about a topic; the book never changes once loaded.
    @cached_property
    def needing_keywords(self) -> frozenset[str]:
        return frozenset(name for name, aspect in self.aspects.items() if aspect.needs_keyword)

    @cached_property
    def cues(self) -> frozenset[str]:
        return frozenset(cue for aspect in self.aspects.values() for cue in aspect.cues)

    def particular_not_held(
        self, question: str, asked: Iterable[str], statements: Iterable[Statement], subject: str
    ) -> tuple[str, str] | None:
        """(what is missing, where to ask) when the question asks for a particular thing ("在哪个
        银行办", "明年还会涨吗") that none of the statements chosen to answer it names: the
        topic's nearest statement is no answer to it."""
        text = normalize(question)
        statements = list(statements)
        asked = list(asked)
        for particular in self.particulars:
            found = particular.found(text, asked)
            if found and not any(particular.held_by(s, found) for s in statements):
                label = particular.label.format(subject=subject, found=found).removeprefix("的")
                return label, self.where_to_ask[particular.where]
        return None

    def asks_particular(self, question: str) -> bool:
        """Whether the question asks for a particular thing of `particulars` (whatever it asks besides)."""
        text = normalize(question)
        asked = self.asked(question)
        return any(p.found(text, asked) for p in self.particulars)

    def wants_details(self, question: str) -> bool:
        text = normalize(question)
        return any(cue in text for cue in self.detail_cues)

    def ask(self, aspect: str, kind: str, subject: str) -> str:
        """How a suggestion asks `aspect` of a subject of `kind` (谁能报单招, 谁能申请助学金)."""
        template = self.asks.get((aspect, kind)) or self.aspects[aspect].ask
        return template.format(subject=subject)

    def where(self, aspect: str | None, default: str = "admission", kind: str | None = None) -> str:
        """Where to ask what the knowledge base does not hold: by the kind of subject if
        known (a subsidy at the school's 资助中心), else by what was asked."""
        key = self.where_by_kind.get(kind or "") or (self.aspects[aspect].where if aspect in self.aspects else default)
        return self.where_to_ask[key] if key in self.where_to_ask else next(iter(self.where_to_ask.values()))


# A school named in a question ("呼和浩特职业学院"): the name's ending says its level.
SCHOOL = re.compile(
    r"[\u4e00-\u9fff]{2,12}?(职业技术大学|职业技术学院|职业学院|技师学院|师范学院|学院|大学"
    r"|职业技术学校|职业学校|中等专业学校|职业中学|中专|技校)"
)
SCHOOL_LEVEL = {
    "职业技术大学": "职业本科",
    "职业技术学院": "高职",
    "职业学院": "高职",
    "技师学院": "高职",
    "师范学院": "高职",
    "学院": "高职",
    "大学": "高职",
}


# Words that make a kind of school, not a name: "内蒙古的职业本科大学", "公办高职学院". A place
# alone does not ("内蒙古大学" is one school): a kind word must be among them.
_PLACE_WORDS = r"内蒙古|内蒙|全区|自治区|我区|区内|本地|当地"
_KIND_WORDS = (
    r"国家级|国家|自治区级|示范|重点|优质|双高|公办|民办|普通|职业|本科|高职|中职|高等|中等|技术|专科"
    r"|这些|那些|哪些|哪个|哪所|什么|我们|你们|咱们|好的|最好的"
)
GENERIC_NAME = re.compile(rf"(?:{_PLACE_WORDS}|{_KIND_WORDS}|的)+")
KIND_WORD = re.compile(_KIND_WORDS)


def school_named(question: str) -> tuple[str, str] | None:
    """(the school a question names, its level): 中职 unless its name says 学院 or 大学."""
    found = SCHOOL.search(normalize(question))
    if not found:
        return None
    # The match starts where the sentence does: "我家孩子在呼和浩特职业学院" names 呼和浩特职业学院.
    name = re.split(r"[在读去考报是的跟到]", found.group())[-1]
    own = name[: len(name) - len(found.group(1))]
    for generic in ("职业技术", "职业", "技术", "高等", "中等"):
        own = own.removesuffix(generic)
    if len(own) < 2 or (GENERIC_NAME.fullmatch(own) and KIND_WORD.search(own)):
        return None  # "职业学院学费贵吗", "内蒙古职业本科大学" name a kind of school, not one school
    return name, SCHOOL_LEVEL.get(found.group(1), "中职")


@dataclass(frozen=True)
class Choice:
    """What answers a question about one subject: the statements, in the order asked, and
    the aspects nothing answers."""

    units: tuple[Statement, ...] = ()
    missing: tuple[str, ...] = ()
    asked: tuple[str, ...] = field(default=())
    particular: tuple[str, ...] = ()  # aspects the question's words find only in one college's plan


def overlap(statement: Statement, text: str) -> int:
    """How many of a statement's keywords the question uses (利息 chooses the rate); a number
    the question names that the statement states counts twice ("涨到2300是哪年" is the 2300 rule)."""
    named = sum(1 for word in statement.keywords if normalize(word) in text)
    return named + 2 * sum(1 for number in NUMBER.findall(text) if number in statement.text)


def choose(
    statements: Iterable[Statement], asked: list[str], question: str, needing_keywords: frozenset[str] = frozenset()
) -> Choice:
    """The statements that answer the aspects asked, the best one per aspect.

    Among statements answering the same aspect, the one whose keywords the question uses
    most wins; on a tie, the earlier (the topic's order puts the general rule first). A
    statement the question names in two or more of its keywords answers it whatever its
    aspects ("单招能报几个学校几个专业" is the 1-college-3-majors rule, not the 34 colleges).
    Asked nothing in particular, the statement its words name wins, else the subject's
    one-line answer to "what is it".
    """
    statements = list(statements)
    text = normalize(question)
    ranked = sorted(statements, key=lambda s: (-overlap(s, text), statements.index(s)))
    named = ranked[0] if ranked and overlap(ranked[0], text) >= (2 if asked else 1) else None
    if not asked:
        named = None if named is not None and named.one_school else named
        first = named or next((s for s in statements if "what_is" in s.aspects), statements[0] if statements else None)
        return Choice((first,) if first else (), (), ())
    units: list[Statement] = []
    missing = []
    particular = []
    for aspect in asked[:MAX_ASPECTS]:
        candidates = [
            s for s in statements if aspect in s.aspects and (aspect not in needing_keywords or overlap(s, text))
        ]
        best = max(candidates, key=lambda s: (overlap(s, text), -candidates.index(s)), default=None)
        if named is not None and (best is None or overlap(named, text) > overlap(best, text)):
            best = named
        if best is None:
            missing.append(aspect)
            continue
        if best.one_school:
            # "单招报名费多少钱" finds one college's 考务费: no answer for every college, unless a
            # rule for all of them answers in the question's words too ("文化素质考那几科").
            general = max(
                (s for s in candidates if not s.one_school),
                key=lambda s: (overlap(s, text), -candidates.index(s)),
                default=None,
            )
            if general is None or overlap(general, text) < min(2, overlap(best, text)):
                particular.append(aspect)
                continue
            best = general
        # A second statement of the same aspect joins when the question names its keywords
        # too ("利息多少，最多能贷多少").
        extra = [
            s
            for s in candidates
            if s is not best and not s.one_school and overlap(s, text) > 0 and overlap(best, text) > 0
        ]
        if aspect == "how_much" and not FIGURE.search(best.text):
            # An amount asked is answered with the amount: "民办中职 国家能给免多少" is the
            # 2000元 standard first, then what it says of 民办 schools.
            amount = next((s for s in candidates if not s.one_school and FIGURE.search(s.text)), None)
            if amount is not None:
                best, extra = amount, [best]
        for unit in [best, *extra[:1]]:
            if unit not in units:
                units.append(unit)
    return Choice(tuple(units[:MAX_UNITS]), tuple(missing), tuple(asked), tuple(particular))


def retrieve(statements: Iterable[Statement], question: str) -> Choice:
    """The retrieval-only candidate measured against aspect reading (docs/evaluation.md):
    no aspect, the statement whose words (text and keywords) best match the question's by
    BM25 answers it; with no word in common, the topic's one-line answer."""
    statements = list(statements)
    words = [w for w in segment(question) if w not in GENERIC_WORDS]
    documents = [segment(f"{s.text} {' '.join(s.keywords)}") for s in statements]
    average = sum(map(len, documents)) / len(documents) if documents else 0.0

    def bm25(document: list[str]) -> float:
        total = 0.0
        for word in set(words):
            count = document.count(word)
            if not count:
                continue
            holding = sum(1 for d in documents if word in d)
            idf = math.log(1 + (len(documents) - holding + 0.5) / (holding + 0.5))
            total += idf * count * (BM25_K1 + 1) / (count + BM25_K1 * (1 - BM25_B + BM25_B * len(document) / average))
        return total

    scores = [bm25(d) for d in documents]
    if not statements:
        return Choice()
    best = max(range(len(statements)), key=lambda i: (scores[i], -i))
    if scores[best] <= 0:
        return choose(statements, [], question)
    return Choice((statements[best],), (), ())


def borrow(
    statements: Iterable[Statement], aspect: str, question: str, cues: frozenset[str] = frozenset()
) -> Statement | None:
    """A statement of another subject that answers `aspect` in the question's own words: "那以后
    还能考本科不" after 五年一贯制 is answered by what a 高职 graduate can do (专升本). Only
    words naming a subject count, not the words that ask (`cues`: 几年, 同时)."""
    text = normalize(question)

    def named(statement: Statement) -> int:
        return sum(
            1
            for word in statement.keywords
            if normalize(word) in text and normalize(word) not in cues and word not in GENERIC_WORDS
        )

    scored = [(named(s), -i, s) for i, s in enumerate(statements) if aspect in s.aspects]
    best = max(scored, key=lambda x: x[:2], default=None)
    return best[2] if best and best[0] >= 1 else None


def suggestions(statements: Iterable[Statement], answered: Iterable[str], limit: int = 2) -> list[str]:
    """Aspects of the same subject the user may ask next, those with an answer only."""
    have = {aspect for s in statements for aspect in s.aspects}
    done = set(answered)
    return [a for a in SUGGESTION_ORDER if a in have and a not in done][:limit]
