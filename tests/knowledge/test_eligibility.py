import ast
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from knowledge.eligibility import StudentProfile as P
from knowledge.eligibility import eligible_subsidies, load_rules, missing_fields

SOURCES = Path(__file__).resolve().parents[2] / "knowledge" / "sources"
RULES_PATH = SOURCES / "subsidy_rules.yaml"
BEFORE_CHANGES = date(2024, 3, 1)  # 高职 old standards, 中职助学金 2000
AUTUMN_2024 = date(2024, 9, 1)  # 高职 new standards, 中职助学金 still 2000
AUTUMN_2025 = date(2025, 9, 1)  # 中职助学金 2300, grade 3 included
ZZ_BASE = {"免学费", "免费教科书", "住宿费补助", "生活费补助"}
ALL_SUBSIDIES = ZZ_BASE | {"国家助学金", "国家奖学金", "国家励志奖学金", "助学贷款"}


@pytest.fixture(scope="module")
def facts():
    return {fact["id"]: fact for fact in yaml.safe_load((SOURCES / "policy_facts.yaml").read_text(encoding="utf-8"))}


@pytest.fixture(scope="module")
def rules(facts):
    return load_rules(RULES_PATH, facts)


def names(findings):
    return {finding.subsidy for finding in findings}


def only(findings, rule_id):
    [finding] = [f for f in findings if f.rule_id == rule_id]
    return finding


PROFILE_CASES = [
    # 中职: 免学费/教科书/住宿/生活费 for everyone with a known school type; 助学金 by 涉农 or hardship
    (ZZ_BASE | {"国家助学金"}, set(), P("中职在读", 1, "公办", "农村", "涉农", "不困难"), AUTUMN_2024),
    (ZZ_BASE | {"国家助学金"}, set(), P("中职在读", 1, "公办", "农村", "涉农", "不困难"), AUTUMN_2025),
    (ZZ_BASE, {"国家助学金"}, P("中职在读", 1, "公办", "农村", "非涉农", "不困难"), AUTUMN_2025),
    (ZZ_BASE | {"国家奖学金"}, {"国家助学金"}, P("中职在读", 2, "民办", "县镇", "非涉农", "不困难"), AUTUMN_2024),
    (ZZ_BASE, set(), P("中职在读", 1, "公办", "城市", "非涉农", "不困难"), AUTUMN_2025),
    (ZZ_BASE | {"国家奖学金"}, set(), P("中职在读", 3, "公办", "城市", "非涉农", "低保"), AUTUMN_2024),
    (ZZ_BASE | {"国家助学金", "国家奖学金"}, set(), P("中职在读", 3, "公办", "城市", "非涉农", "低保"), AUTUMN_2025),
    (ZZ_BASE | {"国家助学金", "国家奖学金"}, set(), P("中职在读", 2, "民办", "县镇", "非涉农", "脱贫户"), AUTUMN_2025),
    (ZZ_BASE | {"国家助学金"}, set(), P("将读中职", None, "民办", "城市", "非涉农", "特困"), AUTUMN_2025),
    (ZZ_BASE | {"国家助学金"}, set(), P("将读中职", None, "公办", "农村", "非涉农", "残疾"), AUTUMN_2024),
    (ZZ_BASE | {"国家助学金"}, set(), P("将读中职", None, "公办", "县镇", "涉农", "孤儿"), BEFORE_CHANGES),
    (ZZ_BASE | {"国家助学金", "国家奖学金"}, set(),
     P("中职在读", 2, "公办", "城市", "非涉农", "其他困难"), AUTUMN_2025),
    (ZZ_BASE | {"国家助学金", "国家奖学金"}, set(), P("中职在读", 2, "民办", "城市", "涉农", None), AUTUMN_2025),
    (ZZ_BASE | {"国家奖学金"}, {"国家助学金"}, P("中职在读", 2, "公办", "城市", "非涉农", None), AUTUMN_2025),
    (ZZ_BASE, {"国家助学金", "国家奖学金"}, P("中职在读", None, "公办", "农村", "非涉农", "不困难"), AUTUMN_2025),
    (ZZ_BASE - {"免学费"}, {"免学费"}, P("中职在读", 1, None, "城市", "非涉农", "不困难"), AUTUMN_2025),
    (ZZ_BASE, {"国家助学金"}, P("将读中职", None, "民办", None, "非涉农", "不困难"), AUTUMN_2025),
    # 高职: 助学金 by hardship, 励志 and 国奖 from grade 2 (merit), loans for everyone
    ({"国家助学金", "助学贷款"}, set(), P("将读高职", None, "公办", "农村", "涉农", "脱贫户"), AUTUMN_2025),
    ({"助学贷款"}, set(), P("将读高职", None, "民办", "城市", "非涉农", "不困难"), AUTUMN_2025),
    ({"助学贷款"}, {"国家助学金"}, P("将读高职", None, None, "县镇", None, None), AUTUMN_2025),
    ({"国家助学金", "国家励志奖学金", "国家奖学金", "助学贷款"}, set(),
     P("高职在读", 2, "公办", "农村", "非涉农", "低保"), AUTUMN_2025),
    ({"国家助学金", "国家励志奖学金", "国家奖学金", "助学贷款"}, set(),
     P("高职在读", 2, "民办", "城市", "涉农", "孤儿"), BEFORE_CHANGES),
    ({"国家助学金", "助学贷款"}, set(), P("高职在读", 1, "公办", "县镇", "非涉农", "特困"), AUTUMN_2024),
    ({"国家奖学金", "助学贷款"}, set(), P("高职在读", 3, "公办", "城市", "非涉农", "不困难"), AUTUMN_2025),
    ({"国家奖学金", "助学贷款"}, {"国家助学金", "国家励志奖学金"},
     P("高职在读", 2, "公办", "城市", "非涉农", None), AUTUMN_2025),
    ({"国家助学金", "助学贷款"}, {"国家励志奖学金", "国家奖学金"},
     P("高职在读", None, "民办", "农村", "涉农", "残疾"), AUTUMN_2025),
    ({"国家助学金", "国家励志奖学金", "国家奖学金", "助学贷款"}, set(),
     P("高职在读", 3, "公办", "农村", "非涉农", "其他困难"), BEFORE_CHANGES),
    # unknown stage: nothing can be decided yet
    (set(), ALL_SUBSIDIES, P(), AUTUMN_2025),
    (set(), ALL_SUBSIDIES, P(grade=2, household="农村", hardship="低保"), AUTUMN_2025),
    (set(), ALL_SUBSIDIES, P(school_type="公办", hardship="低保"), AUTUMN_2024),
]


