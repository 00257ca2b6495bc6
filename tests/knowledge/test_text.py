"""Normalisation and alias finding shared by the knowledge base and the entity extractor."""

from __future__ import annotations

import pytest

from knowledge.text import (
    _REWRITES,
    YEAR,
    find_aliases,
    longest_first,
    normalize,
    normalize_keeping_positions,
    parts,
    year_of,
)


def test_every_rewrite_keeps_the_length_so_positions_still_hold():
    assert [] == [(wrong, right) for wrong, right in _REWRITES.items() if len(wrong) != len(right)]


def test_normalised_characters_know_where_they_came_from():
    normalized, origin = normalize_keeping_positions("３＋２…單招")
    assert "3+2...单招" == normalized
    assert [0, 1, 2, 3, 3, 3, 4, 5] == origin
    assert normalize("  ３＋２ ") == "3+2"


def test_an_alias_inside_a_longer_one_already_found_is_not_found_again():
    aliases = longest_first([("交不起学费", "绿色通道"), ("学费", "免学费")])
    # The second 学费 is free to match; the one inside 交不起学费 is not.
    assert [("绿色通道", 0, 5), ("免学费", 6, 8)] == find_aliases("交不起学费，学费免吗", aliases)
    assert [("绿色通道", 0, 5)] == find_aliases("交不起学费", aliases)


@pytest.mark.parametrize(
    "text, years",
    [
        ("22年单招录了多少", [2022]),
        ("12年的呢", [2012]),
        ("２０２２年中职", [2022]),
        ("近10年来", []),
        ("12年前", []),
        ("读了12年书", []),
        ("学制3年", []),
        ("每年2000元", []),
        ("这12年", []),
        ("２２年内蒙中职学校几所", [2022]),
        ("10年内建成", []),
    ],
)
def test_a_year_may_be_written_with_two_digits(text, years):
    assert years == [year_of(m) for m in YEAR.finditer(normalize(text))]


def test_traditional_characters_become_simplified_one_for_one():
    normalized, origin = normalize_keeping_positions("國家勵志獎學金怎麼申請")
    assert "国家励志奖学金怎么申请" == normalized
    assert list(range(11)) == origin
    assert "著名" == normalize("著名")  # already simplified: left alone


@pytest.mark.parametrize("word, inner", [("录取人数", ("录取", "人数")), ("高职院校", ("高职", "院校")), ("单招", ())])
def test_a_compound_word_is_split_into_the_words_inside_it(word, inner):
    assert inner == parts(word)


def test_japanese_forms_are_read_as_simplified_chinese():
    assert "单招考试" == normalize("単招考试") and "专升本" == normalize("専升本")
