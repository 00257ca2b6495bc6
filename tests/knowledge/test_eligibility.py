import ast
import itertools
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml

from knowledge.eligibility import (
    DEPENDS,
    ELIGIBLE,
    FIELDS,
    NOT_ELIGIBLE,
    SUBSIDIES,
    eligible_subsidies,
    load_facts,
    load_rules,
    missing_fields,
    source_of,
    unique_sources,
)
from knowledge.eligibility import StudentProfile as P

SOURCES = Path(__file__).resolve().parents[2] / "knowledge" / "sources"
RULES_PATH = SOURCES / "subsidy_rules.yaml"
TABLE = yaml.safe_load((Path(__file__).with_name("eligibility_profiles.yaml")).read_text(encoding="utf-8"))
TODAY = date(2026, 12, 6)
AUTUMN_2025 = date(2025, 9, 15)


@pytest.fixture(scope="module")
def facts():
    return load_facts(SOURCES)


@pytest.fixture(scope="module")
def rules(facts):
    return load_rules(RULES_PATH, facts)


def verdicts(profile, rules, facts, on=TODAY):
    return {v.subsidy: v for v in eligible_subsidies(profile, rules, facts, on=on).verdicts}


# ------------------------------------------------------------------ the profile table (issue 20)


def test_the_table_has_at_least_40_profiles_and_covers_every_level():
    stages = {case["profile"].get("stage") for case in TABLE["profiles"]}
    assert len(TABLE["profiles"]) >= 40
    assert {"中职在读", "将读中职", "高职在读", "将读高职", "职业本科在读", "将读职业本科", None} <= stages


@pytest.mark.parametrize("case", TABLE["profiles"], ids=[case["id"] for case in TABLE["profiles"]])
def test_profile_gets_the_verdicts_its_sources_justify(case, rules, facts):
    on = date.fromisoformat(str(case["date"]))
    result = eligible_subsidies(P(**case["profile"]), rules, facts, on=on)
    got = {v.subsidy: v for v in result.verdicts}
    expected = {subsidy: text.split() for subsidy, text in case["expect"].items()}
    assert {s: words[0] for s, words in expected.items()} == {s: v.verdict for s, v in got.items()}
    for subsidy, (_verdict, fact_id, *depends) in expected.items():
        assert fact_id in got[subsidy].facts, f"{subsidy}: decided by {got[subsidy].rule_id}, not citing {fact_id}"
        for word in depends:
            assert word in "；".join(got[subsidy].depends_on), f"{subsidy} should depend on {word}"
    assert case.get("notes", []) == [note.rule_id for note in result.notes]


# ------------------------------------------------------------------ invariants over many profiles


def _grid():
    stages = FIELDS["stage"][0] + (None,)
    for stage, grade, household, major, hardship, military, county in itertools.product(
        stages,
        (None, 1, 2, 3, 4),
        ("农村", "县镇", "城市", None),
        ("涉农", "非涉农"),
        ("低保", "脱贫户", "孤儿", "其他困难", "不困难", None),
        ("退役士兵", "非退役士兵", None),
        ("化德县", None),
    ):
        try:
            yield P(stage, grade, None, household, major, hardship, military, None, county)
        except ValueError:
            continue


GRID = list(_grid())


@pytest.mark.parametrize("on", [date(2024, 3, 15), date(2024, 9, 15), AUTUMN_2025, TODAY])
def test_one_verdict_per_subsidy_never_two(on, rules, facts):
    for profile in GRID:
        result = eligible_subsidies(profile, rules, facts, on=on)
        names = [v.subsidy for v in result.verdicts]
        assert len(names) == len(set(names)), profile
        assert set(names) <= set(SUBSIDIES)
        for v in result.verdicts:
            assert v.verdict in (ELIGIBLE, NOT_ELIGIBLE, DEPENDS)
            assert (v.verdict == DEPENDS) == bool(v.depends_on), (profile, v)
            assert (v.verdict == NOT_ELIGIBLE) == bool(v.reasons), (profile, v)


