"""Start the action server, the Rasa server and the web page together; stop them together.

    python -m scripts.serve

Each process runs in its own process group, so Ctrl-C (or SIGTERM) stops every process
and its children: no stray server survives. The test suite starts the same stack through
`Stack`, so what the tests talk to is what `make run` serves.

Safe defaults: Rasa's HTTP API (conversations, trackers, model upload) stays off unless
RASA_AUTH_TOKEN or RASA_JWT_SECRET is set; browsers may call Rasa only from CORS_ORIGINS;
the action server listens on 127.0.0.1 only; request bodies are capped
(SANIC_REQUEST_MAX_SIZE); Rasa's telemetry is off. Nothing starts unless the knowledge
base opens, the model exists and the tracker store (and lock store) accept a connection
(scripts/stores.py): Rasa itself would fall back to keeping conversations in memory.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from alembic.util import CommandError
from sqlalchemy.exc import SQLAlchemyError

from console.db import create_schema, shown_url
from knowledge import settings
from knowledge.kb import KnowledgeBase, KnowledgeBaseError

BIN = Path(sys.executable).parent


@dataclass
class StackConfig:
    """Ports, paths and origins, from the environment with the documented defaults."""

    rasa_host: str = field(default_factory=lambda: os.getenv("RASA_HOST", "127.0.0.1"))
    rasa_port: int = field(default_factory=lambda: int(os.getenv("RASA_PORT", "5005")))
    action_port: int = field(default_factory=lambda: int(os.getenv("ACTION_PORT", "5055")))
    web_host: str = field(default_factory=lambda: os.getenv("WEB_HOST", "127.0.0.1"))
    web_port: int = field(default_factory=lambda: int(os.getenv("WEB_PORT", "8000")))
    model: Path = field(
        default_factory=lambda: Path(os.getenv("MODEL", str(settings.REPO_ROOT / "models" / "assistant.tar.gz")))
    )
    tracker_db: Path = field(
        default_factory=lambda: Path(os.getenv("TRACKER_DB", str(settings.REPO_ROOT / "var" / "tracker.db")))
    )
    lock_db: Path = field(
        default_factory=lambda: Path(os.getenv("LOCK_DB", str(settings.REPO_ROOT / "var" / "locks.db")))
    )
    endpoints: Path = field(
        default_factory=lambda: Path(os.getenv("RASA_ENDPOINTS", str(settings.REPO_ROOT / "bot" / "endpoints.yml")))
    )
    log_dir: Path | None = None
    # Sanic workers of each Rasa server; None: SANIC_WORKERS from the environment, or 1.
    sanic_workers: int | None = None
    # More Rasa servers sharing the action server and the stores (the scale profile).
    extra_rasa_ports: tuple[int, ...] = ()
    # The widget's own Rasa server, REST only, with this many Sanic workers (0: none; the
    # widget then talks to the main server). socket.io and WeChat keep their sessions in
    # one process's memory, so they stay on the main server and its one worker
    # (docs/deployment.md, "More workers on one machine"). `make run` (main()) starts it
    # with WIDGET_WORKERS (2); the tests, the evaluation and the bench start it when asked.
    widget_workers: int = 0
    # Its port; None: WIDGET_PORT, else the main server's port + 1.
    widget_port: int | None = None
    with_web: bool = True
    # The key that signs conversation ids (connectors/conversation_ids.py): the configured
    # one, else one made for this start and shared by every Rasa server of the stack.
    conversation_id_secret: str = field(
        default_factory=lambda: os.getenv("CONVERSATION_ID_SECRET") or secrets.token_hex(32), repr=False
    )

    @property
    def cors_origins(self) -> list[str]:
        default = f"http://localhost:{self.web_port} http://127.0.0.1:{self.web_port}"
        return os.getenv("CORS_ORIGINS", default).split()

    @property
    def rasa_ports(self) -> tuple[int, ...]:
        return (self.rasa_port, *self.extra_rasa_ports)

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def widget_rasa_port(self) -> int | None:
        """The port of the widget's Rasa server, None when there is none."""
        if self.widget_workers <= 0:
            return None
        return self.widget_port or int(os.getenv("WIDGET_PORT", str(self.rasa_port + 1)))

    @property
    def widget_rasa_url(self) -> str:
        """Where the widget sends its messages: its own server, else the main one."""
        return f"http://127.0.0.1:{self.widget_rasa_port or self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def environment(self) -> dict[str, str]:
        """The environment every process of the stack gets."""
        env = dict(os.environ)
        env.update(
            {
                "ACTION_PORT": str(self.action_port),
                "TRACKER_DB": str(settings.REPO_ROOT / self.tracker_db),
                "LOCK_DB": str(settings.REPO_ROOT / self.lock_db),
                "KB_PATH": str(settings.knowledge_db_path()),
                "RASA_URL": os.getenv("RASA_PUBLIC_URL", f"http://localhost:{self.widget_rasa_port or self.rasa_port}"),
                "WEB_HOST": self.web_host,
                "WEB_PORT": str(self.web_port),
                "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.REPO_ROOT), env.get("PYTHONPATH")])),
                # The action server reads its bind address from SANIC_HOST: loopback only.
                "SANIC_HOST": "127.0.0.1",
                # Log lines reach the log file as they are written, not when a buffer fills.
                "PYTHONUNBUFFERED": "1",
            }
        )
        # Rasa reports usage to Segment and errors to Sentry unless told not to.
        env.setdefault("RASA_TELEMETRY_ENABLED", "false")
        # Sanic imports distutils (strtobool); setuptools' stand-in for it imports setuptools
        # and pkg_resources: 13 MB of each server's memory for nothing (docs/benchmarks.md).
        env.setdefault("SETUPTOOLS_USE_DISTUTILS", "stdlib")
        return env

    def rasa_environment(self) -> dict[str, str]:
        env = self.environment()
        # Sanic reads SANIC_* settings from the environment: 413 above this many bytes.
        env.setdefault("SANIC_REQUEST_MAX_SIZE", "65536")
        # One Sanic worker unless told: socket.io long-polling needs every request of a
        # session on the worker that opened it (docs/deployment.md, "More workers").
        env.setdefault("SANIC_WORKERS", "1")
        env["CONVERSATION_ID_SECRET"] = self.conversation_id_secret
        if self.sanic_workers is not None:
            env["SANIC_WORKERS"] = str(self.sanic_workers)
        return env

    def action_environment(self) -> dict[str, str]:
        env = self.environment()
        # Rasa sends the action server the whole tracker and domain: the cap on what a
        # browser may send must not apply to it (its default is 100 MB).
        env.pop("SANIC_REQUEST_MAX_SIZE", None)
        env.pop("CONVERSATION_ID_SECRET", None)
        return env


