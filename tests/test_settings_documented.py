"""Every setting the code or the endpoints files read is documented in .env.example."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
# What `make run`, `make purge` and the deployment read; development tools (evaluation,
# benchmarks) document their own knobs.
CODE = [
    "actions",
    "knowledge",
    "connectors",
    "console",
    "web",
    "scripts/serve.py",
    "scripts/stores.py",
    "scripts/purge.py",
]
READ_IN_CODE = re.compile(r"""(?:getenv|environ\.get|environ\[|setdefault|\.pop)\(\s*["']([A-Z][A-Z0-9_]+)["']""")
READ_IN_YAML = re.compile(r"\$\{([A-Z][A-Z0-9_]+)\}")
# Set by scripts/serve.py for its children, not by a user.
INTERNAL = {"RASA_URL", "PYTHONPATH", "SANIC_HOST"}


def settings_read() -> set[str]:
    names = set()
    for place in CODE:
        for path in [REPO / place] if place.endswith(".py") else (REPO / place).rglob("*.py"):
            names |= set(READ_IN_CODE.findall(path.read_text(encoding="utf-8")))
    for path in (REPO / "bot").glob("endpoints*.yml"):
        names |= set(READ_IN_YAML.findall(path.read_text(encoding="utf-8")))
    return names - INTERNAL


def documented() -> set[str]:
    text = (REPO / ".env.example").read_text(encoding="utf-8")
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_every_setting_read_is_in_env_example():
    assert set() == settings_read() - documented()


def test_env_example_lists_nothing_that_is_not_read():
    assert set() == documented() - settings_read()


def test_the_scan_finds_the_settings_it_should():
    assert {"ACTION_TIMEOUT_SECONDS", "RETENTION_DAYS", "SANIC_REQUEST_MAX_SIZE", "DB_PASSWORD"} <= settings_read()
