"""Two Rasa servers sharing a PostgreSQL tracker store and a Redis lock store.

    make test-scale        # pytest -m scale; not part of `make test`

The profile is bot/endpoints-scale.yml, started by the same Stack as `make run`, with one
action server. The checks read the events table, where Rasa keeps every event of every
conversation: a message answered by one server and continued on the other, or two
messages of one conversation arriving at both servers at once, must leave each turn
stored once, whole and in order. The timings go to test-artifacts/scale-figures.json
(docs/deployment.md quotes them).
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, SessionStarted, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from connectors.rest import UNAVAILABLE_REPLY
from knowledge import settings
from scripts import purge
from scripts.serve import Stack, StackConfig
from scripts.stores import events_table, tracker_store_engine
from tests.scale.conftest import free_port
from tests.stack.conftest import ask, new_sender, post

pytestmark = pytest.mark.scale

ENDPOINTS = settings.REPO_ROOT / "bot" / "endpoints-scale.yml"
FIGURES_FILE = settings.REPO_ROOT / "test-artifacts" / "scale-figures.json"
FIGURES: dict[str, object] = {}

# (question, what its answer must contain); the second and fourth only make sense in context.
SCRIPT = [
    ("内蒙古现在一共有多少所职业院校？", "237"),
    ("那高职呢？", "37"),
    ("单招考什么", "文化素质"),
    ("对口招生呢？", "语文"),  # what 对口招生 tests: the aspect of the question before
]
CONVERSATIONS = 8
CLIENT_THREADS = 4
# Sent at the same moment, alternately to each server, after an opening question.
SIMULTANEOUS_QUESTIONS = ["单招考什么", "对口招生是什么", "3+2是什么", "中职免学费吗"]
SIMULTANEOUS_CONVERSATIONS = 4


@pytest.fixture(scope="module")
def servers(services, tmp_path_factory):
    """Action server + Rasa servers "rasa" and "rasa-2", sharing the stores."""
    action_port = free_port()
    with pytest.MonkeyPatch.context() as patch:
        for name, value in {
            **services.environment(),
            "RASA_ENDPOINTS": str(ENDPOINTS),
            "ACTION_SERVER_URL": f"http://127.0.0.1:{action_port}/webhook",
        }.items():
            patch.setenv(name, value)
        config = StackConfig(
            rasa_port=free_port(),
            extra_rasa_ports=(free_port(),),
            action_port=action_port,
            with_web=False,
            endpoints=ENDPOINTS,
            tracker_db=tmp_path_factory.mktemp("unused") / "t.db",
            log_dir=settings.REPO_ROOT / "test-artifacts" / "logs" / "scale",
        )
        stack = Stack(config)
        started = time.monotonic()
        stack.start(timeout=400)
        FIGURES["startup_seconds (action server + 2 Rasa servers, together)"] = round(time.monotonic() - started, 1)
        try:
            yield stack
        finally:
            stack.stop()
            FIGURES_FILE.parent.mkdir(parents=True, exist_ok=True)
            FIGURES_FILE.write_text(json.dumps(FIGURES, ensure_ascii=False, indent=2), encoding="utf-8")


@pytest.fixture(scope="module")
def database(servers):
    engine = tracker_store_engine(str(ENDPOINTS))
    yield engine
    engine.dispose()


def urls(stack) -> list[str]:
    return [f"http://127.0.0.1:{port}" for port in stack.config.rasa_ports]


def stored_turns(engine, sender: str) -> list[dict]:
    """The conversation as stored: one entry per user message, with what followed it."""
    events = events_table()
    with engine.connect() as connection:
        rows = connection.execute(
            sa.select(events.c.type_name, events.c.action_name, events.c.timestamp, events.c.data)
            .where(events.c.sender_id == sender)
            .order_by(events.c.id)
        ).all()
    assert len(rows) == len({(r.type_name, r.timestamp, r.data) for r in rows}), "an event was stored twice"
    turns: list[dict] = []
    for row in rows:
        data = json.loads(row.data)
        if row.type_name == "user":
            turns.append({"user": data["text"], "bot": [], "last_action": None})
        elif turns and row.type_name == "bot":
            turns[-1]["bot"].append(data.get("text") or "")
        elif turns and row.type_name == "action":
            turns[-1]["last_action"] = row.action_name
    return turns


def assert_stored_as_answered(engine, sender: str, exchanges: list[tuple[str, str]]) -> None:
    """Every (question, reply) is one stored turn, in this order, ending by listening."""
    turns = stored_turns(engine, sender)
    assert [question for question, _ in exchanges] == [turn["user"] for turn in turns]
    for (question, reply), turn in zip(exchanges, turns, strict=True):
        assert reply == "\n".join(turn["bot"]), question
        assert "action_listen" == turn["last_action"], question


def test_a_conversation_moves_between_servers_message_by_message(servers, database):
    servers_ = urls(servers)
    latencies: list[float] = []

    def converse(index: int) -> tuple[str, list[tuple[str, str]]]:
        sender, exchanges = new_sender(), []
        for turn, (question, expected) in enumerate(SCRIPT):
            started = time.monotonic()
            reply = ask(servers, question, sender, rasa_url=servers_[(index + turn) % 2])
            latencies.append(time.monotonic() - started)
            assert expected in reply, (question, reply)
            exchanges.append((question, reply))
        return sender, exchanges

    started = time.monotonic()
    with ThreadPoolExecutor(CLIENT_THREADS) as pool:
        results = list(pool.map(converse, range(CONVERSATIONS)))
    elapsed = time.monotonic() - started
    FIGURES["messages_per_second (2 servers, 4 clients)"] = round(len(latencies) / elapsed, 1)
    FIGURES["median_reply_seconds"] = round(statistics.median(latencies), 3)
    FIGURES["slowest_reply_seconds"] = round(max(latencies), 3)
    for sender, exchanges in results:
        assert_stored_as_answered(database, sender, exchanges)


def test_messages_of_one_conversation_arriving_at_both_servers_at_once_run_one_after_the_other(servers, database):
    """Without a working lock both servers load the same tracker, and the tracker store keeps
    only the events of whichever saves first: turns go missing or come out mixed."""
    first, second = urls(servers)
    questions = SIMULTANEOUS_QUESTIONS
    for _ in range(SIMULTANEOUS_CONVERSATIONS):
        sender = new_sender()
        opening = ask(servers, SCRIPT[0][0], sender, rasa_url=first)
        all_ready = threading.Barrier(len(questions))

        def send(index: int, all_ready: threading.Barrier = all_ready, sender: str = sender) -> tuple[int, object]:
            all_ready.wait()
            return post(servers, {"sender": sender, "message": questions[index]}, rasa_url=(first, second)[index % 2])

        with ThreadPoolExecutor(len(questions)) as pool:
            results = list(pool.map(send, range(len(questions))))
        assert [200] * len(questions) == [status for status, _ in results], results
        replies = {
            question: "\n".join(m.get("text", "") for m in body)
            for question, (_, body) in zip(questions, results, strict=True)
        }

        turns = stored_turns(database, sender)
        assert 1 + len(questions) == len(turns), [turn["user"] for turn in turns]
        assert (SCRIPT[0][0], opening) == (turns[0]["user"], "\n".join(turns[0]["bot"]))
        # In whichever order they ran, each stored turn holds its own reply, whole.
        assert sorted(questions) == sorted(turn["user"] for turn in turns[1:])
        for turn in turns[1:]:
            assert replies[turn["user"]] == "\n".join(turn["bot"]), turn["user"]
            assert "action_listen" == turn["last_action"]


def test_a_conversation_continues_after_its_server_is_killed_and_restarted(servers, database):
    first, second = urls(servers)
    sender = new_sender()
    asked = ask(servers, "内蒙古一共有多少所职业院校", sender, rasa_url=first)
    assert "237" in asked

    servers.kill("rasa-2")
    started = time.monotonic()
    assert "237" in ask(servers, SCRIPT[0][0], new_sender(), rasa_url=first)
    FIGURES["surviving_server_answers_after_kill_seconds"] = round(time.monotonic() - started, 2)
    FIGURES["killed_server_restart_to_ready_seconds"] = round(servers.restart("rasa-2", timeout=400), 1)

    follow_up = ask(servers, "那高职呢？", sender, rasa_url=second)
    assert "37" in follow_up and "237" not in follow_up.splitlines()[0]
    assert_stored_as_answered(database, sender, [("内蒙古一共有多少所职业院校", asked), ("那高职呢？", follow_up)])


def test_with_postgresql_down_turns_fail_loudly_and_the_conversation_survives(services, servers, database):
    """Rasa alone would answer from an empty conversation and keep the turn in memory only,
    on one server (connectors/tracker_guard.py)."""
    first, second = urls(servers)
    sender = new_sender()
    opening = ask(servers, SCRIPT[0][0], sender, rasa_url=first)
    services.stop_postgres()
    try:
        refused = [post(servers, {"sender": sender, "message": "那高职呢？"}, rasa_url=url) for url in (first, second)]
    finally:
        services.start_postgres()
        database.dispose()  # this test's own pooled connections died with the server
    assert [(503, {"error": UNAVAILABLE_REPLY})] * 2 == [(status, json.loads(body)) for status, body in refused]

    follow_up = ask(servers, "那高职呢？", sender, rasa_url=second)  # the first message after the restart
    assert "37" in follow_up and "237" not in follow_up.splitlines()[0]
    assert_stored_as_answered(database, sender, [(SCRIPT[0][0], opening), ("那高职呢？", follow_up)])


async def test_purge_deletes_old_conversations_from_postgresql(servers, database, capsys):
    store = SQLTrackerStore(
        Domain.empty(),
        dialect="postgresql",
        host="127.0.0.1",
        port=os.environ["DB_PORT"],
        db="rasa",
        username="rasa",
        password=os.environ["DB_PASSWORD"],
    )
    old, long_ago = new_sender(), time.time() - 40 * 86_400
    await store.save(
        DialogueStateTracker.from_events(
            old,
            [
                ActionExecuted("action_session_start", timestamp=long_ago),
                SessionStarted(timestamp=long_ago + 1),
                ActionExecuted("action_listen", timestamp=long_ago + 2),
                UserUttered("四十天前的问题", timestamp=long_ago + 3),
                BotUttered("回答", timestamp=long_ago + 4),
                ActionExecuted("action_listen", timestamp=long_ago + 5),
            ],
        )
    )
    store.engine.dispose()
    before = senders(database)
    assert old in before

    assert 0 == purge.main(["--endpoints", str(ENDPOINTS)])
    assert before - {old} == senders(database)
    assert "deleted 1 conversations (6 events) and 0 events of earlier sessions" in capsys.readouterr().out


def senders(engine) -> set[str]:
    with engine.connect() as connection:
        return set(connection.execute(sa.select(events_table().c.sender_id).distinct()).scalars())


@pytest.mark.parametrize(
    "setting, value, reason",
    [
        ("REDIS_PORT", "9", "lock store redis 127.0.0.1:9 is unreachable"),
        ("DB_PASSWORD", "wrong", "password authentication failed"),
    ],
)
def test_an_unreachable_store_stops_the_start(servers, setting, value, reason):
    check = subprocess.run(
        [sys.executable, "-m", "scripts.stores", "--endpoints", str(ENDPOINTS)],
        cwd=settings.REPO_ROOT,
        env={**os.environ, setting: value},
        capture_output=True,
        text=True,
    )
    assert 1 == check.returncode
    assert reason in check.stderr
