"""Signing in and out, and the page each account starts on."""

from __future__ import annotations

import asyncio
import hmac
import secrets
from urllib.parse import quote

from aiohttp import web

from console.store import LoginRateLimited
from web.console.common import (
    COOKIE,
    LOGIN_COOKIE,
    SESSION,
    SESSION_LIFETIME,
    form,
    render,
    secure_cookies,
    signed_in,
    store,
)


def _safe_next(target: str | None) -> str:
    """Only a path of this console (never another site, never //host)."""
    if target and target.startswith("/console") and not target.startswith("//"):
        return target
    return "/console"


@signed_in
async def home(request: web.Request) -> web.StreamResponse:
    account = request[SESSION].account
    if account.is_admin:
        raise web.HTTPFound("/console/admin")
    raise web.HTTPFound(f"/console/schools/{quote(account.school_id or '')}")


def _login_page(request: web.Request, status: int = 200, error: str = "", username: str = "") -> web.Response:
    token = secrets.token_urlsafe(24)
    response = render(
        request,
        "login.html",
        status=status,
        login_csrf=token,
        error=error,
        username=username,
        next=_safe_next(request.query.get("next")),
        session_hours=f"{request.app[SESSION_LIFETIME].total_seconds() / 3600:g}",
    )
    response.set_cookie(
        LOGIN_COOKIE,
        token,
        path="/console/login",
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        max_age=3600,
    )
    return response


async def login_form(request: web.Request) -> web.Response:
    return _login_page(request)


async def login(request: web.Request) -> web.StreamResponse:
    posted = await form(request)
    cookie = request.cookies.get(LOGIN_COOKIE, "")
    if not cookie or not hmac.compare_digest(cookie.encode(), posted.get("csrf", "").encode()):
        raise web.HTTPForbidden(text="登录表单已过期或来源不明（CSRF 校验失败），请重新打开登录页。")
    username = posted.get("username", "").strip()[:60]
    password = posted.get("password", "")[:200]
    try:
        # Argon2 takes about 0.1 s of CPU: off the event loop.
        account = await asyncio.to_thread(store(request).authenticate, username, password, request.remote or "unknown")
    except LoginRateLimited:
        return _login_page(request, 429, "登录失败次数过多，请一分钟后再试。", username)
    if account is None:
        return _login_page(request, 401, "用户名或密码不正确。", username)
    token, _ = store(request).open_session(account, request.app[SESSION_LIFETIME])
    response = web.HTTPSeeOther(_safe_next(posted.get("next")))
    response.set_cookie(
        COOKIE,
        token,
        path="/console",
        httponly=True,
        samesite="Strict",
        secure=secure_cookies(request),
        max_age=int(request.app[SESSION_LIFETIME].total_seconds()),
    )
    response.del_cookie(LOGIN_COOKIE, path="/console/login")
    raise response


@signed_in
async def logout(request: web.Request) -> web.StreamResponse:
    store(request).close_session(request.cookies[COOKIE], request[SESSION].account)
    response = web.HTTPSeeOther("/console/login")
    response.del_cookie(COOKIE, path="/console")
    raise response