def rasa_api_arguments(environ: Mapping[str, str]) -> list[str]:
    """`rasa run` arguments for the HTTP API: none (API off) unless a token or JWT secret is set.

    The API reads and rewrites any conversation and replaces the model, so it is never
    served without authentication. The values travel as arguments (`rasa run` has no
    environment variable for them), so anyone who can list this machine's processes can
    read them: give the API its own host or container in production.
    """
    token = environ.get("RASA_AUTH_TOKEN", "")
    jwt_secret = environ.get("RASA_JWT_SECRET", "")
    if not token and not jwt_secret:
        return []
    arguments = ["--enable-api"]
    if token:
        arguments += ["--auth-token", token]
    if jwt_secret:
        arguments += ["--jwt-secret", jwt_secret, "--jwt-method", environ.get("RASA_JWT_METHOD", "HS256")]
    return arguments


class StackError(RuntimeError):
    pass


class Stack:
    """The running assistant: started by `start()`, stopped (all of it) by `stop()`."""

    def __init__(self, config: StackConfig | None = None):
        self.config = config or StackConfig()
        self.processes: dict[str, subprocess.Popen] = {}

    @property
    def rasa_url(self) -> str:
        return self.config.rasa_url

    @property
    def web_url(self) -> str:
        return self.config.web_url

    def commands(self) -> dict[str, tuple[list[str], str, dict[str, str]]]:
        """name -> (command, URL that answers once it is ready, environment)."""
        c = self.config
        commands = {
            "actions": (
                [str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "-p", str(c.action_port)],
                f"{c.action_url}/health",
                c.action_environment(),
            ),
        }
        rasa_env = c.rasa_environment()
        servers = [
            ("rasa" if index == 0 else f"rasa-{index + 1}", port, "credentials.yml", rasa_env)
            for index, port in enumerate(c.rasa_ports)
        ]
        if c.widget_rasa_port is not None:
            widget_env = {**rasa_env, "SANIC_WORKERS": str(c.widget_workers)}
            servers.append(("rasa-widget", c.widget_rasa_port, "credentials-rest.yml", widget_env))
        for name, port, credentials, env in servers:
            commands[name] = (
                [
                    str(BIN / "rasa"),
                    "run",
                    "--model",
                    str(c.model),
                    "--endpoints",
                    str(c.endpoints),
                    "--credentials",
                    str(settings.REPO_ROOT / "bot" / credentials),
                    "--interface",
                    c.rasa_host,
                    "--port",
                    str(port),
                    "--cors",
                    *c.cors_origins,
                    *rasa_api_arguments(env),
                ],
                f"http://127.0.0.1:{port}/",
                env,
            )
        if c.with_web and (settings.REPO_ROOT / "web" / "server.py").exists():
            commands["web"] = ([str(BIN / "python"), "-m", "web.server"], f"{c.web_url}/healthz", c.environment())
        return commands

    def check_prerequisites(self) -> None:
        try:
            KnowledgeBase().close()
        except KnowledgeBaseError as error:
            raise StackError(str(error)) from None
        if not self.config.model.exists():
            raise StackError(f"no trained model at {self.config.model}; run `make train`")
        try:
            create_schema()  # the console database (CONSOLE_DB_URL), migrated before anything reads it
        except (SQLAlchemyError, CommandError, OSError) as error:
            reason = str(getattr(error, "orig", None) or error).strip().splitlines()[0]
            raise StackError(f"console database {shown_url()} cannot be migrated: {reason}") from None
        try:
            (settings.REPO_ROOT / self.config.tracker_db).parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise StackError(f"cannot create the directory of the tracker database: {error}") from None
        # In a child with Rasa's own environment, so ${VARS} in the endpoints file expand
        # exactly as they will for `rasa run`.
        check = subprocess.run(
            [str(BIN / "python"), "-m", "scripts.stores", "--endpoints", str(self.config.endpoints)],
            cwd=settings.REPO_ROOT,
            env=self.config.rasa_environment(),
            capture_output=True,
            text=True,
        )
        if check.returncode != 0:
            raise StackError((check.stderr.strip().splitlines() or [f"preflight exited with {check.returncode}"])[-1])

    def start(self, timeout: float = 180.0) -> Stack:
        self.check_prerequisites()
        commands = self.commands()
        for name in commands:
            self._spawn(name, commands[name])
        deadline = time.monotonic() + timeout
        try:
            for name, (_, ready_url, _) in commands.items():
                self._wait_ready(name, ready_url, deadline)
        except BaseException:
            self.stop()
            raise
        return self

    def _spawn(self, name: str, command: tuple[list[str], str, dict[str, str]]) -> None:
        argv, _, env = command
        self.processes[name] = subprocess.Popen(
            argv,
            cwd=settings.REPO_ROOT,
            env=env,
            start_new_session=True,
            stdout=self._log_file(name),
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
        )

    def kill(self, name: str) -> None:
        """Kill one process (and its children) at once, as a crash would."""
        process = self.processes[name]
        _signal_group(process, signal.SIGKILL)
        process.wait()

    def restart(self, name: str, timeout: float = 180.0) -> float:
        """Start one process again (killing it first if it runs); seconds until it answered."""
        if self.processes[name].poll() is None:
            self.kill(name)
        started = time.monotonic()
        command = self.commands()[name]
        self._spawn(name, command)
        self._wait_ready(name, command[1], started + timeout)
        return time.monotonic() - started

    def _log_file(self, name: str):
        if self.config.log_dir is None:
            return None
        self.config.log_dir.mkdir(parents=True, exist_ok=True)
        return open(self.config.log_dir / f"{name}.log", "ab")

    def _wait_ready(self, name: str, url: str, deadline: float) -> None:
        process = self.processes[name]
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise StackError(f"{name} exited with code {process.returncode} while starting")
            try:
                with urllib.request.urlopen(url, timeout=2):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.5)
        raise StackError(f"{name} did not answer at {url} in time")

    def stop(self, grace: float = 10.0) -> None:
        for process in self.processes.values():
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + grace
        for process in self.processes.values():
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
            # Children (e.g. Sanic workers) live in the same group; make sure none is left.
            _signal_group(process, signal.SIGKILL)
        self.processes.clear()

    def __enter__(self) -> Stack:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, sig)


