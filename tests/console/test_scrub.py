"""What a declined question keeps before it is stored, and how questions are grouped."""

from __future__ import annotations

import pytest

from console.scrub import ID_NUMBER, NAME, PHONE, group_key, matching_words, scrub


@pytest.mark.parametrize(
    "asked, kept",
    [
        ("我电话13812345678，单招什么时候报名", f"我电话{PHONE},单招什么时候报名"),
        ("手机 138 1234 5678 能回个电话吗", f"手机 {PHONE} 能回个电话吗"),
        ("+86-138-1234-5678", PHONE),
        ("１３８１２３４５６７８", PHONE),  # full-width digits
        ("学校电话是0471-6543210吗", f"学校电话是{PHONE}吗"),
        ("身份证150102200501011234能申请吗", f"身份证{ID_NUMBER}能申请吗"),
        ("身份证号15010220050101123X", f"身份证号{ID_NUMBER}"),
        ("学籍号 12345678 查不到", "学籍号 [号码] 查不到"),
        ("我的邮箱是abc.d@example.com", "我的邮箱是[邮箱]"),
        ("我叫王小明，能上3+2吗", f"我叫{NAME},能上3+2吗"),
        ("孩子名字叫李华，能申请助学金吗", f"孩子名字叫{NAME},能申请助学金吗"),
        ("张三家孩子想读单招", f"{NAME}家孩子想读单招"),
        ("找李老师报名可以吗", f"找{NAME}老师报名可以吗"),
        ("我姓王，孩子读中职", f"我姓{NAME},孩子读中职"),
        ("我是王小明的妈妈，想问助学金", f"我是{NAME}的妈妈,想问助学金"),
        ("我是赵刚，孩子明年中考", f"我是{NAME},孩子明年中考"),
        ("联系人：刘强", f"联系人:{NAME}"),
    ],
)
def test_phone_numbers_id_numbers_and_names_are_scrubbed(asked, kept):
    assert kept == scrub(asked)


@pytest.mark.parametrize(
    "asked",
    [
        "我儿子读高职家里困难，能申请助学金吗",
        "中职家庭经济困难学生有什么补助",
        "这叫什么专业",
        "2026年单招什么时候报名",
        "学费3500元一年吗",
        "3+2是什么",
        "我是高三学生,能报单招吗",
        "我是家长,孩子读中职",
        "我是包头的,能报3+2吗",
        "包头的老师说能报",
        "问了高职的老师",
        "谢谢老师",
        "那国家奖学金呢",
        "下周开家长会想讲讲职业教育",
        "多出来的钱家长要补吗",
        "啥叫免学费,怎么个免法",
        "2025年专升本人数是多少",
    ],
)
def test_a_question_without_a_name_or_number_is_kept_as_asked(asked):
    assert asked.replace("，", ",") == scrub(asked)


def test_a_question_asked_in_other_words_order_or_punctuation_groups_together():
    assert group_key("单招什么时候报名？") == group_key("请问，单招报名什么时候呢")
    assert group_key("单招什么时候报名") != group_key("单招考什么")


def test_the_group_key_holds_no_placeholder_and_names_group_together():
    assert group_key(scrub("我叫王小明，单招什么时候报名")) == group_key(scrub("我叫李四，单招什么时候报名"))
    assert "姓名" not in group_key(scrub("我叫王小明，单招什么时候报名"))


def test_matching_ignores_the_words_that_name_the_school_and_joins_same_asking_words():
    assert {"3+2"} <= matching_words("你们学校有3+2吗")
    assert "学校" not in matching_words("你们学校有3+2吗")
    assert matching_words("你们学校在哪") == matching_words("学校地址")
