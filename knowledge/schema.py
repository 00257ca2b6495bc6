"""Reading and validating the human-editable source files.

Every check here names the file and the entry, so a maintainer who makes a bad edit sees
exactly what to fix. Nothing is written to the database unless every file validates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from knowledge import settings
from knowledge.text import NUMBER, normalize, strip_whitespace

ARTICLE_SOURCE = "article-2022"
# Facts found after the reference copy policy_facts.yaml, kept apart so that file stays a copy.
ADDED_POLICY_FACTS = "policy_facts_added.yaml"
STATISTIC_KEYS = {
    "id",
    "metric",
    "scope",
    "subject",
    "value",
    "unit",
    "year",
    "period",
    "kind",
    "keywords",
    "answer",
    "passage",
}
STATISTIC_REQUIRED = {"id", "metric", "scope", "value", "unit", "answer", "passage"}
ENTITY_KEYS = {"name", "type", "aliases", "description", "passage"}
TOPIC_KINDS = {"pathway", "admission", "undergraduate", "subsidy"}
CONFIDENCE = {"high", "medium", "low"}
# A document number and nothing else (财教〔2024〕181号, 主席令第112号; several joined by ；):
# what research found about it ("not found", "n/a", second-hand) goes in source_notes.
_ONE_DOC_NUMBER = r"(?:[\u4e00-\u9fff]+〔\d{4}〕\d+号|主席令第\d+号)"
DOC_NUMBER = re.compile(rf"{_ONE_DOC_NUMBER}(?:；{_ONE_DOC_NUMBER})*")


# A source's date as a 来源 line shows it: a year, a month or a day.
ISSUE_DATE = re.compile(r"\d{4}(?:-\d{2}(?:-\d{2})?)?")


class SourceError(ValueError):
    """A source file entry that cannot be loaded."""

    def __init__(self, path: Path, entry: str, message: str):
        self.path, self.entry = path, entry
        super().__init__(f"{path.name}: {entry}: {message}")


@dataclass
class Sources:
    """The validated contents of knowledge/sources/, ready to be written."""

    sources: list[dict] = field(default_factory=list)
    statistics: list[dict] = field(default_factory=list)
    entities: list[dict] = field(default_factory=list)
    policies: list[dict] = field(default_factory=list)
    topics: list[dict] = field(default_factory=list)
    vocabulary: dict[str, dict[str, list[str]]] = field(default_factory=dict)
    article: str = ""
    subsidy_rules: str = ""  # validated text of subsidy_rules.yaml
    aspects: dict = field(default_factory=dict)  # aspects.yaml: what a question asks, and where to ask
    english: dict[str, str] = field(default_factory=dict)  # english.yaml: English phrase -> Chinese


class _UniqueKeyLoader(yaml.SafeLoader):
    """Refuses a mapping that names a key twice: YAML keeps the last one silently, so a
    statement's `answers:` written twice moves to the statement before it unnoticed."""

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        keys = [self.construct_object(key, deep=deep) for key, _ in node.value]
        repeated = sorted({str(key) for key in keys if keys.count(key) > 1})
        if repeated:
            raise yaml.constructor.ConstructorError(None, None, f"key {repeated} written twice", node.start_mark)
        return super().construct_mapping(node, deep=deep)


def read_yaml(path: Path) -> Any:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=_UniqueKeyLoader)  # noqa: S506 (a SafeLoader)
    except FileNotFoundError:
        raise SourceError(path, "-", "file not found") from None
    except yaml.YAMLError as error:
        raise SourceError(path, "-", f"not valid YAML: {error}") from None


def passage_in_article(passage: str, article: str) -> bool:
    return bool(passage) and strip_whitespace(passage) in strip_whitespace(article)


def numbers_in(text: str) -> list[str]:
    return NUMBER.findall(normalize(str(text)))


def stray_numbers(text: str, evidence: str) -> list[str]:
    """Numbers `text` states that `evidence` does not (whole numbers: 3 is not in 30)."""
    known = set(numbers_in(strip_whitespace(evidence)))
    return [n for n in numbers_in(text) if n not in known]


def value_in_passage(value: str, passage: str) -> bool:
    if NUMBER.fullmatch(value):
        return value in numbers_in(strip_whitespace(passage))
    return value in strip_whitespace(passage)  # a number written in characters: 第四位, 破千


