"""The questions the assistant declined at a school, grouped; answering and exporting them."""

from __future__ import annotations

from datetime import date

import yaml
from aiohttp import web

from console import forms
from web.console.common import (
    SCHOOL,
    SESSION,
    admin_only,
    attachment,
    for_school,
    form,
    render,
    school_url,
    see_other,
    store,
)

EXPORT_HEADER = (
    "# 学校标记给知识库维护者的问题（职教升学助手控制台导出）。\n"
    "# 放进 knowledge/sources/ 之前：每条要写进知识库的事实都需要官方文件或网页作出处；\n"
    "# school_answer 是学校老师的回答，不是官方来源。\n"
)


def _groups_page(request: web.Request, errors: list[str], status: int = 200) -> web.Response:
    return render(
        request,
        "declined.html",
        status=status,
        groups=store(request).declined_groups(request[SCHOOL]["id"]),
        errors=errors,
        saved=request.query.get("saved", ""),
    )


@for_school
async def groups(request: web.Request) -> web.Response:
    return _groups_page(request, [])


@for_school
async def answer(request: web.Request) -> web.StreamResponse:
    posted = await form(request)
    new, errors = forms.entry(posted)
    if errors:
        return _groups_page(request, errors, status=400)
    entry_id = store(request).answer_group(
        request[SESSION].account.username, request[SCHOOL]["id"], posted.get("group_key", ""), new
    )
    if entry_id is None:
        raise web.HTTPNotFound(text="找不到这组问题。")
    raise see_other(school_url(request, "/declined?saved=answered"))


@for_school
async def mark(request: web.Request) -> web.StreamResponse:
    posted = await form(request)
    marked = posted.get("marked") == "1"
    if not store(request).mark_group(
        request[SESSION].account.username, request[SCHOOL]["id"], posted.get("group_key", ""), marked
    ):
        raise web.HTTPNotFound(text="找不到这组问题。")
    raise see_other(school_url(request, "/declined?saved=" + ("marked" if marked else "unmarked")))


def export_text(groups: list[dict]) -> str:
    """The marked groups as YAML for knowledge/sources/ (counts and questions, no sender)."""
    items = [
        {
            "question": group["question"],
            "school": group["school_id"] or "",
            "times_asked": group["times"],
            "first_asked": group["first_asked"].date().isoformat(),
            "last_asked": group["last_asked"].date().isoformat(),
            "school_answer": group["school_answer"],
        }
        for group in groups
    ]
    return EXPORT_HEADER + yaml.safe_dump({"questions_from_schools": items}, allow_unicode=True, sort_keys=False)


@for_school
async def export(request: web.Request) -> web.Response:
    school_id = request[SCHOOL]["id"]
    text = export_text(store(request).marked_for_maintainers([school_id]))
    return attachment(text, "application/x-yaml", f"questions-from-{school_id}-{date.today():%Y%m%d}.yaml")


@admin_only
async def without_school(request: web.Request) -> web.Response:
    """Questions declined in widgets embedded without a school (the demo page, old
    snippets): only the administrator sees them, and can mark them for the maintainers."""
    return render(
        request,
        "declined_without_school.html",
        groups=store(request).declined_groups(None),
        saved=request.query.get("saved", ""),
    )


@admin_only
async def mark_without_school(request: web.Request) -> web.StreamResponse:
    posted = await form(request)
    marked = posted.get("marked") == "1"
    if not store(request).mark_group(request[SESSION].account.username, None, posted.get("group_key", ""), marked):
        raise web.HTTPNotFound(text="找不到这组问题。")
    raise see_other("/console/admin/declined?saved=" + ("marked" if marked else "unmarked"))


@admin_only
async def export_all(request: web.Request) -> web.Response:
    school_ids = [school["id"] for school in store(request).schools()]
    text = export_text(store(request).marked_for_maintainers(school_ids, without_school=True))
    return attachment(text, "application/x-yaml", f"questions-from-schools-{date.today():%Y%m%d}.yaml")
