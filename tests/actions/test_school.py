"""The school the widget is on, in the knowledge actions' replies (issue 18)."""

from __future__ import annotations

import pytest
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from sqlalchemy import select, update

from actions import school
from actions.search import ActionAnswerOutOfScope
from actions.topics import ActionAnswerPathway, ActionAnswerSubsidy
from console import background
from console.assistant_store import AssistantStore
from console.db import engine
from console.schema import declined_questions
from tests.console.assistant_db import add_entry, add_school, console_db

SCHOOL = "qingcheng"
ADMISSIONS_LINE = "青城职业技术学校招生办：电话 0471-1234567"
AID_LINE = "青城职业技术学校资助中心：电话 0471-7654321"


@pytest.fixture
def url(tmp_path, monkeypatch):
    url = console_db(tmp_path, monkeypatch)
    add_school(
        url,
        SCHOOL,
        "青城职业技术学校",
        "https://www.qczx.edu.cn",
        admissions_phone="0471-1234567",
        aid_phone="0471-7654321",
    )
    store = AssistantStore(engine(url), cache_seconds=0)
    monkeypatch.setattr(school, "store", lambda: store)
    return url


@pytest.fixture
def writes(url, monkeypatch) -> background.BackgroundWrites:
    writes = background.BackgroundWrites(AssistantStore(engine(url)), flush_seconds=None)
    monkeypatch.setattr(background, "WRITES", writes)
    return writes


def asked(text: str, intent: str, entities: list[dict] | None = None, school_id: str | None = SCHOOL) -> Tracker:
    metadata = {"school": school_id} if school_id else {}
    return Tracker(
        sender_id="c-test",
        slots={},
        latest_message={"text": text, "intent": {"name": intent, "confidence": 0.9}, "entities": entities or []},
        events=[{"event": "user", "text": text, "metadata": metadata}],
        paused=False,
        followup_action=None,
        active_loop={},
        latest_action_name="action_listen",
    )


async def reply(action, track) -> list[dict]:
    dispatcher = CollectingDispatcher()
    await action.run(dispatcher, track, {})
    return dispatcher.messages


def text(messages: list[dict]) -> str:
    return "\n".join(m.get("text") or "" for m in messages)


def kept(url) -> list[tuple[str | None, str]]:
    with engine(url).connect() as connection:
        return [(r.school_id, r.question) for r in connection.execute(select(declined_questions))]


THREE_TWO = [{"entity": "pathway", "value": "三二分段"}]


async def test_an_entry_answers_a_question_about_the_school_as_soon_as_it_is_written(url, writes):
    before = text(await reply(ActionAnswerPathway(), asked("你们学校有3+2吗", "ask_pathway", THREE_TWO)))
    assert "老师提供的信息" not in before
    add_entry(url, SCHOOL, "我校有没有3+2专业？", "有，我校招3+2汽修专业。", "https://www.qczx.edu.cn/32")
    after = text(await reply(ActionAnswerPathway(), asked("你们学校有3+2吗", "ask_pathway", THREE_TWO)))
    assert after.startswith("以下是青城职业技术学校老师提供的信息，更新于2026-12-01：")
    assert "有，我校招3+2汽修专业。" in after and "https://www.qczx.edu.cn/32" in after
    counts, _ = writes.pending()
    assert {"answered_by_school", "subject:本校"} <= {measure for (_, _, measure) in counts}


async def test_without_a_school_the_entry_is_not_used(url, writes):
    add_entry(url, SCHOOL, "我校有没有3+2专业？", "有，我校招3+2汽修专业。")
    answer = text(
        await reply(ActionAnswerPathway(), asked("你们学校有3+2吗", "ask_pathway", THREE_TWO, school_id=None))
    )
    assert "老师提供的信息" not in answer


async def test_the_admissions_office_phone_comes_from_the_profile(url, writes):
    answer = text(await reply(ActionAnswerOutOfScope(), asked("招生办电话多少", "out_of_scope")))
    assert ADMISSIONS_LINE in answer and answer.startswith("以下是青城职业技术学校老师提供的信息")


