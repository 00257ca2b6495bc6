"""The figures of a `make bench` run: percentiles, ratios to the floor, targets, and the
generated part of docs/benchmarks.md. Pure functions: tests/bench/test_report.py."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"


@dataclass(frozen=True)
class Record:
    """One message: when it was sent (epoch seconds), how long the answer took, what failed."""

    start: float
    seconds: float
    problem: str = ""


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0-100), linear between the closest ranks (numpy's default)."""
    if not values:
        raise ValueError("percentile of no values")
    if not 0 <= q <= 100:
        raise ValueError(f"percentile {q} is not between 0 and 100")
    ordered = sorted(values)
    position = (len(ordered) - 1) * q / 100
    below = math.floor(position)
    above = min(below + 1, len(ordered) - 1)
    return ordered[below] + (ordered[above] - ordered[below]) * (position - below)


@dataclass
class LevelFigures:
    users: int
    messages: int  # answered without a problem
    errors: int
    errors_by_kind: dict[str, int]
    seconds: float  # from the first message sent to the last answer received
    p50_ms: float | None
    p95_ms: float | None
    p99_ms: float | None
    # CPU time of each server (user + system, every thread) per message sent, when the
    # bench started the servers itself (bench/run.py `cpu_seconds`).
    cpu_ms: dict[str, float] = field(default_factory=dict)

    @property
    def cpu_ms_all(self) -> float | None:
        return sum(self.cpu_ms.values()) if self.cpu_ms else None

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds > 0 else 0.0


def level_figures(users: int, records: Iterable[Record]) -> LevelFigures:
    """Latency percentiles over the answered messages; errors are counted, not timed."""
    records = list(records)
    ok = [r.seconds * 1000 for r in records if not r.problem]
    kinds: dict[str, int] = {}
    for record in records:
        if record.problem:
            kinds[record.problem] = kinds.get(record.problem, 0) + 1
    window = (max(r.start + r.seconds for r in records) - min(r.start for r in records)) if records else 0.0
    return LevelFigures(
        users=users,
        messages=len(ok),
        errors=sum(kinds.values()),
        errors_by_kind=dict(sorted(kinds.items())),
        seconds=window,
        p50_ms=percentile(ok, 50) if ok else None,
        p95_ms=percentile(ok, 95) if ok else None,
        p99_ms=percentile(ok, 99) if ok else None,
    )


@dataclass
class LengthFigures:
    """One long conversation held beside the load: its early and its late messages."""

    bot: str
    users: int  # conversations in all, the long one included
    messages: int  # answered without a problem, of all its messages
    errors: int
    early_p50_ms: float | None  # messages 1-10
    late_p50_ms: float | None  # messages 190-200

    @property
    def late_to_early(self) -> float | None:
        return ratio(self.late_p50_ms, self.early_p50_ms)


def length_figures(bot: str, users: int, records: Sequence[Record], early: range, late: range) -> LengthFigures:
    """`records` are the long conversation's messages in order (message 1 first)."""

    def p50(numbers: range) -> float | None:
        ok = [records[n - 1].seconds * 1000 for n in numbers if n <= len(records) and not records[n - 1].problem]
        return percentile(ok, 50) if ok else None

    errors = sum(1 for r in records if r.problem)
    return LengthFigures(bot, users, len(records) - errors, errors, p50(early), p50(late))


def ratio(value: float | None, floor: float | None) -> float | None:
    """value / floor, or None when either is missing or the floor is zero."""
    if value is None or floor is None or floor == 0:
        return None
    return value / floor


@dataclass
class Report:
    commit: str
    date: str
    machine: str
    seconds_per_level: int
    think_seconds: float
    levels: list[tuple[LevelFigures, LevelFigures]] = field(default_factory=list)  # (assistant, floor)
    # figure -> (assistant, floor); None where not measured or without a floor counterpart
    costs: dict[str, tuple[float | None, float | None]] = field(default_factory=dict)
    # Both bots on this many Sanic workers at the middle level: (workers, (assistant, floor))
    workers_variant: tuple[int, tuple[LevelFigures, LevelFigures]] | None = None
    # One conversation of many messages, alone or beside the load
    length: list[LengthFigures] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


