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
from knowledge.answers import AspectBook
from knowledge.english import EnglishReader
from knowledge.matching import FILLER, Asked, level_named, names_of, unit_kind, units_agree
from knowledge.matching import score as fit
from knowledge.pinyin import PinyinReader
from knowledge.text import (YEAR, dictionary_words, find_aliases, is_noun_tag, longest_first, normalize, parts,
                            segment, tag_of)

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
    kind: str = "article"  # or "policy": a fact from policy_facts.yaml

    def citation(self) -> str:
        return cite(self.title, self.issuer, self.doc_number, self.date)


def cite(title: str, issuer: str, doc_number: str = "", date: str = "") -> str:
    """《title》，issuer，document number，date: the parts a 来源 line names, unknown ones left out."""
    parts = [title if title.startswith("《") else f"《{title}》"] + ([issuer] if issuer else [])
    if doc_number and doc_number != "n/a" and "not found" not in doc_number:
        parts.append(doc_number)
    if date and date != "None":
        parts.append(date)
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
    kind: str = ""  # count, amount, change, target (a plan), rank, ratio, rule, other

    @cached_property
    def names(self) -> tuple[tuple[str, str], ...]:
        """Its metric, the metric's stem and its keywords, each with its normalised form."""
        return names_of(self.metric, self.keywords)

    @cached_property
    def vocabulary(self) -> str:
        return normalize(" ".join([self.metric, *self.keywords, self.subject]))

    @cached_property
    def text(self) -> str:
        # A policy figure's passage is its whole policy fact, which names much else (the 2025
        # school counts sit beside 本科层次职业学校): its own answer says what it is about.
        passage = "" if self.source_id.startswith("policy:") else self.passage
        return normalize(" ".join([self.vocabulary, self.answer, passage, self.period]))


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
    matched: int = 0  # how many of the question's domain nouns it contains


def _precedence(statistic: Statistic) -> tuple[bool, int]:
    return not statistic.source_id.startswith("policy:"), statistic.year or 0


# A question asking where something is or was held.
_WHERE = re.compile(r"在哪|哪里|哪儿|哪个(?:旗|市|县|盟|地方|城市|学校)|哪所|什么地方|位于")
# Both levels asked together: 中职高职加起来, 一共, 总共.
_TOGETHER = re.compile(r"加起来|一共|总共|合计|总数|加在一起")
# What may follow a level's name in a question about its schools: 大专院校, 中职学校.
_SCHOOL_WORDS = frozenset({"", "院校", "学校", "学院", "类学校"})

# Statistic scopes whose figures are about one school (or its library, team or student), not a level.
PARTICULAR_SCOPES = ("学校",)