def widget_workers() -> int:
    """The widget server's workers for `make run`: one per core of a 2-core machine (docs/deployment.md)."""
    return int(os.getenv("WIDGET_WORKERS", "2"))


def main() -> int:
    stack = Stack(StackConfig(widget_workers=widget_workers()))
    stopping = False

    def request_stop(signum, frame):
        nonlocal stopping
        stopping = True

    signal.signal(signal.SIGINT, request_stop)
    signal.signal(signal.SIGTERM, request_stop)
    print("starting the action server, the Rasa server and the web page …", flush=True)
    try:
        stack.start()
    except StackError as error:
        print(f"could not start: {error}", file=sys.stderr)
        return 1
    c = stack.config
    api = (
        "on (token or JWT required)"
        if rasa_api_arguments(c.rasa_environment())
        else "off (set RASA_AUTH_TOKEN to enable)"
    )
    print(
        f"ready.\n  chat page:  http://localhost:{c.web_port}/"
        + (
            f" (its widget on http://localhost:{c.widget_rasa_port}, {c.widget_workers} workers)"
            if c.widget_rasa_port
            else ""
        )
        + f"\n  REST:       http://localhost:{c.rasa_port}/webhooks/rest/webhook"
        f"\n  socket.io:  http://localhost:{c.rasa_port}/socket.io"
        f"\n  WeChat:     http://localhost:{c.rasa_port}/webhooks/wechat/<school> (schools in WECHAT_SCHOOLS)"
        f"\n  HTTP API:   {api}"
        f"\n  console:    http://localhost:{c.web_port}/console (first administrator: `make console-admin`)"
        "\nCtrl-C stops everything.",
        flush=True,
    )
    try:
        while not stopping:
            for name, process in stack.processes.items():
                if process.poll() is not None:
                    print(f"{name} exited with code {process.returncode}; stopping the rest", file=sys.stderr)
                    stopping = True
            time.sleep(0.5)
    finally:
        print("stopping …", flush=True)
        stack.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
