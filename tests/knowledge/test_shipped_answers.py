"""The shipped sources answer questions as people ask them: data and matching together.

Regressions found by the evaluation sets, on the real knowledge base. The matching rules
themselves are unit-tested on the tiny knowledge base (test_answering.py).
"""

from __future__ import annotations

import pytest


@pytest.mark.parametrize(
    "question, value",
    [
        ("内蒙古现在一共有多少所职业院校？", "237"),
        ("中职学校有多少所", "200"),
        ("高等职业院校有几所", "37"),
        ("职业院校在校生一共多少人", "39.33"),
        ("专业布点有多少个", "1466"),
        ("覆盖多少个专业大类", "19"),
        ("2022年单招录取了多少人", "33962"),
        ("五年制高职转段有多少人", "5521"),
        ("高职对口招生招了多少", "6161"),
    ],
)
def test_headline_statistics_are_found(kb, question, value):
    match = kb.match_statistic(question)
    assert value == match.statistic.value
    assert () == match.unmatched


@pytest.mark.parametrize(
    "question, unexplained",
    [
        ("内蒙古有多少所技工学校", "技工学校"),
        ("呼和浩特有多少所职业院校", "呼和浩特"),
        ("赤峰市中职学生有多少人", "赤峰"),
        # jieba's dictionary tags 本科 as a pronoun; bot/jieba/userdict.txt makes it a noun.
        ("2022年单招录取的本科有多少人", "本科"),
        ("3+2一共读几年", "年"),  # how long, not how many colleges run it
    ],
)
def test_a_question_about_something_else_is_not_matched(kb, question, unexplained):
    match = kb.match_statistic(question)
    assert any(unexplained in word or word in unexplained for word in match.unmatched)


@pytest.mark.parametrize(
    "question, named",
    [("中职在校生多少", False), ("莫旗中职2015年在校生多少", True), ("莫力达瓦旗的职业学校最低谷时有多少学生", True)],
)
def test_a_figure_about_one_school_answers_only_when_the_school_is_named(kb, question, named):
    match = kb.match_statistic(question)
    assert named == (match.statistic.id == "moqi-students-2015" and not match.unmatched)


@pytest.mark.parametrize(
    "question, value",
    [
        ("2025年职业本科招了多少学生", "2040"),
        ("专升本一年能录多少人", "1.6万"),
        ("内蒙古有几个盟市", "12"),
        ("2022年学生资助一共投了多少钱", "9.68"),
        ("到2025年全区有多少所中职学校", "171"),
    ],
)
def test_figures_from_the_policy_facts_are_found_with_their_fact(kb, question, value):
    match = kb.match_statistic(question)
    assert (value, ()) == (match.statistic.value, match.unmatched)
    assert match.statistic.source_id.startswith("policy:")


@pytest.mark.parametrize(
    "question, statistic",
    [
        # a plan is answered by the target, the present by what exists
        ("规划里要建多少所优质中职学校", "target-quality-secondary-schools"),
        ("优质中职学校现在有多少所", "secondary-quality-schools"),
        ("自治区级双高计划立项了多少所院校", "higher-regional-double-high-schools"),
        # 娃 are students
        ("上职校的娃一共有多少", "students-total"),
        # the contest was held in 准格尔旗: naming the place does not make it another figure
        ("准格尔旗那个金砖选拔赛有多少支代表队", "brics-selection-teams"),
        # a place named decides between figures
        ("莫旗职高现在有多少学生", "moqi-students-2020"),
        # the level named decides between the national and the regional figure
        ("国家级的改革发展示范学校有几所", "secondary-national-model-schools"),
        ("区级示范高职院校有几所", "higher-regional-model-schools"),
        # "哪一年" is answered by a year, or by the year of a figure
        ("职业院校的办学条件哪一年能全部达标", "target-all-schools-meet-standards"),
        ("莫旗职高的在校生是哪一年破千的", "moqi-students-2020"),
        # the channel named decides, though the 单招 figure's passage lists 对口招生 too;
        # 录取人数 is said in its parts (录取 … 人)
        ("那年对口招生的录取人数有多少", "counterpart-enrollment-2022"),
        # 大专院校 is the 高职 level and 院校
        ("大专院校全区有几个", "schools-higher"),
        # 条 counts what the figure counts in 项
        ("鄂尔多斯的激励办法一共几条", "ordos-incentive-measures"),
        # 百分之几 asks for the growth, not the head count beside it
        ("对口升本的人比2023年多了百分之几", "counterpart-to-bachelor-growth-2025"),
        # a five-year plan's period asks for its total; no period asks for one year's
        ("十四五期间专升本一共多少人", "upgrade-to-bachelor-total-2025"),
        ("专升本多少人", "upgrade-to-bachelor-2025"),
        # what is counted outweighs the school named: the 13 majors, not the 3 universities
        ("三所职业本科学校总共开设了几个专业", "vocational-bachelor-majors-2025"),
    ],
)
def test_how_people_ask_finds_the_figure_they_mean(kb, question, statistic):
    match = kb.match_statistic(question)
    assert (statistic, ()) == (match.statistic.id, match.unmatched)


def test_without_a_year_the_article_figure_wins_over_a_later_one(kb):
    assert "37" == kb.match_statistic("全区有几所高职").statistic.value


def test_a_year_not_held_is_reported(kb):
    match = kb.match_statistic("2019年职业院校一共有多少所")
    assert 2019 == match.asked_year
    assert match.year_differs
    assert 2022 == match.statistic.year


def test_a_given_scope_overrides_the_words_of_the_question(kb):
    assert "37" == kb.match_statistic("一共有多少所职业院校", scope="高职").statistic.value