def _check_unique(path: Path, ids: list[str]) -> None:
    seen: set[str] = set()
    for entry_id in ids:
        if entry_id in seen:
            raise SourceError(path, entry_id, "duplicate id")
        seen.add(entry_id)


def load_sources_table(path: Path, article: str) -> list[dict]:
    rows = read_yaml(path)["sources"]
    _check_unique(path, [row.get("id", "?") for row in rows])
    for row in rows:
        for key in ("id", "title", "issuer", "date"):
            if not row.get(key):
                raise SourceError(path, row.get("id", "?"), f"missing '{key}'")
        if row.get("doc_number") and not DOC_NUMBER.fullmatch(str(row["doc_number"])):
            raise SourceError(path, row["id"], f"doc_number {row['doc_number']!r} is not a document number")
    return rows


def _sourced_entries(path: Path, key: str, name: str, source_ids: set[str]) -> tuple[str, list[dict]]:
    """A file of entries that all come from one source: (source id, entries with unique names)."""
    document = read_yaml(path)
    source = document.get("source")
    if source not in source_ids:
        raise SourceError(path, "source", f"unknown source {source!r}")
    entries = document.get(key) or []
    _check_unique(path, [entry.get(name, "?") for entry in entries])
    return source, entries


def load_statistics(path: Path, article: str, source_ids: set[str]) -> list[dict]:
    source, facts = _sourced_entries(path, "facts", "id", source_ids)
    rows = []
    for fact in facts:
        passage = strip_whitespace(fact.get("passage") or "")
        if not passage_in_article(passage, article):
            raise SourceError(path, str(fact.get("id", "?")), f"passage not found in the article: {passage[:40]}…")
        rows.append(_checked_statistic(path, fact, passage, source))
    return rows


def load_policy_statistics(path: Path, policies: dict[str, dict]) -> list[dict]:
    """Figures stated by a policy fact; the fact's text is their passage."""
    facts = read_yaml(path).get("facts") or []
    _check_unique(path, [fact.get("id", "?") for fact in facts])
    rows = []
    for fact in facts:
        entry = str(fact.get("id", "?"))
        policy = policies.get(fact.get("policy"))
        if policy is None:
            raise SourceError(path, entry, f"unknown policy {fact.get('policy')!r}")
        if policy["confidence"] == "low":
            raise SourceError(path, entry, f"policy {policy['id']} is low confidence: it may only be cited as 待核实")
        passage = strip_whitespace(policy["fact"])
        figure = {key: value for key, value in fact.items() if key != "policy"}
        rows.append(_checked_statistic(path, {**figure, "passage": passage}, passage, f"policy:{policy['id']}"))
    return rows


def _checked_statistic(path: Path, fact: dict, passage: str, source: str) -> dict:
    entry = str(fact.get("id", "?"))
    unknown = set(fact) - STATISTIC_KEYS
    if unknown:
        raise SourceError(path, entry, f"unknown keys {sorted(unknown)}")
    missing = [key for key in sorted(STATISTIC_REQUIRED) if fact.get(key) in (None, "")]
    if missing:
        raise SourceError(path, entry, f"missing {missing}")
    value = str(fact["value"]).strip()
    if not value_in_passage(value, passage):
        raise SourceError(path, entry, f"value {value!r} does not occur in its passage")
    if value not in strip_whitespace(fact["answer"]):
        raise SourceError(path, entry, f"answer does not state the value {value!r}")
    foreign = stray_numbers(fact["answer"], passage)
    if foreign:
        raise SourceError(path, entry, f"answer states numbers not in the passage: {foreign}")
    year = fact.get("year")
    if year is not None and not (isinstance(year, int) and 1900 < year < 2100):
        raise SourceError(path, entry, f"year must be a four-digit integer, got {year!r}")
    return {
        **fact,
        "value": value,
        "passage": passage,
        "source_id": source,
        "keywords": list(fact.get("keywords") or []),
    }


def load_entities(path: Path, article: str, source_ids: set[str]) -> list[dict]:
    source, entities = _sourced_entries(path, "entities", "name", source_ids)
    for entity in entities:
        name = entity.get("name", "?")
        unknown = set(entity) - ENTITY_KEYS
        if unknown:
            raise SourceError(path, name, f"unknown keys {sorted(unknown)}")
        if not entity.get("type"):
            raise SourceError(path, name, "missing 'type'")
        if not passage_in_article(entity.get("passage", ""), article):
            raise SourceError(path, name, "passage not found in the article")
    return [{**e, "aliases": list(e.get("aliases") or []), "source_id": source} for e in entities]


