"""How fast the assistant answers under load, next to a floor bot; writes docs/benchmarks.md.

    python -m bench.run            # `make bench`

It times the knowledge build (`python -m knowledge.build` into a temporary file) and
`rasa train --force` (into a temporary directory, never models/), trains the floor bot
(bench/floor/: the same Rasa, tokenizer, featurizer and a small DIET, answering every
message with an utter_ response), starts both on ports of their own and, for each level
of concurrent conversations, drives first the assistant, then the floor over the REST
channel with locust (bench/locustfile.py): every simulated user holds the
conversations of bench/conversations.py, each under a sender id of its own. Then it reads the peak RSS of
every process and writes the figures, each next to the floor's and as a ratio to it,
between the markers in docs/benchmarks.md (the prose around them is kept).

Settings (environment):
    BENCH_SECONDS        how long each level runs (60)
    BENCH_LEVELS         concurrent conversations, space separated ("1 20 50")
    BENCH_THINK_SECONDS  a user's pause between messages (0: the next message goes as
                         soon as the answer is in, so a level is that many requests in flight)
    BENCH_RASA_URL       drive this running assistant instead of starting one (its cold
                         start and memory are then not measured)
    BENCH_SKIP_TRAIN=1   do not time `rasa train` of the assistant (the floor is still trained)
    BENCH_WORKERS        after the levels, the middle level again with both bots on this many
                         Sanic workers each (2; 1 skips it)
    BENCH_LENGTH_USERS   one conversation of 200 messages held beside so many conversations in
                         all, against each bot ("1 20"; "" skips it): messages 1-10 against 190-200
    BENCH_DOC            the document to write (docs/benchmarks.md)
    BENCH_PORT_OFFSET    added to every port the bench starts a server on (0)
"""

from __future__ import annotations

import itertools
import json
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench.conversations import (
    CONVERSATIONS,
    EARLY_MESSAGES,
    LATE_MESSAGES,
    Turn,
    long_conversation,
    reply_problem,
)
from bench.report import (
    LevelFigures,
    Record,
    Report,
    format_value,
    length_figures,
    level_figures,
    render,
    replace_block,
)
from knowledge import settings
from scripts.serve import Stack, StackConfig

REPO = settings.REPO_ROOT
BIN = Path(sys.executable).parent
FLOOR_DIR = REPO / "bench" / "floor"
LOCUSTFILE = REPO / "bench" / "locustfile.py"
WORK_DIR = REPO / "var" / "bench"

# Ports of their own, apart from `make run` (5005), the tests (15005) and `make eval` (25005);
# BENCH_PORT_OFFSET moves them all, for two benches on one machine.
PORT_OFFSET = int(os.getenv("BENCH_PORT_OFFSET", "0"))


def ports(rasa: int, action: int, web: int) -> dict[str, Any]:
    return {"rasa_port": rasa + PORT_OFFSET, "action_port": action + PORT_OFFSET, "web_port": web + PORT_OFFSET}


ASSISTANT_PORTS = ports(26005, 26055, 29000)
FLOOR_PORTS = ports(26105, 26155, 29100)


def timed(argv: list[str], log: Path, env: dict[str, str] | None = None) -> float:
    """Seconds `argv` took (its output goes to `log`); raises if it failed."""
    started = time.perf_counter()
    with open(log, "ab") as out:
        subprocess.run(
            argv, cwd=REPO, env=env, check=True, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
    return time.perf_counter() - started


def _session_processes(session_id: int) -> list[tuple[Path, list[str]]]:
    """The /proc entries of the processes in a session, each with its stat fields after the
    parenthesised command name (state, ppid, pgrp, session, … utime at 11, stime at 12)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2 :].split()
            if int(fields[3]) == session_id:
                found.append((entry, fields))
        except (OSError, ValueError, IndexError):
            continue
    return found


def peak_rss_mb(session_id: int) -> float | None:
    """Sum of the peak RSS (VmHWM) of the processes in a session (a server and its workers)."""
    total_kb, found = 0, False
    for entry, _ in _session_processes(session_id):
        try:
            status = (entry / "status").read_text()
        except OSError:
            continue
        match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            total_kb += int(match.group(1))
            found = True
    return total_kb / 1024 if found else None


def cpu_seconds(session_id: int) -> float | None:
    """User and system CPU time so far of the processes in a session, all their threads
    (TensorFlow's included, which a Python profiler does not see)."""
    processes = _session_processes(session_id)
    ticks = os.sysconf("SC_CLK_TCK")
    return sum(int(fields[11]) + int(fields[12]) for _, fields in processes) / ticks if processes else None


def post(url: str, sender: str, text: str, timeout: float = 60) -> tuple[int, object]:
    body = json.dumps({"sender": sender, "message": text}, ensure_ascii=False).encode()
    request = urllib.request.Request(
        f"{url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status, json.loads(response.read())


def first_answer(url: str, deadline: float) -> None:
    """Wait until the REST channel answers a real question."""
    while True:
        try:
            status, messages = post(url, f"bench-cold-{uuid.uuid4().hex[:8]}", CONVERSATIONS[0][1].text)
            if status == 200 and messages:
                return
        except OSError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{url} gave no answer in time")
        time.sleep(0.1)


def checked_reply(url: str, sender: str, turn: Turn, check_answers: bool) -> str:
    """Send `turn`; what is wrong with the reply ("" when nothing is)."""
    try:
        status, messages = post(url, sender, turn.text)
    except urllib.error.HTTPError as error:
        status, messages = error.code, None
    except OSError as error:
        status, messages = 0, str(error)
    return reply_problem(status, messages, turn, check_answers)


def rehearse(url: str, check_answers: bool) -> list[str]:
    """Every conversation once, one message at a time: problems found (also warms the caches)."""
    problems = []
    for number, conversation in enumerate(CONVERSATIONS, 1):
        sender = f"bench-rehearsal-{uuid.uuid4().hex[:8]}"
        for turn in conversation:
            problem = checked_reply(url, sender, turn, check_answers)
            if problem:
                problems.append(f"conversation {number}, {turn.text!r}: {problem}")
    return problems


def locust(url: str, users: int, seconds: int, think: float, check_answers: bool, record: Path) -> tuple[list, dict]:
    """The locust command line (headless, `users` conversations for `seconds`) and its environment."""
    record.unlink(missing_ok=True)
    env = dict(
        os.environ,
        BENCH_RECORD=str(record),
        BENCH_CHECK_ANSWERS="1" if check_answers else "0",
        BENCH_THINK_SECONDS=str(think),
        PYTHONPATH=str(REPO),
    )
    argv = [
        str(BIN / "locust"),
        "-f",
        str(LOCUSTFILE),
        "--headless",
        "--host",
        url,
        "--users",
        str(users),
        "--spawn-rate",
        str(users),
        "--run-time",
        f"{seconds}s",
        "--stop-timeout",
        "0",
        "--only-summary",
        "--loglevel",
        "WARNING",
        "--exit-code-on-error",
        "0",
    ]
    return argv, env


def drive(
    url: str, users: int, seconds: int, think: float, check_answers: bool, work: Path, label: str
) -> LevelFigures:
    """Run locust headless against `url`; the figures from every message it sent."""
    record = work / f"{label}-{users}.tsv"
    argv, env = locust(url, users, seconds, think, check_answers, record)
    with open(work / f"{label}-{users}.locust.log", "wb") as log:
        subprocess.run(
            argv,
            cwd=REPO,
            env=env,
            check=True,
            stdout=log,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            timeout=seconds + 120,
        )
    return level_figures(users, read_records(record))


def hold_long_conversation(url: str, users: int, check_answers: bool, work: Path, label: str) -> list[Record]:
    """One conversation of LONG_MESSAGES messages, sent one after another while locust holds
    `users` - 1 other conversations: each message's record, in order."""
    background = None
    if users > 1:
        # Longer than the conversation can take; stopped as soon as it is over.
        argv, env = locust(url, users - 1, 3600, 0, check_answers, work / f"{label}-long-background.tsv")
        log = open(work / f"{label}-long-background.locust.log", "wb")  # noqa: SIM115 (closed below)
        background = subprocess.Popen(
            argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
        )
        time.sleep(LONG_WARMUP_SECONDS)  # every background user has sent its first message
    records = []
    sender = f"bench-long-{uuid.uuid4().hex[:8]}"
    out = open(work / f"{label}-long.tsv", "w", encoding="utf-8", buffering=1)  # noqa: SIM115 (closed below)
    try:
        for turn in long_conversation():
            started, clock = time.time(), time.perf_counter()
            problem = checked_reply(url, sender, turn, check_answers)
            records.append(Record(started, time.perf_counter() - clock, problem))
            out.write(f"{started:.6f}\t{records[-1].seconds:.6f}\t{problem}\n")
    finally:
        out.close()
        if background is not None:
            background.send_signal(signal.SIGTERM)
            try:
                background.wait(timeout=30)
            except subprocess.TimeoutExpired:
                background.kill()
                background.wait()
            log.close()
    return records


def read_records(path: Path) -> list[Record]:
    records: list[Record] = []
    if not path.exists():
        return records
    for line in path.read_text(encoding="utf-8").splitlines():
        start, seconds, problem = (line.split("\t") + ["", ""])[:3]
        try:
            records.append(Record(float(start), float(seconds), problem))
        except ValueError:  # a line cut short when locust stopped
            continue
    return records


def commit() -> str:
    try:
        head = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True, check=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"], cwd=REPO, capture_output=True, text=True
        ).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return "unknown"


def machine() -> str:
    load = ", ".join(f"{x:.1f}" for x in os.getloadavg())
    return (
        f"{os.cpu_count()} cores, load average {load} at the start, Python {platform.python_version()}, "
        f"rasa {_version('rasa')}, locust {_version('locust')}"
    )


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(package)
    except PackageNotFoundError:
        return "?"


def train(config: Path, domain: Path, data: Path, out: Path, name: str, log: Path) -> float:
    # A cache of its own: --force skips the cache anyway, and the bench leaves .rasa/ alone.
    env = dict(os.environ, RASA_CACHE_DIRECTORY=str(out / "cache"), RASA_TELEMETRY_ENABLED="false")
    return timed(
        [
            str(BIN / "rasa"),
            "train",
            "--force",
            "--config",
            str(config),
            "--domain",
            str(domain),
            "--data",
            str(data),
            "--out",
            str(out),
            "--fixed-model-name",
            name,
        ],
        log,
        env,
    )


def train_floor(out: Path, log: Path) -> float:
    """Train the floor bot into `out`/floor.tar.gz; the seconds it took."""
    return train(FLOOR_DIR / "config.yml", FLOOR_DIR / "domain.yml", FLOOR_DIR / "data", out, "floor", log)


class MeasuredStack(Stack):
    """A Stack that notes when its servers were spawned (right after the preflight)."""

    spawned_at: float = 0.0

    def check_prerequisites(self) -> None:
        super().check_prerequisites()
        self.spawned_at = time.monotonic()

    def start_and_ask(self, timeout: float = 300) -> tuple[float, float]:
        """Start, then ask one question: (seconds of preflight, seconds from spawning to the answer)."""
        # A server left on one of these ports would answer the readiness checks and be measured instead.
        c = self.config
        for port in (*c.rasa_ports, c.action_port, *((c.web_port,) if c.with_web else ())):
            if not port_is_free(port):
                raise RuntimeError(f"port {port} is in use: stop what listens there before `make bench`")
        started = time.monotonic()
        self.start(timeout=timeout)
        first_answer(self.rasa_url, self.spawned_at + timeout)
        return self.spawned_at - started, time.monotonic() - self.spawned_at

    def peak_rss_mb(self) -> dict[str, float | None]:
        return {name: peak_rss_mb(process.pid) for name, process in self.processes.items()}

    def cpu_seconds(self) -> dict[str, float | None]:
        return {name: cpu_seconds(process.pid) for name, process in self.processes.items()}

    def exited(self) -> list[str]:
        return [
            f"{name} (exit code {process.returncode})"
            for name, process in self.processes.items()
            if process.poll() is not None
        ]


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


class FloorStack(MeasuredStack):
    """The Rasa server alone: the floor bot only utters, so it needs no action server."""

    def commands(self):
        return {name: command for name, command in super().commands().items() if name == "rasa"}


def floor_stack(model: Path, ports: dict[str, Any], stores: Path, workers: int, log_dir: Path) -> FloorStack:
    """The floor bot on the assistant's kind of stores (`stores` + "-tracker.db", "-locks.db")."""
    return FloorStack(
        StackConfig(
            **ports,
            model=model,
            endpoints=FLOOR_DIR / "endpoints.yml",
            tracker_db=stores.with_name(f"{stores.name}-tracker.db"),
            lock_db=stores.with_name(f"{stores.name}-locks.db"),
            log_dir=log_dir,
            with_web=False,
            sanic_workers=workers,
        )
    )


ASSISTANT, FLOOR = 0, 1  # columns of Report.costs
WORKERS_PORTS = ports(26205, 26255, 29200)
FLOOR_WORKERS_PORTS = ports(26215, 26265, 29210)
LONG_WARMUP_SECONDS = 2
WORKERS_SETTLE_SECONDS = 30


@dataclass(frozen=True)
class Options:
    seconds: int
    levels: tuple[int, ...]
    think: float
    rasa_url: str
    skip_train: bool
    workers: int
    length_users: tuple[int, ...]
    doc: Path

    @classmethod
    def from_env(cls) -> Options:
        return cls(
            seconds=int(os.getenv("BENCH_SECONDS", "60")),
            levels=tuple(int(n) for n in os.getenv("BENCH_LEVELS", "1 20 50").split()),
            think=float(os.getenv("BENCH_THINK_SECONDS", "0")),
            rasa_url=os.getenv("BENCH_RASA_URL", "").rstrip("/"),
            skip_train=os.getenv("BENCH_SKIP_TRAIN", "0") == "1",
            workers=int(os.getenv("BENCH_WORKERS", "2")),
            length_users=tuple(int(n) for n in os.getenv("BENCH_LENGTH_USERS", "1 20").split()),
            doc=Path(os.getenv("BENCH_DOC", str(REPO / "docs" / "benchmarks.md"))),
        )


def say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


class Bench:
    """One `make bench` run: builds and trainings first, then the servers under load."""

    def __init__(self, options: Options, temp: Path):
        self.options = options
        self.temp = temp
        self.logs = WORK_DIR / "logs"
        self.report = Report(
            commit=commit(),
            date=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            machine=machine(),
            seconds_per_level=options.seconds,
            think_seconds=options.think,
        )
        self.stacks: list[MeasuredStack] = []

    def run(self) -> Report:
        try:
            floor_model = self.build_and_train()
            assistant = self.start_assistant()
            assistant_url = assistant.rasa_url if assistant else self.options.rasa_url
            say("starting the floor bot")
            floor = self.start(self.floor_stack(floor_model, FLOOR_PORTS, "floor", 1), FLOOR)
            self.rehearse(assistant_url, floor.rasa_url)
            for users in self.options.levels:
                self.report.levels.append(
                    (
                        self.drive(assistant_url, users, "assistant", stack=assistant),
                        self.drive(floor.rasa_url, users, "floor", stack=floor),
                    )
                )
            if self.options.length_users:
                self.hold_long(assistant_url, floor.rasa_url)
            self.read_memory(assistant, floor)
            if assistant and self.options.workers > 1:
                self.stop(assistant)
                self.stop(floor)
                self.with_workers(floor_model)
        finally:
            for stack in self.stacks:
                stack.stop()
        return self.report

    def cost(self, key: str, column: int, value: float | None) -> None:
        """Set the assistant's (column 0) or the floor's (column 1) figure for `key`."""
        pair = list(self.report.costs.get(key, (None, None)))
        pair[column] = value
        self.report.costs[key] = (pair[0], pair[1])

    def build_and_train(self) -> Path:
        say("building the knowledge base into a temporary file")
        seconds = timed(
            [str(BIN / "python"), "-m", "knowledge.build", "--db", str(self.temp / "knowledge.db")],
            self.logs / "knowledge-build.log",
        )
        self.cost("knowledge_build_s", ASSISTANT, seconds)
        say("training the floor bot")
        floor_seconds = train_floor(self.temp / "floor", self.logs / "train-floor.log")
        if self.options.skip_train:
            self.report.notes.append("`rasa train` of the assistant was not timed (BENCH_SKIP_TRAIN=1).")
        else:
            say("timing `rasa train --force` of the assistant (into a temporary directory)")
            seconds = train(
                REPO / "bot" / "config.yml",
                REPO / "bot" / "domain",
                REPO / "data",
                self.temp / "assistant",
                "assistant",
                self.logs / "train-assistant.log",
            )
            self.cost("train_s", ASSISTANT, seconds)
            self.cost("train_s", FLOOR, floor_seconds)
            shutil.rmtree(self.temp / "assistant", ignore_errors=True)
        return self.temp / "floor" / "floor.tar.gz"

    def start(self, stack: MeasuredStack, column: int | None = None) -> MeasuredStack:
        self.stacks.append(stack)
        preflight, cold = stack.start_and_ask()
        if column is not None:
            self.cost("preflight_s", column, preflight)
            self.cost("cold_start_s", column, cold)
        return stack

    def stop(self, stack: MeasuredStack) -> None:
        stack.stop()
        self.stacks.remove(stack)

    def hold_long(self, assistant_url: str, floor_url: str) -> None:
        """One long conversation (alone, beside the load), against the assistant, then the floor."""
        for users, (url, name) in itertools.product(
            self.options.length_users, ((assistant_url, "assistant"), (floor_url, "floor"))
        ):
            say(f"one conversation of {len(long_conversation())} messages beside {users - 1} others, {name}")
            records = hold_long_conversation(url, users, name != "floor", WORK_DIR, f"{name}-{users}")
            figures = length_figures(name, users, records, EARLY_MESSAGES, LATE_MESSAGES)
            say(
                f"  p50 {format_value(figures.early_p50_ms)} ms (1-10), {format_value(figures.late_p50_ms)} ms "
                f"(190-200), {figures.errors} errors"
            )
            self.report.length.append(figures)

    def with_workers(self, floor_model: Path) -> None:
        """The middle level again with both bots on BENCH_WORKERS Sanic workers, one after the other."""
        users, workers = self.options.levels[len(self.options.levels) // 2], self.options.workers
        say(f"starting the assistant and the floor with {workers} Sanic workers each")
        floor = self.start(self.floor_stack(floor_model, FLOOR_WORKERS_PORTS, "floor-workers", workers))
        stack = self.start(
            MeasuredStack(
                StackConfig(
                    **WORKERS_PORTS,
                    tracker_db=WORK_DIR / "workers-tracker.db",
                    lock_db=WORK_DIR / "workers-locks.db",
                    log_dir=self.logs / "workers",
                    with_web=False,
                    sanic_workers=workers,
                )
            )
        )
        time.sleep(WORKERS_SETTLE_SECONDS)  # the first worker answers while the others still load
        for url, name in ((stack.rasa_url, "assistant"), (floor.rasa_url, "floor")):
            problems = rehearse(url, check_answers=name == "assistant")
            self.report.notes += [
                f"Before the load, the {name} on {workers} workers answered wrongly: {p}" for p in problems
            ]
        self.report.workers_variant = (
            workers,
            (
                self.drive(stack.rasa_url, users, "assistant", f"assistant-{workers}-workers", stack),
                self.drive(floor.rasa_url, users, "floor", f"floor-{workers}-workers", floor),
            ),
        )

    def floor_stack(self, model: Path, ports: dict[str, Any], name: str, workers: int) -> FloorStack:
        return floor_stack(model, ports, WORK_DIR / name, workers, self.logs / name)

    def start_assistant(self) -> MeasuredStack | None:
        if self.options.rasa_url:
            self.report.notes.append(
                f"The assistant was the one already running at {self.options.rasa_url}: "
                "its cold start and memory were not measured."
            )
            return None
        say("starting the assistant")
        return self.start(
            MeasuredStack(
                StackConfig(
                    **ASSISTANT_PORTS,
                    tracker_db=WORK_DIR / "assistant-tracker.db",
                    lock_db=WORK_DIR / "assistant-locks.db",
                    log_dir=self.logs / "assistant",
                    sanic_workers=1,
                )
            ),
            ASSISTANT,
        )

    def read_memory(self, assistant: MeasuredStack | None, floor: MeasuredStack) -> None:
        """Peak RSS of every server, read while they still run; and whether any of them died."""
        for stack, name in ((assistant, "assistant"), (floor, "floor")):
            if stack is not None and stack.exited():
                self.report.notes.append(f"During the load the {name}'s {', '.join(stack.exited())} exited.")
        rss = assistant.peak_rss_mb() if assistant else {}
        self.cost("rss_actions_mb", ASSISTANT, rss.get("actions"))
        self.cost("rss_rasa_mb", ASSISTANT, rss.get("rasa"))
        self.cost("rss_web_mb", ASSISTANT, rss.get("web"))
        self.cost("rss_rasa_mb", FLOOR, floor.peak_rss_mb().get("rasa"))

    def rehearse(self, assistant_url: str, floor_url: str) -> None:
        for url, name in ((assistant_url, "assistant"), (floor_url, "floor")):
            problems = rehearse(url, check_answers=name == "assistant")
            say(f"rehearsal of the {name}: {len(problems)} problems")
            self.report.notes += [f"Before the load, the {name} answered wrongly: {p}" for p in problems]

    def drive(
        self, url: str, users: int, name: str, label: str = "", stack: MeasuredStack | None = None
    ) -> LevelFigures:
        """Drive `url`; with the `stack` that serves it, also its servers' CPU time per answer."""
        say(f"{users} conversations against the {name} for {self.options.seconds} s")
        before = stack.cpu_seconds() if stack else {}
        figures = drive(url, users, self.options.seconds, self.options.think, name != "floor", WORK_DIR, label or name)
        after = stack.cpu_seconds() if stack else {}
        # Per message answered at all: a wrong answer or an error cost CPU too (the floor's
        # answers are not checked, the assistant's are).
        answered = figures.messages + figures.errors
        figures.cpu_ms = {
            server: 1000 * (spent - start) / answered
            for server, spent in after.items()
            if spent is not None and (start := before.get(server)) is not None and answered
        }
        say(f"  {figures.messages} answered, p95 {format_value(figures.p95_ms)} ms, {figures.errors} errors")
        return figures


def main() -> int:
    options = Options.from_env()
    shutil.rmtree(WORK_DIR, ignore_errors=True)
    (WORK_DIR / "logs").mkdir(parents=True)
    with tempfile.TemporaryDirectory(prefix="bench-") as temp:
        report = Bench(options, Path(temp)).run()
    (WORK_DIR / "results.json").write_text(json.dumps(asdict(report), ensure_ascii=False, indent=2), encoding="utf-8")
    doc = options.doc
    doc.parent.mkdir(parents=True, exist_ok=True)
    doc.write_text(
        replace_block(doc.read_text(encoding="utf-8") if doc.exists() else "# Benchmarks\n", render(report)),
        encoding="utf-8",
    )
    say(f"wrote {doc}")
    print(render(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
