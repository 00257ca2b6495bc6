"""Fixtures shared by the whole suite.

The knowledge base used by tests is built from the real source files by the production
builder, into a temporary directory, once per session.
"""

from __future__ import annotations

import os
import warnings
from pathlib import Path

import pytest

from knowledge.build import build
from knowledge.kb import KnowledgeBase

# Sanic's import puts a "once" filter for every DeprecationWarning in front of all others,
# which would override pyproject.toml's filterwarnings for whatever is imported after it:
# imported here inside catch_warnings, its filter is dropped again.
with warnings.catch_warnings():
    import sanic  # noqa: F401


@pytest.fixture(scope="session", autouse=True)
def console_database(tmp_path_factory):
    """No test writes to var/console.db: what the assistant writes in the background (issue
    18) goes to a database of the session's."""
    with pytest.MonkeyPatch.context() as environment:
        environment.setenv("CONSOLE_DB_URL", f"sqlite:///{tmp_path_factory.mktemp('console') / 'console.db'}")
        yield


@pytest.fixture(autouse=True)
def background_writes_stay_in_the_test(monkeypatch):
    """The actions run in this process count and keep declined questions through
    console.background: each test gets a writer of its own with no thread, so nothing one test
    queued is written into another test's console database (tests that check the writes
    replace it with one bound to their database and flush it themselves)."""
    from console import background

    monkeypatch.setattr(background, "WRITES", background.BackgroundWrites(flush_seconds=None))


@pytest.fixture(scope="session")
def built_db(tmp_path_factory) -> Path:
    return build(tmp_path_factory.mktemp("kb") / "knowledge.db")


@pytest.fixture(scope="session")
def kb(built_db) -> KnowledgeBase:
    return KnowledgeBase(built_db)


@pytest.fixture(scope="session")
def stack(tmp_path_factory):
    """The running assistant, as `make run` starts it, on test ports with a fresh tracker and
    console database, and with the test schools' 公众号 connected to its WeChat channel."""
    from scripts.serve import Stack, StackConfig
    from tests.connectors.wechat_client import wechat_settings

    work = tmp_path_factory.mktemp("stack")
    config = StackConfig(
        rasa_port=int(os.getenv("TEST_RASA_PORT", "15005")),
        action_port=int(os.getenv("TEST_ACTION_PORT", "15055")),
        web_port=int(os.getenv("TEST_WEB_PORT", "18000")),
        tracker_db=work / "tracker.db",
        lock_db=work / "locks.db",
        log_dir=Path("test-artifacts") / "logs",
    )
    with pytest.MonkeyPatch.context() as environment:
        for name, value in wechat_settings().items():
            environment.setenv(name, value)
        # A console database of its own (issue 18), which tests/stack/test_console.py reads.
        environment.setenv("CONSOLE_DB_URL", f"sqlite:///{work / 'console.db'}")
        with Stack(config) as running:
            yield running
