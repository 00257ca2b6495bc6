"""Answering actions: which fact, which source, which events; not the exact wording."""

from __future__ import annotations

import asyncio
import re

import pytest
from rasa_sdk.events import SlotSet
from rasa_sdk.executor import CollectingDispatcher

from actions.common import LAST_QUESTION_MAX_CHARS
from actions.follow_up import ActionAnswerFollowUp
from actions.search import ActionAnswerOutOfScope, ActionSearchKnowledge
from actions.statistics import ActionAnswerStatistic
from actions.topics import ActionAnswerAdmission, ActionAnswerPathway, ActionAnswerSubsidy, ActionAnswerUndergraduate
from tests.actions.conftest import tracker

DIGITS = re.compile(r"\d")


async def run(action, track):
    dispatcher = CollectingDispatcher()
    events = await action.run(dispatcher, track, {})
    return dispatcher.messages, events


def text_of(messages) -> str:
    assert 1 == len(messages)
    return messages[0].get("text") or ""


def ends_with_source(answer: str) -> bool:
    return answer.splitlines()[-1].startswith("来源：")


async def test_school_count_is_answered_with_number_year_and_source():
    messages, events = await run(ActionAnswerStatistic(), tracker("内蒙古现在一共有多少所职业院校？", "ask_statistic"))
    answer = text_of(messages)
    assert "237" in answer and "2022" in answer
    assert ends_with_source(answer) and "内蒙古自治区教育厅" in answer.splitlines()[-1]
    assert SlotSet("last_topic", "statistic") in events


async def test_a_statistic_not_held_gets_no_number_and_where_to_ask():
    messages, _ = await run(ActionAnswerStatistic(), tracker("呼和浩特有多少所职业院校", "ask_statistic"))
    answer = text_of(messages)
    assert "237" not in answer and "来源：" not in answer
    # the region's figures are all there is: a 盟市's are asked of its 教育局
    assert "全区" in answer and "盟市教育局" in answer


async def test_a_year_not_held_says_which_year_it_has_and_gives_no_other_years_figure():
    messages, _ = await run(ActionAnswerStatistic(), tracker("2019年全区在校生有多少", "ask_statistic"))
    answer = text_of(messages)
    assert "我没有2019年" in answer and "2022年" in answer and "39.33" not in answer
    # one tap asks the same of a year that is held
    assert "2022年全区在校生有多少" in [button["payload"] for button in messages[0]["buttons"]]


async def test_a_figure_asked_without_a_year_is_the_articles_and_the_later_one_is_a_tap_away():
    messages, events = await run(ActionAnswerStatistic(), tracker("全区有几所高职", "ask_statistic"))
    answer = text_of(messages)
    # One number, the primary source's, with its year; that a newer figure exists, and when.
    assert "37所" in answer and "2022" in answer and "33所" not in answer and "2025年" in answer
    assert "教育厅，2022" in answer.splitlines()[-1] and "2025-11-26" not in answer.splitlines()[-1]
    (button,) = messages[0]["buttons"]
    # The button asks "现在呢" of the same figure: the newer one alone, with its own source.
    slots = {e["name"]: e["value"] for e in events if e.get("event") == "slot"}
    track = tracker(button["payload"], "follow_up", **slots)
    later = text_of((await run(ActionAnswerFollowUp(), track))[0])
    assert "33所" in later and "37所" not in later and "2025-11-26" in later.splitlines()[-1]


async def test_a_figure_is_the_answer_and_its_passage_comes_on_request():
    question = "25年职业本科首次招生招了多少人"
    answer = text_of((await run(ActionAnswerStatistic(), tracker(question, "ask_statistic")))[0])
    assert "2040" in answer and "依据：" not in answer
    assert ends_with_source(answer) and "2026-01-06" in answer.splitlines()[-1]
    # "详细说说": a policy figure gives the fact it rests on, an article figure its passage.
    track = tracker("详细说说", "follow_up", last_topic="statistic", last_question=question)
    answer = text_of((await run(ActionAnswerFollowUp(), track))[0])
    assert "2040" in answer and "依据：" in answer and "原文：" not in answer