# name in Report.costs -> (label, unit)
COSTS = {
    "cold_start_s": ("cold start: servers spawned → first answer", "s"),
    "preflight_s": ("preflight before spawning (knowledge base, model, stores)", "s"),
    "train_s": ("`rasa train --force`", "s"),
    "knowledge_build_s": ("knowledge build (`python -m knowledge.build`)", "s"),
    "rss_actions_mb": ("peak RSS, action server", "MB"),
    "rss_rasa_mb": ("peak RSS, Rasa server", "MB"),
    "rss_web_mb": ("peak RSS, web page", "MB"),
}


@dataclass(frozen=True)
class Target:
    name: str
    figure: str
    holds: bool | None  # None: not measured


def targets(report: Report, users: int = 20) -> list[Target]:
    """The issue's targets, judged on the report (reported, never asserted)."""
    found = [Target(f"p95, throughput and errors at {users} conversations", "not measured", None)]
    for assistant, floor in report.levels:
        if assistant.users != users:
            continue
        p95 = ratio(assistant.p95_ms, floor.p95_ms)
        rate = ratio(assistant.per_second, floor.per_second)
        found = [
            Target(
                f"p95 at {users} conversations ≤ 1.2× the floor's", _times(p95), None if p95 is None else p95 <= 1.2
            ),
            Target(
                f"throughput at {users} conversations ≥ 0.9× the floor's",
                _times(rate),
                None if rate is None else rate >= 0.9,
            ),
            Target(f"no errors at {users} conversations", str(assistant.errors), assistant.errors == 0),
        ]
    for figures in report.length:
        if figures.bot == "assistant" and figures.users == users:
            late = figures.late_to_early
            found.append(
                Target(
                    f"messages 190–200 of a conversation at {users} conversations: p50 ≤ 1.3× messages 1–10's",
                    _times(late),
                    None if late is None else late <= 1.3,
                )
            )
    limits = (
        ("cold_start_s", "cold start ≤ 20 s", 20),
        ("train_s", "`rasa train` ≤ 120 s", 120),
        ("rss_actions_mb", "action server RSS ≤ 150 MB", 150),
        ("knowledge_build_s", "knowledge build ≤ 5 s", 5),
    )
    for key, name, limit in limits:
        value = report.costs.get(key, (None, None))[0]
        unit = COSTS[key][1]
        found.append(
            Target(
                name,
                "not measured" if value is None else f"{format_value(value)} {unit}",
                None if value is None else value <= limit,
            )
        )
    return found


def format_value(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.0f}" if abs(value) >= 100 else f"{value:.1f}" if abs(value) >= 10 else f"{value:.2f}"


def _times(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}×"


