"""The web app with a console database in tmp_path, two schools and their counselors, and a
client that signs in the way a browser does (login form, cookie, CSRF token from the page).

Requests run on a loop in a thread of their own (as in test_untrusted_requests.py): the
browser tests' Playwright keeps an event loop running in the main thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import insert

from console.db import create_schema, engine
from console.forms import Entry
from console.schema import declined_questions
from console.store import ConsoleStore
from web.server import WebSettings, app_factory

PASSWORD = "a long test password"
SETTINGS = WebSettings(
    host="127.0.0.1", port=8123, rasa_url="https://bot.school.example", public_url="http://widget.school.example"
)
_CSRF = re.compile(r'name="csrf" value="([^"]+)"')


@dataclass
class Console:
    store: ConsoleStore
    entry_a: int
    entry_b: int
    counselor_b: int

    def app(self, settings: WebSettings = SETTINGS) -> web.Application:
        return app_factory(settings, console_store=self.store)


def make_console(tmp_path) -> Console:
    url = f"sqlite:///{tmp_path / 'console.db'}"
    create_schema(url)
    store = ConsoleStore(engine(url))
    store.create_account("command-line", "admin", PASSWORD, "admin", None)
    ids = {}
    for school_id, name in (("school-a", "甲职业学校"), ("school-b", "乙职业学校")):
        store.create_school("admin", school_id, name)
        ids[school_id] = store.create_account("admin", f"teacher-{school_id[-1]}", PASSWORD, "counselor", school_id)
    entry_a = store.add_entry("teacher-a", "school-a", Entry("甲校学费多少", "甲校的回答", ""))
    entry_b = store.add_entry("teacher-b", "school-b", Entry("乙校的秘密问题", "乙校的秘密回答", ""))
    with store.engine.begin() as conn:
        conn.execute(
            insert(declined_questions).values(
                school_id="school-b",
                question="乙校没答上的问题",
                group_key="乙校 没答上",
                asked_at=datetime.utcnow(),
                for_maintainers=False,
            )
        )
    return Console(store, entry_a, entry_b, ids["school-b"])


class Browser:
    """A TestClient that keeps cookies, like one browser."""

    def __init__(self, client: TestClient) -> None:
        self.client = client
        self.csrf = ""

    async def sign_in(self, username: str, password: str = PASSWORD) -> Any:
        form = await self.client.get("/console/login")
        token = _CSRF.search(await form.text())
        assert token is not None
        response = await self.client.post(
            "/console/login",
            data={"csrf": token[1], "username": username, "password": password, "next": "/console"},
            allow_redirects=False,
        )
        if response.status == 303:
            page = await self.client.get("/console")
            self.csrf = _CSRF.findall(await page.text())[-1]
        return response

    async def get(self, path: str) -> tuple[int, str, Any]:
        response = await self.client.get(path, allow_redirects=False)
        return response.status, await response.text(), response

    async def post(self, path: str, data: dict[str, str] | None = None, csrf: bool = True) -> tuple[int, str, Any]:
        fields = dict(data or {})
        if csrf:
            fields.setdefault("csrf", self.csrf)
        response = await self.client.post(path, data=fields, allow_redirects=False)
        return response.status, await response.text(), response


def run(app: web.Application, scenario: Callable[[Browser], Awaitable[Any]]) -> Any:
    async def main() -> Any:
        async with TestClient(TestServer(app)) as client:
            return await scenario(Browser(client))

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, main()).result(120)
