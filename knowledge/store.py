"""The knowledge database: opened read-only, its schema checked, its tables served as records.

Every SQL statement the project runs against the knowledge base lives here (the builder
writes through sqlite-utils). Tables are read once per process and kept: actions call on
every message, so nothing touches the disk twice for the same thing.
"""

from __future__ import annotations

import json
import sqlite3
from functools import cached_property
from pathlib import Path
from typing import Any

from knowledge import settings
from knowledge.build import SCHEMA_VERSION
from knowledge.records import Entity, Source, Statement, Statistic, Topic
from knowledge.text import longest_first, normalize

# The tables the provenance audit reads whole.
TABLES = ("sources", "statistics", "policies", "statements", "entities", "topics", "vocabulary")


class KnowledgeBaseError(RuntimeError):
    """The knowledge database is missing, corrupt or from another schema."""


class KnowledgeStore:
    def __init__(self, path: Path | None = None):
        self.path = Path(path or settings.knowledge_db_path())
        if not self.path.exists():
            raise KnowledgeBaseError(
                f"knowledge database not found at {self.path}; build it with `make kb` (python -m knowledge.build)"
            )
        try:
            self._db = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            self._db.row_factory = sqlite3.Row
            version = self._db.execute("select value from meta where key = 'schema_version'").fetchone()
        except sqlite3.DatabaseError as error:
            raise KnowledgeBaseError(f"knowledge database {self.path} is unreadable: {error}") from None
        if version is None or int(version[0]) != SCHEMA_VERSION:
            raise KnowledgeBaseError(f"knowledge database {self.path} has another schema; rebuild it with `make kb`")

    def close(self) -> None:
        self._db.close()

    def rows(self, table: str) -> list[dict[str, Any]]:
        """Every row of one of TABLES, for the provenance audit."""
        if table not in TABLES:
            raise ValueError(f"no table {table!r}")
        return [dict(row) for row in self._db.execute(f"select * from {table} order by rowid")]  # noqa: S608

    @cached_property
    def aliases(self) -> dict[str, list[tuple[str, str]]]:
        """(alias, canonical) pairs by entity kind, longest alias first."""
        by_kind: dict[str, list[tuple[str, str]]] = {}
        for row in self._db.execute("select kind, alias, canonical from vocabulary"):
            by_kind.setdefault(row["kind"], []).append((row["alias"], row["canonical"]))
        return {kind: longest_first(aliases) for kind, aliases in by_kind.items()}

    @cached_property
    def pinyin_spellings(self) -> dict[str, str]:
        return dict(self._db.execute("select spelling, word from pinyin").fetchall())

    @cached_property
    def sources(self) -> dict[str, Source]:
        rows = self._db.execute("select id, title, issuer, date, doc_number, url, kind, notes from sources")
        return {row["id"]: Source(**dict(row)) for row in rows}

    @cached_property
    def statistics(self) -> tuple[Statistic, ...]:
        rows = self._db.execute(
            "select id, metric, scope, subject, value, unit, year, period, answer, passage, "
            "source_id, keywords, kind from statistics order by rowid"
        )
        return tuple(Statistic(**{**dict(row), "keywords": tuple(json.loads(row["keywords"]))}) for row in rows)

    @cached_property
    def data_year(self) -> int:
        """The year most statistics describe (2022 for the article)."""
        (year,) = self._db.execute(
            "select year from statistics where year is not null group by year order by count(*) desc limit 1"
        ).fetchone()
        return int(year)

    @cached_property
    def document_words(self) -> frozenset[str]:
        """Every word of the searchable documents, as jieba segmented them."""
        words: set[str] = set()
        for (text,) in self._db.execute("select segmented from documents"):
            words.update(text.split())
        return frozenset(words)

    def word_tags(self, words: list[str]) -> dict[str, str]:
        """The part of speech the dictionary gives each of `words` it holds."""
        return dict(
            self._db.execute(
                "select word, tag from word_tags where word in (select value from json_each(?))",
                (json.dumps(words, ensure_ascii=False),),
            ).fetchall()
        )

    @cached_property
    def entities(self) -> tuple[Entity, ...]:
        rows = self._db.execute("select name, type, aliases, description, source_id from entities order by rowid")
        return tuple(
            Entity(
                normalize(row["name"]),
                row["name"],
                row["type"],
                tuple(json.loads(row["aliases"])),
                normalize(row["description"]),
                row["description"],
                row["source_id"],
            )
            for row in rows
        )

    @cached_property
    def policy_facts(self) -> dict[str, dict[str, Any]]:
        """Policy facts by id, with their source, in the shape the eligibility rules read."""
        rows = self._db.execute(
            "select p.id, p.fact, p.value, p.unit, p.effective_date, p.confidence, p.notes, p.source_id, "
            "s.title as source_title, s.issuer, s.doc_number, s.date as issue_date "
            "from policies p join sources s on s.id = p.source_id"
        )
        return {row["id"]: dict(row) for row in rows}

    @cached_property
    def subsidy_rules_text(self) -> str:
        (text,) = self._db.execute("select value from meta where key = 'subsidy_rules'").fetchone()
        return str(text)

    @cached_property
    def topics(self) -> tuple[Topic, ...]:
        confidence = {row["id"]: row["confidence"] for row in self._db.execute("select id, confidence from policies")}
        statements: dict[str, list[Statement]] = {}
        for row in self._db.execute(
            "select topic_id, text, source_id, policy_id, aspects, keywords, one_school from statements "
            "order by topic_id, position"
        ):
            statements.setdefault(row["topic_id"], []).append(
                Statement(
                    row["text"],
                    row["source_id"],
                    confidence.get(row["policy_id"], "high"),
                    tuple(json.loads(row["aspects"])),
                    tuple(json.loads(row["keywords"])),
                    bool(row["one_school"]),
                )
            )
        rows = self._db.execute(
            "select id, kind, name, scope, topic_values, note, short, in_menu from topics order by rowid"
        )
        return tuple(
            Topic(
                row["id"],
                row["kind"],
                row["name"],
                row["scope"],
                tuple(json.loads(row["topic_values"])),
                row["note"],
                tuple(statements.get(row["id"], ())),
                row["short"],
                bool(row["in_menu"]),
            )
            for row in rows
        )

    def meta_json(self, key: str) -> Any:
        """A source file the builder stored whole (aspects.yaml, english.yaml), as it was read."""
        (text,) = self._db.execute("select value from meta where key = ?", (key,)).fetchone()
        return json.loads(text)

    def search_documents(self, query: str, limit: int) -> list[dict[str, Any]]:
        """Documents matching an FTS5 query, best (lowest bm25 rank) first."""
        rows = self._db.execute(
            "select d.doc_id, d.kind, d.title, d.body, d.source_id, d.segmented, bm25(documents_fts) as rank "
            "from documents_fts join documents d on d.rowid = documents_fts.rowid "
            "where documents_fts match ? order by rank limit ?",
            (query, limit),
        )
        return [dict(row) for row in rows]
