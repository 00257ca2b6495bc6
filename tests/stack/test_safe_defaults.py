"""What `make run` exposes by default, checked on the running assistant."""

from __future__ import annotations

import urllib.error
import urllib.request
import uuid

import pytest

from tests.stack.conftest import ask, new_sender

pytestmark = pytest.mark.stack


def status_of(url: str, method: str = "GET", headers: dict | None = None) -> tuple[int, dict]:
    request = urllib.request.Request(url, method=method, headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers)
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers)


@pytest.mark.parametrize("path", ["/status", "/version", "/conversations/someone/tracker", "/domain"])
def test_the_http_api_is_off_without_a_token(stack, path):
    assert 404 == status_of(stack.rasa_url + path)[0]


def test_browsers_may_call_rasa_only_from_the_configured_origins(stack):
    preflight = {"Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"}
    allowed = stack.config.cors_origins[0]
    _, headers = status_of(f"{stack.rasa_url}/webhooks/rest/webhook", "OPTIONS", {"Origin": allowed, **preflight})
    assert allowed == headers.get("Access-Control-Allow-Origin")
    _, headers = status_of(
        f"{stack.rasa_url}/webhooks/rest/webhook", "OPTIONS", {"Origin": "https://evil.example", **preflight}
    )
    assert "Access-Control-Allow-Origin" not in headers


def test_no_message_text_reaches_the_logs(stack):
    # Searched for by its ASCII part, which reads the same whether a log escapes the
    # Chinese (Rasa's debug log writes \uXXXX) or not.
    token = uuid.uuid4().hex[:12]
    ask(stack, f"我家孩子叫{token}，想问中职免学费", new_sender())
    logs = {
        path.name: path.read_text(encoding="utf-8", errors="replace") for path in stack.config.log_dir.glob("*.log")
    }
    assert {"rasa.log", "actions.log"} <= set(logs)
    assert [] == [name for name, text in logs.items() if token in text]
