"""The one class that reads the knowledge base: every SQL statement lives here.

The database is opened read-only, once per process, and small tables are kept in memory:
actions call these methods on every message, so nothing here touches the disk twice for
the same thing.
"""

from __future__ import annotations

import json
import re
import sqlite3
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from knowledge import settings
from knowledge.build import SCHEMA_VERSION
from knowledge.text import normalize, segment

# Words that carry no information about which fact is meant.
_FILLER = set("""
内蒙古 内蒙 内蒙古自治区 自治区 全区 我们 咱们 这边 这里 本地 现在 目前 如今 一共 总共 总计 共 有 多少 多少个 多少所
几 几个 几所 数量 数目 数 个 所 人 是 的 了 吗 呢 啊 呀 吧 么 嘛 请问 请 问 问下 问一下 想 想问 想知道 知道 告诉
告诉我 我 你 您 一下 下 能 能不能 可以 麻烦 谢谢 大概 大约 左右 具体 到底 什么 啥 怎么 怎么样 多 多大 多高 哪些 哪个
那 那么 还有 和 与 及 跟 以及 或者 还是 都 也 就 在 里 中 上 年 今年 去年 家长 孩子 学生家长 老师 同学 小孩 统计 数据
情况 规模 total how many
""".split())
_YEAR = re.compile(r"(20\d\d|19\d\d)")


class KnowledgeBaseError(RuntimeError):
    """The knowledge database is missing, corrupt or from another schema."""


@dataclass(frozen=True)
class Source:
    id: str
    title: str
    issuer: str
    date: str
    doc_number: str = ""
    url: str = ""

    def citation(self) -> str:
        parts = [f"《{self.title}》" if not self.title.startswith("《") else self.title, self.issuer]
        if self.doc_number and self.doc_number not in ("n/a",) and "not found" not in self.doc_number:
            parts.append(self.doc_number)
        if self.date:
            parts.append(self.date)
        return "，".join(parts)


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

    @cached_property
    def vocabulary(self) -> str:
        return normalize(" ".join([self.metric, *self.keywords, self.subject]))

    @cached_property
    def text(self) -> str:
        return normalize(" ".join([self.vocabulary, self.answer, self.passage, self.period]))


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


@dataclass(frozen=True)
class Topic:
    id: str
    kind: str
    name: str
    scope: str
    values: tuple[str, ...]
    note: str
    statements: tuple[Statement, ...] = field(default=())

    def first_statement_only(self) -> "Topic":
        """For an overview of several topics: each one's opening statement."""
        return replace(self, statements=self.statements[:1], note="")


@dataclass(frozen=True)
class SearchHit:
    doc_id: str
    kind: str
    title: str
    body: str
    source_id: str
    score: float
    unmatched: tuple[str, ...]


