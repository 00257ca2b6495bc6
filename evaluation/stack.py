"""The assistant an evaluation asks over REST: a running one, or one started for it, and
how a question is put to it."""

from __future__ import annotations

import json
import os
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager

from knowledge import settings


@contextmanager
def assistant(rasa_url: str | None, name: str) -> Iterator[str]:
    """The Rasa URL to ask: `rasa_url` if given, else a stack started on ports of its own
    (TEST_*_PORT, as the test suite's stack, so an evaluation runs beside `make run` and
    beside other engineers' tests) with a fresh tracker store under var/eval/."""
    if rasa_url:
        yield rasa_url
        return
    from scripts.serve import Stack, StackConfig

    config = StackConfig(
        rasa_port=int(os.getenv("TEST_RASA_PORT", "25005")),
        action_port=int(os.getenv("TEST_ACTION_PORT", "25055")),
        web_port=int(os.getenv("TEST_WEB_PORT", "28000")),
        tracker_db=settings.REPO_ROOT / "var" / "eval" / f"{name}-tracker.db",
        log_dir=settings.REPO_ROOT / "var" / "eval" / f"{name}-logs",
    )
    config.tracker_db.unlink(missing_ok=True)
    with Stack(config) as stack:
        yield stack.rasa_url


def post(url: str, sender: str, text: str) -> str:
    """The text of the assistant's reply to `text` from `sender`, over REST."""
    body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return "\n".join(m.get("text") or "" for m in json.loads(response.read()))