def test_a_known_stage_leaves_nothing_depending_on_the_stage(rules, facts):
    for profile in (p for p in GRID if p.stage):
        for v in eligible_subsidies(profile, rules, facts, on=TODAY).verdicts:
            assert not any("就读阶段" in text for text in v.depends_on), (profile, v)


def test_no_secondary_school_band_is_quoted_for_comparison(rules, facts):
    texts = {
        text
        for profile in GRID
        for v in eligible_subsidies(profile, rules, facts, on=TODAY).verdicts
        for text in (v.standard, v.note, *v.depends_on, *v.reasons, *v.other_requirements)
    }
    assert [] == [text for text in texts if "1200" in text or "作为对照" in text or "普高" in text]


def test_no_subsidy_answer_quotes_the_secondary_school_band():
    topics = yaml.safe_load((SOURCES / "topics.yaml").read_text(encoding="utf-8"))["topics"]
    cited = [(t["id"], s.get("policy")) for t in topics if t["kind"] == "subsidy" for s in t["statements"]]
    assert [] == [pair for pair in cited if str(pair[1]).startswith("PG-")]


def test_the_living_subsidy_is_never_promised(rules, facts):
    for profile in (p for p in GRID if p.stage and "中职" in p.stage):
        assert DEPENDS == verdicts(profile, rules, facts)["生活费补助"].verdict


@pytest.mark.parametrize("stage, grade", [("高职在读", 2), ("职业本科在读", 3)])
def test_the_two_scholarships_cannot_both_be_held(stage, grade, rules, facts):
    got = verdicts(P(stage, grade, hardship="低保", military="非退役士兵"), rules, facts)
    assert (DEPENDS, DEPENDS) == (got["国家奖学金"].verdict, got["国家励志奖学金"].verdict)
    assert ("国家励志奖学金", "国家奖学金") == (got["国家奖学金"].exclusive_with, got["国家励志奖学金"].exclusive_with)


def test_loan_repayment_terms_are_not_guessed(rules, facts):
    loan = verdicts(P("高职在读", 1, hardship="低保"), rules, facts)["助学贷款"]
    assert "待核实" in loan.note
    assert not any(word in loan.note for word in ("3年", "三年", "22年", "15年"))


def test_vocational_undergraduates_get_no_secondary_waiver(rules, facts):
    got = verdicts(P("职业本科在读", 2, hardship="不困难", military="非退役士兵"), rules, facts)
    assert "免学费" not in got and "国家助学金" in got


@pytest.mark.parametrize(
    "stage, expected",
    [
        ("将读高职", "每学年1万元，专科累计不超过3万元（2018年起的口径）"),
        ("将读职业本科", "每学年1万元，本科累计不超过4万元（2018年起的口径）"),
    ],
)
def test_entry_aid_cap_follows_the_level(stage, expected, rules, facts):
    assert expected == verdicts(P(stage, hardship="孤儿"), rules, facts)["普通高校家庭经济困难学生入学资助"].standard


@pytest.mark.parametrize(
    "school_type, expected", [("公办", "免学费（"), ("民办", "超出的部分学校可以收取"), (None, "民办")]
)
def test_tuition_waiver_wording_follows_the_school_type(school_type, expected, rules, facts):
    waiver = verdicts(P("中职在读", 1, school_type), rules, facts)["免学费"]
    assert (ELIGIBLE, True) == (waiver.verdict, expected in waiver.standard)


def test_regional_waiver_that_conflicts_with_the_national_one_says_so(rules, facts):
    assert "财教〔2012〕376号" in verdicts(P("中职在读", 1), rules, facts)["免学费"].sources_conflict


# ------------------------------------------------------------------ which question comes next


