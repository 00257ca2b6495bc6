"""scripts/serve.py: what it starts, with which settings, and what it refuses to start with."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from knowledge import settings
from scripts.serve import Stack, StackConfig, StackError, rasa_api_arguments


def config(tmp_path: Path, **overrides) -> StackConfig:
    return StackConfig(
        rasa_port=45005,
        action_port=45055,
        web_port=48000,
        tracker_db=tmp_path / "tracker.db",
        lock_db=tmp_path / "locks.db",
        **overrides,
    )


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, []),
        ({"RASA_AUTH_TOKEN": ""}, []),
        ({"RASA_AUTH_TOKEN": "t0k"}, ["--enable-api", "--auth-token", "t0k"]),
        ({"RASA_JWT_SECRET": "s3c"}, ["--enable-api", "--jwt-secret", "s3c", "--jwt-method", "HS256"]),
        (
            {"RASA_AUTH_TOKEN": "t0k", "RASA_JWT_SECRET": "s3c", "RASA_JWT_METHOD": "HS512"},
            ["--enable-api", "--auth-token", "t0k", "--jwt-secret", "s3c", "--jwt-method", "HS512"],
        ),
    ],
)
def test_the_http_api_is_enabled_only_with_a_token_or_jwt_secret(environ, expected):
    assert expected == rasa_api_arguments(environ)


def test_rasa_is_started_without_the_api_and_with_the_listed_origins(tmp_path, monkeypatch):
    for name in ("RASA_AUTH_TOKEN", "RASA_JWT_SECRET", "CORS_ORIGINS"):
        monkeypatch.delenv(name, raising=False)
    command = Stack(config(tmp_path)).commands()["rasa"][0]
    assert "--enable-api" not in command and "--auth-token" not in command
    origins = command[command.index("--cors") + 1 :]
    assert ["http://localhost:48000", "http://127.0.0.1:48000"] == origins


def test_the_body_cap_applies_to_rasa_and_not_to_the_action_server(tmp_path, monkeypatch):
    monkeypatch.delenv("SANIC_REQUEST_MAX_SIZE", raising=False)
    commands = Stack(config(tmp_path)).commands()
    assert "65536" == commands["rasa"][2]["SANIC_REQUEST_MAX_SIZE"]
    assert "SANIC_REQUEST_MAX_SIZE" not in commands["actions"][2]
    assert "127.0.0.1" == commands["actions"][2]["SANIC_HOST"]
    assert "false" == commands["rasa"][2]["RASA_TELEMETRY_ENABLED"]


def test_extra_rasa_servers_share_the_endpoints(tmp_path):
    commands = Stack(config(tmp_path, extra_rasa_ports=(45006,), with_web=False)).commands()
    assert ["actions", "rasa", "rasa-2"] == list(commands)
    assert "45006" in commands["rasa-2"][0]


def serve(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess:
    """`python -m scripts.serve` (what `make run` runs) with these settings; killed after 60 s."""
    env = {
        **os.environ,
        "RASA_PORT": "45005",
        "ACTION_PORT": "45055",
        "WEB_PORT": "48000",
        "TRACKER_DB": str(tmp_path / "tracker.db"),
        **environ,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "scripts.serve"],
        cwd=settings.REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=60)
    except subprocess.TimeoutExpired:
        # It started instead of refusing: stop it as Ctrl-C would, so it stops what it started.
        process.send_signal(signal.SIGINT)
        try:
            out, err = process.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            out, err = process.communicate()
        pytest.fail(f"serve started instead of refusing:\n{out}")
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def test_serve_refuses_to_start_without_the_knowledge_base(tmp_path):
    result = serve(tmp_path, KB_PATH=str(tmp_path / "missing.db"))
    assert 1 == result.returncode
    assert "knowledge database not found" in result.stderr and "make kb" in result.stderr


def test_serve_refuses_to_start_with_a_corrupt_knowledge_base(tmp_path):
    corrupt = tmp_path / "knowledge.db"
    corrupt.write_bytes(b"SQLite format 3\x00" + b"\x13" * 4000)
    result = serve(tmp_path, KB_PATH=str(corrupt))
    assert 1 == result.returncode
    assert f"knowledge database {corrupt} is unreadable" in result.stderr


POSTGRES_NOBODY_LISTENS_ON = """\
action_endpoint:
  url: http://127.0.0.1:${ACTION_PORT}/webhook
tracker_store:
  type: SQL
  dialect: postgresql
  url: 127.0.0.1
  port: 9
  db: rasa
  username: rasa
  password: ${DB_PASSWORD}
