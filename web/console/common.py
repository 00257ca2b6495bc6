"""What every console page shares: the store, the templates, the guards and the responses.

Guards: `signed_in` (any account), `admin_only`, `for_school` (an administrator, or a
counselor of the school in the URL). Every POST they guard must carry the session's CSRF
token; a request without a valid session gets the login page (GET) or 403 (POST).
"""

from __future__ import annotations

import functools
import hmac
import os
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from aiohttp import web

from console.store import ConsoleStore, Session

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

TEMPLATE_DIR = Path(__file__).resolve().parents[1] / "templates" / "console"
COOKIE = "zj_console"
LOGIN_COOKIE = "zj_console_login"


@dataclass(frozen=True)
class Addresses:
    """Where visitors reach this site (WEB_PUBLIC_URL) and the bot server (RASA_PUBLIC_URL)."""

    site_url: str
    rasa_url: str


ADDRESSES = web.AppKey("console_addresses", Addresses)
STORE = web.AppKey("console_store", ConsoleStore)
JINJA = web.AppKey("console_templates", jinja2.Environment)
SESSION_LIFETIME = web.AppKey("console_session_lifetime", timedelta)
SESSION = "console_session"
SCHOOL = "console_school"
FORM = "console_form"


def session_lifetime(environ: Mapping[str, str] = os.environ) -> timedelta:
    """CONSOLE_SESSION_HOURS (8): how long a sign-in lasts without signing in again."""
    value = environ.get("CONSOLE_SESSION_HOURS", "8")
    try:
        hours = float(value)
    except ValueError:
        hours = 0
    if not 0 < hours <= 24 * 30:
        raise ValueError(f"CONSOLE_SESSION_HOURS must be a number of hours (0 < hours <= 720), got {value!r}")
    return timedelta(hours=hours)


def setup_console(app: web.Application, addresses: Addresses, store: ConsoleStore | None = None) -> None:
    app[ADDRESSES] = addresses
    if store is not None:
        app[STORE] = store
    elif STORE not in app:
        from console.db import engine

        app[STORE] = ConsoleStore(engine())
    app[JINJA] = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATE_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    app[SESSION_LIFETIME] = session_lifetime()


def store(request: web.Request) -> ConsoleStore:
    return request.app[STORE]


def console_csp(connect: str = "'none'", frame_ancestors: str = "'none'") -> str:
    from web.server import content_security_policy

    return content_security_policy(connect, frame_ancestors)


def render(request: web.Request, name: str, status: int = 200, **context: Any) -> web.Response:
    session: Session | None = request.get(SESSION)
    school = request.get(SCHOOL)
    body = (
        request.app[JINJA]
        .get_template(name)
        .render(
            account=session.account if session else None,
            csrf=session.csrf_token if session else "",
            school=school,
            path=request.path,
            **context,
        )
    )
    response = web.Response(text=body, content_type="text/html", charset="utf-8", status=status)
    response.headers["Content-Security-Policy"] = console_csp()
    response.headers["Cache-Control"] = "no-store"
    return response


def attachment(text: str, content_type: str, filename: str) -> web.Response:
    """A download (CSV, YAML) that no cache keeps."""
    response = web.Response(text=text, content_type=content_type, charset="utf-8")
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    response.headers["Cache-Control"] = "no-store"
    return response


def secure_cookies(request: web.Request) -> bool:
    return request.app[ADDRESSES].site_url.startswith("https://")


def current_session(request: web.Request) -> Session | None:
    token = request.cookies.get(COOKIE)
    return store(request).session(token) if token else None


async def form(request: web.Request) -> dict[str, str]:
    """The POSTed fields as strings (files and repeated names: the first text value)."""
    if FORM not in request:
        posted = await request.post()
        request[FORM] = {name: value for name, value in posted.items() if isinstance(value, str)}
    return request[FORM]


def login_url(request: web.Request) -> str:
    return "/console/login?next=" + quote(request.path_qs, safe="")


def signed_in(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        session = current_session(request)
        if session is None:
            if request.method == "GET":
                raise web.HTTPFound(login_url(request))
            raise web.HTTPForbidden(text="请先登录控制台。")
        request[SESSION] = session
        if request.method == "POST":
            token = (await form(request)).get("csrf", "")
            if not hmac.compare_digest(token.encode(), session.csrf_token.encode()):
                raise web.HTTPForbidden(text="表单已过期或来源不明（CSRF 校验失败），请刷新页面后再试。")
        return await handler(request)

    return guarded


def admin_only(handler: Handler) -> Handler:
    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        if not request[SESSION].account.is_admin:
            raise web.HTTPForbidden(text="只有管理员可以打开这个页面。")
        return await handler(request)

    return signed_in(guarded)


def for_school(handler: Handler) -> Handler:
    """The school in the URL, for its counselors and the administrators; 404 for anyone else,
    so another school's counselor cannot even learn which schools exist."""

    @functools.wraps(handler)
    async def guarded(request: web.Request) -> web.StreamResponse:
        school_id = request.match_info["school_id"]
        school = store(request).school(school_id)
        if school is None or not request[SESSION].account.may_manage(school_id):
            raise web.HTTPNotFound(text="找不到这所学校。")
        request[SCHOOL] = school
        return await handler(request)

    return signed_in(guarded)


def school_url(request: web.Request, page: str = "") -> str:
    return f"/console/schools/{quote(request[SCHOOL]['id'])}{page}"


def see_other(location: str) -> web.HTTPSeeOther:
    return web.HTTPSeeOther(location)
