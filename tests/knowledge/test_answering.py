"""Choosing the figure, topic or passage that answers a question, on the tiny knowledge base."""

from __future__ import annotations

import pytest

from knowledge.answering import answers
from knowledge.records import Question
from tests.knowledge import tiny


def test_the_fixture_stays_tiny():
    assert all(count <= 20 for count in tiny.row_counts().values()), tiny.row_counts()


@pytest.mark.parametrize(
    "question, statistic",
    [
        ("中职学校有多少所", "schools-secondary"),
        ("内蒙古一共有多少所职业院校", "schools-total"),
        ("大专院校有几所", "schools-higher"),
        ("职业院校在校生有多少人", "students-total"),
        # the channel named decides, though both figures share one passage
        ("对口招生录取了多少人", "counterpart-enrollment-2022"),
        ("单独招生录取了多少人", "separate-enrollment-2022"),
        # a plan is answered by a target, the present by what exists
        ("规划要建多少所优质中职学校", "target-quality-secondary-schools"),
    ],
)
def test_the_figure_asked_for_is_chosen(tiny_kb, question, statistic):
    match = tiny_kb.match_statistic(question)
    assert (statistic, ()) == (match.statistic.id, match.unmatched)
    assert answers(match)


def test_a_place_no_figure_covers_is_left_unexplained(tiny_kb):
    match = tiny_kb.match_statistic("呼和浩特有多少所职业院校")
    assert "呼和浩特市" in match.unmatched
    assert not answers(match)


@pytest.mark.parametrize("question, named", [("中职在校生多少", False), ("莫旗职高2015年在校生多少", True)])
def test_a_figure_about_one_school_answers_only_when_the_school_is_named(tiny_kb, question, named):
    match = tiny_kb.match_statistic(question)
    assert named == (match.statistic is not None and match.statistic.id == "moqi-students-2015" and not match.unmatched)


def test_the_article_wins_a_tie_and_a_later_figure_comes_with_it(tiny_kb):
    answer = tiny_kb.answer_statistics("全区有几所中职学校")
    [figure] = answer.figures
    assert "200" == figure.match.statistic.value
    assert ["171"] == [statistic.value for statistic, _ in figure.newer]
    assert (2022, 2025) == figure.years


def test_a_year_not_held_is_said_with_the_years_held(tiny_kb):
    [figure] = tiny_kb.answer_statistics("2019年职业院校有多少所").figures
    assert (True, 2019, "237") == (figure.match.year_differs, figure.match.asked_year, figure.match.statistic.value)


def test_a_message_asking_two_questions_gets_two_figures(tiny_kb):
    answer = tiny_kb.answer_statistics("单独招生录取多少人，对口招生录取了多少人")
    assert ["33962", "6161"] == [figure.match.statistic.value for figure in answer.figures]


def test_no_figure_means_no_number_and_what_was_missing(tiny_kb):
    answer = tiny_kb.answer_statistics("呼和浩特有多少所职业院校")
    assert ((), None) == (answer.figures, answer.passage)
    assert "呼和浩特市" in answer.missing


def test_a_follow_up_naming_another_level_gets_the_same_figure_of_that_level(tiny_kb):
    question = Question("那高职呢", "follow_up", {"scope": ["高职"]})
    answer = tiny_kb.answer_statistic_follow_up(question, previous="中职学校有多少所")
    assert ["37"] == [f.match.statistic.value for f in answer.figures]
    # What was asked, for the next follow-up: the question before with the level named now.
    assert "高职" in answer.query and "中职" not in answer.query and "有多少所" in answer.query


def test_a_follow_up_naming_another_channel_replaces_the_one_before(tiny_kb):
    question = Question("那对口呢", "follow_up", {"channel": ["对口招生"]})
    answer = tiny_kb.answer_statistic_follow_up(question, previous="2022年单独招生录取了多少人")
    assert ["6161"] == [f.match.statistic.value for f in answer.figures]


def test_a_message_is_read_with_canonical_values(tiny_kb):
    question = tiny_kb.read("莫旗的大专单独招生", [{"entity": "channel", "value": "对口"}], "ask_statistic")
    assert ("高职", "莫力达瓦达斡尔族自治旗") == (question.first("scope"), tiny_kb.mentioned("place", question.text)[0])
    assert ["单招", "对口招生"] == question.values["channel"]


def test_eligibility_answers_are_read_from_entities_first_then_the_text(tiny_kb):
    values = tiny_kb.read_values(
        "我在莫旗，上全区的职业院校", [{"entity": "scope", "value": "大专"}], ("scope", "place")
    )
    assert {"scope": "高职", "place": "莫力达瓦达斡尔族自治旗"} == values


def test_where_a_school_is_comes_from_its_description(tiny_kb):
    hit = tiny_kb.location("莫旗职高在哪个市")
    assert ("莫旗中等职业学校", "article-2022") == (hit.title, hit.source_id)
    assert tiny_kb.location("莫旗职高有多少学生") is None


