"""Which student subsidies apply to a family, decided from the rules in subsidy_rules.yaml.

Pure Python (stdlib + PyYAML) so actions and tests use it without a Rasa model. Conditions
use three-valued logic: a field the family has not told us makes a condition unknown (None),
never false, so the bot asks a question instead of wrongly saying "不符合".
"""
from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from knowledge.records import Source

# field: (allowed values, or None for free text; label; what an unknown value leaves open)
FIELDS: dict[str, tuple[tuple | None, str, str]] = {
    "stage": (("将读中职", "中职在读", "将读高职", "高职在读"), "就读阶段", "就读阶段（中职/高职，将读/在读）"),
    "grade": ((1, 2, 3), "年级", "年级"),
    "school_type": (("公办", "民办"), "学校类型", "学校类型（公办/民办）"),
    "household": (("农村", "县镇", "城市"), "家庭所在地", "家庭所在地（农村/县镇/城市）"),
    "major_type": (("涉农", "非涉农"), "专业类别", "是否涉农专业"),
    "hardship": (("脱贫户", "低保", "特困", "残疾", "孤儿", "其他困难", "不困难"), "家庭经济情况", "家庭经济困难认定"),
    "league_city": (None, "所在盟市", "所在盟市"),
    "county": (None, "所在旗县", "所在旗县"),
}
SUBSIDIES = ("免学费", "免费教科书", "生活费补助", "住宿费补助",
             "国家助学金", "国家奖学金", "国家励志奖学金", "助学贷款")
SCOPES, KINDS, CONFIDENCE_ORDER = ("中职", "高职"), ("entitlement", "merit", "note"), ("low", "medium", "high")
REQUIRED_KEYS = {"id", "subsidy", "scope", "conditions", "standard", "facts", "how_to_apply"}
OPTIONAL_KEYS = {"kind", "valid_from", "valid_until", "other_requirements", "unsourced_conditions",
                 "other_sources", "to_be_confirmed", "note"}
SOURCE_KEYS = {"title", "issuer", "issue_date", "confidence"}
UNSOURCED_CAVEAT = "（此条件未在所引来源原文中查到，待核实）"


@dataclass(frozen=True)
class StudentProfile:
    stage: str | None = None
    grade: int | None = None
    school_type: str | None = None
    household: str | None = None
    major_type: str | None = None
    hardship: str | None = None
    league_city: str | None = None
    county: str | None = None

    def __post_init__(self) -> None:
        for name, (allowed, _, _) in FIELDS.items():
            value = getattr(self, name)
            if value is not None and allowed is not None and value not in allowed:
                raise ValueError(f"{name}={value!r} is not one of {allowed}")
        if self.stage in ("将读中职", "将读高职"):
            if self.grade not in (None, 1):
                raise ValueError(f"stage {self.stage} means grade 1, got grade={self.grade}")
            # A student about to enrol starts in grade 1: no need to ask the family.
            object.__setattr__(self, "grade", 1)


def residence(place: str | None) -> tuple[str | None, str | None]:
    """(league_city, county) of a place the family names: a 旗 is a county-level banner,
    anything else (市, 盟) a league or city."""
    if not place:
        return None, None
    return (None, place) if place.endswith("旗") else (place, None)


@dataclass(frozen=True)
class FieldIn:
    field: str
    values: tuple
    group: str | None  # name from value_groups, for plain wording such as "家庭经济困难"


@dataclass(frozen=True)
class Group:
    any_of: bool  # False: every part must hold
    parts: tuple[FieldIn | Group, ...]

    def fields(self) -> set[str]:
        return {f for part in self.parts for f in (part.fields() if isinstance(part, Group) else {part.field})}


@dataclass(frozen=True)
class Rule:
    id: str
    subsidy: str
    scope: str
    kind: str
    conditions: Group
    standard: str
    facts: tuple[str, ...]
    how_to_apply: str
    valid_from: date | None = None
    valid_until: date | None = None
    other_requirements: tuple[str, ...] = ()
    unsourced_conditions: tuple[str, ...] = ()
    other_sources: tuple[Mapping[str, str], ...] = ()
    to_be_confirmed: bool = False
    note: str = ""

    def in_force(self, on: date) -> bool:
        return (self.valid_from or date.min) <= on <= (self.valid_until or date.max)


