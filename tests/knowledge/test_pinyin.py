"""Questions typed in pinyin are read as the Chinese they spell, and English is left alone."""

from __future__ import annotations

import pytest

from knowledge.pinyin import PinyinReader, build_lexicon, could_be_pinyin
from tests.adversarial import BOUND_SECONDS, SHAPES, seconds_to_read

SPELLED = {
    "zhongzhi": "中职",
    "gaozhi": "高职",
    "yigong": "一共",
    "duoshao": "多少",
    "suo": "所",
    "xuexiao": "学校",
    "danzhao": "单招",
    "luqu": "录取",
    "renshu": "人数",
    "you": "有",
    "a": "啊",
}


@pytest.fixture
def reader():
    return PinyinReader(SPELLED)


@pytest.mark.parametrize(
    "typed, read",
    [
        ("zhongzhi yigong duoshao suo xuexiao", "中职一共多少所学校"),
        ("dan zhao 2022 lu qu ren shu", "单招 2022 录取人数"),  # syllables apart, a year between
        ("Zhongzhi毕业能考大专吗", "中职毕业能考大专吗"),  # inside Chinese, capitalised
        ("what about gaozhi?", "what about 高职?"),  # English around it stays
    ],
)
def test_pinyin_is_read_as_chinese(reader, typed, read):
    assert read == reader.to_hanzi(typed)


@pytest.mark.parametrize("typed", ["are you a real person", "how many students", "you a", "SELECT * FROM t;", ""])
def test_english_and_single_syllables_are_left_alone(reader, typed):
    # "you a" spells 有啊, but words of one syllable alone are more likely English
    assert typed == reader.to_hanzi(typed)


def test_each_character_read_knows_the_letters_it_came_from(reader):
    typed = "kan gaozhi ne"
    read, starts, ends = reader.to_hanzi_keeping_positions(typed)
    assert "kan 高职 ne" == read
    assert [typed[s:e] for s, e in zip(starts, ends, strict=True)][4:6] == ["gaozhi", "gaozhi"]
    assert len(read) == len(starts) == len(ends)


def test_the_lexicon_spells_the_vocabulary_and_common_words():
    spelled = build_lexicon({"scope": {"中职": ["中专", "zhongzhi"]}, "place": {"包头市": ["包头"]}})
    assert spelled["zhongzhuan"] == "中专" and spelled["baotoushi"] == "包头市" and spelled["duoshao"] == "多少"
    assert "zhongzhi" in spelled and all(not any(ch.isascii() for ch in word) for word in spelled.values())


def test_a_long_english_message_is_left_as_it_is(reader):
    # words that cannot be pinyin ("the", "quick") end a stretch before it is read
    text = " ".join(["the quick brown fox jumps over the lazy dog"] * 200)
    assert text == reader.to_hanzi(text)


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_a_500_character_adversarial_message_is_read_in_under_50_ms(kb, shape):
    # The old syllable pattern took 85 s on "ai" * 20 + "q" (issue 14).
    assert seconds_to_read(kb.pinyin.to_hanzi_keeping_positions, SHAPES[shape]) < BOUND_SECONDS


@pytest.mark.parametrize(
    "word, could",
    [
        ("zhongzhi", True),
        ("ai" * 250, True),
        ("ai" * 250 + "q", False),
        ("the", False),
        ("", False),
        ("xiang", True),
        ("quick", False),
    ],
)
def test_a_word_could_be_pinyin_when_it_is_whole_syllables(word, could):
    assert could == could_be_pinyin(word)
