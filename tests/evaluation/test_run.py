"""The evaluation's scoring: what counts as a right intent, entity and answer."""

from __future__ import annotations

import pytest

from evaluation.run import Report, answer_ok, check_offer

SOURCE = "来源：内蒙古自治区教育厅，2022"


def test_macro_f1_averages_the_classes_not_the_questions():
    report = Report(intents=[("greet", "greet")] * 9 + [("greet", "thank"), ("thank", "thank")])
    # greet: tp 9, fn 1 → 18/19; thank: tp 1, fp 1 → 2/3
    assert pytest.approx((18 / 19 + 2 / 3) / 2) == report.macro_f1()
    assert pytest.approx(10 / 11) == report.intent_accuracy()


def test_out_of_scope_scores_count_the_fallback_as_out_of_scope():
    report = Report(
        intents=[
            ("out_of_scope", "nlu_fallback"),
            ("out_of_scope", "ask_subsidy"),
            ("ask_statistic", "ask_statistic"),
            ("greet", "out_of_scope"),
        ]
    )
    assert {"precision": 0.5, "recall": 0.5, "in_domain_precision": 0.5} == report.out_of_scope()


@pytest.mark.parametrize(
    "question, answer, expected",
    [
        ({"intent": "ask_statistic", "answer_contains": ["37"]}, f"全区有高职院校37所。\n{SOURCE}", True),
        ({"intent": "ask_statistic", "answer_contains": ["37"]}, "全区有高职院校37所。", False),
        ({"intent": "ask_statistic", "answer_contains": ["37", "200"]}, f"高职37所。\n{SOURCE}", False),
        ({"intent": "ask_statistic", "expect": "no_number"}, "抱歉，这个数字我的资料里没有。", True),
        ({"intent": "ask_statistic", "expect": "no_number"}, f"全区有高职院校37所。\n{SOURCE}", False),
        (
            {"intent": "ask_statistic", "expect": "no_number"},
            f"我没有2019年的这项数据，我只有2022年的数据：37所。\n{SOURCE}",
            True,
        ),
        ({"intent": "out_of_scope"}, "我只能回答内蒙古职业教育的问题。", True),
        ({"intent": "out_of_scope"}, f"中职免学费。\n{SOURCE}", False),
    ],
)
def test_an_answer_is_right_when_it_states_the_fact_and_its_source(question, answer, expected):
    assert expected == answer_ok(question, answer)[0]


def test_the_check_offered_after_a_subsidy_answer_is_not_part_of_the_answer():
    question = {"intent": "ask_subsidy", "answer_contains": ["2000"]}
    answer = f"中职免学费，每生每年2000元。\n{SOURCE}\n{check_offer()}"
    assert answer_ok(question, answer, check_offer())[0]
    assert not answer_ok(question, f"中职免学费，每生每年2000元。\n{SOURCE}\n别的话", check_offer())[0]