@pytest.mark.parametrize("applies, undetermined, profile, on", PROFILE_CASES)
def test_profile_gets_expected_subsidies(applies, undetermined, profile, on, rules, facts):
    result = eligible_subsidies(profile, rules, facts, on=on)
    assert (applies, undetermined) == (names(result.applies), names(result.undetermined))


@pytest.mark.parametrize("expected_rule, expected_standard, on", [
    ("zz-zhuxuejin-2016", "2000", date(2024, 9, 1)),
    ("zz-zhuxuejin-2016", "2000", date(2025, 2, 28)),
    ("zz-zhuxuejin-2025", "2300", date(2025, 3, 1)),
    ("zz-zhuxuejin-2025", "2300", date(2025, 9, 1)),
])
def test_zhongzhi_grant_standard_changes_in_spring_2025(expected_rule, expected_standard, on, rules, facts):
    applies = eligible_subsidies(P("中职在读", 1, "公办", "农村", "涉农"), rules, facts, on=on).applies
    assert [expected_rule] == [finding.rule_id for finding in applies if finding.subsidy == "国家助学金"]
    assert only(applies, expected_rule).standard.startswith(f"平均每生每年{expected_standard}元")


@pytest.mark.parametrize("expected_standard, rule_id, on", [
    ("3300", "gz-zhuxuejin-3300", date(2024, 8, 31)),
    ("3700", "gz-zhuxuejin-3700", date(2024, 9, 1)),
    ("5000", "gz-lizhi-5000", date(2024, 8, 31)),
    ("6000", "gz-lizhi-6000", date(2024, 9, 1)),
    ("8000", "gz-guojiang-8000", date(2024, 8, 31)),
    ("10000", "gz-guojiang-10000", date(2024, 9, 1)),
    ("16000", "gz-daikuan-16000", date(2024, 8, 31)),
    ("20000", "gz-daikuan-20000", date(2024, 9, 1)),
])
def test_gaozhi_standards_change_in_autumn_2024(expected_standard, rule_id, on, rules, facts):
    applies = eligible_subsidies(P("高职在读", 2, hardship="低保"), rules, facts, on=on).applies
    assert [rule_id] == [f.rule_id for f in applies if f.subsidy == only(applies, rule_id).subsidy]
    assert expected_standard in only(applies, rule_id).standard.split("（")[0]