async def test_two_questions_in_one_message_get_both_figures_each_with_its_source():
    messages, _ = await run(
        ActionAnswerStatistic(), tracker("全区高职院校有几所？另外在校生一共多少人", "ask_statistic")
    )
    assert 2 == len(messages)
    assert "37" in messages[0]["text"] and "39.33" in messages[1]["text"]
    assert all(ends_with_source(m["text"]) for m in messages)


async def test_a_later_question_without_its_own_subject_borrows_the_first_ones():
    messages, _ = await run(
        ActionAnswerStatistic(), tracker("金砖大赛内蒙古选拔赛一共几个赛项？代表队有几支？", "ask_statistic")
    )
    assert 2 == len(messages)
    assert "24个赛项" in messages[0]["text"] and "95支代表队" in messages[1]["text"]


async def test_two_questions_after_a_comma_are_answered_in_order():
    messages, _ = await run(
        ActionAnswerStatistic(), tracker("2022年单招录取了多少学生，对口招生又招了多少", "ask_statistic")
    )
    assert 2 == len(messages)
    assert "33962" in messages[0]["text"] and "6161" in messages[1]["text"]


@pytest.mark.parametrize("text", ["中职学校有多少所？学费贵不贵", "中职学校有多少所？顺便问下加起来多少"])
async def test_a_later_question_naming_no_figure_of_its_own_adds_nothing(text):
    messages, _ = await run(ActionAnswerStatistic(), tracker(text, "ask_statistic"))
    assert "200" in text_of(messages)


async def test_a_place_named_in_another_question_of_the_message_is_not_dropped():
    messages, _ = await run(ActionAnswerStatistic(), tracker("呼和浩特，职业院校有多少所", "ask_statistic"))
    assert "237" not in text_of(messages)


@pytest.mark.parametrize(
    "previous, follow_up, expected, absent",
    [
        ("内蒙古一共有多少所职业院校", "那高职呢？", "37", "237"),
        ("中职学校有多少所", "高职呢", "37", "200"),
        # a figure of its own, with the year of the question before
        ("全区一共有几所职业院校", "那在校生呢", "39.33", "237"),
        ("2022年职业教育安排了多少资金", "涨幅呢", "8.5", "29.2"),
        # another channel keeps the kind of number: 单招's admitted students, not its 34 schools
        ("2022年五年制转段有多少人", "那单招呢", "33962", "34所"),
        # a figure of another level: 专升本 is 高职's, not the 职业本科 of the question before
        ("2025年职业本科首次招生多少人", "专升本呢", "1.6万", "2040"),
        # the period of the question before: the 十四五 total, not one year's
        ("十四五期间有多少中职生升了本科", "高职专升本的呢", "7.6万", "1.6万"),
        # only another year: the same figure of that year
        ("中职生均教学仪器设备值现在多少钱", "12年呢", "3388", "优质"),
        # another figure named without 多少 still asks how many
        ("鄂尔多斯职教联盟有几家理事单位", "激励办法里的举措呢", "20项", "195"),
        # the year of the question before: that year's figure alone, not a newer one beside it
        ("2022年全区中职学校有多少所", "那高职呢", "37", "33所"),
        ("2022年全区有几所高职", "中职呢", "200", "171"),
        # 现在 asks for the newest figure, not the year of the question before
        ("2012年中职生均校舍面积多少", "现在呢", "24.36", "14.37"),
    ],
)
async def test_a_follow_up_changes_only_the_scope(previous, follow_up, expected, absent):
    track = tracker(follow_up, "follow_up", last_topic="statistic", last_question=previous)
    answer = text_of((await run(ActionAnswerFollowUp(), track))[0])
    assert expected in answer and absent not in answer.split("来源：")[0]
    assert ends_with_source(answer)


async def test_a_subsidy_follow_up_keeps_the_subsidy_and_changes_the_scope():
    track = tracker(
        "那高职呢",
        "follow_up",
        last_topic="subsidy",
        last_question="中职国家助学金多少钱",
        subsidy="国家助学金",
        scope="中职",
    )
    messages, events = await run(ActionAnswerFollowUp(), track)
    answer = text_of(messages)
    assert "3700" in answer and "2300" not in answer
    assert SlotSet("scope", "高职") in events