@pytest.mark.parametrize(
    "expected, profile",
    [
        (["stage", "hardship", "grade", "military", "household", "major_type", "county"], P()),
        (["grade", "hardship", "household", "major_type", "county"], P("中职在读")),
        (["hardship", "household", "major_type"], P("中职在读", 1)),
        (["hardship"], P("中职在读", 1, household="农村")),
        ([], P("中职在读", 1, household="农村", hardship="不困难")),
        ([], P("中职在读", 1, hardship="低保")),
        (["county"], P("中职在读", 3, household="农村", major_type="非涉农", hardship="不困难")),
        (["hardship", "military"], P("将读高职")),
        (["military"], P("高职在读", 2, hardship="不困难")),
        ([], P("职业本科在读", 2, hardship="低保", military="非退役士兵")),
    ],
)
def test_missing_fields_asks_only_what_changes_a_verdict(expected, profile, rules):
    assert expected == missing_fields(profile, rules, on=TODAY)


@pytest.mark.parametrize("league_city, verdict", [("包头市", "待核实"), ("乌兰察布市", "旗县")])
def test_a_league_outside_the_listed_counties_settles_the_county_question(league_city, verdict, rules, facts):
    profile = P("中职在读", 3, household="农村", major_type="非涉农", hardship="不困难", league_city=league_city)
    grant = verdicts(profile, rules, facts)["国家助学金"]
    assert verdict in "；".join(grant.depends_on)
    assert ("county" in missing_fields(profile, rules, on=TODAY)) == (league_city == "乌兰察布市")


def test_school_type_is_never_needed_to_decide(rules):
    assert all("school_type" not in missing_fields(profile, rules, on=TODAY) for profile in GRID)


# ------------------------------------------------------------------ sources as a parent reads them


def test_every_source_names_an_issuer_and_carries_no_research_note(rules, facts):
    notes = ("n/a", "not ", "说法", "转载", "未注明", "None")
    for profile in GRID[::7]:
        for v in eligible_subsidies(profile, rules, facts, on=TODAY).verdicts:
            for source in v.sources:
                assert source.title and source.issuer
                assert not any(note in source.citation() for note in notes), source


def test_a_document_quoted_by_several_facts_is_one_source(facts):
    sources = unique_sources(source_of(facts[f]) for f in ("GZ-ZHUXUEJIN-2024", "GZ-LIZHI-2024", "GZ-GUOJIANG-2024"))
    assert [("关于调整高等教育阶段和高中阶段国家奖助学金政策的通知", "财教〔2024〕181号", "2024-10-25")] == [
        (s.title, s.doc_number, s.date) for s in sources
    ]


@pytest.mark.parametrize(
    "fact_id, expected",
    [
        (
            "ZZ-MIANXUEFEI-NM-2024",
            ("内蒙古2024年度资助政策(二)普通高中教育、中等职业教育篇", "内蒙古自治区", "", "2024-06-11"),
        ),
        (
            "DZ-LAW-37",
            ("中华人民共和国职业教育法（2022年修订）", "全国人民代表大会常务委员会", "主席令第112号", "2022-04-20"),
        ),
        (
            "DZ-NAT-POLICY",
            (
                "国务院关于深化考试招生制度改革的实施意见；教育部办公厅关于进一步完善高职院校分类考试工作的通知",
                "国务院；教育部办公厅",
                "教学厅函〔2021〕36号",
                "2014",
            ),
        ),
    ],
)
def test_source_fields_keep_only_what_they_name(fact_id, expected, facts):
    source = source_of(facts[fact_id])
    assert expected == (source.title, source.issuer, source.doc_number, source.date)


# ------------------------------------------------------------------ the rules file itself