@pytest.mark.parametrize("expected_status, rule_id, profile", [
    ("可申请（择优评审）", "zz-guojiang", P("中职在读", 2, "公办")),
    ("可申请（择优评审）", "gz-guojiang-10000", P("高职在读", 2)),
    ("可申请（择优评审）", "gz-lizhi-6000", P("高职在读", 2, hardship="脱贫户")),
    ("符合", "gz-zhuxuejin-3700", P("高职在读", 2, hardship="脱贫户")),
    ("符合", "zz-mianxuefei-gongban", P("中职在读", 2, "公办")),
])
def test_merit_awards_are_open_to_apply_not_granted(expected_status, rule_id, profile, rules, facts):
    assert expected_status == only(eligible_subsidies(profile, rules, facts, on=AUTUMN_2025).applies, rule_id).status


@pytest.mark.parametrize("expected_depends_on, rule_id, profile", [
    (["取决于家庭经济困难认定"], "gz-zhuxuejin-3700", P("高职在读", 1)),
    (["取决于是否涉农专业", "取决于家庭经济困难认定"], "zz-zhuxuejin-2025", P("中职在读", 1, household="城市")),
    (["取决于家庭经济困难认定"], "zz-zhuxuejin-2025", P("中职在读", 1, household="城市", major_type="非涉农")),
    (["取决于学校类型（公办/民办）"], "zz-mianxuefei-gongban", P("将读中职")),
])
def test_unknown_field_is_undetermined_not_rejected(expected_depends_on, rule_id, profile, rules, facts):
    result = eligible_subsidies(profile, rules, facts, on=AUTUMN_2025)
    assert rule_id not in {finding.rule_id for finding in result.does_not_apply}
    assert expected_depends_on == list(only(result.undetermined, rule_id).depends_on)


def test_a_false_condition_decides_even_when_another_is_unknown(rules, facts):
    result = eligible_subsidies(P("高职在读", 1), rules, facts, on=AUTUMN_2025)
    assert ["年级是1年级，要求2年级或3年级"] == list(only(result.does_not_apply, "gz-lizhi-6000").reasons)


@pytest.mark.parametrize("expected_reason, rule_id, profile", [
    ("就读阶段是高职在读，要求将读中职或中职在读", "zz-jiaokeshu", P("高职在读", 1)),
    ("以下条件均不满足：专业类别为涉农；家庭经济困难", "zz-zhuxuejin-2025",
     P("中职在读", 3, "公办", "城市", "非涉农", "不困难")),
    ("家庭所在地是城市，要求农村或县镇", "zz-zhuxuejin-nm", P("中职在读", 1, "公办", "城市", "非涉农", "不困难")),
])
def test_does_not_apply_says_why_in_chinese(expected_reason, rule_id, profile, rules, facts):
    result = eligible_subsidies(profile, rules, facts, on=AUTUMN_2025)
    assert [expected_reason] == list(only(result.does_not_apply, rule_id).reasons)


def test_low_confidence_inner_mongolia_wording_stays_to_be_confirmed(rules, facts):
    profile = P("中职在读", 1, "公办", "农村", "非涉农", "不困难")
    grant = only(eligible_subsidies(profile, rules, facts, on=AUTUMN_2025).undetermined, "zz-zhuxuejin-nm")
    assert ("low", ["取决于政策口径核实（所依据的来源可信度低）"]) == (grant.confidence, list(grant.depends_on))


def test_applying_finding_carries_its_source(rules, facts):
    applies = eligible_subsidies(P("高职在读", 2, hardship="低保"), rules, facts, on=AUTUMN_2025).applies
    grant = only(applies, "gz-zhuxuejin-3700")
    assert ("财教〔2024〕181号", "2024-09-01起") == (grant.sources[0].doc_number, grant.effective_date)
    assert "medium" == grant.confidence  # the lowest of its facts: 绿色通道 is medium
    assert any("待核实" in text for text in grant.conditions_met)  # hardship is not in the cited fact's text


def test_private_school_is_told_the_difference_may_be_charged(rules, facts):
    result = eligible_subsidies(P("将读中职", school_type="民办"), rules, facts, on=AUTUMN_2025)
    assert ["zz-mianxuefei-minban"] == [f.rule_id for f in result.applies if f.subsidy == "免学费"]
    assert "差额" in only(result.applies, "zz-mianxuefei-minban").standard


@pytest.mark.parametrize("subsidy", ["生活费补助", "住宿费补助"])
def test_unknown_amounts_are_never_filled_in(subsidy, rules):
    [rule] = [r for r in rules if r.subsidy == subsidy]
    assert (True, False) == ("未查到" in rule.standard, any(c.isdigit() for c in rule.standard))