async def test_an_admission_channel_named_after_another_is_answered():
    track = tracker(
        "对口招生呢？",
        "ask_admission",
        [{"entity": "channel", "value": "对口招生"}],
        last_topic="admission",
        channel="单招",
    )
    answer = text_of((await run(ActionAnswerAdmission(), track))[0])
    assert "中等职业学校毕业生" in answer and "33962" not in answer


@pytest.mark.parametrize(
    "action, text, entities, expected",
    [
        (ActionAnswerAdmission(), "单招考什么", [{"entity": "channel", "value": "单招"}], "文化素质"),
        (ActionAnswerPathway(), "3+2是什么意思", [{"entity": "pathway", "value": "三二分段"}], "中高职"),
        (ActionAnswerPathway(), "五年一贯制怎么读", [], "五年一贯制"),
        (ActionAnswerUndergraduate(), "职业本科有哪些学校", [], "职业技术大学"),
        (ActionAnswerSubsidy(), "中职免学费吗", [{"entity": "subsidy", "value": "免学费"}], "2000"),
        (ActionAnswerSubsidy(), "大专国家奖学金多少钱", [], "10000"),
        (ActionAnswerSubsidy(), "高职助学贷款能贷多少", [], "20000"),
    ],
)
async def test_topic_answers_state_the_fact_and_end_with_sources(action, text, entities, expected):
    answer = text_of((await run(action, tracker(text, "x", entities)))[0])
    assert expected in answer
    assert ends_with_source(answer)


async def test_a_question_naming_no_programme_gets_the_topic_that_answers_it():
    messages, _ = await run(ActionAnswerPathway(), tracker("读职业教育和读普通教育，地位平等吗", "ask_pathway"))
    answer = text_of(messages)
    assert "同等重要" in answer and "“3+2”中高职五年制贯通培养" not in answer
    assert ends_with_source(answer)


@pytest.mark.parametrize("text", ["都说读职校低人一等，升学就业会吃亏吗", "读职校是不是比上普高低一等"])
async def test_a_school_named_in_other_words_still_finds_its_topic(text):
    # 职校 is the statement's 职业学校; 普高 is in the topic's name
    answer = text_of((await run(ActionAnswerPathway(), tracker(text, "ask_pathway")))[0])
    assert "平等机会" in answer and "“3+2”中高职五年制贯通培养" not in answer


@pytest.mark.parametrize(
    "text, expected",
    [
        ("How many students were admitted by 单招 in 2022", "33962"),
        ("zhongzhi gaozhi jiaqilai yigong duoshao suo xuexiao", "237"),
        ("dan zhao 2022 lu qu ren shu", "33962"),
    ],
)
async def test_a_question_in_pinyin_or_english_is_answered_like_the_chinese_it_says(text, expected):
    answer = text_of((await run(ActionAnswerStatistic(), tracker(text, "ask_statistic")))[0])
    assert expected in answer and ends_with_source(answer)


@pytest.mark.parametrize(
    "action, text, place",
    [
        (ActionAnswerStatistic(), "那个金砖选拔赛是在哪办的", "准格尔旗"),
        (ActionAnswerPathway(), "莫旗中等职业学校位于哪个盟市", "呼伦贝尔市"),
    ],
)
async def test_where_a_named_school_or_event_is_comes_from_what_the_article_says_of_it(action, text, place):
    answer = text_of((await run(action, tracker(text, "x")))[0])
    assert place in answer and ends_with_source(answer)


async def test_a_route_to_a_degree_with_a_topic_of_its_own_gets_that_topic():
    track = tracker("中职本科衔接培养是什么", "ask_undergraduate", [{"entity": "pathway", "value": "中职本科衔接"}])
    answer = text_of((await run(ActionAnswerUndergraduate(), track))[0])
    assert "中职本科衔接培养试点" in answer and "21所高职院校" not in answer


async def test_asking_where_about_a_programme_gets_its_topic():
    answer = text_of((await run(ActionAnswerAdmission(), tracker("单招在哪报名", "ask_admission")))[0])
    assert "单招" in answer and "我在资料里找到" not in answer


async def test_a_question_naming_no_programme_and_matching_none_gets_the_overview():
    messages, _ = await run(ActionAnswerPathway(), tracker("初中毕业有哪些路可以走", "ask_pathway"))
    answer = text_of(messages)
    assert "五年一贯制" in answer and "职普融通" in answer and ends_with_source(answer)
    assert {"五年一贯制", "“3+2”"} <= {button["title"] for button in messages[0]["buttons"]}


