"""What web/server.py sends: the widget script, the demo page and their headers."""

from __future__ import annotations

import html.parser
import json
import re
import urllib.request
from pathlib import Path

import pytest

pytestmark = pytest.mark.stack

WIDGET_SOURCE = Path(__file__).resolve().parents[2] / "web" / "static" / "widget.js"


def fetch(url: str):
    with urllib.request.urlopen(url) as response:
        return response.status, response.headers, response.read()


class ScriptTags(html.parser.HTMLParser):
    def __init__(self):
        super().__init__()
        self.scripts = []

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts.append(dict(attrs))


def test_widget_script_is_a_cacheable_public_script(stack):
    status, headers, body = fetch(stack.web_url + "/widget.js")

    assert 200 == status
    assert WIDGET_SOURCE.read_bytes() == body
    assert "text/javascript; charset=utf-8" == headers["Content-Type"]
    assert "public, max-age=300" == headers["Cache-Control"]
    assert headers["ETag"]
    assert "nosniff" == headers["X-Content-Type-Options"]
    assert "Access-Control-Allow-Origin" not in headers


def test_demo_page_embeds_the_widget_as_a_school_would(stack):
    status, headers, body = fetch(stack.web_url + "/")
    parser = ScriptTags()
    parser.feed(body.decode("utf-8"))

    [script] = parser.scripts
    assert stack.web_url + "/widget.js" == script["src"]
    assert {"data-server", "data-title", "data-school", "data-color", "async"} <= set(script)
    assert "#1a73e8" == script["data-color"]
    csp = headers["Content-Security-Policy"]
    server = re.match(r"https?://[^/]+", script["data-server"]).group(0)
    assert f"connect-src {server};" in csp
    assert "script-src 'self';" in csp
    assert "nosniff" == headers["X-Content-Type-Options"]
    assert "no-referrer" == headers["Referrer-Policy"]


def test_console_pages_allow_no_connections(stack):
    # /embed leads into the console, whose pages (here the login page) fetch nothing.
    _, headers, _ = fetch(stack.web_url + "/embed")

    assert "connect-src 'none'" in headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in headers["Content-Security-Policy"]


def test_health_check(stack):
    status, _, body = fetch(stack.web_url + "/healthz")

    assert (200, {"status": "ok"}) == (status, json.loads(body))