@dataclass(frozen=True)
class Finding:
    rule_id: str
    subsidy: str
    scope: str
    status: str  # 符合 | 可申请（择优评审） | 不符合 | 待定 | 提示
    standard: str
    conditions_met: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()  # why it does not apply
    depends_on: tuple[str, ...] = ()  # what is still open
    other_requirements: tuple[str, ...] = ()  # conditions the profile cannot show, e.g. 住校
    sources: tuple[Source, ...] = ()
    effective_date: str = ""
    confidence: str = ""
    note: str = ""
    how_to_apply: str = ""


@dataclass(frozen=True)
class EligibilityResult:
    applies: tuple[Finding, ...]
    does_not_apply: tuple[Finding, ...]
    undetermined: tuple[Finding, ...]
    notes: tuple[Finding, ...]  # information for the family, not subsidies


@dataclass
class _Outcome:
    state: bool | None
    texts: list[str] = dataclasses.field(default_factory=list)  # conditions met, or reasons unmet
    unknown: list[str] = dataclasses.field(default_factory=list)


# ------------------------------------------------------------------ evaluation

def _unique(items: Iterable) -> list:
    return list(dict.fromkeys(items))


def _show(field: str, value: Any) -> str:
    return f"{value}年级" if field == "grade" else str(value)


def _describe(node: FieldIn | Group) -> str:
    if isinstance(node, FieldIn):
        return node.group or f"{FIELDS[node.field][1]}为" + "或".join(_show(node.field, v) for v in node.values)
    return ("，或" if node.any_of else "且").join(_describe(part) for part in node.parts)


def _evaluate(node: FieldIn | Group, profile: StudentProfile, unsourced: tuple[str, ...] = ()) -> _Outcome:
    if isinstance(node, FieldIn):
        value, (allowed, label, _) = getattr(profile, node.field), FIELDS[node.field]
        if value is None:
            if allowed is not None and set(allowed) <= set(node.values):  # any answer would do
                return _Outcome(True, [f"{label}：不限"])
            return _Outcome(None, unknown=[node.field])
        shown = _show(node.field, value)
        caveat = UNSOURCED_CAVEAT if node.field in unsourced else ""
        if value in node.values:
            return _Outcome(True, [f"{label}：{shown}{caveat}"])
        wanted = node.group or "或".join(_show(node.field, v) for v in node.values)
        return _Outcome(False, [f"{label}是{shown}，要求{wanted}{caveat}"])
    outcomes = [_evaluate(part, profile, unsourced) for part in node.parts]
    # all-of is settled by any False, any-of by any True; otherwise an unknown part leaves it open.
    decisive = node.any_of
    settled = [o for o in outcomes if o.state is decisive]
    if settled:
        return _Outcome(decisive, [text for o in settled for text in o.texts])
    open_parts = [o for o in outcomes if o.state is None]
    if open_parts:
        return _Outcome(None, unknown=_unique(f for o in open_parts for f in o.unknown))
    if decisive:
        return _Outcome(False, ["以下条件均不满足：" + "；".join(_describe(part) for part in node.parts)])
    return _Outcome(True, [text for o in outcomes for text in o.texts])


STATUS = {"applies": "符合", "does_not_apply": "不符合", "undetermined": "待定", "notes": "提示"}


def _classify(profile: StudentProfile, rules: Sequence[Rule], on: date | None) -> list[tuple[Rule, _Outcome, str]]:
    """(rule, outcome, bucket) for each rule in force on `on` (default today) that is worth reporting."""
    on, rows = on or date.today(), []
    for rule in (r for r in rules if r.in_force(on)):
        outcome = _evaluate(rule.conditions, profile, rule.unsourced_conditions)
        if rule.kind == "note":
            if outcome.state is True:  # a note meant for someone else is not worth a line
                rows.append((rule, outcome, "notes"))
        elif outcome.state is False:
            rows.append((rule, outcome, "does_not_apply"))
        elif outcome.state is None or rule.to_be_confirmed:  # low-confidence wording never counts as 符合
            rows.append((rule, outcome, "undetermined"))
        else:
            rows.append((rule, outcome, "applies"))
    # Once a subsidy applies, another rule for it (other school type, unconfirmed wording) is noise.
    granted = {(rule.subsidy, rule.scope) for rule, _, bucket in rows if bucket == "applies"}
    return [row for row in rows if row[2] == "applies" or (row[0].subsidy, row[0].scope) not in granted]


