"""Audit a built knowledge base: can every number it holds be traced to its source?

This reads the database, not the source files, so it checks what the assistant will
actually say; `python -m knowledge.provenance` prints the problems, if any.
"""

from __future__ import annotations

import sys
from pathlib import Path

from knowledge import settings
from knowledge.schema import passage_in_article, stray_numbers, value_in_passage
from knowledge.store import KnowledgeStore
from knowledge.text import strip_whitespace


def audit(db_path: Path, article: str) -> list[str]:
    store = KnowledgeStore(db_path)
    try:
        return _problems(store, article)
    finally:
        store.close()


def _problems(store: KnowledgeStore, article: str) -> list[str]:
    problems: list[str] = []
    sources = {row["id"]: row for row in store.rows("sources")}
    policies = store.rows("policies")
    by_source = {row["source_id"]: row for row in policies}
    by_id = {row["id"]: row for row in policies}
    for row in store.rows("statistics"):
        fact_id, value, answer, passage, source_id = (row[k] for k in ("id", "value", "answer", "passage", "source_id"))
        if source_id not in sources:
            problems.append(f"statistic {fact_id}: no source")
        if source_id.startswith("policy:"):
            # A policy figure's passage is the text of its policy fact.
            policy = by_source.get(source_id)
            if policy is None or strip_whitespace(policy["fact"]) != passage:
                problems.append(f"statistic {fact_id}: passage is not its policy fact")
            elif policy["confidence"] == "low":
                problems.append(f"statistic {fact_id}: rests on a low-confidence policy fact")
        elif not passage_in_article(passage, article):
            problems.append(f"statistic {fact_id}: passage not in the article")
        if not value_in_passage(value, passage):
            problems.append(f"statistic {fact_id}: value {value} not in its passage")
        stray = stray_numbers(answer, passage)
        if stray:
            problems.append(f"statistic {fact_id}: answer has numbers not in its passage {stray}")
    for row in store.rows("statements"):
        where = f"topic {row['topic_id']} statement {row['position']}"
        source = sources.get(row["source_id"])
        if source is None:
            problems.append(f"{where}: no source")
            continue
        if row["policy_id"]:
            policy = by_id.get(row["policy_id"]) or {}
            evidence = " ".join(str(policy.get(k) or "") for k in ("fact", "value", "effective_date", "notes"))
            evidence += " " + " ".join(str(source[k] or "") for k in ("date", "doc_number", "notes"))
        else:
            evidence = row["passage"]
            if not passage_in_article(evidence, article):
                problems.append(f"{where}: passage not in the article")
        stray = stray_numbers(row["text"], evidence)
        if stray:
            problems.append(f"{where}: numbers not in its source {stray}")
    return problems


def main() -> int:
    problems = audit(settings.knowledge_db_path(), settings.ARTICLE_PATH.read_text(encoding="utf-8"))
    for problem in problems:
        print(problem)
    print(f"{len(problems)} provenance problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