def load_policies(path: Path) -> list[dict]:
    facts = read_yaml(path)
    _check_unique(path, [fact.get("id", "?") for fact in facts])
    for fact in facts:
        entry = fact.get("id", "?")
        # A reprint that does not name its issuer leaves `issuer` empty: it is never guessed.
        for key in ("fact", "source_title", "confidence"):
            if not fact.get(key):
                raise SourceError(path, entry, f"missing '{key}'")
        if "issuer" not in fact:
            raise SourceError(path, entry, "missing 'issuer' (leave it empty when the source names none)")
        if fact["confidence"] not in CONFIDENCE:
            raise SourceError(path, entry, f"confidence must be one of {sorted(CONFIDENCE)}")
        issued = str(fact.get("issue_date") or "")
        if issued and not ISSUE_DATE.fullmatch(issued):
            raise SourceError(path, entry, f"issue_date {issued!r} is not a date (notes go in source_notes)")
        for key in ("source_title", "issuer"):
            if str(fact.get(key) or "").strip().lower() in ("n/a", "not found", "not seen", "unknown"):
                raise SourceError(
                    path, entry, f"{key} holds a note, not a name (leave it empty; notes go in source_notes)"
                )
        doc_number = fact.get("doc_number")
        if doc_number and not DOC_NUMBER.fullmatch(str(doc_number)):
            raise SourceError(
                path, entry, f"doc_number {doc_number!r} is not a document number (research notes go in source_notes)"
            )
    return facts


def load_english(path: Path) -> dict[str, str]:
    phrases = read_yaml(path) or {}
    for phrase, chinese in phrases.items():
        if not isinstance(phrase, str) or not isinstance(chinese, str) or not phrase.isascii():
            raise SourceError(path, str(phrase), "an English phrase and the Chinese it means")
    return phrases


def load_aspects(path: Path) -> dict:
    """What a question can ask about its subject (aspects.yaml), each with its cues and the
    place to ask when nothing answers it."""
    book = read_yaml(path)
    where = book.get("where_to_ask") or {}
    # Named by the answering code: another province, one school's fees, one school's scores.
    for key in ("province", "tuition", "exam"):
        if not where.get(key):
            raise SourceError(path, "where_to_ask", f"missing '{key}'")
    for name, aspect in (book.get("aspects") or {}).items():
        for key in ("label", "cues", "ask", "where"):
            if not aspect.get(key):
                raise SourceError(path, name, f"missing '{key}'")
        if aspect["where"] not in where:
            raise SourceError(path, name, f"unknown where_to_ask {aspect['where']!r}")
        if "{subject}" not in aspect["ask"]:
            raise SourceError(path, name, "'ask' must name the {subject}")
    for kind, key in (book.get("where_by_kind") or {}).items():
        if key not in where:
            raise SourceError(path, f"where_by_kind.{kind}", f"unknown where_to_ask {key!r}")
    for name, particular in (book.get("particulars") or {}).items():
        for key in ("asks", "label", "where"):
            if not particular.get(key):
                raise SourceError(path, f"particulars.{name}", f"missing '{key}'")
        if particular["where"] not in where:
            raise SourceError(path, f"particulars.{name}", f"unknown where_to_ask {particular['where']!r}")
        for key in ("asks", "held"):
            try:
                re.compile(particular.get(key) or "")
            except re.error as error:
                raise SourceError(path, f"particulars.{name}.{key}", str(error)) from error
    if not (book.get("details") or {}).get("cues"):
        raise SourceError(path, "details", "missing 'cues'")
    return book


