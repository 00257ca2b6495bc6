"""The administrator's pages: schools, accounts, and the audit log of every change."""

from __future__ import annotations

import asyncio

from aiohttp import web

from console import forms
from console.passwords import WeakPasswordError
from console.store import DuplicateError
from web.console.common import SESSION, admin_only, form, render, see_other, store


def _overview(request: web.Request, errors: list[str], status: int = 200) -> web.Response:
    return render(
        request,
        "admin.html",
        status=status,
        schools=store(request).schools(),
        accounts=store(request).accounts(),
        errors=errors,
        saved=request.query.get("saved", ""),
    )


@admin_only
async def overview(request: web.Request) -> web.Response:
    return _overview(request, [])


@admin_only
async def create_school(request: web.Request) -> web.StreamResponse:
    (school_id, name), errors = forms.new_school(await form(request))
    if not errors:
        try:
            store(request).create_school(request[SESSION].account.username, school_id, name)
        except DuplicateError as error:
            errors.append(str(error))
    if errors:
        return _overview(request, errors, status=400)
    raise see_other("/console/admin?saved=school")


@admin_only
async def create_account(request: web.Request) -> web.StreamResponse:
    school_ids = {school["id"] for school in store(request).schools()}
    values, errors = forms.new_account(await form(request), school_ids)
    if not errors:
        try:
            await asyncio.to_thread(
                store(request).create_account,
                request[SESSION].account.username,
                str(values["username"]),
                str(values["password"]),
                str(values["role"]),
                values["school_id"],
            )
        except (DuplicateError, WeakPasswordError) as error:
            errors.append(str(error))
    if errors:
        return _overview(request, errors, status=400)
    raise see_other("/console/admin?saved=account")


def _account_id(request: web.Request) -> int:
    account_id = int(request.match_info["account_id"])
    if account_id == request[SESSION].account.id:
        raise web.HTTPBadRequest(text="不能在这里停用或重设自己的账号。")
    return account_id


@admin_only
async def set_active(request: web.Request) -> web.StreamResponse:
    active = (await form(request)).get("active") == "1"
    try:
        store(request).set_account_active(request[SESSION].account.username, _account_id(request), active)
    except KeyError:
        raise web.HTTPNotFound(text="找不到这个账号。") from None
    raise see_other("/console/admin?saved=account")


@admin_only
async def set_password(request: web.Request) -> web.StreamResponse:
    password = (await form(request)).get("password", "")
    try:
        await asyncio.to_thread(
            store(request).set_password, request[SESSION].account.username, _account_id(request), password
        )
    except KeyError:
        raise web.HTTPNotFound(text="找不到这个账号。") from None
    except WeakPasswordError as error:
        return _overview(request, [str(error)], status=400)
    raise see_other("/console/admin?saved=password")


@admin_only
async def audit(request: web.Request) -> web.Response:
    return render(request, "audit.html", rows=store(request).audit(None, limit=500))
