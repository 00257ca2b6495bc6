"""Simulated visitors for `make bench` (bench/run.py runs this file with locust, headless).

Each user holds the conversations of bench/conversations.py one after another, every one under
a fresh sender id of its own, and sends a message as soon as the previous answer is in
(plus BENCH_THINK_SECONDS). A failed message ends that conversation: the next one starts
afresh rather than carrying on from a state the assistant never reached. Every message
is appended to BENCH_RECORD as "start<TAB>seconds<TAB>problem<TAB>message"; the bench computes the
figures from that file, not from locust's rounded histogram.

Not a pytest module (no test_ prefix); run by hand with

    .venv/bin/locust -f bench/locustfile.py --headless -u 5 -r 5 -t 20s --host http://127.0.0.1:5005
"""

from __future__ import annotations

import itertools
import os
import uuid

from locust import FastHttpUser, constant, events, task
from locust.exception import CatchResponseError

from bench.conversations import CONVERSATIONS, reply_problem

_record = None
_users = itertools.count()
_run = uuid.uuid4().hex[:6]


@events.init.add_listener
def open_record(environment, **_kwargs) -> None:
    global _record
    path = os.getenv("BENCH_RECORD")
    if path:
        _record = open(path, "a", encoding="utf-8", buffering=1)  # noqa: SIM115 (open for the whole run)


@events.request.add_listener
def record(response_time, name="", exception=None, start_time=None, **_kwargs) -> None:
    if _record is not None:
        problem = (
            ""
            if exception is None
            else str(exception)
            if isinstance(exception, CatchResponseError)
            else type(exception).__name__
        )
        message = " ".join(str(name).split())  # one line, no tabs: the record's fourth column
        _record.write(f"{start_time:.6f}\t{response_time / 1000:.6f}\t{problem}\t{message}\n")


@events.quitting.add_listener
def close_record(environment, **_kwargs) -> None:
    if _record is not None:
        _record.close()


class Visitor(FastHttpUser):
    wait_time = constant(float(os.getenv("BENCH_THINK_SECONDS", "0")))
    network_timeout = 60.0
    connection_timeout = 10.0
    check_answers = os.getenv("BENCH_CHECK_ANSWERS", "1") == "1"

    def on_start(self) -> None:
        self.number = next(_users)
        self.conversations = itertools.cycle(
            CONVERSATIONS[self.number % len(CONVERSATIONS) :] + CONVERSATIONS[: self.number % len(CONVERSATIONS)]
        )
        self.held = 0

    @task
    def converse(self) -> None:
        conversation = next(self.conversations)
        self.held += 1
        sender = f"bench-{_run}-{self.number}-{self.held}"
        for turn in conversation:
            with self.client.post(
                "/webhooks/rest/webhook",
                json={"sender": sender, "message": turn.text},
                name=turn.text,
                catch_response=True,
            ) as response:
                if not response.status_code:  # no HTTP answer: locust reports its exception
                    return
                try:
                    messages = response.json() if response.status_code == 200 else None
                except ValueError:
                    messages = None
                problem = reply_problem(response.status_code, messages, turn, self.check_answers)
                if not problem:
                    response.success()
                    continue
                response.failure(problem)
            return