def _finding(rule: Rule, outcome: _Outcome, bucket: str, facts: Mapping[str, Mapping]) -> Finding:
    cited = [facts[fact_id] for fact_id in rule.facts]
    sources = [policy_source(fact_id, facts[fact_id]) for fact_id in rule.facts]
    sources += [Source("", s["title"], s["issuer"], str(s["issue_date"])) for s in rule.other_sources]
    levels = [f["confidence"] for f in cited] + [s["confidence"] for s in rule.other_sources]
    if rule.valid_from:
        effective = f"{rule.valid_from.isoformat()}起"
    else:
        effective = "；".join(_unique([str(f.get("effective_date")) for f in cited] or [s.date for s in sources]))
    depends_on = [f"取决于{FIELDS[field][2]}" for field in outcome.unknown]
    if rule.to_be_confirmed and bucket == "undetermined":
        depends_on.append("取决于政策口径核实（所依据的来源可信度低）")
    return Finding(
        rule_id=rule.id, subsidy=rule.subsidy, scope=rule.scope,
        status="可申请（择优评审）" if rule.kind == "merit" and bucket == "applies" else STATUS[bucket],
        standard=rule.standard, conditions_met=tuple(outcome.texts if outcome.state else ()),
        reasons=tuple(() if outcome.state is not False else outcome.texts), depends_on=tuple(depends_on),
        other_requirements=rule.other_requirements, sources=tuple(sources), effective_date=effective,
        confidence=min(levels, key=CONFIDENCE_ORDER.index), note=rule.note, how_to_apply=rule.how_to_apply,
    )


def policy_source(fact_id: str, fact: Mapping[str, Any]) -> Source:
    """The source of a policy fact, as policy_facts.yaml or the knowledge base gives it."""
    return Source(f"policy:{fact_id}", str(fact["source_title"]), str(fact["issuer"]),
                  str(fact.get("issue_date") or ""), str(fact.get("doc_number") or ""), kind="policy")


def eligible_subsidies(profile: StudentProfile, rules: Sequence[Rule], facts: Mapping[str, Mapping],
                       on: date | None = None) -> EligibilityResult:
    """Sort the rules in force on `on` (default today) into applies / does_not_apply / undetermined."""
    buckets: dict[str, list[Finding]] = {bucket: [] for bucket in STATUS}
    for rule, outcome, bucket in _classify(profile, rules, on):
        buckets[bucket].append(_finding(rule, outcome, bucket, facts))
    return EligibilityResult(**{bucket: tuple(found) for bucket, found in buckets.items()})


def missing_fields(profile: StudentProfile, rules: Sequence[Rule], on: date | None = None) -> list[str]:
    """Unknown fields that undecided subsidies depend on, those blocking the most rules first.

    Notes do not count: asking a family's 旗县 only to show a note is not worth a question.
    """
    counts = Counter(field for _, outcome, bucket in _classify(profile, rules, on) if bucket == "undetermined"
                     for field in outcome.unknown)
    order = list(FIELDS)
    return sorted(counts, key=lambda field: (-counts[field], order.index(field)))


# ------------------------------------------------------------------ loading and validation

class _TextDatesLoader(yaml.SafeLoader):
    """Keeps dates as text, so a bad date is reported with its rule id instead of as a bare YAML error."""


_TextDatesLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _require(ok: Any, message: str) -> None:
    if not ok:
        raise ValueError(message)


def _parse_date(raw: Mapping, key: str) -> date | None:
    if raw.get(key) is None:
        return None
    try:
        return date.fromisoformat(str(raw[key]))
    except ValueError:
        raise ValueError(f"{key} {raw[key]!r} is not an ISO date (YYYY-MM-DD)") from None


def _parse_condition(raw: Any, groups: Mapping[str, tuple]) -> Group:
    _require(isinstance(raw, Mapping) and raw, "conditions must be a non-empty mapping")
    parts: list[FieldIn | Group] = []
    for key, value in raw.items():
        if key == "any_of":
            _require(isinstance(value, list) and len(value) >= 2, "any_of needs a list of at least two mappings")
            parts.append(Group(True, tuple(_parse_condition(item, groups) for item in value)))
            continue
        _require(key in FIELDS, f"unknown condition key {key!r}")
        _require(isinstance(value, list) and value, f"condition {key} needs a non-empty list of values")
        allowed = FIELDS[key][0]
        bad = [v for v in value if allowed is not None and v not in allowed]
        _require(not bad, f"condition {key} has values {bad} not in {allowed}")
        group = next((name for name, members in groups.items() if set(members) == set(value)), None)
        parts.append(FieldIn(key, tuple(value), group))
    return Group(False, tuple(parts))