async def test_a_changed_standard_is_given_with_its_dates():
    answer = text_of((await run(ActionAnswerSubsidy(), tracker("中职国家助学金一年多少钱", "ask_subsidy")))[0])
    assert "2300" in answer and "2025年春季学期" in answer


async def test_an_unknown_amount_is_said_to_be_unknown():
    answer = text_of((await run(ActionAnswerSubsidy(), tracker("中职生活费补助一个月多少钱", "ask_subsidy")))[0])
    assert "没有查到" in answer and "资助" in answer
    stated = {n for line in answer.splitlines()[:-1] for n in re.findall(r"\d+", line)}
    assert set() == stated


async def test_low_confidence_statements_are_marked_to_be_confirmed():
    answer = text_of(
        (
            await run(
                ActionAnswerPathway(),
                tracker("3+2怎么转段", "ask_pathway", [{"entity": "pathway", "value": "三二分段"}]),
            )
        )[0]
    )
    assert "待核实" in answer


async def test_the_search_fallback_answers_with_a_passage_and_source():
    answer = text_of((await run(ActionSearchKnowledge(), tracker("莫旗中等职业学校有什么特色专业", "nlu_fallback")))[0])
    assert "曲棍球" in answer and ends_with_source(answer)


async def test_the_search_fallback_does_not_answer_unrelated_text():
    messages, _ = await run(ActionSearchKnowledge(), tracker("今天天气怎么样", "nlu_fallback"))
    assert "utter_out_of_scope" == messages[0]["response"]


# -- answering what was asked (issue 16) ------------------------------------------------


def before_source(answer: str) -> str:
    return "\n".join(line for line in answer.splitlines() if not line.startswith("来源："))


async def test_an_aspect_is_answered_alone_with_suggestions_for_the_others():
    messages, events = await run(
        ActionAnswerAdmission(),
        tracker("单招一般几月份考试", "ask_admission", [{"entity": "channel", "value": "单招"}]),
    )
    answer = text_of(messages)
    assert "3月" in answer and "文化素质" not in answer and "33962" not in answer
    assert ends_with_source(answer) and len(before_source(answer)) < 200
    titles = [button["title"] for button in messages[0]["buttons"]]
    assert "详细说说" in titles and len(titles) <= 3
    assert SlotSet("last_aspect", "when") in events


@pytest.mark.parametrize(
    "action, intent",
    [
        (ActionAnswerFollowUp(), "follow_up"),
        # "对口招生呢？" keeps the aspect whatever the intent the model gave it
        (ActionAnswerAdmission(), "ask_admission"),
    ],
)
async def test_a_follow_up_keeps_the_aspect_asked_before(action, intent):
    track = tracker(
        "那对口招生呢",
        intent,
        [{"entity": "channel", "value": "对口招生"}],
        last_topic="admission",
        last_question="单招考什么",
        channel="单招",
        last_aspect="what_tested",
    )
    answer = text_of((await run(action, track))[0])
    assert "语文" in answer and "6161" not in answer


async def test_details_give_the_whole_topic():
    answer = text_of(
        (
            await run(
                ActionAnswerAdmission(),
                tracker("详细说说单招", "ask_admission", [{"entity": "channel", "value": "单招"}]),
            )
        )[0]
    )
    assert "33962" in answer and "文化素质" in answer and answer.count("\n") > 6


async def test_two_programmes_compared_side_by_side():
    entities = [{"entity": "pathway", "value": "五年一贯制"}, {"entity": "pathway", "value": "三二分段"}]
    answer = text_of(
        (await run(ActionAnswerPathway(), tracker("五年一贯制和3+2有什么区别", "ask_pathway", entities)))[0]
    )
    assert answer.startswith("五年一贯制：") and "\n“3+2”：" in answer and ends_with_source(answer)


async def test_a_named_schools_tuition_is_declined_with_where_to_ask_and_no_number():
    text = "我家孩子在呼和浩特职业学院, 学费多少"
    answer = text_of(
        (await run(ActionAnswerSubsidy(), tracker(text, "ask_subsidy", [{"entity": "subsidy", "value": "免学费"}])))[0]
    )
    assert "我没有呼和浩特职业学院" in answer and "招生办" in answer
    assert not DIGITS.search(answer) and "2000" not in answer