def render(report: Report) -> str:
    """The generated part of docs/benchmarks.md, markers included."""
    lines = [
        BEGIN,
        f"Measured by `make bench` at commit `{report.commit}` on {report.date}; {report.machine}. "
        f"Each level ran {report.seconds_per_level} s with {report.think_seconds:g} s between a user's messages.",
        "",
        "### Latency and throughput (REST channel)",
        "",
    ]
    lines += level_table(report.levels)
    lines += cpu_table(report.levels)
    lines += [
        "",
        "### Start-up, training and memory",
        "",
        "| figure | assistant | floor | ratio |",
        "| --- | ---: | ---: | ---: |",
    ]
    for key, (label, unit) in COSTS.items():
        if key not in report.costs:
            continue
        value, floor = report.costs[key]
        lines.append(f"| {label} | {_unit(value, unit)} | {_unit(floor, unit)} | {_times(ratio(value, floor))} |")
    if report.length:
        lines += [
            "",
            "### Cost over a conversation's length",
            "",
            f"One conversation of {max(f.messages + f.errors for f in report.length)} messages "
            "(bench/conversations.py, LONG_CYCLE), alone or held beside the load's other conversations "
            "(so many in all, one worker each), against each bot in turn:",
            "",
            "| conversations | bot | answered | errors | p50 ms, messages 1–10 | p50 ms, messages 190–200 | ratio |",
            "| ---: | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for figures in report.length:
            lines.append(
                f"| {figures.users} | {figures.bot} | {figures.messages} | {figures.errors} | "
                f"{format_value(figures.early_p50_ms)} | "
                f"{format_value(figures.late_p50_ms)} | **{_times(figures.late_to_early)}** |"
            )
    lines += ["", "### Targets", "", "| target | figure | holds |", "| --- | --- | --- |"]
    for target in targets(report):
        holds = "not measured" if target.holds is None else "yes" if target.holds else "**no**"
        lines.append(f"| {target.name} | {target.figure} | {holds} |")
    if report.workers_variant:
        workers, pair = report.workers_variant
        lines += [
            "",
            f"### {workers} Sanic workers each",
            "",
            f"Both bots again, each on {workers} Sanic workers (SANIC_WORKERS={workers}) sharing the same "
            "SQLite tracker and lock stores, one right after the other:",
            "",
        ]
        lines += level_table([pair], names=(f"assistant, {workers} workers", f"floor, {workers} workers"))
    if report.notes:
        lines += [""] + [f"- {note}" for note in report.notes]
    lines.append(END)
    return "\n".join(lines)


def level_table(
    levels: Sequence[tuple[LevelFigures, LevelFigures]], names: tuple[str, str] = ("assistant", "floor")
) -> list[str]:
    lines = [
        "| conversations | bot | answered | messages/s | p50 ms | p95 ms | p99 ms | errors |",
        "| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for assistant, floor in levels:
        for name, figures in zip(names, (assistant, floor), strict=True):
            errors = str(figures.errors)
            if figures.errors_by_kind:
                errors += " (" + ", ".join(f"{kind}: {n}" for kind, n in figures.errors_by_kind.items()) + ")"
            lines.append(
                f"| {figures.users} | {name} | {figures.messages} | {format_value(figures.per_second)} | "
                f"{format_value(figures.p50_ms)} | {format_value(figures.p95_ms)} | "
                f"{format_value(figures.p99_ms)} | {errors} |"
            )
        lines.append(
            f"| {assistant.users} | **ratio** | "
            f"| **{_times(ratio(assistant.per_second, floor.per_second))}** | "
            f"**{_times(ratio(assistant.p50_ms, floor.p50_ms))}** | "
            f"**{_times(ratio(assistant.p95_ms, floor.p95_ms))}** | "
            f"**{_times(ratio(assistant.p99_ms, floor.p99_ms))}** | |"
        )
    return lines


def cpu_table(levels: Sequence[tuple[LevelFigures, LevelFigures]]) -> list[str]:
    """The servers' CPU time per message sent at each level: on a machine whose cores
    the servers and the load share, what bounds the messages a second."""
    levels = [pair for pair in levels if pair[0].cpu_ms and pair[1].cpu_ms]
    if not levels:
        return []
    lines = [
        "",
        "CPU time per message sent (user + system, every thread, over the level):",
        "",
        "| conversations | bot | Rasa server ms | action server ms | all servers ms |",
        "| ---: | --- | ---: | ---: | ---: |",
    ]
    for assistant, floor in levels:
        for name, figures in (("assistant", assistant), ("floor", floor)):
            lines.append(
                f"| {figures.users} | {name} | {format_value(figures.cpu_ms.get('rasa'))} | "
                f"{format_value(figures.cpu_ms.get('actions'))} | "
                f"{format_value(figures.cpu_ms_all)} |"
            )
        rasa = ratio(assistant.cpu_ms.get("rasa"), floor.cpu_ms.get("rasa"))
        lines.append(
            f"| {assistant.users} | **ratio** | **{_times(rasa)}** | "
            f"| **{_times(ratio(assistant.cpu_ms_all, floor.cpu_ms_all))}** |"
        )
    return lines


def _unit(value: float | None, unit: str) -> str:
    return "—" if value is None else f"{format_value(value)} {unit}"


def replace_block(document: str, block: str) -> str:
    """`document` with the text between the markers replaced by `block` (appended if absent)."""
    start, end = document.find(BEGIN), document.find(END)
    if start == -1 or end == -1 or end < start:
        return document.rstrip("\n") + "\n\n" + block + "\n"
    return document[:start] + block + document[end + len(END) :]
