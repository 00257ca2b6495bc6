"""Audit a built knowledge base: can every number it holds be traced to its source?

This reads the database, not the source files, so it checks what the assistant will
actually say; `python -m knowledge.provenance` prints the problems, if any.
"""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from knowledge import settings
from knowledge.schema import passage_in_article, stray_numbers, value_in_passage
from knowledge.text import strip_whitespace


def audit(db_path: Path, article: str) -> list[str]:
    db = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    problems: list[str] = []
    sources = {row[0] for row in db.execute("select id from sources")}
    for fact_id, value, answer, passage, source_id in db.execute(
            "select id, value, answer, passage, source_id from statistics"):
        if source_id not in sources:
            problems.append(f"statistic {fact_id}: no source")
        if source_id.startswith("policy:"):
            # A policy figure's passage is the text of its policy fact.
            row = db.execute("select fact, confidence from policies where source_id = ?", (source_id,)).fetchone()
            if row is None or strip_whitespace(row[0]) != passage:
                problems.append(f"statistic {fact_id}: passage is not its policy fact")
            elif row[1] == "low":
                problems.append(f"statistic {fact_id}: rests on a low-confidence policy fact")
        elif not passage_in_article(passage, article):
            problems.append(f"statistic {fact_id}: passage not in the article")
        if not value_in_passage(value, passage):
            problems.append(f"statistic {fact_id}: value {value} not in its passage")
        stray = stray_numbers(answer, passage)
        if stray:
            problems.append(f"statistic {fact_id}: answer has numbers not in its passage {stray}")
    for topic_id, position, text, source_id, policy_id, passage in db.execute(
            "select topic_id, position, text, source_id, policy_id, passage from statements"):
        where = f"topic {topic_id} statement {position}"
        if source_id not in sources:
            problems.append(f"{where}: no source")
            continue
        if policy_id:
            row = db.execute("select fact, value, effective_date, notes from policies where id = ?", (policy_id,)).fetchone()
            evidence = " ".join(str(part) for part in (row or ()))
            evidence += " " + " ".join(db.execute("select date, doc_number from sources where id = ?", (source_id,)).fetchone())
        else:
            evidence = passage
            if not passage_in_article(passage, article):
                problems.append(f"{where}: passage not in the article")
        stray = stray_numbers(text, evidence)
        if stray:
            problems.append(f"{where}: numbers not in its source {stray}")
    db.close()
    return problems


def main() -> int:
    problems = audit(settings.knowledge_db_path(), settings.ARTICLE_PATH.read_text(encoding="utf-8"))
    for problem in problems:
        print(problem)
    print(f"{len(problems)} provenance problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
