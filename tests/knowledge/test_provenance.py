"""Every number the assistant can state is traceable to the passage or fact it came from."""

from __future__ import annotations

import re
import shutil
import sqlite3

import pytest
import yaml

from knowledge import settings
from knowledge.provenance import audit
from knowledge.text import strip_whitespace

ARTICLE = settings.ARTICLE_PATH.read_text(encoding="utf-8")
FACTS = yaml.safe_load((settings.SOURCES_DIR / "article_statistics.yaml").read_text(encoding="utf-8"))["facts"]

# Numbers in the article that are not statistics, each with the reason it is not a fact.
NOT_STATISTICS = [
    (re.compile(r"(?:19|20)\d\d(?=年|—|-)"), "a year (the facts carry it as their year or period)"),
    (re.compile(r"\d+(?=月)"), "a month in a date"),
    (re.compile(r"(?<=月)\d+(?=日)"), "a day in a date"),
    (re.compile(r"(?<=第)\d+(?=届)"), "an edition number of a competition"),
    (re.compile(r"3(?=\+2)"), "the name of the 3+2 programme"),
    (re.compile(r"(?<=3\+)2"), "the name of the 3+2 programme"),
    (re.compile(r"\d+(?=强)"), "part of an award's name (全国…50强)"),
    (re.compile(r"(?<=导向)\d+(?=项)"), "a heading repeating the 15 measures / 31 tasks"),
]


def test_the_built_knowledge_base_traces_every_number(built_db):
    assert [] == audit(built_db, ARTICLE)


@pytest.mark.parametrize("fact", FACTS, ids=[f["id"] for f in FACTS])
def test_article_fact_is_quoted_verbatim_with_its_number(fact):
    passage = strip_whitespace(fact["passage"])
    assert passage in strip_whitespace(ARTICLE)
    assert str(fact["value"]) in passage


def test_every_number_in_the_article_is_a_fact_or_explained():
    article = strip_whitespace(ARTICLE)
    covered = set()
    for fact in FACTS:
        passage = strip_whitespace(fact["passage"])
        start = article.find(passage)
        covered |= {start + m.start() for m in re.finditer(re.escape(str(fact["value"])), passage)}
    explained = {m.start() for pattern, _ in NOT_STATISTICS for m in pattern.finditer(article)}
    missing = [
        article[max(0, m.start() - 10) : m.end() + 5]
        for m in re.finditer(r"\d+(?:\.\d+)?", article)
        if m.start() not in covered | explained
    ]
    assert [] == missing


PLANTS = [
    ("update statistics set value = '238' where id = 'schools-total'", "schools-total"),
    ("update statistics set passage = '如今内蒙古有职业院校238所' where id = 'schools-total'", "schools-total"),
    ("update statistics set answer = '内蒙古共有职业院校239所' where id = 'schools-total'", "schools-total"),
    ("update statistics set source_id = 'nowhere' where id = 'students-total'", "students-total"),
    (
        "update statistics set value = '2050', answer = '2025年职业本科首次招生2050人' "
        "where id = 'vocational-bachelor-enrollment-2025'",
        "vocational-bachelor-enrollment-2025",
    ),
    (
        "update policies set fact = '3所院校首次招生2040人' where id = 'ZB-NM-SCHOOLS-2025'",
        "vocational-bachelor-enrollment-2025",
    ),
    ("update policies set confidence = 'low' where id = 'ZZ-NM-FUNDING-2022'", "student-aid-funding-2022"),
    (
        "update statements set text = text || '，共9999所' where topic_id = 'admission-separate' and position = 1",
        "admission-separate",
    ),
    (
        "update statements set text = '免学费标准每生每年2500元' "
        "where topic_id = 'subsidy-tuition-secondary' and position = 0",
        "subsidy-tuition-secondary",
    ),
]


@pytest.mark.parametrize("statement, culprit", PLANTS)
def test_audit_catches_a_planted_mismatch(built_db, tmp_path, statement, culprit):
    planted = tmp_path / "planted.db"
    shutil.copy(built_db, planted)
    with sqlite3.connect(planted) as db:
        db.execute(statement)
    problems = audit(planted, ARTICLE)
    assert any(culprit in problem for problem in problems), problems
