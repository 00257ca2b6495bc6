"""Start the action server, the Rasa server and the web page together; stop them together.

    python -m scripts.serve

Each process runs in its own process group, so Ctrl-C (or SIGTERM) stops every process
and its children: no stray server survives. The test suite starts the same stack through
`Stack`, so what the tests talk to is what `make run` serves.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

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
    model: Path = field(default_factory=lambda: Path(os.getenv("MODEL", str(settings.REPO_ROOT / "models" / "assistant.tar.gz"))))
    tracker_db: Path = field(default_factory=lambda: Path(os.getenv("TRACKER_DB", str(settings.REPO_ROOT / "var" / "tracker.db"))))
    endpoints: Path = field(default_factory=lambda: Path(os.getenv("RASA_ENDPOINTS", str(settings.REPO_ROOT / "bot" / "endpoints.yml"))))
    log_dir: Path | None = None

    @property
    def cors_origins(self) -> list[str]:
        default = f"http://localhost:{self.web_port} http://127.0.0.1:{self.web_port}"
        return os.getenv("CORS_ORIGINS", default).split()

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def environment(self) -> dict[str, str]:
        env = dict(os.environ)
        env.update({
            "ACTION_PORT": str(self.action_port),
            "TRACKER_DB": str(self.tracker_db),
            "KB_PATH": str(settings.knowledge_db_path()),
            "RASA_URL": os.getenv("RASA_PUBLIC_URL", f"http://localhost:{self.rasa_port}"),
            "WEB_HOST": self.web_host,
            "WEB_PORT": str(self.web_port),
            "PYTHONPATH": os.pathsep.join(filter(None, [str(settings.REPO_ROOT), env.get("PYTHONPATH")])),
            # The action server reads its bind address from SANIC_HOST: loopback only.
            "SANIC_HOST": "127.0.0.1",
        })
        return env


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

    def commands(self) -> dict[str, tuple[list[str], str]]:
        """name -> (command, URL that answers once it is ready)."""
        c = self.config
        commands = {
            "actions": ([str(BIN / "python"), "-m", "rasa_sdk", "--actions", "actions", "-p", str(c.action_port)],
                        f"{c.action_url}/health"),
            "rasa": ([str(BIN / "rasa"), "run", "--model", str(c.model), "--endpoints", str(c.endpoints),
                      "--credentials", str(settings.REPO_ROOT / "bot" / "credentials.yml"),
                      "--interface", c.rasa_host, "--port", str(c.rasa_port), "--cors", *c.cors_origins],
                     f"{c.rasa_url}/"),
        }
        if (settings.REPO_ROOT / "web" / "server.py").exists():
            commands["web"] = ([str(BIN / "python"), "-m", "web.server"], f"{c.web_url}/healthz")
        return commands

    def check_prerequisites(self) -> None:
        try:
            KnowledgeBase().close()
        except KnowledgeBaseError as error:
            raise StackError(str(error)) from None
        if not self.config.model.exists():
            raise StackError(f"no trained model at {self.config.model}; run `make train`")
        self.config.tracker_db.parent.mkdir(parents=True, exist_ok=True)

    def start(self, timeout: float = 180.0) -> "Stack":
        self.check_prerequisites()
        env = self.config.environment()
        commands = self.commands()
        for name, (command, _) in commands.items():
            output = self._log_file(name)
            self.processes[name] = subprocess.Popen(
                command, cwd=settings.REPO_ROOT, env=env, start_new_session=True,
                stdout=output, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        try:
            for name, (_, ready_url) in commands.items():
                self._wait_ready(name, ready_url, deadline)
        except BaseException:
            self.stop()
            raise
        return self

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

    def __enter__(self) -> "Stack":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


def main() -> int:
    stack = Stack()
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
    print(f"ready.\n  chat page:  http://localhost:{c.web_port}/\n  REST:       http://localhost:{c.rasa_port}/webhooks/rest/webhook"
          f"\n  socket.io:  http://localhost:{c.rasa_port}/socket.io\nCtrl-C stops everything.", flush=True)
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