async def test_another_province_is_not_answered_with_inner_mongolias_rules():
    messages, _ = await run(
        ActionAnswerAdmission(), tracker("北京的单招考什么", "ask_admission", [{"entity": "channel", "value": "单招"}])
    )
    answer = text_of(messages)
    assert "只了解内蒙古" in answer and "北京" in answer and not DIGITS.search(answer)


async def test_an_english_question_asks_for_chinese_and_answers_what_it_can_read():
    messages, _ = await run(ActionAnswerStatistic(), tracker("how many vocational schools are there", "ask_statistic"))
    assert "请用中文提问" in messages[0]["text"]
    assert "237" in messages[1]["text"] and ends_with_source(messages[1]["text"])


async def test_a_short_question_after_an_answer_is_asked_of_that_answer_whatever_its_intent():
    from actions.search import ActionAnswerOutOfScope

    track = tracker(
        "最多贷多少", "out_of_scope", last_topic="subsidy", last_question="助学贷款是什么", subsidy="助学贷款"
    )
    answer = text_of((await run(ActionAnswerOutOfScope(), track))[0])
    assert "20000" in answer and ends_with_source(answer)
    messages, _ = await run(ActionAnswerOutOfScope(), tracker("最多贷多少", "out_of_scope"))
    assert "utter_out_of_scope" == messages[0]["response"]


async def test_what_another_kind_of_subject_answers_is_borrowed_in_the_questions_own_words():
    track = tracker(
        "那以后还能考本科不", "follow_up", last_topic="pathway", last_question="五年一贯制是什么", pathway="五年一贯制"
    )
    answer = text_of((await run(ActionAnswerFollowUp(), track))[0])
    assert "本科" in before_source(answer) and "五年一贯制是中职学校" not in answer


async def test_an_aspect_nothing_answers_says_so_first_and_where_to_ask():
    track = tracker(
        "那读完拿的是啥毕业证",
        "follow_up",
        last_topic="pathway",
        last_question="五年一贯制是什么",
        pathway="五年一贯制",
    )
    answer = text_of((await run(ActionAnswerFollowUp(), track))[0])
    assert answer.startswith("关于五年一贯制的毕业证书") and "没有查到" in answer and "教育局" in answer


async def test_a_year_not_held_is_said_before_what_is_known():
    answer = text_of(
        (
            await run(
                ActionAnswerAdmission(),
                tracker("2026年单招什么时候报名", "ask_admission", [{"entity": "channel", "value": "单招"}]),
            )
        )[0]
    )
    assert answer.startswith("我没有2026年") and "nm.zsks.cn" in answer


async def test_one_schools_scores_are_declined_naming_the_school():
    answer = text_of(
        (await run(ActionAnswerStatistic(), tracker("包头职业技术学院单招去年多少分能录", "ask_statistic")))[0]
    )
    assert "我没有包头职业技术学院的录取分数" in answer and "nm.zsks.cn" in answer and "来源" not in answer


async def test_a_passage_of_another_year_is_no_answer_to_this_years_question():
    messages, _ = await run(ActionSearchKnowledge(), tracker("2025年对口招生计算机类控制线多少分", "nlu_fallback"))
    assert "120" not in (messages[0].get("text") or "")


async def test_another_years_dates_are_not_given_for_the_year_asked():
    answer = text_of(
        (await run(ActionAnswerUndergraduate(), tracker("2026专升本几号开始报名", "ask_undergraduate")))[0]
    )
    assert answer.startswith("我没有2026年") and "2月24" not in answer and "nm.zsks.cn" in answer


async def test_a_long_chain_of_follow_ups_keeps_the_previous_question_bounded():
    # Issue 14: 60 follow-ups of 440 characters made last_question 5.6 MB and a turn 2 s.
    slots = {"last_topic": "subsidy", "last_question": "中职国家助学金多少钱", "subsidy": "国家助学金", "scope": "中职"}
    padding = "我想再确认一下" * 62
    stored = []
    for turn in range(12):
        text = ("那高职呢" if turn % 2 else "那中职呢") + padding
        _, events = await run(ActionAnswerFollowUp(), tracker(text, "follow_up", **slots))
        slots.update({event["name"]: event["value"] for event in events if event["event"] == "slot"})
        stored.append(len(slots["last_question"]))
    assert max(stored) <= LAST_QUESTION_MAX_CHARS
    assert stored[-1] > 400  # still the question before, not emptied