class KnowledgeBase:
    def __init__(self, path: Path | None = None):
        self.path = Path(path or settings.knowledge_db_path())
        if not self.path.exists():
            raise KnowledgeBaseError(
                f"knowledge database not found at {self.path}; build it with `make kb` "
                "(python -m knowledge.build)")
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            version = self._db.execute("select value from meta where key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as error:
            raise KnowledgeBaseError(f"knowledge database {self.path} is unreadable: {error}") from None
        if version is None or int(version[0]) != SCHEMA_VERSION:
            raise KnowledgeBaseError(f"knowledge database {self.path} has another schema; rebuild it with `make kb`")

    # -- vocabulary ------------------------------------------------------------------

    @cached_property
    def _aliases(self) -> dict[str, list[tuple[str, str]]]:
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for row in self._db.execute("select kind, alias, canonical from vocabulary"):
            by_kind.setdefault(row["kind"], []).append((normalize(row["alias"]), row["canonical"]))
        for aliases in by_kind.values():
            aliases.sort(key=lambda pair: len(pair[0]), reverse=True)
        return by_kind

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
        """Canonical values of `kind` named anywhere in `text`, longest alias first."""
        remaining, found = normalize(text), []
        for alias, canonical in self._aliases.get(kind, []):
            if alias and alias in remaining:
                remaining = remaining.replace(alias, " ")
                if canonical not in found:
                    found.append(canonical)
        return found

    # -- sources ---------------------------------------------------------------------

    @cached_property
    def _sources(self) -> dict[str, Source]:
        rows = self._db.execute("select id, title, issuer, date, doc_number, url from sources")
        return {row["id"]: Source(**dict(row)) for row in rows}

    def source(self, source_id: str) -> Source:
        return self._sources[source_id]

    # -- statistics ------------------------------------------------------------------

    @cached_property
    def statistics(self) -> tuple[Statistic, ...]:
        rows = self._db.execute(
            "select id, metric, scope, subject, value, unit, year, period, answer, passage, "
            "source_id, keywords from statistics order by rowid")
        return tuple(Statistic(**{**dict(row), "keywords": tuple(json.loads(row["keywords"]))}) for row in rows)

    @cached_property
    def _domain_words(self) -> frozenset[str]:
        """Every word the knowledge base uses: a question word outside this set is filler."""
        words = set()
        for (text,) in self._db.execute("select segmented from documents"):
            words.update(text.split())
        for aliases in self._aliases.values():
            words.update(alias for alias, _ in aliases)
        return frozenset(words - _FILLER)

    @cached_property
    def years(self) -> tuple[int, ...]:
        rows = self._db.execute("select distinct year from statistics where year is not null order by year desc")
        return tuple(row[0] for row in rows)

    def without(self, kind: str, text: str) -> str:
        """`text` with every alias of `kind` blanked out (a follow-up replaces the old scope)."""
        text = normalize(text)
        for alias, _ in self._aliases.get(kind, []):
            text = text.replace(alias, " ")
        return text

    def match_statistic(self, question: str, scope: str | None = None) -> StatisticMatch:
        """The statistic a question asks for, with the question words it leaves unexplained.

        A match whose `unmatched` is not empty must not be given as the answer: the user
        asked about something (a city, another kind of school) that this figure is not about.
        """
        text = normalize(question)
        year_match = _YEAR.search(text)
        asked_year = int(year_match.group(1)) if year_match else None
        scopes = {scope} if scope else set(self.mentioned("scope", text)) - {"全部"}
        words = [w for w in segment(_YEAR.sub(" ", text)) if w not in _FILLER and not w.isdigit()]
        # On a tie the most recent figure wins ("生均校舍面积" is 2022's, not the 2012 baseline).
        best, best_score = None, 0.0
        for statistic in self.statistics:
            score = self._score(statistic, text, words, scopes, asked_year)
            if (score, statistic.year or 0) > (best_score, (best.year or 0) if best else 0):
                best, best_score = statistic, score
        if best is None or best_score <= 0:
            return StatisticMatch(None, 0.0, tuple(words), asked_year)
        unmatched = tuple(w for w in words if w in self._domain_words and w not in best.text)
        return StatisticMatch(best, best_score, unmatched, asked_year)

    @staticmethod
    def _score(statistic: Statistic, text: str, words: list[str], scopes: set[str], year: int | None) -> float:
        score = 0.0
        stem = statistic.metric.removesuffix("数量").removesuffix("数")
        for keyword in dict.fromkeys((statistic.metric, stem, *statistic.keywords)):
            if normalize(keyword) in text:
                score += 2 + len(keyword) / 2
        for word in words:
            if word in statistic.vocabulary:
                score += 2
            elif word in statistic.text:
                score += 1
        if scopes:
            # Named 高职: a 高职 figure first, a whole-region one after, a 中职 one never.
            score += 3 if statistic.scope in scopes else (-6 if statistic.scope in ("中职", "高职", "职业本科") else -2)
        if year and statistic.year == year:
            score += 1
        return score

    def statistics_like(self, statistic: Statistic) -> list[Statistic]:
        """Other figures for the same metric (another year or scope), for 'I only have …'."""
        same = (statistic.metric, statistic.subject, statistic.scope)
        return [s for s in self.statistics if (s.metric, s.subject, s.scope) == same and s.id != statistic.id]

    # -- policies and eligibility rules ------------------------------------------------

    @cached_property
    def policy_facts(self) -> dict[str, dict]:
        """Policy facts by id, with their source, in the shape the eligibility rules read."""
        rows = self._db.execute(
            "select p.id, p.fact, p.value, p.unit, p.effective_date, p.confidence, p.notes, "
            "s.title as source_title, s.issuer, s.doc_number, s.date as issue_date "
            "from policies p join sources s on s.id = p.source_id")
        return {row["id"]: dict(row) for row in rows}

    @cached_property
    def subsidy_rules(self):
        from knowledge.eligibility import parse_rules

        (text,) = self._db.execute("select value from meta where key = 'subsidy_rules'").fetchone()
        return parse_rules(text, self.policy_facts)

    # -- topics ----------------------------------------------------------------------

    @cached_property
    def _topics(self) -> tuple[Topic, ...]:
        confidence = {row["id"]: row["confidence"] for row in self._db.execute("select id, confidence from policies")}
        statements: dict[str, list[Statement]] = {}
        for row in self._db.execute("select topic_id, text, source_id, policy_id from statements order by topic_id, position"):
            statements.setdefault(row["topic_id"], []).append(
                Statement(row["text"], row["source_id"], confidence.get(row["policy_id"], "high")))
        rows = self._db.execute("select id, kind, name, scope, topic_values, note from topics order by rowid")
        return tuple(
            Topic(row["id"], row["kind"], row["name"], row["scope"], tuple(json.loads(row["topic_values"])),
                  row["note"], tuple(statements.get(row["id"], ())))
            for row in rows)

    def topics(self, kind: str | None = None, value: str | None = None, scope: str | None = None) -> list[Topic]:
        """Topics of a kind selected by a canonical value; a scope narrows, never empties, the list."""
        found = [t for t in self._topics
                 if (kind is None or t.kind == kind) and (value is None or value in t.values)]
        if scope:
            narrowed = [t for t in found if t.scope in ("", scope)]
            found = narrowed or found
        return found

    def topic(self, topic_id: str) -> Topic:
        return next(t for t in self._topics if t.id == topic_id)

    # -- search ----------------------------------------------------------------------

    def search(self, question: str, limit: int = 3) -> list[SearchHit]:
        """Best passages for a free question (FTS5 over jieba-segmented text, bm25 ranked).

        Each hit says which of the question's domain words it does not contain: a hit that
        leaves one out answers a neighbouring question, not this one.
        """
        words = list(dict.fromkeys(w for w in segment(question) if w not in _FILLER and w in self._domain_words))
        if not words:
            return []
        query = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
        rows = self._db.execute(
            "select d.doc_id, d.kind, d.title, d.body, d.source_id, d.segmented, bm25(documents_fts) as rank "
            "from documents_fts join documents d on d.rowid = documents_fts.rowid "
            "where documents_fts match ? order by rank limit ?",
            (query, limit))
        return [SearchHit(row["doc_id"], row["kind"], row["title"], row["body"], row["source_id"], -row["rank"],
                          tuple(w for w in words if w not in row["segmented"].split()))
                for row in rows]

    def close(self) -> None:
        self._db.close()