class KnowledgeBase:
    def __init__(self, path: Path | None = None):
        self.path = Path(path or settings.knowledge_db_path())
        self._covered: dict[str, str] = {}  # statistic id → _words_covered
        self._subject_names: dict[str, tuple[str, ...]] = {}  # subject → _names_of_subject
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
            by_kind.setdefault(row["kind"], []).append((row["alias"], row["canonical"]))
        return {kind: longest_first(aliases) for kind, aliases in by_kind.items()}

    @cached_property
    def _synonyms(self) -> dict[str, frozenset[str]]:
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

    @cached_property
    def pinyin(self) -> PinyinReader:
        """Reads a question typed in pinyin ("zhongzhi you duoshao suo") as Chinese."""
        return PinyinReader(dict(self._db.execute("select spelling, word from pinyin").fetchall()))

    def aliases(self, kind: str) -> list[tuple[str, str]]:
        """(alias, canonical) pairs of an entity kind, longest alias first."""
        return list(self._aliases.get(kind, []))

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

    # -- sources ---------------------------------------------------------------------

    @cached_property
    def _sources(self) -> dict[str, Source]:
        rows = self._db.execute("select id, title, issuer, date, doc_number, url, kind from sources")
        return {row["id"]: Source(**dict(row)) for row in rows}

    def source(self, source_id: str) -> Source:
        return self._sources[source_id]

    # -- statistics ------------------------------------------------------------------

    @cached_property
    def statistics(self) -> tuple[Statistic, ...]:
        rows = self._db.execute(
            "select id, metric, scope, subject, value, unit, year, period, answer, passage, "
            "source_id, keywords, kind from statistics order by rowid")
        return tuple(Statistic(**{**dict(row), "keywords": tuple(json.loads(row["keywords"]))}) for row in rows)

    @cached_property
    def _domain_words(self) -> frozenset[str]:
        """Every word the knowledge base uses: a question word outside this set is filler."""
        words = set()
        for (text,) in self._db.execute("select segmented from documents"):
            words.update(text.split())
        for aliases in self._aliases.values():
            words.update(alias for alias, _ in aliases)
        return frozenset(words - FILLER)

    @cached_property
    def data_year(self) -> int:
        """The year most statistics describe (2022 for the article)."""
        (year,) = self._db.execute(
            "select year from statistics where year is not null group by year order by count(*) desc limit 1").fetchone()
        return year

    def without(self, kind: str, text: str) -> str:
        """`text` with the aliases of `kind` blanked out (a follow-up replaces the old scope).

        The whole-region scope's aliases (职业院校, 职校) name what is counted and stay."""
        text = normalize(text)
        for alias, canonical in self._aliases.get(kind, []):
            if canonical != "全部":
                text = text.replace(alias, " ")
        return text

    def names_figure(self, text: str) -> bool:
        """Whether `text` names something counted besides levels, channels, places and
        years: "在校生呢" does, "那单招呢" and "2021年的呢" do not."""
        rest = YEAR.sub(" ", normalize(text))
        for aliases in self._aliases.values():
            for alias, _ in aliases:
                rest = rest.replace(alias, " ")
        return any(w not in FILLER and w in self._domain_words for w in segment(rest))

    def tagged(self, text: str) -> list[tuple[str, str]]:
        """(word, part of speech) pairs of `text`, tagged from the knowledge base's word table."""
        found = dictionary_words(text)
        stored = self._stored_tags(found)
        return [(word, tag_of(word, stored)) for word in found]

    def _stored_tags(self, words: list[str]) -> dict[str, str]:
        return dict(self._db.execute(
            "select word, tag from word_tags where word in (select value from json_each(?))",
            (json.dumps(words, ensure_ascii=False),)).fetchall())

    def match_statistic(self, question: str, scope: str | None = None) -> StatisticMatch:
        """The statistic a question asks for, with the question words it leaves unexplained.

        A match whose `unmatched` is not empty must not be given as the answer: the user
        asked about something (a city, another kind of school) that this figure is not about.
        """
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
        best, best_score = None, 0.0
        for statistic in self.statistics:
            # A figure about one school or person ("莫旗中等职业学校 had 100 students in
            # 2015") is no answer to a question that does not name it ("中职在校生多少").
            if not self._names_subject(asked.text, statistic):
                continue
            score = fit(statistic, asked)
            if score > 0 and places:
                # A place the question names decides between figures: 莫旗's students, not the region's.
                score += 4 if not self._places_not_covered(places, statistic) else -4
            if score > 0 and channels:
                # So does a channel: 对口招生's 6161, not the 单招 figure whose passage lists both.
                own = normalize(statistic.vocabulary + " " + statistic.answer)
                score += 4 if channels & set(self.mentioned("channel", own)) else -4
            if (score, *_precedence(statistic)) > (best_score, *(_precedence(best) if best else (False, 0))):
                best, best_score = statistic, score
        if best is None or best_score <= 0:
            return StatisticMatch(None, 0.0, tuple(asked.counted or asked.words), asked.year)
        return StatisticMatch(best, best_score, self._unexplained(asked, best), asked.year)

    def _names_both_levels(self, question: str) -> bool:
        """Whether a question names 中职 and 高职 ("中职高职" holds 职高, so names are looked
        for one by one, not as the longest matches)."""
        text = normalize(question)
        return all(any(alias in text for alias, canonical in self._aliases.get("scope", []) if canonical == level)
                   for level in ("中职", "高职"))

    def _school_words_generalised(self, asked: Asked) -> Asked:
        """大专院校 and 中专学校 are the scope (already read) and 院校 / 学校: figures say
        高职院校 and 中职学校, so the kind of school is what is left to match."""
        def general(word: str) -> str:
            rest = next((word.replace(alias, "", 1) for alias, _ in self._aliases.get("scope", [])
                         if word.startswith(alias) and word != alias), "")
            return rest if rest and rest in _SCHOOL_WORDS else word
        return replace(asked, words=tuple(map(general, asked.words)), counted=tuple(map(general, asked.counted)))

    def _unexplained(self, asked: Asked, statistic: Statistic) -> tuple[str, ...]:
        """Words naming what the question counts, or where, that the statistic is not about."""
        covered = self._covered_text(statistic)
        places = self._places_not_covered(self.mentioned("place", asked.text), statistic)
        # The measure word is checked by unit below: 条 for a figure of 项, 百分之 for a %.
        counted = [w for w in asked.counted
                   if w != asked.measure and not self._covers(covered, w, statistic)]
        level = level_named(asked.text)
        counted += [level[0]] if level and level[1] not in covered else []
        unit = [asked.measure] if not units_agree(asked.measure, statistic.unit, statistic.year) else []
        scope = [statistic.scope] if asked.scopes and statistic.scope in ("中职", "高职", "职业本科") \
            and statistic.scope not in asked.scopes else []
        return tuple(dict.fromkeys(places + counted + unit + scope))

    def _covers(self, covered: str, word: str, statistic: Statistic) -> bool:
        """Whether a figure is about `word`: it says it, or the word is its level's name with a
        kind of school ("大专院校" for a 高职 figure)."""
        if word in covered or self._names_school_level(word, statistic):
            return True
        # A compound the figure says in its parts: 录取人数 (录取 … 人), 县里 (县).
        inner = parts(word) or (tuple(word) if len(word) == 2 and word[1] in FILLER else ())
        return bool(inner) and all(
            part in covered or part in FILLER or self._names_school_level(part, statistic)
            or unit_kind(part) is not None and unit_kind(part) == unit_kind(statistic.unit)
            for part in inner)

    def _names_school_level(self, word: str, statistic: Statistic) -> bool:
        return any(alias in word and word.replace(alias, "", 1) in _SCHOOL_WORDS
                   for alias, canonical in self._aliases.get("scope", []) if canonical == statistic.scope)

    def _names_subject(self, text: str, statistic: Statistic) -> bool:
        """Whether a question names what a figure about one school or person is about."""
        if statistic.scope not in PARTICULAR_SCOPES and statistic.subject not in self._particular_entities:
            return True
        if statistic.subject not in self._subject_names:
            self._subject_names[statistic.subject] = self._names_of_subject(statistic.subject)
        return any(name in text for name in self._subject_names[statistic.subject])

    def _names_of_subject(self, subject: str) -> tuple[str, ...]:
        names = [subject] + [alias for name, aliases in self._entity_aliases if name == subject for alias in aliases]
        places = {canonical for alias, canonical in self._aliases.get("place", []) if alias in subject or canonical in subject}
        names += [alias for alias, canonical in self._aliases.get("place", []) if canonical in places]
        return tuple(normalize(name) for name in names)

    def _place_names(self, place: str) -> list[str]:
        return [place] + [alias for alias, canonical in self._aliases.get("place", []) if canonical == place]

    def _places_not_covered(self, places: list[str], statistic: Statistic) -> list[str]:
        covered = self._covered_text(statistic)
        return [p for p in places if not any(alias in covered for alias in self._place_names(p))]

    def _covered_text(self, statistic: Statistic) -> str:
        """The statistic's own words and every alias of the scope and entities it names."""
        if statistic.id not in self._covered:
            self._covered[statistic.id] = self._words_covered(statistic)
        return self._covered[statistic.id]

    def _words_covered(self, statistic: Statistic) -> str:
        extra = [alias for alias, canonical in self._aliases.get("scope", []) if canonical == statistic.scope]
        entities = [(name, aliases, description) for name, aliases, description in self._entities
                    if name in statistic.text]
        extra += [alias for _, aliases, _ in entities for alias in aliases]
        # What the figure is about is described too: the 资源库 is 内蒙古机电职业技术学院's.
        descriptions = [description for _, _, description in entities]
        extra += descriptions
        # A place is covered when the figure, or what it is about, names it: the 金砖 selection
        # contest was held in 准格尔旗, so "准格尔旗办的金砖比赛" asks about its figures.
        where = " ".join([statistic.text, *descriptions])
        places = self._aliases.get("place", [])
        named = {canonical for alias, canonical in places if canonical in where or normalize(alias) in where}
        extra += [alias for alias, canonical in places if canonical in named]
        return statistic.text + " " + normalize(" ".join(extra))

    @cached_property
    def _particular_entities(self) -> frozenset[str]:
        """Entities that are one person or one school (高磊, 内蒙古机电职业技术学院)."""
        rows = self._db.execute("select name from entities where type in ('person', 'school')")
        return frozenset(row[0] for row in rows)

    @cached_property
    def _entity_aliases(self) -> tuple[tuple[str, tuple[str, ...]], ...]:
        return tuple((name, aliases) for name, aliases, _ in self._entities)

    @cached_property
    def _entities(self) -> tuple[tuple[str, tuple[str, ...], str], ...]:
        """(normalised name, aliases, normalised description) of every entity of the article."""
        rows = self._db.execute("select name, aliases, description from entities")
        return tuple((normalize(row["name"]), tuple(json.loads(row["aliases"])), normalize(row["description"]))
                     for row in rows)

    def location(self, question: str) -> SearchHit | None:
        """Where a school or event the question names is, when the question asks where
        ("莫旗中等职业学校在哪个市", "金砖选拔赛在哪办的"): the entity whose description
        names a place. Its longest name in the question wins."""
        text = normalize(question)
        if not _WHERE.search(text):
            return None
        place_names = {name for name, _, _ in self._places}
        places = [*place_names, *(alias for alias, _ in self._aliases.get("place", []))]
        named = []
        for name, aliases, description in self._entities:
            lengths = [len(n) for n in (name, *aliases) if normalize(n) in text]
            if lengths and name not in place_names:
                named.append((max(lengths), name, description))
        located = next((name for _, name, description in sorted(named, reverse=True)
                        if description and any(place in description for place in places)), None)
        if located is None:
            return None
        row = self._db.execute("select name, description, source_id from entities where name = ?",
                               (self._entity_names[located],)).fetchone()
        return SearchHit(f"entity:{row['name']}", "entity", row["name"], row["description"], row["source_id"], 0.0, ())

    @cached_property
    def _entity_names(self) -> dict[str, str]:
        """The stored name of each entity, by its normalised name (_entities)."""
        return {normalize(name): name for (name,) in self._db.execute("select name from entities")}

    @cached_property
    def _places(self) -> tuple[tuple[str, tuple[str, ...], str], ...]:
        """The entities that are places: 盟市, 旗县, regions."""
        rows = self._db.execute(
            "select name from entities where type in ('league_city', 'banner_county') or type like 'region%'")
        names = {normalize(row[0]) for row in rows}
        return tuple(entity for entity in self._entities if entity[0] in names)

    def sibling(self, statistic: Statistic, scope: str) -> Statistic | None:
        """The same figure for another scope: "其中中职200所、高职37所" are siblings."""
        same_passage = [s for s in self.statistics if s.passage == statistic.passage and s.scope == scope]
        same_metric = [s for s in self.statistics if s.metric == statistic.metric and s.scope == scope]
        return next(iter(same_passage or same_metric), None)

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
        rows = self._db.execute(
            "select topic_id, text, source_id, policy_id, aspects, keywords from statements order by topic_id, position")
        for row in rows:
            statements.setdefault(row["topic_id"], []).append(
                Statement(row["text"], row["source_id"], confidence.get(row["policy_id"], "high"),
                          tuple(json.loads(row["aspects"])), tuple(json.loads(row["keywords"]))))
        rows = self._db.execute(
            "select id, kind, name, scope, topic_values, note, short, in_menu from topics order by rowid")
        return tuple(
            Topic(row["id"], row["kind"], row["name"], row["scope"], tuple(json.loads(row["topic_values"])),
                  row["note"], tuple(statements.get(row["id"], ())), row["short"], bool(row["in_menu"]))
            for row in rows)

    def topics(self, kind: str | None = None, value: str | None = None, scope: str | None = None,
               strict: bool = False) -> list[Topic]:
        """Topics of a kind selected by a canonical value. A scope narrows the list; unless
        `strict`, it never empties it (a 中职 question about 助学贷款 still gets the loan)."""
        found = [t for t in self._topics
                 if (kind is None or t.kind == kind) and (value is None or value in t.values)]
        if scope:
            narrowed = [t for t in found if t.scope in ("", scope)]
            found = narrowed if narrowed or strict else found
        return found

    @cached_property
    def english(self) -> EnglishReader:
        """Reads a question typed in English ("how many vocational schools") as Chinese."""
        (text,) = self._db.execute("select value from meta where key = 'english'").fetchone()
        return EnglishReader(json.loads(text))

    @cached_property
    def all_statements(self) -> tuple[Statement, ...]:
        return tuple(s for topic in self._topics for s in topic.statements)

    @cached_property
    def aspect_book(self) -> AspectBook:
        """What a question asks about its subject, and where to ask when nothing answers it."""
        (text,) = self._db.execute("select value from meta where key = 'aspects'").fetchone()
        return AspectBook.from_dict(json.loads(text))

    # -- search ----------------------------------------------------------------------

    def search(self, question: str, limit: int = 3) -> list[SearchHit]:
        """Best passages for a free question (FTS5 over jieba-segmented text, bm25 ranked).

        Each hit says which of the question's domain nouns it does not contain: a hit that
        leaves one out answers a neighbouring question, not this one. Verbs and time words
        (建, 升, 一年) are left to the ranking: a passage says 申建 or 达到 where users say 建 or 升.
        """
        words = list(dict.fromkeys(w for w in segment(question)
                                   if w not in FILLER and w in self._domain_words and not w.isdigit()))
        if len(words) < 2:
            return []  # one shared word is a coincidence, not an answer
        # A passage names a thing its own way: 职校 in the question is 职业学校 in the passage.
        names = {w: self._synonyms.get(w, frozenset((w,))) for w in words}  # each holds w itself
        query = " OR ".join('"' + w.replace('"', '""') + '"' for w in dict.fromkeys(
            name for word in words for name in sorted(names[word])))
        rows = self._db.execute(
            "select d.doc_id, d.kind, d.title, d.body, d.source_id, d.segmented, bm25(documents_fts) as rank "
            "from documents_fts join documents d on d.rowid = documents_fts.rowid "
            "where documents_fts match ? order by rank limit ?",
            (query, limit))
        stored = self._stored_tags(words)
        nouns = [w for w in words if is_noun_tag(tag_of(w, stored))]
        hits = []
        for row in rows:
            present = set(row["segmented"].split())
            missing = tuple(w for w in nouns if names[w].isdisjoint(present))
            hits.append(SearchHit(row["doc_id"], row["kind"], row["title"], row["body"], row["source_id"],
                                  -row["rank"], missing, len(nouns) - len(missing)))
        return hits

    def topic_for(self, kind: str, question: str, scope: str | None = None) -> Topic | None:
        """The topic of `kind` one of whose statements answers a question that names no value
        ("职业教育和普通教育地位一样吗" is 职普融通's 同等重要): its statement holds at least
        two of the question's domain nouns and misses none, or holds three and misses one."""
        candidates = {t.id: t for t in self.topics(kind, None, scope)}
        for hit in self.search(question, limit=10):
            topic = candidates.get(hit.doc_id.split(":")[1]) if hit.kind == "topic" else None
            if topic and hit.matched >= 2 and len(hit.unmatched) <= (1 if hit.matched >= 3 else 0):
                return topic
        return None

    def close(self) -> None:
        self._db.close()