async def test_a_call_rasa_gave_up_on_stops_before_answering(monkeypatch):
    # Sanic cancels the handler when Rasa closes the connection after its timeout.
    answered = []
    monkeypatch.setattr(ActionAnswerStatistic, "answer", lambda self, *args: answered.append(args) or [])
    call = asyncio.ensure_future(
        ActionAnswerStatistic().run(CollectingDispatcher(), tracker("中职学校有多少所", "ask_statistic"), {})
    )
    await asyncio.sleep(0)  # the question is read
    call.cancel()
    with pytest.raises(asyncio.CancelledError):
        await call
    assert [] == answered


# ------------------------------------------------------------ a family describing itself (issue 16 part 4)


@pytest.mark.parametrize(
    "text, expected, absent",
    [
        ("农村户口 孩子考上大专了 家里困难 有啥补贴", ["国家助学金", "3700", "助学贷款"], ["免学费"]),
        ("我家低保户 孩子在读中职三年级 能拿哪些钱", ["免学费", "国家助学金", "2300"], ["3700"]),
        ("城里户口 家里不困难 孩子上中职有补助吗", ["免学费", "免费教科书"], ["要不要"]),
    ],
)
async def test_a_family_asking_what_it_can_get_is_answered_from_the_rules_not_checked(text, expected, absent):
    messages, events = await run(ActionAnswerSubsidy(), tracker(text, "ask_subsidy"))
    answer = text_of(messages)
    assert all(word in answer for word in expected), answer
    assert not any(word in answer for word in absent), answer
    assert ends_with_source(answer)
    assert len(answer.split("来源：")[0]) <= 200
    assert SlotSet("last_topic", "subsidy") in events  # accepting the offer reads what it said


async def test_a_family_asking_of_one_programme_it_may_not_get_is_told_what_it_depends_on():
    answer = text_of(
        (await run(ActionAnswerSubsidy(), tracker("我们是牧区的 孩子读中职三年级 有助学金没", "ask_subsidy")))[0]
    )
    assert answer.startswith("按你说的情况")
    assert "国家助学金要看情况：待核实" in answer


@pytest.mark.parametrize(
    "text",
    [
        "城镇户口上中职也免学费吗",  # granted: the programme's own rule says it of everyone
        "中职国家助学金多少钱",  # no family: the programme's answer
        "我家能领补助吗",  # no level: the rules cannot say
        "低保户 孩子读中职 助学金怎么申请",  # how to apply is not a verdict
    ],
)
async def test_other_subsidy_questions_keep_the_topic_answer(text):
    answer = text_of((await run(ActionAnswerSubsidy(), tracker(text, "ask_subsidy")))[0])
    assert not answer.startswith("按你说的情况")


async def test_one_schools_majors_are_declined_with_where_to_ask():
    answer = text_of(
        (await run(ActionAnswerUndergraduate(), tracker("兴安职业技术大学有哪些专业", "ask_undergraduate")))[0]
    )
    assert answer.startswith("我没有兴安职业技术大学的专业设置资料")
    assert "招生办" in answer


async def test_follow_ups_after_several_turns_keep_the_level_and_the_time_asked():
    previous, answers = "2022年全区中职学校有多少所", []
    for follow_up in ("那高职呢", "现在呢", "那中职呢"):
        track = tracker(follow_up, "follow_up", last_topic="statistic", last_question=previous)
        messages, events = await run(ActionAnswerFollowUp(), track)
        answers.append(text_of(messages).split("来源：")[0])
        previous = next(e["value"] for e in events if e.get("name") == "last_question")
    assert "37" in answers[0] and "33" not in answers[0]  # 2022's 高职 figure alone
    assert "33所高职" in answers[1] and "37" not in answers[1]  # 高职 now
    assert "171" in answers[2] and "200" not in answers[2]  # 中职 now


