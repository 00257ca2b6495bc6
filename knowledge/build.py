"""Validate knowledge/sources/ and write the SQLite knowledge base.

    python -m knowledge.build [--db PATH]

The database is written to a temporary file and moved into place only when everything
validated, so a bad edit leaves the previous database in use.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

import sqlite_utils

from knowledge import settings
from knowledge.pinyin import build_lexicon
from knowledge.schema import SourceError, Sources, load_all
from knowledge.text import dictionary_tags, segment

SCHEMA_VERSION = 5


def _policy_source(fact: dict) -> dict:
    found_at = fact.get("found_at") or []
    return {
        "id": f"policy:{fact['id']}",
        "title": fact["source_title"],
        "issuer": fact["issuer"],
        "date": str(fact.get("issue_date") or ""),
        "doc_number": fact.get("doc_number") or "",
        "url": next((u.split(" ")[0] for u in found_at if str(u).startswith("http")), ""),
        "kind": "policy",
        # Never shown: what research found about the document (no number seen, second-hand).
        "notes": fact.get("source_notes") or "",
    }


def write_database(data: Sources, path: Path) -> None:
    db = sqlite_utils.Database(path, recreate=True)
    db.table("meta").insert_all(
        [
            {"key": "schema_version", "value": str(SCHEMA_VERSION)},
            {"key": "built_at", "value": time.strftime("%Y-%m-%dT%H:%M:%S")},
            {"key": "subsidy_rules", "value": data.subsidy_rules},
            {"key": "aspects", "value": json.dumps(data.aspects, ensure_ascii=False)},
            {"key": "english", "value": json.dumps(data.english, ensure_ascii=False)},
        ],
        pk="key",
    )
    sources = [{"doc_number": "", "url": "", "kind": "article", "notes": "", **row} for row in data.sources]
    sources += [_policy_source(fact) for fact in data.policies]
    db.table("sources").insert_all(sources, pk="id")

    db.table("statistics").insert_all(
        (
            {
                "id": s["id"],
                "metric": s["metric"],
                "scope": s["scope"],
                "subject": s.get("subject") or "",
                "value": s["value"],
                "unit": s["unit"],
                "year": s.get("year"),
                "period": s.get("period") or "",
                "kind": s.get("kind") or "",
                "keywords": json.dumps(s["keywords"], ensure_ascii=False),
                "answer": s["answer"],
                "passage": s["passage"],
                "source_id": s["source_id"],
            }
            for s in data.statistics
        ),
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
    )
    db.table("policies").insert_all(
        (
            {
                "id": p["id"],
                "topic": p.get("topic") or "",
                "scope": p.get("scope") or "",
                "region": p.get("region") or "",
                "fact": p["fact"],
                "value": str(p.get("value") or ""),
                "unit": p.get("unit") or "",
                "effective_date": str(p.get("effective_date") or ""),
                "confidence": p["confidence"],
                "notes": p.get("notes") or "",
                "source_id": f"policy:{p['id']}",
            }
            for p in data.policies
        ),
        pk="id",
        foreign_keys=[("source_id", "sources", "id")],
    )
    db.table("entities").insert_all(
        (
            {
                "name": e["name"],
                "type": e["type"],
                "aliases": json.dumps(e["aliases"], ensure_ascii=False),
                "description": e.get("description") or "",
                "passage": e.get("passage") or "",
                "source_id": e["source_id"],
            }
            for e in data.entities
        ),
        pk="name",
    )
    db.table("topics").insert_all(
        (
            {
                "id": t["id"],
                "kind": t["kind"],
                "name": t["name"],
                "scope": t.get("scope") or "",
                "topic_values": json.dumps(t["values"], ensure_ascii=False),
                "short": t.get("short") or t["values"][0],
                "in_menu": t.get("in_menu", True),
                "note": t.get("note") or "",
            }
            for t in data.topics
        ),
        pk="id",
    )
    db.table("statements").insert_all(
        (
            {
                "topic_id": t["id"],
                "position": i,
                "text": s["text"],
                "source_id": f"policy:{s['policy']}" if "policy" in s else s["source"],
                "policy_id": s.get("policy"),
                "passage": s.get("passage") or "",
                "aspects": json.dumps(s.get("answers") or [], ensure_ascii=False),
                "keywords": json.dumps(s.get("keywords") or [], ensure_ascii=False),
                "one_school": bool(s.get("one_school")),
            }
            for t in data.topics
            for i, s in enumerate(t["statements"])
        ),
        pk=("topic_id", "position"),
    )
    db.table("vocabulary").insert_all(
        (
            {"kind": kind, "alias": alias, "canonical": canonical}
            for kind, values in data.vocabulary.items()
            for canonical, aliases in values.items()
            for alias in {canonical, *aliases}
        ),
        pk=("kind", "alias"),
        replace=True,
    )
    db.table("word_tags").insert_all(
        ({"word": word, "tag": tag} for word, tag in dictionary_tags()), pk="word", batch_size=10_000
    )
    # Questions typed in pinyin (knowledge/pinyin.py): how each known word is spelled.
    spelled = build_lexicon(data.vocabulary)
    db.table("pinyin").insert_all(
        ({"spelling": spelling, "word": word} for spelling, word in spelled.items()), pk="spelling"
    )
    db.table("documents").insert_all(_search_documents(data), pk="doc_id")
    db.table("documents").enable_fts(["segmented"], fts_version="FTS5")
    db.conn.commit()
    db.close()


def _search_documents(data: Sources):
    """What the search fallback can find: every fact and statement, segmented by jieba."""
    for s in data.statistics:
        text = " ".join([s["metric"], *s["keywords"], s["answer"], s["passage"]])
        yield {
            "doc_id": f"statistic:{s['id']}",
            "kind": "statistic",
            "title": s["metric"],
            "body": s["answer"],
            "source_id": s["source_id"],
            "segmented": " ".join(segment(text)),
        }
    for t in data.topics:
        for i, statement in enumerate(t["statements"]):
            text = " ".join([t["name"], *t["values"], statement["text"]])
            yield {
                "doc_id": f"topic:{t['id']}:{i}",
                "kind": "topic",
                "title": t["name"],
                "body": statement["text"],
                "source_id": f"policy:{statement['policy']}" if "policy" in statement else statement["source"],
                "segmented": " ".join(segment(text)),
            }
    for e in data.entities:
        text = " ".join([e["name"], *e["aliases"], e.get("description") or ""])
        yield {
            "doc_id": f"entity:{e['name']}",
            "kind": "entity",
            "title": e["name"],
            "body": e.get("description") or e["name"],
            "source_id": e["source_id"],
            "segmented": " ".join(segment(text)),
        }


def build(db_path: Path | None = None, sources_dir: Path | None = None) -> Path:
    """Validate the sources and replace the database atomically; returns its path."""
    db_path = db_path or settings.knowledge_db_path()
    data = load_all(sources_dir)
    db_path.parent.mkdir(parents=True, exist_ok=True)
    temporary = db_path.with_name(db_path.name + ".building")
    temporary.unlink(missing_ok=True)
    try:
        write_database(data, temporary)
        os.replace(temporary, db_path)
    finally:
        temporary.unlink(missing_ok=True)
    return db_path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=None, help="output database (default: $KB_PATH or var/knowledge.db)")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    try:
        path = build(args.db)
    except SourceError as error:
        print(f"knowledge base not rebuilt: {error}", file=sys.stderr)
        print("the previous database, if any, is unchanged.", file=sys.stderr)
        return 1
    print(f"knowledge base written to {path} in {time.perf_counter() - started:.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
