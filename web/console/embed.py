"""Embedding a school's widget: the snippet, a live preview, and the “检查嵌入” check."""

from __future__ import annotations

from urllib.parse import urlsplit

import aiohttp
from aiohttp import web

from console import forms
from web.console.common import (
    ADDRESSES,
    SCHOOL,
    SESSION,
    Addresses,
    console_csp,
    for_school,
    form,
    render,
    school_url,
    see_other,
    store,
)
from web.options import WidgetOptions, server_origin
from web.templates import PageTemplates, Safe

PROBE_TIMEOUT = aiohttp.ClientTimeout(total=5)


def _settings(request: web.Request) -> Addresses:
    return request.app[ADDRESSES]


def widget_options(request: web.Request, color: str | None = None, title: str | None = None) -> WidgetOptions:
    school = request[SCHOOL]
    return WidgetOptions(
        server=_settings(request).rasa_url,
        title=title or school["widget_title"],
        school=school["id"],
        color=color or school["color"],
        school_name=school["name"],
    )


def _is_local(url: str) -> bool:
    return (urlsplit(url).hostname or "") in ("localhost", "127.0.0.1", "::1")


def _page(request: web.Request, status: int = 200, **extra) -> web.Response:
    settings = _settings(request)
    options = widget_options(request)
    widget_url = f"{settings.site_url}/widget.js"
    context = {
        "snippet": options.snippet(widget_url),
        "options": options,
        "widget_url": widget_url,
        "widget_origin": server_origin(settings.site_url),
        "bot_origin": server_origin(settings.rasa_url),
        # Addresses only this computer reaches: say so instead of handing out a snippet
        # that would do nothing on a school's site.
        "local_only": _is_local(settings.site_url) or _is_local(settings.rasa_url),
        "origins": request[SCHOOL]["allowed_origins"].split(),
        "errors": [],
        "check": None,
        "saved": "saved" in request.query,
    }
    context.update(extra)
    return render(request, "embed.html", status=status, **context)


@for_school
async def page(request: web.Request) -> web.Response:
    return _page(request)


@for_school
async def save(request: web.Request) -> web.StreamResponse:
    """Saves the colour and the window title (the rest of the profile stays as it is)."""
    posted = await form(request)
    profile, errors = forms.school_profile({**request[SCHOOL], **_only(posted, "color", "widget_title")})
    if errors:
        return _page(request, status=400, errors=errors)
    store(request).update_school(request[SESSION].account.username, request[SCHOOL]["id"], profile)
    raise see_other(school_url(request, "/embed?saved=1"))


def _only(posted: dict[str, str], *names: str) -> dict[str, str]:
    return {name: posted[name] for name in names if name in posted}


async def probe_bot(bot_url: str, origin: str) -> tuple[bool, bool]:
    """(the bot server answers, it lets `origin` call it from a browser: CORS)."""
    try:
        async with aiohttp.ClientSession(timeout=PROBE_TIMEOUT) as client:
            async with client.get(bot_url + "/") as response:
                answers = response.status == 200
            async with client.options(
                bot_url + "/webhooks/rest/webhook",
                headers={
                    "Origin": origin,
                    "Access-Control-Request-Method": "POST",
                    "Access-Control-Request-Headers": "content-type",
                },
            ) as response:
                cors = response.headers.get("Access-Control-Allow-Origin") in (origin, "*")
    except (TimeoutError, aiohttp.ClientError, OSError):
        return False, False
    return answers, cors


@for_school
async def check(request: web.Request) -> web.Response:
    url = (await form(request)).get("url", "").strip()
    origin = server_origin(url) if url else None
    if origin is None:
        return _page(request, status=400, check={"url": url, "invalid": True})
    answers, cors = await probe_bot(_settings(request).rasa_url, origin)
    result = {
        "url": url,
        "invalid": False,
        "origin": origin,
        "allowed": origin in request[SCHOOL]["allowed_origins"].split(),
        "answers": answers,
        "cors": cors,
    }
    return _page(request, check=result)


@for_school
async def preview(request: web.Request) -> web.Response:
    """The demo school page with this school's widget; colour and title may come from the
    query (the embed page's live preview, before they are saved)."""
    school = request[SCHOOL]
    profile, errors = forms.school_profile({**school, **_only(dict(request.query), "color", "widget_title")})
    if errors:
        raise web.HTTPBadRequest(text="\n".join(errors))
    options = widget_options(request, profile.color, profile.widget_title)
    snippet = options.snippet(f"{_settings(request).site_url}/widget.js")
    body = PageTemplates().render("school.html", school=school["name"], widget_snippet=Safe(snippet))
    response = web.Response(text=body, content_type="text/html", charset="utf-8")
    response.headers["Content-Security-Policy"] = console_csp(options.server_origin or "'none'", "'self'")
    response.headers["Cache-Control"] = "no-store"
    return response
