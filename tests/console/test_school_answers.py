"""A school's own answers, chosen and worded without a model or a database."""

from __future__ import annotations

from datetime import datetime

import pytest

from console.school_answers import (
    ANSWERED,
    BOTH,
    DECLINED,
    OUT_OF_SCOPE,
    Entry,
    School,
    answer_first,
    answer_instead,
    best_entry,
    outcome,
    similarity,
    with_offices,
)

SCHOOL = School(
    "qingcheng",
    "青城职业技术学校",
    ("https://www.qczx.edu.cn",),
    admissions_phone="0471-1234567",
    admissions_url="https://www.qczx.edu.cn/zsb",
    aid_phone="0471-7654321",
    updated_at=datetime(2026, 11, 30, 9, 0),
)
ENTRIES = [
    Entry(
        1,
        "我校有没有3+2专业？",
        "有，我校与包头职业技术学院合办3+2，招汽修和护理两个专业。",
        "https://www.qczx.edu.cn/32",
        datetime(2026, 12, 1),
    ),
    Entry(2, "学费是多少？", "中职学生免学费，住宿费每年800元。", "", datetime(2026, 12, 2)),
    Entry(3, "学校地址", "呼和浩特市赛罕区大学东路1号。", "", datetime(2026, 12, 3)),
]


@pytest.mark.parametrize(
    "asked, entry_id",
    [
        ("你们学校有3+2吗", 1),
        ("学费多少", 2),
        ("你们一年学费多少钱", 2),
        ("你们学校在哪", 3),
        ("你们学校在哪里", 3),
    ],
)
def test_a_question_about_the_school_is_answered_by_its_entry_saying_who_and_when(asked, entry_id):
    entry = next(e for e in ENTRIES if e.id == entry_id)
    reply = answer_first(asked, SCHOOL, ENTRIES)
    assert reply is not None
    lines = reply.splitlines()
    assert f"以下是青城职业技术学校老师提供的信息，更新于{entry.updated_at:%Y-%m-%d}：" == lines[0]
    assert entry.answer == lines[1]
    assert lines[-1].startswith("来源：青城职业技术学校")
    assert (f"详见：{entry.link}" in lines) == bool(entry.link)


@pytest.mark.parametrize(
    "asked",
    ["单招考什么", "3+2是什么", "中职免学费吗", "你们学校有宿舍吗", "包头职业技术学院学费多少"],
)
def test_a_question_no_entry_answers_first_is_left_to_the_shared_knowledge(asked):
    assert answer_first(asked, SCHOOL, ENTRIES) is None


@pytest.mark.parametrize(
    "asked, line",
    [
        ("招生办电话多少", "青城职业技术学校招生办：电话 0471-1234567，网页 https://www.qczx.edu.cn/zsb"),
        ("你们学校招生办怎么联系", "青城职业技术学校招生办：电话 0471-1234567，网页 https://www.qczx.edu.cn/zsb"),
        ("资助中心电话是多少", "青城职业技术学校资助中心：电话 0471-7654321"),
        ("你们学校电话多少", "青城职业技术学校招生办：电话 0471-1234567，网页 https://www.qczx.edu.cn/zsb"),
    ],
)
def test_an_office_phone_comes_from_the_school_profile(asked, line):
    reply = answer_first(asked, SCHOOL, [])
    assert reply is not None
    assert reply.splitlines()[0] == "以下是青城职业技术学校老师提供的信息，更新于2026-11-30："
    assert line in reply.splitlines()


def test_an_office_the_school_gave_no_phone_for_is_not_answered_from_the_profile():
    assert answer_first("资助中心电话多少", School("x", "某学校"), []) is None


def test_a_declined_question_close_enough_to_an_entry_gets_the_entry():
    assert answer_instead("你们有3+2专业吗", SCHOOL, ENTRIES) is not None
    assert answer_instead("你们学校有宿舍吗", SCHOOL, ENTRIES) is None


def test_similarity_weighs_what_is_asked_about_above_question_words():
    assert similarity("学费多少", "学费是多少？") == 1.0
    assert similarity("学费多少", "住宿费多少") < 0.5
    assert similarity("单招什么时候报名", "今年单招什么时候开始报名") > similarity("单招考什么", "单招什么时候报名")


def test_the_most_similar_entry_wins_and_ties_go_to_the_first():
    twice = [Entry(7, "学费多少", "甲"), Entry(8, "学费多少", "乙")]
    assert 7 == best_entry("学费多少？", twice, 0.5).id
    assert best_entry("单招考什么", twice, 0.5) is None


WHERE = {
    "aid": "怎么申请以学校认定为准：问就读学校的学生资助中心。",
    "exam": "考试以当年公告为准：内蒙古招生考试信息网。",
}


def test_where_to_ask_lines_are_followed_by_the_schools_office():
    reply = "关于单招的时间安排，我没有查到可靠资料。\n" + WHERE["exam"] + "\n来源：x"
    shown = with_offices(reply, SCHOOL, WHERE.items()).splitlines()
    assert shown[1:4] == [
        WHERE["exam"],
        "青城职业技术学校招生办：电话 0471-1234567，网页 https://www.qczx.edu.cn/zsb",
        "来源：x",
    ]
    aid = with_offices(WHERE["aid"], SCHOOL, WHERE.items()).splitlines()
    assert aid == [WHERE["aid"], "青城职业技术学校资助中心：电话 0471-7654321"]
    both = with_offices("问学校。", SCHOOL, [(BOTH, "问学校。")]).splitlines()
    assert 3 == len(both)


def test_no_office_line_for_a_school_without_contacts():
    assert WHERE["exam"] == with_offices(WHERE["exam"], School("x", "某学校"), WHERE.items())


@pytest.mark.parametrize(
    "messages, expected",
    [
        ([{"text": "3+2是中高职贯通。\n来源：x"}], ANSWERED),
        ([{"text": "我没有2026年的这项资料。"}], DECLINED),
        ([{"text": "单招是……\n" + WHERE["exam"]}], DECLINED),
        ([{"response": "utter_out_of_scope"}], OUT_OF_SCOPE),
        ([{"response": "utter_ask_rephrase"}], OUT_OF_SCOPE),  # asked to rephrase: nothing answered
    ],
)
def test_the_outcome_of_a_reply(messages, expected):
    assert expected == outcome(messages, WHERE.values())
