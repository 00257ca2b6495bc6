"""What students asked in a week or a month: totals, shares, and charts as inline SVG.

Built from the daily counts (console.schema.daily_counts) only: counts, never message text.
Pure functions, so they are tested on rows written by hand.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache
from html import escape
from pathlib import Path

import yaml
from markupsafe import Markup

from console import background

Row = tuple[str, str, str, int]  # school_id, day, measure, count

_WEEK = re.compile(r"(\d{4})-W(\d{2})")
_MONTH = re.compile(r"(\d{4})-(\d{2})")

TOTALS = {
    "conversations": "对话",
    "messages": "消息",
    "answered": "已回答",
    "answered_by_school": "其中用本校老师的回答",
    "declined": "未能回答",
    "out_of_scope": "超出范围",
    "check_started": "开始资助测算",
    "check_finished": "完成资助测算",
    "widget_open": "打开对话窗口",
}
OUTCOMES = ("answered", "declined", "out_of_scope")
OUTCOME_COLORS = {"answered": "#2e7d32", "declined": "#e65100", "out_of_scope": "#757575"}
ASPECTS = Path(__file__).resolve().parents[1] / "knowledge" / "sources" / "aspects.yaml"


@lru_cache(maxsize=1)
def kind_labels() -> dict[str, str]:
    """A kind of question (kind:how_much) is an aspect of knowledge/sources/aspects.yaml,
    named there once (“金额标准”); the report shows that name."""
    aspects = yaml.safe_load(ASPECTS.read_text(encoding="utf-8")).get("aspects", {})
    return {name: str(aspect.get("label", name)) for name, aspect in aspects.items()}


@dataclass(frozen=True)
class Period:
    kind: str  # "week" or "month"
    value: str  # 2026-W49 or 2026-12
    first: date
    last: date

    @property
    def label(self) -> str:
        if self.kind == "week":
            return f"{self.first:%Y年%m月%d日}–{self.last:%m月%d日}（{self.value}）"
        return f"{self.first:%Y年%m月}"

    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range((self.last - self.first).days + 1)]


def today_in_china() -> date:
    """The day counts made now are filed under (console.background counts by China's day)."""
    return date.fromisoformat(background.today())


def week(day: date) -> Period:
    year, number, _ = day.isocalendar()
    first = date.fromisocalendar(year, number, 1)
    return Period("week", f"{year}-W{number:02d}", first, first + timedelta(days=6))


def parse_period(week_value: str | None, month_value: str | None, today: date) -> Period:
    """The week (2026-W49) or month (2026-12) asked for; this week if neither is valid."""
    if month_value and (match := _MONTH.fullmatch(month_value)):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12 and 2000 <= year <= 2100:
            first = date(year, month, 1)
            following = date(year + month // 12, month % 12 + 1, 1)
            return Period("month", month_value, first, following - timedelta(days=1))
    if week_value and (match := _WEEK.fullmatch(week_value)):
        try:
            return week(date.fromisocalendar(int(match[1]), int(match[2]), 1))
        except ValueError:
            pass
    return week(today)


@dataclass
class Report:
    period: Period
    totals: Counter = field(default_factory=Counter)
    by_day: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    subjects: Counter = field(default_factory=Counter)
    kinds: Counter = field(default_factory=Counter)
    by_school: Counter = field(default_factory=Counter)

    def share(self, outcome: str) -> float:
        handled = sum(self.totals[name] for name in OUTCOMES)
        return self.totals[outcome] / handled if handled else 0.0


def build_report(period: Period, rows: Iterable[Row]) -> Report:
    report = Report(period)
    for school_id, day, measure, count in rows:
        if measure.startswith("subject:"):
            report.subjects[measure.removeprefix("subject:")] += count
        elif measure.startswith("kind:"):
            report.kinds[measure.removeprefix("kind:")] += count
        else:
            report.totals[measure] += count
            report.by_day[day][measure] += count
            if measure == "conversations":
                report.by_school[school_id or "（未指定学校）"] += count
    return report


def csv_text(rows: Iterable[Row]) -> str:
    """The rows as CSV (with a BOM, so spreadsheet programs read the Chinese column names)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["学校", "日期", "指标", "次数"])
    for school_id, day, measure, count in sorted(rows):
        writer.writerow([school_id, day, measure, count])
    return "\ufeff" + out.getvalue()


# ----------------------------------------------------------------- charts

_FONT = 'font-family="sans-serif" font-size="12"'


def _svg(width: int, height: int, label: str, body: list[str]) -> Markup:
    return Markup(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" aria-label="{escape(label)}"><title>{escape(label)}</title>'
        + "".join(body)
        + "</svg>"
    )


def horizontal_bars(label: str, values: list[tuple[str, int]], color: str = "#1a73e8") -> Markup:
    """One bar per (name, count), longest first as given; the count written after each bar."""
    row, left, width = 26, 150, 560
    if not values:
        return _svg(width, 40, label, [f'<text x="0" y="24" {_FONT} fill="#666">本期没有数据</text>'])
    top = max(count for _, count in values) or 1
    body = []
    for index, (name, count) in enumerate(values):
        y = index * row
        length = round((width - left - 60) * count / top)
        body.append(
            f'<text x="{left - 8}" y="{y + 17}" text-anchor="end" {_FONT}>{escape(name[:14])}</text>'
            f'<rect class="bar" x="{left}" y="{y + 4}" width="{max(length, 1)}" height="18" fill="{color}">'
            f"<title>{escape(name)}：{count}</title></rect>"
            f'<text x="{left + length + 6}" y="{y + 17}" {_FONT}>{count}</text>'
        )
    return _svg(width, row * len(values) + 4, label, body)


def daily_columns(label: str, report: Report, measures: tuple[str, ...] = ("conversations", "messages")) -> Markup:
    """Columns per day of the period for each measure, side by side."""
    days = report.period.days()
    colors = ("#1a73e8", "#90caf9")
    height, bottom, left = 180, 30, 36
    slot = max(14, min(70, 600 // len(days)))
    width = left + slot * len(days) + 10
    top = max([report.by_day[day.isoformat()][m] for day in days for m in measures] + [1])
    bar = (slot - 6) / len(measures)
    body = [f'<line x1="{left}" y1="{height - bottom}" x2="{width}" y2="{height - bottom}" stroke="#999"/>']
    body.append(f'<text x="{left - 4}" y="14" text-anchor="end" {_FONT}>{top}</text>')
    for index, day in enumerate(days):
        x = left + index * slot + 3
        for number, measure in enumerate(measures):
            count = report.by_day[day.isoformat()][measure]
            length = round((height - bottom - 20) * count / top)
            body.append(
                f'<rect class="bar" x="{x + number * bar:.1f}" y="{height - bottom - length}" width="{bar:.1f}" '
                f'height="{length}" fill="{colors[number % 2]}">'
                f"<title>{day:%m-%d} {TOTALS[measure]}：{count}</title></rect>"
            )
        if len(days) <= 7 or day.day % 5 == 1:
            body.append(f'<text x="{x}" y="{height - 12}" {_FONT}>{day:%m-%d}</text>')
    for number, measure in enumerate(measures):
        body.append(
            f'<rect x="{left + number * 90}" y="{height - 8}" width="10" height="8" fill="{colors[number % 2]}"/>'
            f'<text x="{left + number * 90 + 14}" y="{height}" {_FONT}>{TOTALS[measure]}</text>'
        )
    return _svg(width, height + 4, label, body)


def outcome_bar(label: str, report: Report) -> Markup:
    """One bar split into the shares answered / declined / out of scope."""
    width, left = 560, 0
    body = []
    x = float(left)
    for outcome in OUTCOMES:
        share = report.share(outcome)
        length = (width - left) * share
        if length:
            body.append(
                f'<rect class="bar" x="{x:.1f}" y="0" width="{length:.1f}" height="28" '
                f'fill="{OUTCOME_COLORS[outcome]}">'
                f"<title>{TOTALS[outcome]}：{share:.0%}</title></rect>"
            )
        x += length
    for number, outcome in enumerate(OUTCOMES):
        body.append(
            f'<rect x="{number * 180}" y="38" width="10" height="10" fill="{OUTCOME_COLORS[outcome]}"/>'
            f'<text x="{number * 180 + 14}" y="48" {_FONT}>{TOTALS[outcome]} {report.share(outcome):.0%}'
            f"（{report.totals[outcome]}）</text>"
        )
    return _svg(width, 56, label, body)


def charts(report: Report, across_schools: bool) -> list[tuple[str, Markup]]:
    """(heading, chart) pairs for the report page."""
    made = [
        ("每天的对话和消息", daily_columns("每天的对话和消息", report)),
        ("回答情况", outcome_bar("已回答、未能回答、超出范围的比例", report)),
        (
            "问到的主题",
            horizontal_bars("问到的主题", report.subjects.most_common(12)),
        ),
        (
            "问题类型",
            horizontal_bars(
                "问题类型", [(kind_labels().get(k, k), n) for k, n in report.kinds.most_common(10)], "#6a1b9a"
            ),
        ),
        (
            "资助测算和对话窗口",
            horizontal_bars(
                "资助测算和对话窗口",
                [(TOTALS[m], report.totals[m]) for m in ("widget_open", "check_started", "check_finished")],
                "#00897b",
            ),
        ),
    ]
    if across_schools:
        made.append(("各学校的对话", horizontal_bars("各学校的对话", report.by_school.most_common(20), "#37474f")))
    return made
