"""What an action call counts goes back with its response and is written by the Rasa server."""

from __future__ import annotations

import subprocess
import sys

from rasa.core.actions.action import RemoteAction
from rasa.core.channels.channel import CollectingOutputChannel
from rasa.core.nlg import TemplatedNaturalLanguageGenerator
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig
from rasa_sdk.executor import ActionExecutor

from actions import console_writes
from connectors import console_turns
from console import background
from scripts.serve import StackConfig

DECLINED_QUESTION = "我叫王小明，电话13812345678，中职生活费补助一个月多少钱"


def action_call(text: str, intent: str = "ask_subsidy") -> dict:
    tracker = DialogueStateTracker.from_events("c-test", [UserUttered(text, {"name": intent, "confidence": 0.9})])
    return {
        "next_action": "action_answer_subsidy",
        "sender_id": "c-test",
        "tracker": tracker.current_state(),
        "domain": {},
        "version": "3.6.21",
    }


async def executed(text: str) -> dict:
    executor = ActionExecutor()
    executor.register_package("actions")
    return await executor.run(action_call(text))


async def test_the_action_server_sends_what_it_counted_instead_of_writing_it():
    result = await executed("中职国家助学金一年多少钱")
    measures = {measure for _, _, measure, _ in result[console_writes.CARRIED_KEY]["counts"]}
    assert {"answered", "kind:how_much"} <= measures
    assert ({}, []) == background.WRITES.pending()  # nothing queued in the action server


async def test_a_declined_question_travels_scrubbed():
    result = await executed(DECLINED_QUESTION)
    [[school, question, _, _]] = result[console_writes.CARRIED_KEY]["declined"]
    assert school is None
    assert "13812345678" not in question and "王小明" not in question


async def test_the_rasa_server_writes_what_came_back_and_runs_the_action_as_before(monkeypatch):
    console_turns.install()
    response = await executed(DECLINED_QUESTION)
    carried = response[console_writes.CARRIED_KEY]

    async def request(self, **kwargs):
        return dict(response)

    monkeypatch.setattr(EndpointConfig, "request", request)
    action = RemoteAction("action_answer_subsidy", EndpointConfig("http://127.0.0.1:1/webhook"))
    tracker = DialogueStateTracker.from_events("c-test", [UserUttered(DECLINED_QUESTION)])
    events = await action.run(CollectingOutputChannel(), TemplatedNaturalLanguageGenerator({}), tracker, Domain.empty())
    assert any(isinstance(e, BotUttered) for e in events)
    assert any(isinstance(e, SlotSet) for e in events)
    counts, declined = background.WRITES.pending()
    assert {(s, d, m): n for s, d, m, n in carried["counts"]} == counts
    assert [q for _, q, _, _ in carried["declined"]] == [d.question for d in declined]


def test_a_malformed_payload_is_dropped():
    background.receive({"counts": [["only", "three", "fields"]]})
    background.receive("not a payload")
    assert ({}, []) == background.WRITES.pending()


def test_what_comes_back_is_bounded_and_scrubbed_again_on_the_rasa_side():
    background.receive({"counts": [["s", "2026-12-06", "answered", -1000]]})
    background.receive({"counts": [["s", "2026-12-06", "answered", 10**9]]})
    assert ({}, []) == background.WRITES.pending()
    question = "我叫张三，电话13812345678，孩子能领助学金吗"
    background.receive({"declined": [[None, question, "k", "2026-12-06T10:00:00"]]})
    _, (kept,) = background.WRITES.pending()
    assert "13812345678" not in kept.question and "助学金" in kept.question


def test_both_sides_name_the_key_alike():
    assert console_writes.CARRIED_KEY == console_turns.CARRIED_KEY


def test_the_action_server_loads_neither_sqlalchemy_nor_setuptools():
    # What the stack's action server imports, in the stack's environment (scripts/serve.py).
    code = (
        "import sys, rasa_sdk.endpoint, actions.common, actions.eligibility, actions.school; "
        "print(sorted({'sqlalchemy', 'setuptools', 'pkg_resources'} & set(sys.modules)))"
    )
    env = StackConfig().environment()
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
    assert "[]" == loaded.stdout.strip()
