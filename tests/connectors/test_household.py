"""The eligibility check's answers are scrubbed from the tracker store when it ends
(connectors/household.py), read back from the SQLite file itself."""

from __future__ import annotations

import json
import sqlite3
from contextlib import closing

import pytest
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, ActiveLoop, BotUttered, SlotSet, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from connectors.tracker_guard import LoudTrackerStore

HOUSEHOLD = ["二年级", "低保户", "牧区", "公办"]


def user(text: str, intent: str, **entities: str) -> UserUttered:
    return UserUttered(
        text,
        {"name": intent, "confidence": 0.9},
        [{"entity": name, "value": value, "start": 0, "end": 1} for name, value in entities.items()],
    )


BEFORE = [user("中职学校有多少所", "ask_statistic"), BotUttered("全区中职学校200所。"), ActionExecuted("action_listen")]
STARTED = [
    user("孩子读二年级，家里低保户，能享受哪些资助", "check_eligibility", hardship="低保户"),
    BotUttered("好的，我来帮你查。"),
    ActionExecuted("eligibility_form"),
    ActiveLoop("eligibility_form"),
    SlotSet("elig_grade", "二年级"),
    SlotSet("elig_hardship", "低保户"),
    SlotSet("requested_slot", "elig_household"),
    BotUttered("家里是农村（牧区）户口吗？", {"buttons": [{"title": "农村", "payload": "农村户口"}]}),
    ActionExecuted("action_listen"),
]
# The last answer the check needs: the validation shows the short result and the form asks
# whether the family wants the details.
ANSWERED = [
    user("我们是牧区的，公办学校", "inform", household="农村"),
    ActionExecuted("eligibility_form"),
    SlotSet("elig_household", "农村"),
    BotUttered("二年级、牧区、低保户：可享受免学费和国家助学金。"),
    SlotSet("elig_result_shown", "是"),
    SlotSet("requested_slot", "elig_details_wanted"),
    BotUttered("要看每一项的条件和说明吗？"),
    ActionExecuted("action_listen"),
]
# The answer to that question (read by the slot's intent mapping before the form runs): the
# validation gives the details and the closing line, clears the answers, and the form ends.
FINISHED = [
    user("详细说说", "ask_details"),
    SlotSet("elig_details_wanted", "是"),
    ActionExecuted("eligibility_form"),
    BotUttered("免学费：公办学校、低保户……"),
    BotUttered("好的，这次查询结束，你刚才提供的家庭情况已清除。"),
    SlotSet("elig_grade", None),
    SlotSet("elig_hardship", None),
    SlotSet("elig_household", None),
    SlotSet("elig_details_wanted", None),
    SlotSet("elig_result_shown", None),
    SlotSet("requested_slot", None),
    ActiveLoop(None),
    ActionExecuted("action_listen"),
]
CANCELLED = [
    user("算了", "stop"),
    ActionExecuted("action_deactivate_loop"),
    ActiveLoop(None),
    ActionExecuted("action_cancel_eligibility"),
    BotUttered("好的，已取消。你刚才提供的家庭情况已清除。"),
    SlotSet("elig_grade", None),
    SlotSet("elig_hardship", None),
    ActionExecuted("action_listen"),
]
AFTER = [user("单招考什么", "ask_admission"), BotUttered("单招考文化素质和职业技能。"), ActionExecuted("action_listen")]


@pytest.fixture
def store(tmp_path):
    path = tmp_path / "tracker.db"
    sql = SQLTrackerStore(Domain.empty(), dialect="sqlite", db=str(path))
    yield LoudTrackerStore(sql), path
    sql.engine.dispose()


async def save_turns(store: LoudTrackerStore, *turns: list) -> None:
    """Each turn saved as Rasa saves it, at the end of the turn."""
    events: list = []
    for turn in turns:
        events += turn
        await store.save(DialogueStateTracker.from_events("family", list(events)))


def stored(path) -> list[dict]:
    with closing(sqlite3.connect(path)) as database:
        return [
            json.loads(data)
            for (data,) in database.execute("select data from events where sender_id = 'family' order by id")
        ]


def household_left(events: list[dict]) -> list[str]:
    text = json.dumps(events, ensure_ascii=False)
    return [word for word in HOUSEHOLD if word in text]


@pytest.mark.parametrize("ending", [(ANSWERED, FINISHED), (CANCELLED,), (ANSWERED, CANCELLED)])
async def test_a_check_that_ended_leaves_no_household_answer_in_the_database(store, ending):
    loud, path = store
    await save_turns(loud, BEFORE, STARTED, *ending, AFTER)
    events = stored(path)
    assert [] == household_left(events)
    assert all(
        event.get("value") is None for event in events if event["event"] == "slot" and event["name"].startswith("elig_")
    )
    # what was asked before and after the check is kept, and the shape of the dialogue
    said = [event for event in events if event["event"] == "user"]
    assert ["中职学校有多少所", *[""] * (1 + len(ending)), "单招考什么"] == [event["text"] for event in said]
    assert "check_eligibility" == said[1]["parse_data"]["intent"]["name"]
    assert "全区中职学校200所。" in [event.get("text") for event in events]


async def test_a_check_still_going_on_is_kept_until_it_ends(store):
    loud, path = store
    await save_turns(loud, BEFORE, STARTED)
    assert "低保户" in household_left(stored(path))


async def test_the_conversation_goes_on_from_the_scrubbed_store(store):
    loud, path = store
    await save_turns(loud, BEFORE, STARTED, ANSWERED, FINISHED)
    tracker = await loud.retrieve("family")
    assert tracker.get_slot("elig_grade") is None and tracker.active_loop_name is None
    assert "ask_statistic" == [e for e in tracker.events if isinstance(e, UserUttered)][0].intent_name


async def test_a_second_check_is_scrubbed_when_it_ends_and_the_first_stays_scrubbed(store):
    loud, path = store
    await save_turns(loud, BEFORE, STARTED, ANSWERED, FINISHED, AFTER, STARTED, CANCELLED, AFTER)
    events = stored(path)
    assert [] == household_left(events)
    said = [event["text"] for event in events if event["event"] == "user"]
    assert ["中职学校有多少所", "", "", "", "单招考什么", "", "", "单招考什么"] == said