@pytest.mark.parametrize(
    "kind, alias, canonical",
    [
        ("scope", "大专", "高职"),
        ("scope", "职高", "中职"),
        ("subsidy", "国奖", "国家奖学金"),
        ("channel", "单独招生", "单招"),
        ("pathway", "3+2", "三二分段"),
        ("pathway", "３＋２", "三二分段"),
    ],
)
def test_aliases_map_to_one_canonical_value(kb, kind, alias, canonical):
    assert canonical == kb.canonical(kind, alias)


def test_misspellings_are_understood(kb):
    assert ["单招"] == kb.mentioned("channel", "单召考什么")
    assert ["中职"] == kb.mentioned("scope", "中值学校")


def test_a_subsidy_topic_is_chosen_by_scope(kb):
    assert ["subsidy-grant-higher"] == [t.id for t in kb.topics("subsidy", "国家助学金", "高职")]
    assert ["subsidy-grant-secondary"] == [t.id for t in kb.topics("subsidy", "国家助学金", "中职")]


def test_every_statement_has_a_known_source(kb):
    for topic in kb.topics():
        for statement in topic.statements:
            assert kb.source(statement.source_id).title


def test_search_finds_a_passage_about_a_named_school(kb):
    hits = kb.search("莫旗中等职业学校有什么特色专业")
    assert hits and "曲棍球" in hits[0].body


def test_search_counts_another_name_of_the_same_thing_as_present(kb):
    # 职校 in the question, 职业学校 in the statement
    hits = kb.search("职校学生升学就业有平等机会吗", limit=5)
    assert any(hit.doc_id.startswith("topic:pathway-general-vocational") and not hit.unmatched for hit in hits)


def test_search_finds_nothing_for_an_unrelated_question(kb):
    assert [] == [hit for hit in kb.search("今天天气怎么样") if not hit.unmatched]


def test_a_ratio_asked_is_not_answered_with_a_count(kb):
    # 2025's 专升本 is a count of people (1.6万): no answer to "录取率 … 百分之多少"
    match = kb.match_statistic("内蒙古专升本录取率高吗 大概百分之多少")
    assert any("率" in word for word in match.unmatched)


@pytest.mark.parametrize("question", ["对口招生录取率有多高", "单招录取率高吗"])
def test_a_ratio_not_held_is_declined_not_answered_with_a_passage_of_counts(kb, question):
    answer = kb.answer_statistics(question)
    assert ((), None) == (answer.figures, answer.passage)
    assert any("率" in word for word in answer.missing)


@pytest.mark.parametrize(
    "question, value",
    [
        ("22年的时候内蒙高职有多少家", "37"),  # 家 counts schools, not the 家 of 国家示范
        ("理工农医类专业布点占比现在是百分之多少", "61"),  # a ratio, not the count of 874
        ("国家中职改革发展示范校有几所", "21"),  # 国家, not the 自治区级 39
        ("22年职业教育经费比上年增长多少", "8.5"),  # the change its passage states, not the amount
    ],
)
def test_the_figure_of_the_kind_asked_is_given(kb, question, value):
    (figure,) = kb.answer_statistics(question).figures
    assert value == figure.match.statistic.value


def test_a_difference_no_figure_states_is_not_held(kb):
    answer = kb.answer_statistics("高职院校比上年增加几所")
    assert () == answer.figures and answer.missing


@pytest.mark.parametrize(
    "question, asked",
    [
        ("2025年专升本考哪几科", ["what_tested"]),  # 专升本 is the subject here
        ("3+2毕业能专升本吗", ["what_after"]),
        ("单招能报几个学校", ["scale"]),
        ("对口招生是招什么学生的", ["who_can"]),
        ("本科层次职业学校谁审批", ["how_to_apply"]),
    ],
)
def test_what_a_question_asks(kb, question, asked):
    assert asked == kb.aspect_book.asked(question)


@pytest.mark.parametrize(
    "question, label",
    [
        ("呼伦贝尔职业技术学院有没有3+2", "招生项目"),
        ("呼和浩特职业技术大学宿舍几人间", "住宿条件"),
        ("内蒙古建筑职业技术大学2025年录取最低分", "录取分数"),
        ("乌海职业技术学院有没有护理专业", "专业设置"),
        ("内蒙古大学学费多少", "收费标准"),  # a place alone does not make a name a kind of school
    ],
)
def test_what_only_a_named_school_can_say_is_out_of_reach(kb, question, label):
    assert label == kb.out_of_reach(question).label


@pytest.mark.parametrize("question", ["内蒙古职业本科大学都叫啥名", "公办高职学院学费多少", "职业学院学费贵吗"])
def test_a_kind_of_school_is_not_a_named_school(kb, question):
    assert kb.out_of_reach(question) is None


def test_a_particular_of_no_named_subject_is_said_without_a_dangling_particle(kb):
    question = "锡林郭勒盟中职毕业生就业率多少"
    label, where = kb.aspect_book.particular_not_held(question, kb.aspect_book.asked(question), (), "")
    assert "就业率" == label and where


@pytest.mark.parametrize(
    "question, value, asked",
    [
        ("what does the separate enrollment exam test", "单招", ["what_tested"]),
        ("how long does it take to finish a 3+2 program", "三二分段", ["how_long"]),
    ],
)
def test_an_english_question_is_read_as_its_subject_and_what_it_asks(kb, question, value, asked):
    read = kb.read(question, [], None)
    assert value in [v for values in read.values.values() for v in values]
    assert asked == kb.aspect_book.asked(read.text)
