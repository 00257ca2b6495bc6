"""Which statements answer what a question asks (knowledge/answers.py), on a handful of rows."""

from __future__ import annotations

import pytest

from knowledge.answers import AspectBook, choose, retrieve, school_named, suggestions
from knowledge.records import Statement

BOOK = AspectBook.from_dict(
    {
        "aspects": {
            "what_is": {"label": "基本情况", "cues": ["是什么", "是啥"], "ask": "{subject}是什么", "where": "exam"},
            "who_can": {
                "label": "申请条件",
                "cues": ["谁能", "能申请吗", "条件"],
                "ask": "谁能申请{subject}",
                "where": "aid",
            },
            "how_to_apply": {
                "label": "申请办法",
                "cues": ["申请", "找谁", "去哪申请"],
                "ask": "{subject}怎么申请",
                "where": "aid",
            },
            "how_much": {
                "label": "金额标准",
                "cues": ["多少钱", "利息", "贷多少"],
                "ask": "{subject}一年多少钱",
                "where": "aid",
            },
            "when": {"label": "时间安排", "cues": ["什么时候", "啥时候"], "ask": "{subject}什么时候", "where": "exam"},
            "diploma": {"label": "毕业证书", "cues": ["毕业证"], "ask": "{subject}拿什么毕业证", "where": "exam"},
        },
        "details": {"cues": ["详细说说"]},
        "where_to_ask": {"exam": "看 https://www.nm.zsks.cn", "aid": "问学校资助中心"},
        "other_regions": ["北京", "山东"],
        "particulars": {
            "bank": {"asks": "银行", "label": "{subject}在哪个银行办理", "where": "aid"},
            "quota": {
                "asks": "内蒙古.{0,8}名额",
                "held": "内蒙古.{0,8}名",
                "label": "{subject}的内蒙古名额",
                "where": "aid",
            },
            "city": {"asks": "赤峰|包头", "label": "{found}的{subject}学校", "where": "exam", "only_with": ["who_can"]},
        },
    }
)


def Unit(text: str, aspects: tuple[str, ...] = (), keywords: tuple[str, ...] = ()) -> Statement:  # noqa: N802
    return Statement(text, "article-2022", "high", aspects, keywords)


LOAN = [
    Unit("助学贷款是给高职学生的贷款。", ("what_is",)),
    Unit("每年最多贷20000元。", ("how_much",), ("最多", "贷多少")),
    Unit("利率为LPR减70个基点。", ("how_much",), ("利息", "利率")),
    Unit("在学校资助中心申请。", ("how_to_apply",)),
]


@pytest.mark.parametrize(
    ("question", "aspects"),
    [
        ("单招什么时候考", ["when"]),
        ("能申请吗", ["who_can"]),  # the longer cue holds 申请: the question asks who can
        ("去哪申请 找谁", ["how_to_apply"]),
        ("利息多少 啥时候开始还", ["how_much", "when"]),
        ("那读完拿的是啥毕业证", ["diploma"]),  # 是啥 asks "what is" only when nothing else is asked
        ("助学贷款是什么", ["what_is"]),
        ("你好", []),
    ],
)
def test_asked_reads_what_a_question_asks_in_order(question, aspects):
    assert aspects == BOOK.asked(question)


def test_the_keywords_of_the_question_choose_between_statements_of_one_aspect():
    assert [LOAN[2]] == list(choose(LOAN, ["how_much"], "利息多少").units)
    assert [LOAN[1]] == list(choose(LOAN, ["how_much"], "最多贷多少").units)


def test_two_aspects_get_one_statement_each_and_nothing_else():
    chosen = choose(LOAN, ["how_much", "how_to_apply"], "利息多少，去哪申请")
    assert [LOAN[2], LOAN[3]] == list(chosen.units)
    assert () == chosen.missing


def test_an_aspect_nothing_answers_is_reported_missing_not_filled_with_a_neighbour():
    chosen = choose(LOAN, ["when"], "啥时候开始还")
    assert () == chosen.units
    assert ("when",) == chosen.missing


def test_asking_nothing_in_particular_gets_the_one_line_answer():
    assert [LOAN[0]] == list(choose(LOAN, [], "助学贷款").units)


def test_suggestions_offer_only_aspects_that_have_an_answer_and_were_not_asked():
    assert ["how_to_apply"] == suggestions(LOAN, ["how_much", "what_is"])
    assert "when" not in suggestions(LOAN, [], limit=5)


