"""Where a message's time goes: py-spy on the Rasa server and the action server under load,
the assistant's and then the floor bot's.

    python -m bench.profile [--users 20] [--seconds 30] [--bots assistant floor]

Starts each bot as `make bench` does (one worker, its own ports and stores; the floor is
trained first into var/bench/profile/), drives it with the bench's conversations (locust,
`--users` at once, no pause) and meanwhile samples its servers with py-spy
(`--nonblocking`, RATE samples a second, every thread that holds the GIL or runs; idle
threads left out). Writes to var/bench/profile/ a flame graph (`<bot>-<server>.svg`) and
the raw folded stacks of each, and prints for each server:

- each part of a turn in milliseconds of the server's time per answered message (samples
  with the part's function on the stack / RATE / messages answered while sampling), side
  by side for both bots: what the assistant pays that the floor does not;
- the functions found on the most samples: "total" is the share of the samples with the
  function anywhere on the stack, "self" the share with it on top.

docs/benchmarks.md keeps those tables.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench.run import ASSISTANT_PORTS, BIN, FLOOR_PORTS, WORK_DIR, MeasuredStack, floor_stack, locust, train_floor
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


RATE = 100  # py-spy's samples a second

# The parts of a turn docs/benchmarks.md reports: a label and a function that marks it
# (a sample counts for a part when the function is on its stack). The action call's parts
# are inside "running actions"; the HTTP wait itself is idle, not sampled.
PARTS = {
    "rasa": {
        "NLU (parse)": "MessageProcessor.parse_message",
        "tracker store: load": "TrackerStore.retrieve",
        "tracker store: save": "SQLTrackerStore.save",
        "policies (predicting the next action)": "MessageProcessor._predict_next_with_tracker",
        "running actions, all of it": "MessageProcessor._run_action",
        "… custom action: the request (tracker state, domain)": "RemoteAction._action_call_format",
        "… custom action: HTTP (aiohttp session, JSON both ways)": "EndpointConfig.request",
        "… custom action: the response (check, events, responses)": "RemoteAction._validate_action_result",
        "… custom action: the reply's messages": "RemoteAction._utter_responses",
        "… a response of the domain (utter_)": "ActionBotResponse.run",
        "household scrub at the end of a check": "forget_household",
        "console counts of a turn": "turn_measures",
        "REST channel: the request's checks (connectors/rest.py)": "connectors/rest.py",
    },
    "actions": {
        "the actions' own code (actions/, knowledge/)": "ActionExecutor.run",
        "reading the request's JSON (tracker, domain)": "Request.load_json",
        "writing the response's JSON": "json (sanic/response",
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


def part_ms(stacks: Counter[tuple[str, ...]], parts: dict[str, str], messages: int) -> list[tuple[str, float]]:
    """Each part's milliseconds of the server's time per answered message, and all of it."""
    per_message = 1000 / RATE / max(messages, 1)
    rows = [(label, share * sum(stacks.values()) * per_message) for label, share in part_shares(stacks, parts)]
    return [*rows, ("all of the server's samples", sum(stacks.values()) * per_message)]


def answered(record: Path, start: float, seconds: float) -> int:
    """Messages answered without a problem that were sent while py-spy sampled."""
    count = 0
    for line in record.read_text(encoding="utf-8").splitlines():
        sent, _, problem = line.split("\t")[:3]
        count += start <= float(sent) < start + seconds and not problem
    return count


def profile(bot: str, stack: MeasuredStack, options: argparse.Namespace) -> int:
    """Start `stack`, load it, sample its servers; the messages answered while sampling."""
    stack.start_and_ask()
    servers = [name for name in ("rasa", "actions") if name in stack.processes]
    try:
        record = OUT / f"{bot}-load.tsv"
        argv_, env = locust(stack.rasa_url, options.users, options.seconds + 10, 0, bot == "assistant", record)
        load = subprocess.Popen(argv_, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(5)  # every user is talking
        started = time.time()
        spies = [
            subprocess.Popen(
                [
                    str(BIN / "py-spy"),
                    "record",
                    "--pid",
                    str(stack.processes[name].pid),
                    "--duration",
                    str(options.seconds),
                    "--rate",
                    str(RATE),
                    "--nonblocking",
                    "--format",
                    fmt,
                    "--output",
                    str(OUT / f"{bot}-{name}.{suffix}"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            for name in servers
            for fmt, suffix in (("raw", "folded"), ("flamegraph", "svg"))
        ]
        for spy in spies:
            spy.wait()
        load.wait()
    finally:
        stack.stop()
    return answered(record, started, options.seconds)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=int, default=30)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--bots", nargs="+", choices=("assistant", "floor"), default=["assistant", "floor"])
    options = parser.parse_args(argv)
    OUT.mkdir(parents=True, exist_ok=True)
    stacks: dict[str, MeasuredStack] = {}
    if "assistant" in options.bots:
        stacks["assistant"] = MeasuredStack(
            StackConfig(
                **ASSISTANT_PORTS,
                tracker_db=OUT / "tracker.db",
                lock_db=OUT / "locks.db",
                log_dir=OUT / "logs",
                with_web=False,
                sanic_workers=1,
            )
        )
    if "floor" in options.bots:
        train_floor(OUT / "floor", OUT / "train-floor.log")
        stacks["floor"] = floor_stack(OUT / "floor" / "floor.tar.gz", FLOOR_PORTS, OUT / "floor", 1, OUT / "floor-logs")
    messages = {bot: profile(bot, stack, options) for bot, stack in stacks.items()}
    bots = list(stacks)
    for name in ("rasa", "actions"):
        paths = {bot: OUT / f"{bot}-{name}.folded" for bot in bots}
        folded = {bot: folded_stacks(path) for bot, path in paths.items() if path.exists()}
        if not folded:
            continue
        print(f"\n{name}: ms of the server's time per answered message ({options.users} conversations)\n")
        print("| part | " + " | ".join(f"{bot} ({messages[bot]} messages)" for bot in folded) + " |")
        print("| --- |" + " ---: |" * len(folded))
        rows = {bot: part_ms(stacks_, PARTS[name], messages[bot]) for bot, stacks_ in folded.items()}
        for i, (label, _) in enumerate(next(iter(rows.values()))):
            print(f"| {label} | " + " | ".join(f"{rows[bot][i][1]:.2f}" for bot in folded) + " |")
        for bot, stacks_ in folded.items():
            print(f"\n{bot}, {name}: {sum(stacks_.values())} samples in {options.seconds} s\n")
            print("| function (on top of the stack) | share |\n| --- | ---: |")
            print("\n".join(f"| `{function}` | {share:.1%} |" for function, share in top_own(stacks_, options.top)))
            print()
            print(table(top_functions(stacks_, options.top)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