def test_every_rule_quotes_its_cited_facts_or_is_to_be_confirmed(facts):
    raw_rules = yaml.safe_load(RULES_PATH.read_text(encoding="utf-8"))["rules"]  # not through the loader under test
    for rule in raw_rules:
        texts = [facts[f]["fact"].replace(" ", "") for f in rule["facts"]]
        for quote in rule["quotes"]:
            assert any(quote in text for text in texts), (rule["id"], quote)
        trusted = [
            q
            for q in rule["quotes"]
            if any(q in t for f, t in zip(rule["facts"], texts, strict=True) if facts[f]["confidence"] != "low")
        ]
        assert trusted or (rule.get("to_be_confirmed") and rule.get("unconfirmed")), rule["id"]


# Raw YAML values, so an unquoted bad date goes through the same parser as the real file.
GOOD_RULE = {
    "id": "planted-bad-rule",
    "subsidy": "免学费",
    "scope": "中职",
    "who": "中职学生",
    "conditions": "{stage: [中职在读]}",
    "quotes": "[免费提供教科书]",
    "standard": "免除学费",
    "facts": "[ZZ-MIANXUEFEI-NM-2024]",
    "how_to_apply": "向学校资助办咨询",
}


def plant(tmp_path, change):
    rule = {key: value for key, value in {**GOOD_RULE, **change}.items() if value is not None}
    text = "\n  - " + "\n    ".join(f"{key}: {value}" for key, value in rule.items()) + "\n"
    planted = tmp_path / "subsidy_rules.yaml"
    planted.write_text(RULES_PATH.read_text(encoding="utf-8") + text, encoding="utf-8")
    return planted


def test_planted_rule_loads_when_nothing_is_wrong_with_it(tmp_path, facts):
    assert "planted-bad-rule" == load_rules(plant(tmp_path, {}), facts)[-1].id


@pytest.mark.parametrize(
    "change, message",
    [
        ({"facts": "[NO-SUCH-FACT]"}, "unknown fact id"),
        ({"conditions": "{stage: [中职在读], boarding: [住校]}"}, "unknown condition key"),
        ({"conditions": "{household: [农村牧区]}"}, "not in"),
        ({"valid_from": "2025-02-30"}, "not an ISO date"),
        ({"valid_until": "next spring"}, "not an ISO date"),
        ({"valid_from": "2025-03-01", "valid_until": "2025-02-28"}, "after"),
        ({"amount": "2300"}, "unknown keys"),
        ({"quotes": "[全部学生免学费]"}, "not in the text of any cited fact"),
        ({"quotes": None}, "missing keys"),
        ({"facts": "[ZZ-ZHUXUEJIN-NM]", "quotes": "[一、二年级所有农村牧区（含县镇）在校学生]"}, "to_be_confirmed"),
        ({"to_be_confirmed": "true"}, "unconfirmed"),
        ({"exclusive_with": "国家奖学金"}, "does not exclude"),
        ({"subsidy": "助学金"}, "not one of"),
    ],
)
def test_load_rules_rejects_a_planted_bad_rule(change, message, tmp_path, facts):
    with pytest.raises(ValueError, match=message):
        load_rules(plant(tmp_path, change), facts)


def test_load_rules_defaults_to_facts_beside_the_rules_file(rules):
    assert rules == load_rules(RULES_PATH)


@pytest.mark.parametrize(
    "fields",
    [
        {"household": "农村牧区"},
        {"stage": "将读中职", "grade": 2},
        {"stage": "高职在读", "grade": 4},
        {"military": "当过兵"},
    ],
)
def test_profile_rejects_values_the_rules_cannot_match(fields):
    with pytest.raises(ValueError):
        P(**fields)


def test_rules_engine_needs_no_rasa_only_stdlib_and_yaml():
    tree = ast.parse((SOURCES.parent / "eligibility.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    # the project's own records (one Source type for every 来源 line) are pure Python too
    assert set() == {name.split(".")[0] for name in imported} - set(sys.stdlib_module_names) - {"yaml", "knowledge"}
    assert {"knowledge.records"} >= {name for name in imported if name.startswith("knowledge")}
