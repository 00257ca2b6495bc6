"""Reports from daily counts: periods, totals, shares, charts and CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import date

import pytest

from console.reports import build_report, charts, csv_text, parse_period

TODAY = date(2026, 12, 6)  # a Sunday, in ISO week 2026-W49

ROWS = [
    ("qingcheng", "2026-11-30", "conversations", 3),
    ("qingcheng", "2026-11-30", "messages", 11),
    ("qingcheng", "2026-12-02", "conversations", 2),
    ("qingcheng", "2026-12-02", "messages", 5),
    ("qingcheng", "2026-12-02", "answered", 12),
    ("qingcheng", "2026-12-02", "declined", 3),
    ("qingcheng", "2026-12-02", "out_of_scope", 1),
    ("qingcheng", "2026-12-02", "subject:单招", 7),
    ("qingcheng", "2026-12-02", "subject:资助", 4),
    ("qingcheng", "2026-12-02", "kind:how_much", 4),
    ("qingcheng", "2026-12-02", "check_started", 2),
    ("qingcheng", "2026-12-02", "check_finished", 1),
    ("other", "2026-12-03", "conversations", 4),
]


@pytest.mark.parametrize(
    "week, month, expected",
    [
        (None, None, ("week", "2026-W49", date(2026, 11, 30), date(2026, 12, 6))),
        ("2026-W01", None, ("week", "2026-W01", date(2025, 12, 29), date(2026, 1, 4))),
        (None, "2026-02", ("month", "2026-02", date(2026, 2, 1), date(2026, 2, 28))),
        (None, "2026-12", ("month", "2026-12", date(2026, 12, 1), date(2026, 12, 31))),
        ("2026-W99", "2026-13", ("week", "2026-W49", date(2026, 11, 30), date(2026, 12, 6))),
        ("'; drop", None, ("week", "2026-W49", date(2026, 11, 30), date(2026, 12, 6))),
    ],
)
def test_period(week, month, expected):
    period = parse_period(week, month, TODAY)

    assert expected == (period.kind, period.value, period.first, period.last)


def test_report_totals_shares_subjects_and_schools():
    report = build_report(parse_period(None, None, TODAY), ROWS)

    assert (9, 16) == (report.totals["conversations"], report.totals["messages"])
    assert 0.75 == report.share("answered")
    assert [("单招", 7), ("资助", 4)] == report.subjects.most_common()
    assert {"qingcheng": 5, "other": 4} == dict(report.by_school)
    assert 5 == report.by_day["2026-12-02"]["messages"]


def test_charts_show_the_counts_in_their_bars():
    report = build_report(parse_period(None, None, TODAY), ROWS)

    rendered = dict(charts(report, across_schools=True))

    assert "单招：7" in rendered["问到的主题"]
    assert "12-02 消息：5" in rendered["每天的对话和消息"]
    assert "已回答 75%（12）" in rendered["回答情况"]
    assert "qingcheng：5" in rendered["各学校的对话"]


def test_chart_labels_are_escaped():
    report = build_report(parse_period(None, None, TODAY), [("s", "2026-12-01", "subject:<script>", 1)])

    chart = dict(charts(report, across_schools=False))["问到的主题"]

    assert "<script>" not in chart and "&lt;script&gt;" in chart


def test_an_empty_period_says_so_instead_of_drawing_nothing():
    report = build_report(parse_period(None, None, TODAY), [])

    assert "本期没有数据" in dict(charts(report, across_schools=False))["问到的主题"]
    assert not re.search(r'class="bar"[^>]*height="[1-9]', dict(charts(report, False))["每天的对话和消息"])


def test_csv_has_a_header_and_every_row():
    text = csv_text(ROWS)

    assert text.startswith("\ufeff")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert ["学校", "日期", "指标", "次数"] == table[0]
    assert len(ROWS) == len(table) - 1
    assert ["other", "2026-12-03", "conversations", "4"] == table[1]


def test_kinds_are_named_as_knowledge_sources_aspects_name_them():
    report = build_report(parse_period(None, None, TODAY), ROWS)

    assert "金额标准：4" in dict(charts(report, across_schools=False))["问题类型"]
