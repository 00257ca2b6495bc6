"""Reading what a statistics question counts."""

from __future__ import annotations

import pytest

from knowledge.answering import units_agree
from knowledge.reading import counted_words, measure_word


@pytest.mark.parametrize(
    "question, counted",
    [
        ("内蒙古有多少所技工学校", ["技工学校"]),
        ("全区职业院校专任教师一共有多少人", ["专任教师", "职业院校"]),
        ("自治区计划建设多少所优质中职学校", ["优质", "中职", "学校"]),
        ("单招是什么", []),
    ],
)
def test_the_counted_noun_phrase_is_found(tiny_kb, question, counted):
    assert counted == counted_words(tiny_kb.tagged(question))


@pytest.mark.parametrize(
    "question, measure",
    [
        ("有多少所学校", "所"),
        ("招了多少人", "人"),
        ("助学金多少钱", "钱"),
        ("涨了百分之几", "百分之"),
        ("有几个大类", None),
        ("录取人数是多少", "人"),
        ("一共几条", "条"),
        ("大概百分之多少", "百分之"),
        ("专升本录取率高吗", "率"),  # a ratio: a count of people is no answer
    ],
)
def test_the_measure_word_is_found(question, measure):
    assert measure == measure_word(question)


@pytest.mark.parametrize(
    "measure, unit, agree",
    [
        ("人", "万人", True),
        ("人", "所", False),
        ("人", "平方米", False),
        ("所", "所", True),
        ("钱", "亿元", True),
        (None, "所", True),
        ("所", "个", True),
        ("条", "项", True),
        ("条", "人", False),
    ],
)
def test_units_agree_only_when_they_measure_the_same_thing(measure, unit, agree):
    assert agree == units_agree(measure, unit)