def test_a_topic_is_chosen_by_its_value(tiny_kb):
    reply = tiny_kb.answer_topic_question("admission", ["对口招生"], None, "对口招生是什么")
    assert ["2022年对口招生录取6161人。"] == [s.text for _, units in reply.parts for s in units]
    assert ["article-2022"] == list(reply.sources)


def test_the_aspect_asked_chooses_the_statement_and_the_year_asked_is_kept(tiny_kb):
    reply = tiny_kb.answer_topic_question("admission", ["单招"], None, "单招录取多少人")
    assert ("scale",) == reply.asked and ["2022年高职单独招生录取33962人。"] == [
        s.text for _, units in reply.parts for s in units
    ]
    # another year's figure is no answer to this year's question
    reply = tiny_kb.answer_topic_question("admission", ["单招"], None, "2024年单招录取多少人")
    assert 2024 == reply.year_not_held and () == reply.parts and "nm.zsks.cn" in reply.where


def test_a_question_about_another_province_or_one_schools_scores_is_out_of_reach(tiny_kb):
    assert tiny_kb.out_of_reach("北京的单招考什么").region
    assert tiny_kb.out_of_reach("呼和浩特的单招考什么") is None
    beyond = tiny_kb.out_of_reach("包头职业技术学院单招多少分能录")
    assert ("包头职业技术学院", False) == (beyond.what, beyond.region)


def test_english_is_read_as_the_chinese_of_the_knowledge_base(tiny_kb):
    assert "schools-total" == tiny_kb.match_statistic(tiny_kb.read("how many vocational schools", []).text).statistic.id


def test_a_source_is_cited_with_its_document_number_and_never_its_notes(tiny_kb):
    source = tiny_kb.source("policy:NM-SCHOOLS-2025")
    assert "《自治区教育事业统计公报》，内蒙古自治区教育厅，内教发〔2025〕1号，2025-12-01" == source.citation()
    assert "二手来源" in source.notes


def test_a_fact_read_in_two_documents_cites_each_title_and_each_issuer_once():
    from knowledge.records import Source

    source = Source(
        id="policy:X",
        title="关于做好2021年单独考试招生工作的通知；某学院2023年单独考试招生方案",
        issuer="内蒙古自治区教育招生考试中心；内蒙古自治区教育招生考试中心",
        doc_number="",
        date="2021",
    )
    assert (
        "《关于做好2021年单独考试招生工作的通知》《某学院2023年单独考试招生方案》，内蒙古自治区教育招生考试中心，2021"
        == source.citation()
    )


# -- never a neighbouring number (issue 16): a figure of another level, of another thing
# counted, of the whole region for one place, or a count for a ratio, is declined.


@pytest.mark.parametrize(
    "question, missing",
    [
        # all vocational students (职业院校在校生) are not 高职's
        ("高职院校在校生有多少人", "高职在校生"),
        ("大专在校生有多少人", "高职在校生"),
        # a count of schools is not a count of 专业, though the passage around it names 专业
        ("高职院校一共开了多少个专业", "专业"),
        # what was admitted is not the plan
        ("2022年高职招生计划一共多少个", "招生计划"),
        # a count of people is no ratio
        ("单招录取率有多高", "录取率"),
    ],
)
def test_a_neighbouring_figure_is_not_the_answer(tiny_kb, question, missing):
    answer = tiny_kb.answer_statistics(question)
    assert ((), None) == (answer.figures, answer.passage)
    assert missing in answer.missing


def test_the_whole_regions_figure_still_answers_a_question_naming_the_whole(tiny_kb):
    [figure] = tiny_kb.answer_statistics("职业院校在校生中职高职一共多少人").figures
    assert "students-total" == figure.match.statistic.id


def test_admissions_counted_in_people_still_answer_a_question_counting_them(tiny_kb):
    match = tiny_kb.match_statistic("对口招生2022年的录取人数是多少")
    assert ("counterpart-enrollment-2022", ()) == (match.statistic.id, match.unmatched)


@pytest.mark.parametrize("question", ["呼和浩特有多少所职业院校", "呼和浩特单独招生录取了多少人"])
def test_a_count_of_one_place_no_figure_is_about_is_out_of_reach_whatever_the_intent(tiny_kb, question):
    beyond = tiny_kb.out_of_reach(question)
    assert ("呼和浩特市", True, "问当地的盟市教育局") == (beyond.what, beyond.place, beyond.where)


@pytest.mark.parametrize("question", ["莫旗职高2015年在校生多少", "呼和浩特的单招考什么", "中职学校有多少所"])
def test_a_place_a_figure_is_about_or_no_count_asked_is_not_out_of_reach(tiny_kb, question):
    assert tiny_kb.out_of_reach(question) is None


def test_a_ratio_no_figure_holds_is_out_of_reach_whatever_the_intent(tiny_kb):
    beyond = tiny_kb.out_of_reach("单独招生的录取率有多高")
    assert (True, "看内蒙古招生考试信息网 https://www.nm.zsks.cn") == (beyond.figure, beyond.where)
    assert beyond.what.endswith("录取率")
    assert tiny_kb.out_of_reach("单独招生录取了多少人") is None
