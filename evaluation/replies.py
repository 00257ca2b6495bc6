"""Judge the replies themselves, one question at a time: did the reply answer what was asked,
briefly, or say honestly what it does not have and where to ask?

    python -m evaluation.replies [--set evaluation/sets/replies_set8.yaml] [--rasa-url URL] [--failures]
                                 [--mechanism aspects|retrieval]

A reply set (evaluation/sets/replies_set*.yaml) gives, for each question, what a correct reply
must contain (`must_contain_any`), what marks a wrong or neighbouring answer
(`must_not_contain`) and, for a question the sources cannot answer (`expect: decline`),
where a good reply sends the user (`where_any`). Each reply is judged on its answer part,
the text before its 来源 line, and only on the first ANSWER_WINDOW characters of it: a
fact buried at the end of a long topic dump does not count as an answer.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from evaluation.stack import assistant, post
from knowledge import settings

# The answer must come first: a required fact counts only within this many characters.
ANSWER_WINDOW = 200
# How an honest reply says it does not have something.
DECLINES = ("没有查到", "没查到", "我没有", "资料里没有", "没有可靠", "只了解内蒙古", "超出了我能回答", "请用中文")
# Where-to-ask markers for an answer-expected question that was honestly declined instead.
WHERE = (
    "招生办",
    "资助中心",
    "资助办",
    "nm.zsks.cn",
    "招生考试信息网",
    "教育局",
    "教育厅",
    "jyt.nmg.gov.cn",
    "教育考试院",
    "招生简章",
)
# What a 来源 line must not carry: research notes.
NOTES = re.compile(r"n/a|not seen|not found|二手|转载日期|页面更新|原发布方|（报道）|说法|未注明|\?")
# The eligibility check started: it asks about the child.
CHECK_STARTED = ("中职还是高职", "几年级", "年级", "户口", "取消", "家庭")


@dataclass
class Judged:
    id: str
    expect: str
    outcome: str  # answered | declined | wrong | neighbouring | missed
    length: int
    source_ok: bool
    why: str = ""


@dataclass
class Report:
    judged: list[Judged] = field(default_factory=list)

    def figures(self) -> dict:
        def share(items: list[Judged], outcomes: tuple[str, ...]) -> float:
            return round(sum(j.outcome in outcomes for j in items) / len(items), 4) if items else 0.0

        answerable = [j for j in self.judged if j.expect in ("answer", "check")]
        declines = [j for j in self.judged if j.expect == "decline"]
        lengths = sorted(j.length for j in self.judged)
        return {
            "questions": len(self.judged),
            "answered_or_honestly_declined": share(self.judged, ("answered", "declined")),
            "answered_the_question (answerable items)": share(answerable, ("answered",)),
            "honest_decline_rate (unknowns, with where-to-ask)": share(declines, ("declined",)),
            "replies_with_a_neighbouring_number": sum(j.outcome == "neighbouring" for j in self.judged),
            "median_reply_chars_before_source": statistics.median(lengths) if lengths else 0,
            "p95_reply_chars_before_source": lengths[int(0.95 * (len(lengths) - 1))] if lengths else 0,
            "source_lines_with_notes_or_repeats": sum(not j.source_ok for j in self.judged),
        }


def split_reply(reply: str) -> tuple[str, list[str]]:
    """(the answer part, the 来源 lines)."""
    lines = [line for line in reply.splitlines() if line.strip()]
    sources = [line for line in lines if line.startswith("来源：")]
    body = "\n".join(line for line in lines if not line.startswith("来源："))
    return body, sources


def source_clean(lines: list[str]) -> bool:
    for line in lines:
        cited = [c.strip() for c in line.removeprefix("来源：").split("；") if c.strip()]
        titles = [title.group() if (title := re.match(r"《[^》]*》", c)) else c for c in cited]
        if NOTES.search(line) or len(titles) != len(set(titles)):
            return False
    return True


def judge(question: dict, reply: str) -> Judged:
    body, sources = split_reply(reply)
    window = body[:ANSWER_WINDOW]
    expect = question.get("expect", "answer")
    wrong = [w for w in question.get("must_not_contain") or [] if w and w in body]
    base = {"id": question["id"], "expect": expect, "length": len(body), "source_ok": source_clean(sources)}
    if wrong:
        return Judged(outcome="neighbouring", why=f"contains {wrong}", **base)
    declined = any(d in body for d in DECLINES)
    where = question.get("where_any") or []
    if expect == "decline":
        if declined and (not where or any(w in body for w in where)):
            return Judged(outcome="declined", **base)
        return Judged(outcome="missed", why="no honest decline with where to ask", **base)
    wanted = [w for w in question.get("must_contain_any") or [] if w]
    if expect == "check" and not wanted:
        wanted = list(CHECK_STARTED)
    if any(w in window for w in wanted):
        return Judged(outcome="answered", **base)
    if declined and any(w in body for w in WHERE):
        return Judged(outcome="declined", why="declined an answerable question", **base)
    return Judged(outcome="wrong", why=f"none of {wanted[:4]} in the first {ANSWER_WINDOW} characters", **base)


def evaluate(questions: list[dict], rasa_url: str) -> tuple[Report, list[str]]:
    report, log = Report(), []
    for question in questions:
        sender = f"eval-{uuid.uuid4().hex[:10]}"
        for turn in question.get("context") or []:
            post(rasa_url, sender, turn)
        reply = post(rasa_url, sender, question["text"])
        judged = judge(question, reply)
        report.judged.append(judged)
        if judged.outcome not in ("answered", "declined") or not judged.source_ok:
            first = reply.replace("\n", " ")[:90]
            log.append(f"{judged.id} [{judged.outcome}] {question['text']!r}: {judged.why}; reply: {first!r}")
    return report, log


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--set",
        dest="sets",
        type=Path,
        action="append",
        help="a reply set (repeatable; default: every evaluation/sets/replies_set*.yaml)",
    )
    parser.add_argument("--rasa-url", help="use a running assistant instead of starting one")
    parser.add_argument("--failures", action="store_true", help="list every item not answered or declined")
    parser.add_argument("--json", type=Path, default=settings.REPO_ROOT / "var" / "eval" / "replies.json")
    parser.add_argument(
        "--mechanism",
        choices=("aspects", "retrieval"),
        help="how the started assistant chooses a topic statement (ANSWER_MECHANISM; default: as set)",
    )
    args = parser.parse_args(argv)
    if args.mechanism:
        # Read by the action server this evaluation starts (not by one given with --rasa-url).
        os.environ["ANSWER_MECHANISM"] = args.mechanism
    paths = args.sets or sorted((settings.REPO_ROOT / "evaluation" / "sets").glob("replies_set*.yaml"))
    sets = {path: yaml.safe_load(path.read_text(encoding="utf-8"))["questions"] for path in paths}
    with assistant(args.rasa_url, "replies") as rasa_url:
        results = {path: evaluate(questions, rasa_url) for path, questions in sets.items()}
    out = {}
    for path, (report, log) in results.items():
        figures = report.figures()
        print(f"== {path.name}")
        for key, value in figures.items():
            print(f"{key:52} {value}")
        if args.failures:
            print(f"\n{len(log)} items not answered, declined or cleanly sourced:")
            for line in log:
                print("  " + line)
        print()
        out[path.name] = {"figures": figures, "failures": log}
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
