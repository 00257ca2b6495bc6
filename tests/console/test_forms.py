"""What the console accepts from its forms."""

from __future__ import annotations

import pytest

from console.forms import entry, new_account, new_school, school_profile

PROFILE = {"name": "青城职业技术学校", "color": "#1a73e8", "widget_title": "升学咨询"}


def test_origins_are_normalised_one_per_line_without_duplicates():
    profile, errors = school_profile(
        {**PROFILE, "allowed_origins": "HTTPS://WWW.QC.edu.cn/\nhttps://www.qc.edu.cn\r\n"}
    )

    assert ([], ("https://www.qc.edu.cn",)) == (errors, profile.allowed_origins)


@pytest.mark.parametrize(
    "origin",
    [
        "www.qc.edu.cn",
        "javascript:alert(1)",
        "https://qc.edu.cn/zsxx/",
        "https://qc.edu.cn;script-src",
        "ftp://qc.edu.cn",
    ],
)
def test_something_that_is_not_an_origin_is_refused(origin):
    _, errors = school_profile({**PROFILE, "allowed_origins": origin})

    assert 1 == len(errors) and "不是网站地址" in errors[0]


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("color", "red", "#rrggbb"),
        ("name", "", "请填写学校名称"),
        ("admissions_phone", "请加微信 abc", "招生办电话"),
        ("aid_url", "javascript:alert(1)", "资助中心网页"),
        ("widget_title", "字" * 31, "窗口标题"),
    ],
)
def test_bad_profile_fields_get_a_message(field, value, message):
    _, errors = school_profile({**PROFILE, field: value})

    assert any(message in error for error in errors)


def test_a_good_profile_has_no_errors():
    _, errors = school_profile(
        {**PROFILE, "admissions_phone": "0471-1234567 转 8", "admissions_url": "https://qc.edu.cn/zsb/"}
    )

    assert [] == errors


def test_an_entry_needs_a_question_and_an_answer_and_an_http_link():
    _, errors = entry({"question": " ", "answer": "", "link": "javascript:alert(1)"})

    assert 3 == len(errors)


def test_school_ids_are_slugs():
    assert [] == new_school({"id": "qingcheng-zhiye", "name": "青城"})[1]
    assert new_school({"id": "../admin", "name": "青城"})[1]


def test_a_counselor_account_needs_an_existing_school():
    assert new_account({"username": "teacher", "role": "counselor", "school_id": "nowhere"}, {"qingcheng"})[1]
    values, errors = new_account({"username": "boss", "role": "admin", "school_id": "qingcheng"}, {"qingcheng"})
    assert ([], None) == (errors, values["school_id"])
