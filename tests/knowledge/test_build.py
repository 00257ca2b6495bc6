"""A bad edit to a source file fails with the file and entry named, and the previous
database stays in use."""

from __future__ import annotations

import shutil

import pytest

from knowledge import settings
from knowledge.build import build, main
from knowledge.kb import KnowledgeBase
from knowledge.schema import SourceError
from tests.knowledge import tiny


@pytest.fixture
def sources(tmp_path):
    copy = tmp_path / "sources"
    shutil.copytree(settings.SOURCES_DIR, copy)
    return copy


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


BAD_EDITS = [
    # (file, text to replace, replacement, entry the message must name)
    ("article_statistics.yaml", 'value: "237"', 'value: "238"', "schools-total"),
    ("article_statistics.yaml", 'value: "237"', 'value: "23七"', "schools-total"),
    ("article_statistics.yaml", "id: schools-secondary", "id: schools-total", "schools-total"),
    ("article_statistics.yaml", "source: article-2022", "source: a-blog", "source"),
    ("topics.yaml", "policy: ZZ-JIANGXUEJIN-NAT", "policy: NO-SUCH-FACT", "subsidy-scholarship-secondary"),
    ("topics.yaml", "        policy: ZZ-JIANGXUEJIN-NAT\n", "", "subsidy-scholarship-secondary"),
    ("topics.yaml", "全国每年奖励2万名", "全国每年奖励3万名", "subsidy-scholarship-secondary"),
    ("policy_facts.yaml", "confidence: high", "confidence: very", "GZ-GUOJIANG-2024"),
    ("policy_statistics.yaml", 'value: "2040"', 'value: "2400"', "vocational-bachelor-enrollment-2025"),
    ("policy_statistics.yaml", "policy: ZB-NM-SCHOOLS-2025", "policy: NO-SUCH-FACT", "vocational-universities-2025"),
    (
        "policy_statistics.yaml",
        "首次招生2040人。",
        "首次招生2040人，录取率90%。",
        "vocational-bachelor-enrollment-2025",
    ),
    ("policy_statistics.yaml", "id: schools-higher-2025", "id: schools-higher", "schools-higher"),
]


def test_a_figure_resting_on_a_low_confidence_fact_is_refused(sources, tmp_path):
    facts = sources / "policy_facts.yaml"
    text = facts.read_text(encoding="utf-8")
    start = text.index("- id: NM-12-MENGSHI")
    facts.write_text(text[:start] + text[start:].replace("confidence: medium", "confidence: low", 1), encoding="utf-8")
    with pytest.raises(SourceError, match="leagues-and-cities.*low confidence"):
        build(tmp_path / "kb.db", sources)


@pytest.mark.parametrize("filename, old, new, entry", BAD_EDITS)
def test_a_bad_edit_is_refused_with_file_and_entry(sources, tmp_path, filename, old, new, entry):
    edit(sources / filename, old, new)
    with pytest.raises(SourceError) as raised:
        build(tmp_path / "kb.db", sources)
    assert filename in str(raised.value)
    assert entry in str(raised.value)


def test_a_passage_not_in_the_article_is_refused(sources, tmp_path):
    edit(sources / "article-2022.txt", "有职业院校 237所", "有职业院校 236所")
    with pytest.raises(SourceError, match="schools-total.*passage not found"):
        build(tmp_path / "kb.db", sources)


def test_the_previous_database_stays_after_a_failed_build(sources, tmp_path):
    db = build(tmp_path / "kb.db", sources)
    before = db.read_bytes()
    edit(sources / "article_statistics.yaml", 'value: "237"', 'value: "238"')
    with pytest.raises(SourceError):
        build(db, sources)
    assert before == db.read_bytes()
    assert "237" == KnowledgeBase(db).match_statistic("一共有多少所职业院校").statistic.value


def test_the_command_reports_the_bad_entry_and_exits_nonzero(monkeypatch, sources, tmp_path, capsys):
    edit(sources / "article_statistics.yaml", "id: schools-secondary", "id: schools-total")
    monkeypatch.setattr(settings, "SOURCES_DIR", sources)
    assert 1 == main(["--db", str(tmp_path / "kb.db")])
    assert "duplicate id" in capsys.readouterr().err


@pytest.mark.parametrize(
    "doc_number",
    ["not found", "n/a（期刊访谈）", "not seen（通常引作 国发〔2019〕4号，未核实）", "内教学函〔2024〕3号（通知）"],
)
def test_a_doc_number_that_is_not_a_document_number_is_refused(tmp_path, doc_number):
    facts = [{**tiny.POLICY_FACTS[0], "doc_number": doc_number}]
    with pytest.raises(SourceError, match="NM-SCHOOLS-2025.*not a document number"):
        build(tmp_path / "kb.db", tiny.write_sources(tmp_path / "sources", POLICY_FACTS=facts))


@pytest.mark.parametrize(
    "doc_number", ["财教〔2024〕181号", "主席令第112号", "内教招考普〔2023〕1号；财教〔2012〕376号"]
)
def test_a_document_number_is_accepted(tmp_path, doc_number):
    facts = [{**tiny.POLICY_FACTS[0], "doc_number": doc_number}]
    build(tmp_path / "kb.db", tiny.write_sources(tmp_path / "sources", POLICY_FACTS=facts))


def test_a_key_written_twice_is_refused(sources, tmp_path):
    # YAML keeps the second silently: a statement's `answers:` would move to the one before it.
    edit(
        sources / "topics.yaml",
        "        answers: [who_can]\n",
        "        answers: [who_can]\n        answers: [how_much]\n",
    )
    with pytest.raises(SourceError, match="topics.yaml.*written twice"):
        build(tmp_path / "kb.db", sources)