"""


def test_serve_refuses_to_start_when_the_tracker_store_is_unreachable(tmp_path):
    endpoints = tmp_path / "endpoints.yml"
    endpoints.write_text(POSTGRES_NOBODY_LISTENS_ON, encoding="utf-8")
    result = serve(tmp_path, RASA_ENDPOINTS=str(endpoints), DB_PASSWORD="not-in-the-message")
    assert 1 == result.returncode
    assert "tracker store postgresql://rasa:***@127.0.0.1:9/rasa is unreachable" in result.stderr
    assert "not-in-the-message" not in result.stderr


def refused_start(stack: Stack) -> None:
    try:
        stack.start()
    finally:
        stack.stop()  # stops something only if the start was not refused


def test_a_corrupt_tracker_database_stops_the_start(tmp_path):
    (tmp_path / "tracker.db").write_bytes(b"not a database" * 100)
    with pytest.raises(StackError, match="file is not a database"):
        refused_start(Stack(config(tmp_path)))


def test_a_corrupt_lock_database_stops_the_start(tmp_path):
    (tmp_path / "locks.db").write_bytes(b"not a database" * 100)
    with pytest.raises(StackError, match="lock store sqlite .*locks.db is unusable: file is not a database"):
        refused_start(Stack(config(tmp_path)))


def test_rasa_runs_one_worker_unless_told(tmp_path, monkeypatch):
    monkeypatch.delenv("SANIC_WORKERS", raising=False)
    assert "1" == config(tmp_path).rasa_environment()["SANIC_WORKERS"]
    monkeypatch.setenv("SANIC_WORKERS", "2")
    assert "2" == config(tmp_path).rasa_environment()["SANIC_WORKERS"]


def test_a_missing_endpoints_file_stops_the_start(tmp_path):
    with pytest.raises(StackError, match="no endpoints file"):
        refused_start(Stack(config(tmp_path, endpoints=tmp_path / "nope.yml")))


def test_a_corrupt_console_database_stops_the_start(tmp_path, monkeypatch):
    (tmp_path / "console.db").write_bytes(b"not a database" * 100)
    monkeypatch.setenv("CONSOLE_DB_URL", f"sqlite:///{tmp_path / 'console.db'}")
    with pytest.raises(StackError, match="console database sqlite:///.*console.db cannot be migrated: file is not a"):
        refused_start(Stack(config(tmp_path)))


def test_an_unreachable_console_database_is_named_without_its_password(tmp_path, monkeypatch):
    monkeypatch.setenv("CONSOLE_DB_URL", "postgresql://console:not-in-the-message@127.0.0.1:9/console")
    with pytest.raises(StackError) as refused:
        refused_start(Stack(config(tmp_path)))
    assert "console database postgresql://console:***@127.0.0.1:9/console cannot be migrated" in str(refused.value)
    assert "not-in-the-message" not in str(refused.value)


def test_the_widget_gets_a_rest_only_server_of_its_own_with_its_workers(tmp_path, monkeypatch):
    monkeypatch.delenv("WIDGET_PORT", raising=False)
    monkeypatch.delenv("RASA_PUBLIC_URL", raising=False)
    commands = Stack(config(tmp_path, widget_workers=2)).commands()
    argv, ready, env = commands["rasa-widget"]
    assert "45006" == argv[argv.index("--port") + 1]
    assert argv[argv.index("--credentials") + 1].endswith("bot/credentials-rest.yml")
    assert ("2", "1") == (env["SANIC_WORKERS"], commands["rasa"][2]["SANIC_WORKERS"])
    # The page's widget talks to it; socket.io and WeChat stay on the main server.
    assert "http://localhost:45006" == commands["web"][2]["RASA_URL"]
    assert commands["rasa"][0][commands["rasa"][0].index("--credentials") + 1].endswith("bot/credentials.yml")


def test_without_widget_workers_the_widget_talks_to_the_main_server(tmp_path, monkeypatch):
    monkeypatch.delenv("RASA_PUBLIC_URL", raising=False)
    commands = Stack(config(tmp_path)).commands()
    assert "rasa-widget" not in commands
    assert "http://localhost:45005" == commands["web"][2]["RASA_URL"]


def test_the_widget_server_has_the_widgets_channels_only():
    """REST and the widget's "opened" count (both what widget.js calls); no socket.io, no WeChat."""
    credentials = yaml.safe_load((settings.REPO_ROOT / "bot" / "credentials-rest.yml").read_text(encoding="utf-8"))
    assert ["connectors.rest.ValidatedRestInput", "connectors.widget_opened.WidgetOpenedInput"] == list(credentials)
