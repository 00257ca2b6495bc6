"""The first administrator comes from one command; there is no default account."""

from __future__ import annotations

import subprocess
import sys

from sqlalchemy import inspect

from console.db import engine
from console.store import ConsoleStore


def create_admin(db_url, username, password):
    return subprocess.run(
        [sys.executable, "-m", "console.admin", "create", "--username", username, "--password-stdin"],
        input=password + "\n",
        env={"CONSOLE_DB_URL": db_url, "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_the_command_migrates_an_empty_database_and_creates_an_administrator(tmp_path):
    url = f"sqlite:///{tmp_path / 'new.db'}"

    created = create_admin(url, "principal", "a long enough password")

    assert 0 == created.returncode, created.stderr
    assert "schools" in inspect(engine(url)).get_table_names()
    account = ConsoleStore(engine(url)).authenticate("principal", "a long enough password", "x")
    assert (True, None) == (account.is_admin, account.school_id)


def test_a_short_password_or_a_taken_name_is_refused(db_url):
    assert 1 == create_admin(db_url, "principal", "short").returncode
    assert 0 == create_admin(db_url, "principal", "a long enough password").returncode
    assert 1 == create_admin(db_url, "principal", "another long password").returncode


def test_a_fresh_database_has_no_account(store):
    assert [] == store.accounts()
