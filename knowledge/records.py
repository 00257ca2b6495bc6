"""What the knowledge base holds, as the store serves it: plain frozen records.

One `Source` type, cited one way (`Source.citation`), whether a statistic, a topic's
statement or an eligibility finding rests on it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from knowledge.text import normalize


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    issuer: str
    date: str = ""
    # Only a document number (财教〔2024〕181号): the builder rejects anything else.
    doc_number: str = ""
    url: str = ""
    kind: str = "article"  # or "policy": a fact from policy_facts.yaml
    # What research found about the document (no number seen, second-hand): never shown.
    notes: str = ""

    def citation(self) -> str:
        """《title》，issuer，document number，date: the parts a 来源 line names, unknown ones left out.

        A fact read in two documents names both ("A；B" in the sources): 《A》《B》, and its
        issuers once each."""
        titles = [t.strip().strip("《》") for t in self.title.split("；") if t.strip()]
        issuers = dict.fromkeys(i.strip() for i in self.issuer.split("；") if i.strip())
        parts = [
            "".join(f"《{t}》" for t in titles),
            "、".join(issuers),
            self.doc_number,
            self.date,
        ]
        return "，".join(part for part in parts if part)


@dataclass(frozen=True)
class Statistic:
    id: str
    metric: str
    scope: str
    subject: str
    value: str
    unit: str
    year: int | None
    period: str
    answer: str
    passage: str
    source_id: str
    keywords: tuple[str, ...]
    kind: str = ""  # count, amount, change, target (a plan), rank, ratio, rule, other

    @cached_property
    def names(self) -> tuple[tuple[str, str], ...]:
        """Its metric, the metric's stem and its keywords, each with its normalised form."""
        stem = self.metric.removesuffix("数量").removesuffix("数")
        return tuple((name, normalize(name)) for name in dict.fromkeys((self.metric, stem, *self.keywords)))

    @cached_property
    def vocabulary(self) -> str:
        return normalize(" ".join([self.metric, *self.keywords, self.subject]))

    @cached_property
    def text(self) -> str:
        # A policy figure's passage is its whole policy fact, which names much else (the 2025
        # school counts sit beside 本科层次职业学校): its own answer says what it is about.
        passage = "" if self.from_policy else self.passage
        return normalize(" ".join([self.vocabulary, self.answer, passage, self.period]))

    @property
    def from_policy(self) -> bool:
        return self.source_id.startswith("policy:")


@dataclass(frozen=True)
class StatisticMatch:
    statistic: Statistic | None
    score: float
    unmatched: tuple[str, ...] = ()
    asked_year: int | None = None

    @property
    def year_differs(self) -> bool:
        return bool(self.statistic and self.asked_year and self.statistic.year != self.asked_year)


@dataclass(frozen=True)
class Statement:
    text: str
    source_id: str
    confidence: str = "high"
    aspects: tuple[str, ...] = ()  # what it answers (aspects.yaml)
    keywords: tuple[str, ...] = ()  # what chooses it among statements answering the same aspect
    one_school: bool = False  # one college's own rule or figure (its 招生方案), not the region's


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str
    name: str
    scope: str
    values: tuple[str, ...]
    note: str
    statements: tuple[Statement, ...] = field(default=())
    short: str = ""  # how a suggestion names it ("3+2", 单招)
    in_menu: bool = True  # listed when a question names no programme (资助投入 is a figure, not one)


@dataclass(frozen=True)
class Entity:
    """A school, place, person or event the article names; names are normalised."""

    name: str
    stored_name: str  # as written in the sources
    type: str
    aliases: tuple[str, ...]
    description: str  # normalised
    body: str  # the description as written
    source_id: str

    @property
    def is_place(self) -> bool:
        return self.type in ("league_city", "banner_county") or self.type.startswith("region")

    @property
    def is_particular(self) -> bool:
        """One person or one school (高磊, 内蒙古机电职业技术学院)."""
        return self.type in ("person", "school")


@dataclass(frozen=True)
class SearchHit:
    doc_id: str
    kind: str
    title: str
    body: str
    source_id: str
    score: float
    unmatched: tuple[str, ...]
    matched: int = 0  # how many of the question's domain nouns it contains


# -- what an answer holds (knowledge/answering.py makes them, actions word them) --------


@dataclass(frozen=True)
class Question:
    """What the latest user message asks, with entity values made canonical."""

    text: str
    intent: str | None
    values: dict[str, list[str]]

    def first(self, kind: str) -> str | None:
        found = self.values.get(kind) or []
        return found[0] if found else None


@dataclass(frozen=True)
class Figure:
    """One figure to give: the match, its source, the years held for the same measure and
    later figures of it from other sources."""

    match: StatisticMatch
    source: Source
    years: tuple[int, ...]
    newer: tuple[tuple[Statistic, Source], ...]


@dataclass(frozen=True)
class StatisticsAnswer:
    """The figures a statistics question asks for; when there are none, a policy passage
    that covers every word of the question, or what the question named that no figure is about."""

    query: str  # what the answer was read from: a follow-up leans on it
    figures: tuple[Figure, ...] = ()
    passage: SearchHit | None = None
    passage_source: Source | None = None
    missing: tuple[str, ...] = ()