def test_details_and_other_regions_are_recognised():
    assert BOOK.wants_details("详细说说单招")
    assert not BOOK.wants_details("单招考什么")
    assert "北京" == BOOK.other_region("北京的单招考什么")
    assert BOOK.other_region("呼和浩特的单招") is None


def test_where_to_ask_follows_the_aspect():
    assert "资助中心" in BOOK.where("how_much")
    assert "nm.zsks.cn" in BOOK.where("when")
    assert "nm.zsks.cn" in BOOK.where(None, default="exam")


@pytest.mark.parametrize(
    ("question", "named"),
    [
        ("我家孩子在呼和浩特职业学院, 学费多少", ("呼和浩特职业学院", "高职")),
        ("包头机械工业职业学校学费", ("包头机械工业职业学校", "中职")),
        ("内蒙古建筑职业技术大学怎么样", ("内蒙古建筑职业技术大学", "职业本科")),
        ("职业学院学费贵吗", None),  # a kind of school, not one school
        ("高职学费多少", None),
    ],
)
def test_a_named_school_and_its_level(question, named):
    assert named == school_named(question)


# One college's own figure (its 招生方案) is no answer to a question about every college.
EXAM = [
    Unit("单招是单独考试招生。", ("what_is",)),
    Unit("参加单招要先高考报名。", ("how_to_apply",), ("报名",)),
    Unit("高收费专业指学费高于1万元的专业。", ("how_much",), ("高收费", "学费高")),
    Unit("单招考文化素质和职业技能。", ("what_tested",), ("文化素质", "几科")),
    Statement("以某学院方案为例：考务费每人200元。", "article-2022", "low", ("how_much",), ("报名费", "考务费"), True),
    Statement(
        "以某学院方案为例：文化素质考数学语文。", "article-2022", "low", ("what_tested",), ("几科", "数学", "难"), True
    ),
]


def test_a_question_whose_words_find_only_one_colleges_figure_is_told_so():
    choice = choose(EXAM, ["how_much"], "单招报名费多少钱")
    assert () == choice.units  # not the 高收费 rule beside it, not the college's 200元
    assert ("how_much",) == choice.particular


def test_a_rule_for_every_college_in_the_questions_words_answers_before_one_colleges():
    choice = choose(EXAM, ["what_tested"], "文化素质考哪几科 数学难吗")
    assert [EXAM[3]] == list(choice.units)
    assert () == choice.particular


def test_retrieval_alone_ranks_statements_by_the_questions_words():
    assert [LOAN[2]] == list(retrieve(LOAN, "利率是多少").units)
    assert [LOAN[0]] == list(retrieve(LOAN, "随便问问").units)  # no word in common: the one-liner


@pytest.mark.parametrize(
    ("question", "statements", "missing"),
    [
        # Who can borrow is no answer to which bank.
        ("助学贷款在哪个银行办", [Unit("在户籍所在县（旗）办理。")], "助学贷款在哪个银行办理"),
        # The national count is no answer to Inner Mongolia's share.
        ("内蒙古分到多少个名额", [Unit("全国每年奖励2万名。")], "助学贷款的内蒙古名额"),
        ("内蒙古分到多少个名额", [Unit("内蒙古每年2000名。")], None),
        ("赤峰谁能读", [Unit("初中毕业生可以读。")], "赤峰的助学贷款学校"),
        ("赤峰谁能读", [Unit("赤峰的初中毕业生可以读。")], None),
        # A city that only says where the family lives asks nothing particular of it.
        ("赤峰的贷款利息多少", [Unit("利率为LPR减70个基点。")], None),
    ],
)
def test_a_particular_thing_asked_is_answered_only_by_a_statement_naming_it(question, statements, missing):
    found = BOOK.particular_not_held(question, BOOK.asked(question), statements, "助学贷款")
    assert missing == (found[0] if found else None)


def test_an_amount_asked_is_answered_with_the_statement_stating_it():
    fees = [
        Unit("所有中职学生都免学费，标准每生每年2000元。", ("how_much",)),
        Unit("民办学校学生按相同标准补助，差额学校可以收取。", ("how_much",), ("民办",)),
    ]
    choice = choose(fees, ["how_much"], "民办中职 免学费能免多少钱")
    assert [fees[0], fees[1]] == list(choice.units)
    # A rate is a figure too: "利息多少" is not answered with the loan's amount.
    assert [LOAN[2]] == list(choose(LOAN, ["how_much"], "利息多少").units)