UNKNOWN_AMOUNT = "我叫王小明，电话13812345678，中职生活费补助一个月多少钱"


async def test_a_declined_question_names_the_schools_office_and_is_kept_scrubbed(url, writes):
    answer = text(await reply(ActionAnswerSubsidy(), asked(UNKNOWN_AMOUNT, "ask_subsidy")))
    assert "没有查到" in answer and AID_LINE in answer
    writes.flush()
    [(school_id, question)] = kept(url)
    assert SCHOOL == school_id
    assert "13812345678" not in question and "王小明" not in question and "生活费补助" in question


async def test_a_declined_question_without_a_school_is_kept_for_the_administrator(url, writes):
    answer = text(await reply(ActionAnswerSubsidy(), asked(UNKNOWN_AMOUNT, "ask_subsidy", school_id=None)))
    assert AID_LINE not in answer
    writes.flush()
    assert [None] == [school_id for school_id, _ in kept(url)]


async def test_once_a_counselor_answers_the_group_the_next_student_gets_the_answer(url, writes):
    await reply(ActionAnswerSubsidy(), asked(UNKNOWN_AMOUNT, "ask_subsidy"))
    writes.flush()
    entry = add_entry(url, SCHOOL, "生活费补助发多少", "我校中职生活费补助每月150元。")
    with engine(url).begin() as connection:
        connection.execute(update(declined_questions).values(entry_id=entry))
    answer = text(await reply(ActionAnswerSubsidy(), asked("中职生活费补助一个月多少钱？", "ask_subsidy")))
    assert "我校中职生活费补助每月150元。" in answer and "没有查到" not in answer
    writes.flush()
    assert 1 == len(kept(url))  # answered, not kept again


async def test_out_of_scope_chit_chat_is_not_kept_but_an_entry_can_answer_it(url, writes):
    out = await reply(ActionAnswerOutOfScope(), asked("你们有食堂吗", "out_of_scope"))
    assert "utter_out_of_scope" == out[0].get("response")
    writes.flush()
    assert [] == kept(url)
    add_entry(url, SCHOOL, "学校有食堂吗", "有两个食堂。")
    assert "有两个食堂。" in text(await reply(ActionAnswerOutOfScope(), asked("你们有食堂吗", "out_of_scope")))


async def test_what_was_asked_is_counted_without_text(url, writes):
    await reply(ActionAnswerSubsidy(), asked("中职国家助学金一年多少钱", "ask_subsidy"))
    counts, declined = writes.pending()
    measures = {measure for (school_id, _, measure) in counts if school_id == SCHOOL}
    assert {"answered", "kind:how_much"} <= measures
    assert any(m.startswith("subject:") for m in measures)
    assert [] == declined


async def test_a_console_database_that_fails_leaves_the_reply_as_it_was(monkeypatch, writes):
    class Broken:
        def school(self, school_id):
            raise RuntimeError("database is locked")

    monkeypatch.setattr(school, "store", lambda: Broken())
    answer = text(await reply(ActionAnswerSubsidy(), asked("中职国家助学金一年多少钱", "ask_subsidy")))
    assert "2300" in answer


async def test_the_eligibility_result_names_the_schools_aid_office(url, writes):
    from actions.eligibility import DETAILS_WANTED_SLOT, PROFILE_SLOTS, ValidateEligibilityForm

    form = {"forms": {"eligibility_form": {"required_slots": [*PROFILE_SLOTS, DETAILS_WANTED_SLOT]}}}

    async def result(track: Tracker) -> str:
        dispatcher = CollectingDispatcher()
        await ValidateEligibilityForm().run(dispatcher, track, form)
        return text(dispatcher.messages)

    slots = {"elig_scope": "中职", "elig_grade": "一年级", "elig_household": "农村", "elig_hardship": "低保"}
    with_school = asked("没当过兵", "inform")
    with_school.slots.update(slots)
    shown = await result(with_school)
    assert "怎么申请" in shown and AID_LINE in shown
    without = asked("没当过兵", "inform", school_id=None)
    without.slots.update(slots)
    assert AID_LINE not in await result(without)
