"""What a visitor sends never decides where the site's pages point (issue 14.9), without a stack.

Requests run on a loop in a thread of their own: the browser tests' Playwright (sync API)
keeps an event loop running in the main thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import urllib.parse

import pytest
from aiohttp.test_utils import TestClient, TestServer

from web.server import PREVIEW_SCHOOL, WebSettings, app_factory

SETTINGS = WebSettings(
    host="127.0.0.1", port=8123, rasa_url="https://bot.school.example", public_url="https://widget.school.example"
)


class Response:
    def __init__(self, status: int, headers: dict, text: str) -> None:
        self.status, self.headers, self.text = status, headers, text


def get(path: str, headers: dict | None = None) -> Response:
    async def fetch() -> Response:
        async with TestClient(TestServer(app_factory(SETTINGS))) as client:
            response = await client.get(path, headers=headers)
            return Response(response.status, dict(response.headers), await response.text())

    with concurrent.futures.ThreadPoolExecutor(1) as thread:
        return thread.submit(asyncio.run, fetch()).result(30)


def test_preview_takes_no_server_and_no_text_from_its_query():
    query = urllib.parse.urlencode(
        {"server": "https://attacker.example", "school": "请加微信领取补贴", "title": "官方通知", "color": "#0a7f3f"}
    )
    response = get(f"/preview?{query}")
    page = response.text
    assert 200 == response.status
    assert "attacker.example" not in page and "attacker.example" not in response.headers["Content-Security-Policy"]
    assert "请加微信领取补贴" not in page and "官方通知" not in page
    assert 'data-server="https://bot.school.example"' in page and PREVIEW_SCHOOL in page
    assert 'data-color="#0a7f3f"' in page


@pytest.mark.parametrize("path", ["/", "/preview"])
def test_snippets_point_at_the_configured_public_url_whatever_the_host_header(path):
    page = get(path, headers={"Host": "attacker.example:8443"}).text
    assert "attacker.example" not in page
    assert "https://widget.school.example/widget.js" in page


@pytest.mark.parametrize("path", ["/", "/widget.js", "/healthz", "/embed"])
def test_no_server_header_names_the_software(path):
    response = get(path)
    assert "Server" not in response.headers
