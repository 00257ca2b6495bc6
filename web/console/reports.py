"""Report pages: one school's, and the administrator's across schools; charts and CSV."""

from __future__ import annotations

from urllib.parse import urlencode

from aiohttp import web

from console import reports
from web.console.common import SCHOOL, admin_only, attachment, for_school, render, store


def _period(request: web.Request) -> reports.Period:
    return reports.parse_period(request.query.get("week"), request.query.get("month"), reports.today_in_china())


def _page(request: web.Request, school_ids: list[str] | None, csv_path: str, across: bool) -> web.Response:
    period = _period(request)
    rows = store(request).daily_counts(school_ids, period.first, period.last)
    report = reports.build_report(period, rows)
    query = {period.kind: period.value}
    if across and request.query.get("school"):
        query["school"] = request.query["school"]
    return render(
        request,
        "reports.html",
        period=period,
        report=report,
        totals=[(label, report.totals[name]) for name, label in reports.TOTALS.items()],
        charts=reports.charts(report, across_schools=across and school_ids is None),
        csv_url=f"{csv_path}?{urlencode(query)}",
        across=across,
        schools=store(request).schools() if across else [],
        chosen_school=request.query.get("school", ""),
        this_week=reports.week(reports.today_in_china()).value,
        this_month=f"{reports.today_in_china():%Y-%m}",
    )


def _csv(request: web.Request, school_ids: list[str] | None, name: str) -> web.Response:
    period = _period(request)
    text = reports.csv_text(store(request).daily_counts(school_ids, period.first, period.last))
    return attachment(text, "text/csv", f"{name}-{period.value}.csv")


@for_school
async def one_school(request: web.Request) -> web.Response:
    school_id = request[SCHOOL]["id"]
    return _page(request, [school_id], f"/console/schools/{school_id}/reports.csv", across=False)


@for_school
async def one_school_csv(request: web.Request) -> web.Response:
    return _csv(request, [request[SCHOOL]["id"]], request[SCHOOL]["id"])


def _chosen(request: web.Request) -> list[str] | None:
    """The one school the administrator picked, or None for every school."""
    chosen = request.query.get("school", "")
    return [chosen] if chosen else None


@admin_only
async def across_schools(request: web.Request) -> web.Response:
    return _page(request, _chosen(request), "/console/reports.csv", across=True)


@admin_only
async def across_schools_csv(request: web.Request) -> web.Response:
    return _csv(request, _chosen(request), "all-schools")
