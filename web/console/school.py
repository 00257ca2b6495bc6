"""A school's profile, its own Q&A entries, and its audit log."""

from __future__ import annotations

from aiohttp import web

from console import forms
from web.console.common import SCHOOL, SESSION, for_school, form, render, school_url, see_other, store


def _profile_page(request: web.Request, values: dict, errors: list[str], status: int = 200) -> web.Response:
    return render(request, "profile.html", status=status, values=values, errors=errors, saved="saved" in request.query)


@for_school
async def profile(request: web.Request) -> web.Response:
    return _profile_page(request, request[SCHOOL], [])


@for_school
async def save_profile(request: web.Request) -> web.StreamResponse:
    posted = await form(request)
    cleaned, errors = forms.school_profile(posted)
    if errors:
        return _profile_page(request, {**request[SCHOOL], **posted}, errors, status=400)
    store(request).update_school(request[SESSION].account.username, request[SCHOOL]["id"], cleaned)
    raise see_other(school_url(request, "?saved=1"))


def _entries_page(request: web.Request, new: dict, errors: list[str], status: int = 200) -> web.Response:
    return render(
        request,
        "entries.html",
        status=status,
        entries=store(request).entries(request[SCHOOL]["id"]),
        new=new,
        errors=errors,
        saved=request.query.get("saved", ""),
    )


@for_school
async def entries(request: web.Request) -> web.Response:
    return _entries_page(request, {"question": "", "answer": "", "link": ""}, [])


@for_school
async def add_entry(request: web.Request) -> web.StreamResponse:
    posted = await form(request)
    new, errors = forms.entry(posted)
    if errors:
        return _entries_page(request, posted, errors, status=400)
    store(request).add_entry(request[SESSION].account.username, request[SCHOOL]["id"], new)
    raise see_other(school_url(request, "/entries?saved=added"))


def _entry(request: web.Request) -> dict:
    found = store(request).entry(request[SCHOOL]["id"], int(request.match_info["entry_id"]))
    if found is None:
        raise web.HTTPNotFound(text="找不到这条问答。")
    return found


@for_school
async def edit_entry(request: web.Request) -> web.Response:
    return render(request, "entry.html", entry=_entry(request), errors=[])


@for_school
async def save_entry(request: web.Request) -> web.StreamResponse:
    found = _entry(request)
    posted = await form(request)
    changed, errors = forms.entry(posted)
    if errors:
        return render(request, "entry.html", status=400, entry={**found, **posted}, errors=errors)
    store(request).update_entry(request[SESSION].account.username, request[SCHOOL]["id"], found["id"], changed)
    raise see_other(school_url(request, "/entries?saved=updated"))


@for_school
async def delete_entry(request: web.Request) -> web.StreamResponse:
    found = _entry(request)
    store(request).delete_entry(request[SESSION].account.username, request[SCHOOL]["id"], found["id"])
    raise see_other(school_url(request, "/entries?saved=deleted"))


@for_school
async def audit(request: web.Request) -> web.Response:
    return render(request, "audit.html", rows=store(request).audit(request[SCHOOL]["id"]))