@pytest.mark.parametrize(
    "text", ["中职生均教学仪器设备值这些年涨了多少，从多少到多少", "中职生均教学仪器设备值从2012年的多少涨到了多少"]
)
async def test_a_question_about_a_change_gets_both_ends_each_figure_stating_its_own(text):
    messages, _ = await run(ActionAnswerStatistic(), tracker(text, "ask_statistic"))
    first, then = (m["text"] for m in messages)  # 2012's figure, then the later one
    assert "3388" in first and "12519" not in first and "12519" in then
    assert all(ends_with_source(m["text"]) for m in messages)


async def test_a_follow_up_asks_of_the_subject_before_that_answers_it():
    # The answer before was about 免学费, but the question before also named 3+2: its diploma
    # is what "拿什么证" asks, not 免学费's.
    track = tracker(
        "那读完拿什么证",
        "follow_up",
        last_topic="subsidy",
        last_question="孩子初三，想读3+2，学费要交多少",
        subsidy="免学费",
    )
    messages, events = await run(ActionAnswerFollowUp(), track)
    answer = text_of(messages)
    assert "毕业证" in answer and "免学费" not in before_source(answer)
    assert SlotSet("pathway", "三二分段") in events


# ------------------------------------------------------------ the aspect asked, answered first (set 10)


@pytest.mark.parametrize(
    "text, expected",
    [
        ("单亲家庭 孩子高职大二 励志奖学金多少钱", "6000"),
        ("孩子在民办中职 学费一年八千 国家能给免多少", "2000"),
    ],
)
async def test_a_family_asking_one_programmes_amount_gets_the_amount_first(text, expected):
    messages, _ = await run(ActionAnswerSubsidy(), tracker(text, "ask_subsidy"))
    assert expected in messages[0]["text"].split("来源：")[0]


@pytest.mark.parametrize(
    "action, text, intent, where, absent",
    [
        (ActionAnswerSubsidy(), "内蒙古生源地助学贷款是在哪个银行办", "ask_subsidy", "县（旗）", "全日制"),
        (ActionAnswerSubsidy(), "明年国家奖学金还会涨吗", "ask_subsidy", "教育厅", "10000"),
        (ActionAnswerSubsidy(), "内蒙古每年分到多少个中职国家奖学金名额", "ask_subsidy", "资助中心", "2万"),
        (ActionAnswerSubsidy(), "乌兰察布有哪些中职学校", "ask_subsidy", "教育局", "免学费"),
        (ActionAnswerPathway(), "赤峰哪个中职有幼师专业的3+2", "ask_pathway", "教育局", "联合"),
        (ActionAnswerAdmission(), "单招录取率有多高", "ask_admission", "nm.zsks.cn", "流程"),
        (ActionAnswerSubsidy(), "通辽有多少中职学生领了助学金", "ask_subsidy", "教育局", "2300"),
    ],
)
async def test_a_particular_thing_not_held_is_declined_with_where_to_ask(action, text, intent, where, absent):
    answer = text_of((await run(action, tracker(text, intent)))[0])
    assert answer.startswith("我没有"), answer
    assert where in answer and absent not in answer, answer


@pytest.mark.parametrize(
    "action, text, intent, expected, absent",
    [
        (ActionAnswerAdmission(), "单招是哪里组织考试的", "ask_admission", "院校组织考试", None),
        (ActionAnswerSubsidy(), "中职免学费的2000块是一学期还是一年", "ask_subsidy", "每年2000元", "国家口径"),
        (ActionAnswerSubsidy(), "大专助学金分几个档", "ask_subsidy", "2—3档", "专升本"),
        # Taken for a figure, who a channel admits is still the channel's to answer.
        (ActionAnswerStatistic(), "对口招生是招什么人的", "ask_statistic", "中等职业学校毕业生", "6161"),
    ],
)
async def test_the_aspect_asked_in_other_words_is_answered(action, text, intent, expected, absent):
    answer = text_of((await run(action, tracker(text, intent)))[0])
    assert expected in answer.split("来源：")[0], answer
    assert absent is None or absent not in answer


async def test_a_short_follow_up_asking_which_grade_is_asked_of_the_subsidy_before():
    track = tracker(
        "几年级能申请",
        "follow_up",
        last_topic="subsidy",
        subsidy="国家奖学金",
        scope="中职",
        last_question="中职国家奖学金多少钱",
        last_aspect="how_much",
    )
    answer = text_of((await run(ActionAnswerFollowUp(), track))[0])
    assert "二年级" in answer.split("来源：")[0], answer