def _parse_rule(raw: Mapping, groups: Mapping[str, tuple], facts: Mapping[str, Mapping]) -> Rule:
    unknown_keys = set(raw) - REQUIRED_KEYS - OPTIONAL_KEYS
    _require(not unknown_keys, f"unknown keys {sorted(unknown_keys)}")
    _require(REQUIRED_KEYS <= set(raw), f"missing keys {sorted(REQUIRED_KEYS - set(raw))}")
    kind = raw.get("kind", "entitlement")
    _require(kind in KINDS, f"kind {kind!r} not in {KINDS}")
    _require(kind == "note" or raw["subsidy"] in SUBSIDIES, f"subsidy {raw['subsidy']!r} is not one of {SUBSIDIES}")
    _require(raw["scope"] in SCOPES, f"scope {raw['scope']!r} not in {SCOPES}")
    valid_from, valid_until = _parse_date(raw, "valid_from"), _parse_date(raw, "valid_until")
    _require(not (valid_from and valid_until and valid_from > valid_until), "valid_from is after valid_until")
    to_be_confirmed = raw.get("to_be_confirmed", False)
    _require(isinstance(to_be_confirmed, bool), "to_be_confirmed must be true or false")
    _require(isinstance(raw["facts"], list), "facts must be a list of fact ids")
    fact_ids, other_sources = tuple(raw["facts"]), tuple(raw.get("other_sources") or ())
    _require(fact_ids or other_sources, "needs facts or other_sources")
    for fact_id in fact_ids:
        _require(fact_id in facts, f"unknown fact id {fact_id!r}")
        level = facts[fact_id].get("confidence")
        _require(level in ("high", "medium") or to_be_confirmed,
                 f"fact {fact_id} has confidence {level!r}: mark the rule to_be_confirmed")
    for source in other_sources:
        _require(isinstance(source, Mapping) and set(source) == SOURCE_KEYS,
                 f"other_sources entries need exactly {sorted(SOURCE_KEYS)}")
        _require(source["confidence"] in CONFIDENCE_ORDER, f"other_sources confidence {source['confidence']!r}")
    condition = _parse_condition(raw["conditions"], groups)
    unsourced = tuple(raw.get("unsourced_conditions") or ())
    stray = set(unsourced) - condition.fields()
    _require(not stray, f"unsourced_conditions {sorted(stray)} are not used in conditions")
    as_tuples = {key: tuple(value) if isinstance(value, list) else value for key, value in raw.items()}
    return Rule(**{**as_tuples, "kind": kind, "conditions": condition, "facts": fact_ids,
                   "other_sources": other_sources, "valid_from": valid_from, "valid_until": valid_until,
                   "note": raw.get("note") or ""})


def load_rules(path: str | Path, facts: Mapping[str, Mapping] | None = None) -> tuple[Rule, ...]:
    """Read and validate subsidy_rules.yaml; a bad rule raises ValueError naming its id.

    Fact ids are checked against `facts`, by default policy_facts.yaml beside the rules file.
    """
    path = Path(path)
    if facts is None:
        facts = {f["id"]: f for f in yaml.safe_load(path.with_name("policy_facts.yaml").read_text(encoding="utf-8"))}
    return parse_rules(path.read_text(encoding="utf-8"), facts, path.name)


def parse_rules(text: str, facts: Mapping[str, Mapping], name: str = "subsidy_rules.yaml") -> tuple[Rule, ...]:
    """Rules from the text of a rules file (the knowledge base keeps the validated text)."""
    document = yaml.load(text, Loader=_TextDatesLoader)
    _require(isinstance(document, Mapping) and set(document) <= {"value_groups", "rules"},
             f"{name}: top level must be a mapping of value_groups and rules")
    groups = {name: tuple(values) for name, values in (document.get("value_groups") or {}).items()}
    rules: list[Rule] = []
    for raw in document.get("rules") or ():
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        try:
            _require(isinstance(rule_id, str), "each rule must be a mapping with a text id")
            _require(rule_id not in {r.id for r in rules}, "duplicate id")
            rules.append(_parse_rule(raw, groups, facts))
        except ValueError as error:
            raise ValueError(f"rule {rule_id!r}: {error}") from None
    return tuple(rules)
