"""The assistant's side of the counselors' console, on the running stack (issue 18): a school's
answers reach its widget without a restart, only from the school's own origins; and after a
conversation with a phone number and a household description, the console database holds
no sender id, no phone number and no message text but the scrubbed declined question."""

from __future__ import annotations

import json
import os
import time
import urllib.request
import uuid

import pytest
from sqlalchemy import MetaData, select

from console.db import engine
from tests.console.assistant_db import add_entry, add_school

pytestmark = pytest.mark.stack

SCHOOL_ORIGIN = "http://school.example"
PHONE = "13812345678"
ADMISSIONS_PHONE = "0471-2345678"


def talk(stack, text: str, sender: str, school: str, origin: str = SCHOOL_ORIGIN) -> str:
    """A message as the widget on a page of `origin` sends it."""
    body = json.dumps({"sender": sender, "message": text, "metadata": {"school": school}}).encode()
    headers = {"Content-Type": "application/json", "Origin": origin}
    request = urllib.request.Request(f"{stack.rasa_url}/webhooks/rest/webhook", data=body, headers=headers)
    with urllib.request.urlopen(request, timeout=30) as response:
        return "\n".join(m.get("text") or "" for m in json.loads(response.read()))


def new_conversation(stack) -> str:
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/conversations",
        data=b"{}",
        headers={"Content-Type": "application/json", "Origin": SCHOOL_ORIGIN},
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["sender"]


@pytest.fixture
def school(stack) -> tuple[str, str]:
    url = os.environ["CONSOLE_DB_URL"]  # the stack's (tests/conftest.py)
    school_id = f"test-{uuid.uuid4().hex[:8]}"
    add_school(url, school_id, "青城职业技术学校", SCHOOL_ORIGIN, admissions_phone=ADMISSIONS_PHONE)
    return url, school_id


def rows(url: str) -> dict[str, list[dict]]:
    metadata = MetaData()
    metadata.reflect(engine(url))
    with engine(url).connect() as connection:
        return {
            name: [dict(row) for row in connection.execute(select(table)).mappings()]
            for name, table in metadata.tables.items()
        }


def wait_for_counts(url: str, school_id: str, measure: str, at_least: int = 1) -> None:
    """The servers write counts every 2 s (console/background.py)."""
    for _ in range(50):
        counts = [r for r in rows(url)["daily_counts"] if r["school_id"] == school_id and r["measure"] == measure]
        if sum(r["count"] for r in counts) >= at_least:
            return
        time.sleep(0.3)
    pytest.fail(f"no {measure} counted for {school_id}")


def test_the_schools_answers_come_only_from_its_origins_and_entries_need_no_restart(stack, school):
    url, school_id = school
    sender = new_conversation(stack)
    assert ADMISSIONS_PHONE in talk(stack, "招生办电话多少", sender, school_id)
    assert ADMISSIONS_PHONE not in talk(stack, "招生办电话多少", sender, school_id, origin="http://evil.example")
    assert "有两个食堂" not in talk(stack, "你们学校有食堂吗", sender, school_id)
    add_entry(url, school_id, "学校有食堂吗", "有两个食堂，一日三餐。")
    answer = talk(stack, "你们学校有食堂吗", sender, school_id)
    assert "以下是青城职业技术学校老师提供的信息" in answer and "有两个食堂" in answer


def test_the_console_database_keeps_no_sender_phone_or_message_text(stack, school):
    url, school_id = school
    sender = new_conversation(stack)
    said = [
        "你好",
        f"我叫王小明，电话{PHONE}，中职生活费补助一个月多少钱",
        "我家是农村户口，低保户，孩子在读中职一年级，家里很困难",
    ]
    replies = [talk(stack, text, sender, school_id) for text in said]
    assert ADMISSIONS_PHONE in replies[1] or "资助" in replies[1]  # declined, with where to ask
    # Each server writes its own: the Rasa server the messages, the action server the
    # declined questions with their count.
    wait_for_counts(url, school_id, "messages", at_least=len(said))
    wait_for_counts(url, school_id, "declined")
    wait_for_counts(url, school_id, "conversations")
    tables = rows(url)
    stored = json.dumps(tables, ensure_ascii=False, default=str)
    assert sender not in stored
    assert PHONE not in stored and "王小明" not in stored
    assert "低保户" not in stored and "农村户口" not in stored
    declined = [r["question"] for r in tables["declined_questions"] if r["school_id"] == school_id]
    assert declined and all("生活费补助" in q and "[电话]" in q for q in declined)
    measures = {r["measure"] for r in tables["daily_counts"]}
    known = {"conversations", "messages", "answered", "declined", "out_of_scope", "answered_by_school"}
    known |= {"check_started", "check_finished", "widget_open"}
    assert all(m in known or m.startswith(("subject:", "kind:")) for m in measures), measures


def opened(stack, school_id: str, origin: str) -> int:
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/widget/opened?school={school_id}", data=b"", headers={"Origin": origin}
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return response.status


def test_the_widget_opened_beacon_counts_for_the_school_only_from_its_origin(stack, school):
    url, school_id = school
    assert 204 == opened(stack, school_id, "http://evil.example")
    assert 204 == opened(stack, school_id, SCHOOL_ORIGIN)
    wait_for_counts(url, school_id, "widget_open")
    time.sleep(2.5)  # one more write of the counts: the foreign one would be in it
    counts = [
        r["count"] for r in rows(url)["daily_counts"] if r["school_id"] == school_id and r["measure"] == "widget_open"
    ]
    assert [1] == counts


@pytest.mark.parametrize("origin, honoured", [(SCHOOL_ORIGIN, True), ("http://evil.example", False)])
async def test_over_socketio_too_the_school_is_honoured_only_from_its_origin(stack, school, origin, honoured):
    from tests.stack.test_socketio_conversation import Browser

    _, school_id = school
    page = await Browser().open(stack.rasa_url, headers={"Origin": origin})
    try:
        await page.say({"message": "招生办电话多少", "session_id": page.session_id, "metadata": {"school": school_id}})
        _, reply = await page.next("bot_uttered")
        assert honoured == (ADMISSIONS_PHONE in reply["text"])
    finally:
        await page.close()
