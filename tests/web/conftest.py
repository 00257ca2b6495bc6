"""Browser fixtures for the widget tests, and a stand-in stack for developing them.

The tests run against the project's real stack through the session fixture
``stack`` (``web_url``, ``rasa_url``) from tests/conftest.py. With
WIDGET_FAKE_BOT=1 this file provides ``stack`` itself instead: web/server.py in
a subprocess, talking to a tiny fake Rasa REST server that knows two answers.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest
from aiohttp import web
from playwright.sync_api import sync_playwright

REPO_ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO_ROOT / "test-artifacts"
CHROMIUM = os.getenv("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser):
    """A page in a fresh context, so every test starts with empty localStorage."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="zh-CN")
    yield context.new_page()
    context.close()


@pytest.fixture
def dialogs(page):
    """Messages of every alert/confirm/prompt the page opens (each is dismissed)."""
    opened = []

    def record(dialog):
        opened.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", record)
    return opened


@pytest.fixture(scope="session")
def artifacts_dir():
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


# ------------------------------------------------------------ stand-in stack


@dataclass(frozen=True)
class FakeStack:
    web_url: str
    rasa_url: str


def fake_bot_replies(message: str) -> list[dict]:
    if "单招考什么" in message:
        return [
            {
                "text": "高职单招一般考两部分：文化素质测试和职业技能测试，具体科目以各院校招生章程为准。\n"
                "来源：内蒙古自治区教育招生考试中心（测试数据）"
            }
        ]
    if message == "/ask_admission":
        return [
            {
                "text": "3+2 是中职与高职贯通培养：前 3 年读中职，转段考核合格后读 2 年高职。\n"
                "来源：内蒙古自治区教育厅（测试数据）"
            }
        ]
    return [
        {
            "text": "这个问题我还在学习中。你可以问我 3+2、单招和资助政策。\n来源：职教升学助手（测试数据）",
            "buttons": [{"title": "了解3+2", "payload": "/ask_admission"}],
        }
    ]


def fake_rasa_app(allowed_origin: str) -> web.Application:
    """The REST channel of Rasa, with CORS for one origin as Rasa's --cors gives it."""

    def cors(request: web.Request) -> dict:
        if request.headers.get("Origin") != allowed_origin:
            return {}
        return {
            "Access-Control-Allow-Origin": allowed_origin,
            "Access-Control-Allow-Methods": "POST, OPTIONS",
            "Access-Control-Allow-Headers": "Content-Type",
            "Vary": "Origin",
        }

    async def webhook(request: web.Request) -> web.Response:
        body = await request.json()
        replies = [{"recipient_id": body["sender"], **reply} for reply in fake_bot_replies(body["message"])]
        return web.json_response(replies, headers=cors(request))

    async def preflight(request: web.Request) -> web.Response:
        return web.Response(status=204, headers=cors(request))

    async def conversations(request: web.Request) -> web.Response:
        return web.json_response({"sender": f"c-fake{next(issued)}"}, headers=cors(request))

    issued = itertools.count()
    app = web.Application()
    app.router.add_post("/webhooks/rest/webhook", webhook)
    app.router.add_route("OPTIONS", "/webhooks/rest/webhook", preflight)
    app.router.add_post("/webhooks/rest/conversations", conversations)
    app.router.add_route("OPTIONS", "/webhooks/rest/conversations", preflight)
    return app


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextlib.contextmanager
def serve_in_thread(app: web.Application, port: int):
    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, daemon=True)
    thread.start()
    runner = web.AppRunner(app)

    async def start():
        await runner.setup()
        await web.TCPSite(runner, "127.0.0.1", port).start()

    asyncio.run_coroutine_threadsafe(start(), loop).result(10)
    try:
        yield
    finally:
        asyncio.run_coroutine_threadsafe(runner.cleanup(), loop).result(10)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(5)
        loop.close()


@contextlib.contextmanager
def web_server_process(port: int, rasa_url: str, log_path: Path):
    env = {**os.environ, "WEB_HOST": "127.0.0.1", "WEB_PORT": str(port), "RASA_URL": rasa_url}
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "web.server"], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            wait_until_up(f"http://127.0.0.1:{port}/healthz")
            yield
        finally:
            process.terminate()
            process.wait(10)


if os.getenv("WIDGET_FAKE_BOT", "0") == "1":

    @pytest.fixture(scope="session")
    def stack(tmp_path_factory):
        web_port, rasa_port = free_port(), free_port()
        web_url, rasa_url = f"http://127.0.0.1:{web_port}", f"http://127.0.0.1:{rasa_port}"
        log_path = tmp_path_factory.mktemp("web") / "server.log"
        with (
            serve_in_thread(fake_rasa_app(allowed_origin=web_url), rasa_port),
            web_server_process(web_port, rasa_url, log_path),
        ):
            yield FakeStack(web_url=web_url, rasa_url=rasa_url)