def load_topics(
    path: Path, article: str, source_ids: set[str], policies: dict[str, dict], aspects: frozenset[str] = frozenset()
) -> list[dict]:
    topics = read_yaml(path)["topics"]
    _check_unique(path, [topic.get("id", "?") for topic in topics])
    for topic in topics:
        entry = topic.get("id", "?")
        if topic.get("kind") not in TOPIC_KINDS:
            raise SourceError(path, entry, f"kind must be one of {sorted(TOPIC_KINDS)}")
        if not topic.get("name") or not topic.get("values"):
            raise SourceError(path, entry, "missing 'name' or 'values'")
        if numbers_in(topic.get("note", "")):
            raise SourceError(path, entry, "a note gives advice and states no number")
        if not topic.get("statements"):
            raise SourceError(path, entry, "a topic needs at least one statement")
        for position, statement in enumerate(topic["statements"], 1):
            _check_statement(path, f"{entry} statement {position}", statement, article, source_ids, policies)
            unknown = set(statement.get("answers") or ()) - aspects
            if unknown:
                raise SourceError(path, f"{entry} statement {position}", f"unknown aspects {sorted(unknown)}")
            if not all(isinstance(word, str) for word in statement.get("keywords") or ()):
                raise SourceError(path, f"{entry} statement {position}", "keywords must be words")
            if statement.get("one_school") not in (None, True, False):
                raise SourceError(path, f"{entry} statement {position}", "one_school is true or false")
    return topics


def _check_statement(
    path: Path, entry: str, statement: dict, article: str, source_ids: set[str], policies: dict[str, dict]
) -> None:
    """A statement cites the article (with a quoted passage) or a policy fact by id, and may
    state only numbers found in what it cites."""
    text = statement.get("text", "")
    if not text:
        raise SourceError(path, entry, "missing 'text'")
    if "policy" in statement:
        fact = policies.get(statement["policy"])
        if fact is None:
            raise SourceError(path, entry, f"unknown policy fact {statement['policy']!r}")
        evidence = " ".join(
            str(fact.get(k) or "")
            for k in ("fact", "value", "effective_date", "issue_date", "doc_number", "source_notes", "notes")
        )
    elif statement.get("source") in source_ids:
        evidence = statement.get("passage", "")
        if statement["source"] == ARTICLE_SOURCE and not passage_in_article(evidence, article):
            raise SourceError(path, entry, "passage not found in the article")
    else:
        raise SourceError(path, entry, "a statement needs 'policy' or a known 'source' (no fact without a source)")
    foreign = stray_numbers(text, evidence)
    if foreign:
        raise SourceError(path, entry, f"states numbers not in its source: {foreign}")


def load_vocabulary(path: Path) -> dict[str, dict[str, list[str]]]:
    vocabulary = read_yaml(path)
    for kind, values in vocabulary.items():
        for canonical, aliases in values.items():
            if not isinstance(aliases, list):
                raise SourceError(path, f"{kind}.{canonical}", "aliases must be a list")
    return vocabulary


def load_subsidy_rules(path: Path, policies: list[dict]) -> str:
    from knowledge.eligibility import parse_rules

    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(path, "-", "file not found") from None
    try:
        parse_rules(text, {fact["id"]: fact for fact in policies}, path.name)
    except (ValueError, yaml.YAMLError) as error:
        raise SourceError(path, "-", str(error)) from None
    return text


def load_all(directory: Path | None = None) -> Sources:
    """Read and validate every source file; raises SourceError on the first bad entry."""
    directory = directory or settings.SOURCES_DIR
    article_path = directory / "article-2022.txt"
    try:
        article = article_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SourceError(article_path, "-", "file not found") from None
    sources = load_sources_table(directory / "sources.yaml", article)
    policies = load_policies(directory / "policy_facts.yaml") + load_policies(directory / ADDED_POLICY_FACTS)
    _check_unique(directory / ADDED_POLICY_FACTS, [fact["id"] for fact in policies])
    subsidy_rules = load_subsidy_rules(directory / "subsidy_rules.yaml", policies)
    source_ids = {row["id"] for row in sources}
    by_id = {fact["id"]: fact for fact in policies}
    statistics = load_statistics(directory / "article_statistics.yaml", article, source_ids)
    statistics += load_policy_statistics(directory / "policy_statistics.yaml", by_id)
    _check_unique(directory / "policy_statistics.yaml", [s["id"] for s in statistics])
    aspects = load_aspects(directory / "aspects.yaml")
    return Sources(
        sources=sources,
        statistics=statistics,
        entities=load_entities(directory / "article_entities.yaml", article, source_ids),
        policies=policies,
        topics=load_topics(directory / "topics.yaml", article, source_ids, by_id, frozenset(aspects["aspects"])),
        vocabulary=load_vocabulary(directory / "vocabulary.yaml"),
        article=article,
        subsidy_rules=subsidy_rules,
        aspects=aspects,
        english=load_english(directory / "english.yaml"),
    )