async def test_a_question_of_schooling_the_model_could_not_place_is_declined_with_where_to_ask():
    for question in ("单招体检有啥要求 色弱能报吗", "中考志愿表上那个代码在哪查"):
        answer = text_of((await run(ActionAnswerOutOfScope(), tracker(question, "out_of_scope")))[0])
        assert "没有" in answer and "nm.zsks.cn" in answer, question
    answer = text_of((await run(ActionAnswerOutOfScope(), tracker("资助的事该问谁呀我们家", "out_of_scope")))[0])
    assert "资助中心" in answer
    # One programme named is that programme's to answer, whatever the model made of it.
    answer = text_of((await run(ActionAnswerOutOfScope(), tracker("中职国家助学金一年多少钱", "out_of_scope")))[0])
    assert "2300" in answer and ends_with_source(answer)
    # A place alone does not make a question about schooling.
    messages, _ = await run(ActionAnswerOutOfScope(), tracker("今天呼和浩特天气怎么样", "out_of_scope"))
    assert "utter_out_of_scope" == messages[0]["response"]


async def test_a_count_the_model_could_not_place_is_answered_when_a_figure_holds_it():
    question = "how many students got admitted through the separate enrollment exam in 2022"
    messages, _ = await run(ActionAnswerOutOfScope(), tracker(question, "out_of_scope"))
    assert "请用中文提问" in messages[0]["text"]
    assert "33962" in messages[1]["text"] and ends_with_source(messages[1]["text"])


async def test_a_message_the_model_did_not_take_for_a_question_can_lean_on_the_figure_before():
    from actions.search import ActionAnswerUnclear

    # "单招呢" after a count of 转段: the same count of 单招.
    track = tracker("单招呢", "out_of_scope", [{"entity": "channel", "value": "单招"}], last_topic="statistic",
                    last_question="2022年五年制转段多少人")  # fmt: skip
    answer = text_of((await run(ActionAnswerOutOfScope(), track))[0])
    assert "33962" in answer and "5521" not in answer
    # What asks nothing of the figure stays out of scope after it.
    for unrelated in ("能帮我写一篇作文吗", "今天呼和浩特天气怎么样呢", "你叫什么", "今天星期几", "这个多少钱"):
        track = tracker(unrelated, "out_of_scope", last_topic="statistic", last_question="内蒙古一共有多少所职业院校")
        messages, _ = await run(ActionAnswerOutOfScope(), track)
        assert "utter_out_of_scope" == messages[0].get("response"), unrelated
    # Nothing new held: "单招呢" and "都叫什么名字" after the count of 中职 schools are not its 200.
    for unheld in ("单招呢", "都叫什么名字", "撤了几个"):
        track = tracker(unheld, "out_of_scope", last_topic="statistic", last_question="内蒙古有多少所中职学校")
        messages, _ = await run(ActionAnswerOutOfScope(), track)
        assert "200所" not in (messages[0].get("text") or ""), unheld
    # "几年级能申请" (read as an answer to the check's question) after a scholarship's amount.
    track = tracker("几年级能申请", "inform", last_topic="subsidy", last_question="中职国家奖学金多少钱",
                    subsidy="中职国家奖学金")  # fmt: skip
    answer = text_of((await run(ActionAnswerUnclear(), track))[0])
    assert "年级" in before_source(answer) and ends_with_source(answer)
    # With nothing before it, a lone answer asks to rephrase.
    messages, _ = await run(ActionAnswerUnclear(), tracker("二年级", "inform"))
    assert "utter_ask_rephrase" == messages[0]["response"]


async def test_a_named_schools_dormitory_majors_and_lowest_score_are_declined_with_where_to_ask():
    for question, label in [
        ("呼和浩特职业技术大学宿舍几人间", "住宿条件"),
        ("乌海职业技术学院有没有护理专业", "专业设置"),
        ("内蒙古建筑职业技术大学2025年录取最低分", "录取分数"),
    ]:
        answer = text_of((await run(ActionAnswerOutOfScope(), tracker(question, "out_of_scope")))[0])
        assert label in answer and "招生" in answer and "2040" not in answer, question
