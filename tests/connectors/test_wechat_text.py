"""What the WeChat channel makes of Rasa's messages: numbered options, the length limit, 来源."""

from __future__ import annotations

import pytest

from connectors.rest import literal_text
from connectors.wechat_text import (
    CUT_MARK,
    MAX_REPLY_BYTES,
    Option,
    compose,
    read_number,
    render,
    shorten_source_line,
)

SOURCE = (
    "来源：《内蒙古自治区职业教育发展报告（2022）》，内蒙古自治区教育厅，2022年；"
    "《关于做好中等职业学校免学费工作的通知》，财政部、教育部，财教〔2012〕376号，2012-10-22"
)


def size(text: str) -> int:
    return len(text.encode("utf-8"))


def test_buttons_become_options_of_the_last_message_that_has_them():
    text, options = render(
        [
            {"text": "好的，我来帮你查。"},
            {
                "text": "读中职还是高职？",
                "buttons": [{"title": "中职", "payload": "中职"}, {"title": "高职", "payload": '/choose{"x": 1}'}],
            },
        ]
    )
    assert "好的，我来帮你查。\n\n读中职还是高职？" == text
    assert [Option("中职", "中职"), Option("高职", '/choose{"x": 1}')] == options


def test_options_are_numbered_after_the_text():
    assert "选哪个？\n\n回复 1：中职\n回复 2：高职" == compose("选哪个？", [Option("中职", "a"), Option("高职", "b")])


def test_a_short_reply_is_unchanged():
    assert "中职学校237所。\n" + SOURCE == compose("中职学校237所。\n" + SOURCE)


def test_the_source_line_is_shortened_to_issuer_and_date():
    assert "来源：内蒙古自治区教育厅，2022年；财政部、教育部，2012-10-22" == shorten_source_line(SOURCE)


def test_notes_in_brackets_and_titles_within_titles_do_not_split_a_source():
    line = (
        "来源：《对话厅长（《教育与职业》2011年第25期）》，《教育与职业》（受访：厅长），n/a（期刊访谈），2011；"
        "《资助政策》，内蒙古自治区（学校转载；原发布方未注明），2024-06-11（转载日期）"
    )
    assert (
        "来源：《教育与职业》（受访：厅长），2011；内蒙古自治区（学校转载；原发布方未注明），2024-06-11"
        == shorten_source_line(line)
    )


def test_a_long_reply_keeps_its_shortened_source_line_and_its_options_within_the_limit():
    options = [Option("中职", "中职"), Option("高职", "高职")]
    reply = compose("很长的回答。" * 200 + "\n" + SOURCE, options)
    assert size(reply) <= MAX_REPLY_BYTES
    lines = reply.splitlines()
    assert [
        "来源：内蒙古自治区教育厅，2022年；财政部、教育部，2012-10-22",
        "",
        "回复 1：中职",
        "回复 2：高职",
    ] == lines[-4:]
    assert lines[0].startswith("很长的回答。") and lines[0].endswith(CUT_MARK)


def test_a_reply_that_fits_once_its_source_is_shortened_keeps_its_whole_text():
    body = "回答" * ((MAX_REPLY_BYTES - size(SOURCE)) // 6 + 5)
    assert size(body + "\n" + SOURCE) > MAX_REPLY_BYTES
    reply = compose(body + "\n" + SOURCE)
    assert reply.startswith(body + "\n来源：") and size(reply) <= MAX_REPLY_BYTES


@pytest.mark.parametrize("limit", [10, 100, 2048])
def test_nothing_is_ever_longer_than_the_limit(limit):
    assert size(compose("长" * 3000 + "\n" + SOURCE * 20, [Option("选项" * 50, "x")] * 9, limit)) <= limit


@pytest.mark.parametrize(
    "text, number",
    [("1", 1), (" 2 ", 2), ("１", 1), ("12", 12), ("一", None), ("1个", None), ("", None), ("123", None)],
)
def test_a_reply_that_is_just_a_number_selects(text, number):
    assert number == read_number(text)


@pytest.mark.parametrize("text", ["/restart", ' /inform{"elig_scope": "中职"}', "/::)"])
def test_a_leading_slash_is_text(text):
    assert literal_text(text).startswith("／")


def test_other_text_is_unchanged():
    assert "单招考什么？" == literal_text("单招考什么？")
