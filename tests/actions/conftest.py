"""Actions run against the knowledge base built from the real sources (tests/conftest.py)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker

from actions import common


@pytest.fixture(autouse=True)
def use_test_knowledge_base(monkeypatch, kb):
    monkeypatch.setattr(common, "knowledge_base", lambda: kb)


def tracker(text: str, intent: str, entities: list[dict] | None = None, **slots) -> Tracker:
    return Tracker(
        sender_id="test",
        slots=slots,
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
        events=[],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )
