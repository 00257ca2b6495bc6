"""Where a message's time goes: py-spy on the Rasa server and the action server under load.

    python -m bench.profile [--users 20] [--seconds 30]

Starts the assistant as `make bench` does (one worker, its own ports and stores), drives it
with the bench's conversations (locust, `--users` at once, no pause) and meanwhile samples
both servers with py-spy (`--nonblocking`, 100 samples a second, every thread that holds
the GIL or runs; idle threads left out). Writes to var/bench/profile/ a flame graph
(`<server>.svg`) and the raw folded stacks of each, and prints for each server the
functions found on the most samples: "total" is the share of the samples with the
function anywhere on the stack, "self" the share with it on top. docs/benchmarks.md keeps
those tables.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.run import ASSISTANT_PORTS, BIN, WORK_DIR, MeasuredStack, locust
from scripts.serve import StackConfig

OUT = WORK_DIR / "profile"


def folded_stacks(path: Path) -> Counter[tuple[str, ...]]:
    """py-spy's raw output: one "frame;frame;...;frame count" line per distinct stack."""
    stacks: Counter[tuple[str, ...]] = Counter()
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def function_of(frame: str) -> str:
    """ "run (rasa/core/processor.py:123)" -> "run (rasa/core/processor.py)"."""
    name, _, place = frame.partition(" (")
    return f"{name} ({place.rsplit(':', 1)[0]})" if place else name


def top_functions(stacks: Counter[tuple[str, ...]], count: int = 15) -> list[tuple[str, float, float]]:
    """(function, share of samples with it on the stack, share with it on top), largest first."""
    total = sum(stacks.values()) or 1
    inclusive: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack, samples in stacks.items():
        for function in {function_of(frame) for frame in stack}:
            inclusive[function] += samples
        if stack:
            own[function_of(stack[-1])] += samples
    return [(f, n / total, own[f] / total) for f, n in inclusive.most_common(count)]


# The parts of a turn docs/benchmarks.md reports: a label and a function that marks it.
PARTS = {
    "rasa": {
        "NLU (parse)": "MessageProcessor.parse_message",
        "tracker store: load": "TrackerStore.retrieve",
        "tracker store: save": "SQLTrackerStore.save",
        "household scrub at the end of a check": "forget_household",
        "policies (predicting the next action)": "MessageProcessor._predict_next_with_tracker",
        "running actions (custom ones: HTTP to the action server)": "MessageProcessor._run_action",
    },
    "actions": {
        "the actions' own code (actions/, knowledge/)": "ActionExecutor.run",
        "reading the request's JSON (tracker, domain)": "Request.load_json",
        "Sanic outside the webhook (HTTP, connections)": "Http.http1",
    },
}


def part_shares(stacks: Counter[tuple[str, ...]], parts: dict[str, str]) -> list[tuple[str, float]]:
    """Each part's share of the samples (a sample counts for a part when its marker is on the stack)."""
    total = sum(stacks.values()) or 1
    return [
        (label, sum(n for stack, n in stacks.items() if any(marker in frame for frame in stack)) / total)
        for label, marker in parts.items()
    ]


def top_own(stacks: Counter[tuple[str, ...]], count: int = 12) -> list[tuple[str, float]]:
    """The functions most often on top of the stack (where the time is spent itself)."""
    total = sum(stacks.values()) or 1
    own: Counter[str] = Counter()
    for stack, samples in stacks.items():
        if stack:
            own[function_of(stack[-1])] += samples
    return [(function, n / total) for function, n in own.most_common(count)]


def table(rows: list[tuple[str, float, float]]) -> str:
    lines = ["| function | total | self |", "| --- | ---: | ---: |"]
    lines += [f"| `{function}` | {share:.0%} | {mine:.0%} |" for function, share, mine in rows]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    options = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    stack = MeasuredStack(
        StackConfig(
            **ASSISTANT_PORTS,
            tracker_db=OUT / "tracker.db",
            lock_db=OUT / "locks.db",
            log_dir=OUT / "logs",
            with_web=False,
            sanic_workers=1,
        )
    )
    stack.start_and_ask()
    try:
        argv_, env = locust(stack.rasa_url, options.users, options.seconds + 10, 0, True, OUT / "load.tsv")
        load = subprocess.Popen(argv_, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(5)  # every user is talking
        spies = [
            subprocess.Popen(
                [
                    str(BIN / "py-spy"),
                    "record",
                    "--pid",
                    str(stack.processes[name].pid),
                    "--duration",
                    str(options.seconds),
                    "--nonblocking",
                    "--format",
                    fmt,
                    "--output",
                    str(OUT / f"{name}.{suffix}"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name in ("rasa", "actions")
            for fmt, suffix in (("raw", "folded"), ("flamegraph", "svg"))
        ]
        for spy in spies:
            spy.wait()
        load.wait()
    finally:
        stack.stop()
    for name in ("rasa", "actions"):
        stacks = folded_stacks(OUT / f"{name}.folded")
        print(f"\n{name}: {sum(stacks.values())} samples in {options.seconds} s\n")
        print("| part | share of samples |\n| --- | ---: |")
        print("\n".join(f"| {label} | {share:.0%} |" for label, share in part_shares(stacks, PARTS[name])))
        print("\n| function (on top of the stack) | share |\n| --- | ---: |")
        print("\n".join(f"| `{function}` | {share:.1%} |" for function, share in top_own(stacks, options.top)))
        print()
        print(table(top_functions(stacks, options.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