@pytest.mark.parametrize("expected_notes, county", [
    (["note-kyzq-xiangcunzhenxing"], "科右中旗"),
    (["note-kyzq-xiangcunzhenxing"], "科尔沁右翼中旗"),
    ([], "达拉特旗"),
    ([], None),
])
def test_key_county_note(expected_notes, county, rules, facts):
    result = eligible_subsidies(P("将读中职", county=county), rules, facts, on=AUTUMN_2025)
    assert expected_notes == [note.rule_id for note in result.notes]


@pytest.mark.parametrize("expected, profile", [
    (["stage", "grade", "hardship", "school_type", "household", "major_type"], P()),
    (["grade", "school_type", "household", "major_type", "hardship"], P("中职在读")),
    (["hardship"], P("将读高职")),
    ([], P("中职在读", 2, "公办", "城市", "涉农", "不困难")),
])
def test_missing_fields_asks_only_what_changes_the_result(expected, profile, rules):
    assert expected == missing_fields(profile, rules, on=AUTUMN_2025)


def test_answering_missing_fields_leaves_only_unconfirmed_rules(rules, facts):
    profile = P(stage="中职在读", grade=1, school_type="民办", household="农村", major_type="非涉农", hardship="不困难")
    undetermined = eligible_subsidies(profile, rules, facts, on=AUTUMN_2025).undetermined
    assert [] == missing_fields(profile, rules, on=AUTUMN_2025)
    assert ["zz-zhuxuejin-nm"] == [finding.rule_id for finding in undetermined]


def test_every_rule_cites_existing_high_or_medium_facts_unless_to_be_confirmed(facts):
    raw_rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))["rules"]  # not through the loader under test
    assert set() == {fact_id for rule in raw_rules for fact_id in rule["facts"]} - set(facts)
    weak = [(rule["id"], fact_id) for rule in raw_rules if not rule.get("to_be_confirmed")
            for fact_id in rule["facts"] if facts[fact_id]["confidence"] not in ("high", "medium")]
    assert [] == weak


# Raw YAML values, so an unquoted bad date goes through the same parser as the real file.
GOOD_RULE = {"id": "planted-bad-rule", "subsidy": "免学费", "scope": "中职", "conditions": "{stage: [中职在读]}",
             "standard": "免除学费", "facts": "[ZZ-MIANXUEFEI-NM-2024]", "how_to_apply": "向学校资助办咨询"}


def plant(tmp_path, change):
    rule = {**GOOD_RULE, **change}
    text = "\n  - " + "\n    ".join(f"{key}: {value}" for key, value in rule.items()) + "\n"
    planted = tmp_path / "subsidy_rules.yaml"
    planted.write_text(RULES_PATH.read_text(encoding="utf-8") + text, encoding="utf-8")
    return planted


def test_planted_rule_loads_when_nothing_is_wrong_with_it(tmp_path, facts):
    assert "planted-bad-rule" == load_rules(plant(tmp_path, {}), facts)[-1].id


@pytest.mark.parametrize("change, message", [
    ({"facts": "[NO-SUCH-FACT]"}, "unknown fact id"),
    ({"conditions": "{stage: [中职在读], boarding: [住校]}"}, "unknown condition key"),
    ({"conditions": "{household: [农村牧区]}"}, "not in"),
    ({"valid_from": "2025-02-30"}, "not an ISO date"),
    ({"valid_until": "next spring"}, "not an ISO date"),
    ({"valid_from": "2025-03-01", "valid_until": "2025-02-28"}, "after"),
    ({"amount": "2300"}, "unknown keys"),
    ({"facts": "[ZZ-ZHUXUEJIN-NM]"}, "to_be_confirmed"),
    ({"subsidy": "助学金"}, "not one of"),
])
def test_load_rules_rejects_a_planted_bad_rule(change, message, tmp_path, facts):
    with pytest.raises(ValueError, match=rf"planted-bad-rule.*{message}"):
        load_rules(plant(tmp_path, change), facts)


def test_load_rules_defaults_to_facts_beside_the_rules_file(rules):
    assert rules == load_rules(RULES_PATH)


@pytest.mark.parametrize("fields", [{"household": "农村牧区"}, {"stage": "将读中职", "grade": 2}, {"grade": 4}])
def test_profile_rejects_values_the_rules_cannot_match(fields):
    with pytest.raises(ValueError):
        P(**fields)


def test_rules_engine_needs_no_rasa_only_stdlib_yaml_and_the_records():
    tree = ast.parse((SOURCES.parent / "eligibility.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert set() == {name.split(".")[0] for name in imported} - set(sys.stdlib_module_names) - {"yaml", "knowledge"}
    assert {"knowledge.records"} == {name for name in imported if name.startswith("knowledge")}
