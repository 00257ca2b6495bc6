"""Which student subsidies apply to a family, decided from the rules in subsidy_rules.yaml.

Pure Python (stdlib + PyYAML) so actions and tests use it without a Rasa model. Conditions
use three-valued logic: a field the family has not told us makes a condition unknown (None),
never false, so the check asks a question instead of wrongly saying "不符合".

Each subsidy gets exactly one verdict (`verdicts`): 符合 (eligible), 不符合 (not eligible) or
要看情况 (depends), whatever number of rules describe it (regional and national wording,
standards that changed over time).
"""

from __future__ import annotations

import dataclasses
import re
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
    "stage": (
        ("将读中职", "中职在读", "将读高职", "高职在读", "将读职业本科", "职业本科在读"),
        "就读阶段",
        "就读阶段（中职/高职/职业本科，将读还是在读）",
    ),
    "grade": ((1, 2, 3, 4), "年级", "年级"),
    "school_type": (("公办", "民办"), "学校类型", "学校是公办还是民办"),
    "household": (("农村", "县镇", "城市"), "家庭所在地", "户口是农村、县镇还是城市"),
    "major_type": (("涉农", "非涉农"), "专业类别", "是不是涉农专业"),
    "hardship": (
        ("脱贫户", "低保", "特困", "残疾", "孤儿", "其他困难", "不困难"),
        "家庭经济情况",
        "家庭经济困难认定（低保、脱贫户、特困、孤儿等）",
    ),
    "military": (("退役士兵", "非退役士兵"), "是否退役士兵", "学生是不是退役士兵"),
    "league_city": (None, "所在盟市", "所在盟市"),
    "county": (None, "所在旗县", "家在哪个旗县"),
}
# The 12 盟市 (policy fact NM-12-MENGSHI): a place that is not one of them is a 旗县 (阿尔山市 is one).
LEAGUES_AND_CITIES = (
    "呼和浩特市",
    "包头市",
    "乌海市",
    "赤峰市",
    "通辽市",
    "鄂尔多斯市",
    "呼伦贝尔市",
    "巴彦淖尔市",
    "乌兰察布市",
    "兴安盟",
    "锡林郭勒盟",
    "阿拉善盟",
)
# In the order a reply lists them.
SUBSIDIES = (
    "免学费",
    "免费教科书",
    "国家助学金",
    "住宿费补助",
    "生活费补助",
    "国家奖学金",
    "国家励志奖学金",
    "助学贷款",
    "普通高校家庭经济困难学生入学资助",
    "退役士兵学费减免",
    "雨露计划",
)
# A rule's scope: 高校 is 高职 and 职业本科 (the national 本专科 policies cover both).
SCOPES = ("中职", "高校", "全部")
KINDS, CONFIDENCE_ORDER = ("entitlement", "merit", "note"), ("low", "medium", "high")
REQUIRED_KEYS = {"id", "subsidy", "scope", "who", "conditions", "quotes", "standard", "facts", "how_to_apply"}
OPTIONAL_KEYS = {
    "kind",
    "valid_from",
    "valid_until",
    "other_requirements",
    "depends_on",
    "standard_by",
    "to_be_confirmed",
    "unconfirmed",
    "exclusive_with",
    "sources_conflict",
    "note",
}
ELIGIBLE, NOT_ELIGIBLE, DEPENDS = "符合", "不符合", "要看情况"
CONFLICT_NOTE = "以学校资助中心认定为准"


def level_of(stage: str | None) -> str | None:
    """中职 or 高校 for a stage, None when it is not known."""
    if not stage:
        return None
    return "中职" if "中职" in stage else "高校"


@dataclass(frozen=True)
class StudentProfile:
    stage: str | None = None
    grade: int | None = None
    school_type: str | None = None
    household: str | None = None
    major_type: str | None = None
    hardship: str | None = None
    military: str | None = None
    league_city: str | None = None
    county: str | None = None

    def __post_init__(self) -> None:
        for name, (allowed, _, _) in FIELDS.items():
            value = getattr(self, name)
            if value is not None and allowed is not None and value not in allowed:
                raise ValueError(f"{name}={value!r} is not one of {allowed}")
        if self.stage and self.stage.startswith("将读"):
            if self.grade not in (None, 1):
                raise ValueError(f"stage {self.stage} means grade 1, got grade={self.grade}")
            # A student about to enrol starts in grade 1: no need to ask the family.
            object.__setattr__(self, "grade", 1)
        if self.grade == 4 and self.stage and "职业本科" not in self.stage:
            raise ValueError(f"grade 4 exists only in 职业本科, got stage {self.stage}")


@dataclass(frozen=True)
class FieldIn:
    field: str
    values: tuple
    group: str | None  # name from value_groups, for plain wording such as "家庭经济困难"
    leagues: tuple[str, ...] = ()  # for a county condition: the 盟市 its counties lie in


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
    who: str  # whom the rule covers, in plain words: the reason given when it does not apply
    conditions: Group
    quotes: tuple[str, ...]  # the condition as the cited facts word it
    standard: str
    facts: tuple[str, ...]
    how_to_apply: str
    valid_from: date | None = None
    valid_until: date | None = None
    other_requirements: tuple[str, ...] = ()  # shown in the details, the check does not ask them
    depends_on: tuple[str, ...] = ()  # conditions the check does not ask that decide it (e.g. 住校)
    standard_by: Mapping[str, Mapping[str, str]] = dataclasses.field(default_factory=dict)
    to_be_confirmed: bool = False
    unconfirmed: str = ""  # why it is 待核实
    exclusive_with: str = ""
    sources_conflict: str = ""
    note: str = ""

    def in_force(self, on: date) -> bool:
        return (self.valid_from or date.min) <= on <= (self.valid_until or date.max)

    def standard_for(self, profile: StudentProfile) -> str:
        for field, by_value in self.standard_by.items():
            if getattr(profile, field) in by_value:
                return by_value[getattr(profile, field)]
        return self.standard


@dataclass(frozen=True)
class Verdict:
    subsidy: str
    verdict: str  # ELIGIBLE | NOT_ELIGIBLE | DEPENDS
    rule_id: str  # the rule that decided it (for 要看情况, the first one still open)
    standard: str
    facts: tuple[str, ...]
    merit: bool = False  # 择优评审: meeting the conditions allows applying
    depends_on: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    other_requirements: tuple[str, ...] = ()
    exclusive_with: str = ""
    sources_conflict: str = ""
    to_be_confirmed: bool = False
    note: str = ""
    how_to_apply: str = ""
    sources: tuple[Source, ...] = ()
    confidence: str = ""
    who: str = ""  # whom the deciding rule covers, in plain words


@dataclass(frozen=True)
class Note:
    rule_id: str
    text: str
    how_to_apply: str
    sources: tuple[Source, ...]
    to_be_confirmed: bool


@dataclass(frozen=True)
class EligibilityResult:
    verdicts: tuple[Verdict, ...]
    notes: tuple[Note, ...]

    def with_verdict(self, verdict: str) -> tuple[Verdict, ...]:
        return tuple(v for v in self.verdicts if v.verdict == verdict)

    def of(self, subsidy: str) -> Verdict | None:
        return next((v for v in self.verdicts if v.subsidy == subsidy), None)


@dataclass
class _Outcome:
    state: bool | None
    unknown: list[str] = dataclasses.field(default_factory=list)


# ------------------------------------------------------------------ evaluation


def _unique(items: Iterable) -> list:
    return list(dict.fromkeys(items))


def _evaluate(node: FieldIn | Group, profile: StudentProfile) -> _Outcome:
    if isinstance(node, FieldIn):
        value, allowed = getattr(profile, node.field), FIELDS[node.field][0]
        if value is None and node.leagues and profile.league_city:
            # A family in 包头市 lives in none of the counties of 兴安盟 and 乌兰察布市.
            return _Outcome(False) if profile.league_city not in node.leagues else _Outcome(None, [node.field])
        if value is None:
            if node.field == "grade" and profile.stage and "职业本科" not in profile.stage:
                allowed = (1, 2, 3)  # only 职业本科 has a fourth year
            if allowed is not None and set(allowed) <= set(node.values):  # any answer would do
                return _Outcome(True)
            return _Outcome(None, [node.field])
        return _Outcome(value in node.values)
    outcomes = [_evaluate(part, profile) for part in node.parts]
    # all-of is settled by any False, any-of by any True; otherwise an unknown part leaves it open.
    if any(o.state is node.any_of for o in outcomes):
        return _Outcome(node.any_of)
    open_parts = [o for o in outcomes if o.state is None]
    if open_parts:
        return _Outcome(None, _unique(f for o in open_parts for f in o.unknown))
    return _Outcome(not node.any_of)


def _relevant(rule: Rule, profile: StudentProfile, on: date) -> bool:
    level = level_of(profile.stage)
    return rule.in_force(on) and (level is None or rule.scope in (level, "全部"))


def _open_reasons(rule: Rule, outcome: _Outcome) -> list[str]:
    reasons = [f"取决于{FIELDS[field][2]}" for field in outcome.unknown]
    if outcome.state is True:
        reasons += [f"取决于{condition}" for condition in rule.depends_on]
        if rule.to_be_confirmed:
            reasons.append(f"待核实：{rule.unconfirmed}")
    return reasons


def _verdict(
    subsidy: str, judged: list[tuple[Rule, _Outcome]], profile: StudentProfile, facts: Mapping[str, Mapping]
) -> Verdict:
    def make(rule: Rule, verdict: str, **extra: Any) -> Verdict:
        cited = [facts[fact_id] for fact_id in rule.facts]
        return Verdict(
            subsidy=subsidy,
            verdict=verdict,
            rule_id=rule.id,
            standard=rule.standard_for(profile),
            facts=rule.facts,
            merit=rule.kind == "merit",
            other_requirements=rule.other_requirements,
            exclusive_with=rule.exclusive_with,
            sources_conflict=rule.sources_conflict,
            note=rule.note,
            how_to_apply=rule.how_to_apply,
            sources=tuple(unique_sources(source_of(f) for f in cited)),
            confidence=min((str(f.get("confidence")) for f in cited), key=CONFIDENCE_ORDER.index),
            who=rule.who,
            **extra,
        )

    settled = [(r, o) for r, o in judged if o.state is True and not r.to_be_confirmed and not r.depends_on]
    granted = [r for r, _ in settled if r.kind != "merit"]
    if granted:
        return make(granted[0], ELIGIBLE)
    if settled:  # a merit award: the family may apply, the school selects
        rule = settled[0][0]
        return make(rule, DEPENDS, depends_on=("择优评审：" + "；".join(rule.other_requirements),))
    still_open = [(r, o) for r, o in judged if o.state is not False]
    if still_open:
        reasons = _unique(text for r, o in still_open for text in _open_reasons(r, o))
        return make(
            still_open[0][0],
            DEPENDS,
            depends_on=tuple(reasons),
            to_be_confirmed=all(r.to_be_confirmed for r, _ in still_open),
        )
    return make(judged[0][0], NOT_ELIGIBLE, reasons=tuple(_unique(r.who for r, _ in judged)))


def eligible_subsidies(
    profile: StudentProfile, rules: Sequence[Rule], facts: Mapping[str, Mapping], on: date | None = None
) -> EligibilityResult:
    """One verdict per subsidy that the rules in force on `on` (default today) describe for this
    family's level (中职 or 高校), and the notes that concern it."""
    on = on or date.today()
    by_subsidy: dict[str, list[tuple[Rule, _Outcome]]] = {}
    notes: list[Note] = []
    for rule in (r for r in rules if _relevant(r, profile, on)):
        outcome = _evaluate(rule.conditions, profile)
        if rule.kind == "note":
            if outcome.state is True:  # a note meant for someone else is not worth a line
                notes.append(
                    Note(
                        rule.id,
                        rule.standard,
                        rule.how_to_apply,
                        tuple(unique_sources(source_of(facts[f]) for f in rule.facts)),
                        rule.to_be_confirmed,
                    )
                )
            continue
        by_subsidy.setdefault(rule.subsidy, []).append((rule, outcome))
    verdicts = [_verdict(s, by_subsidy[s], profile, facts) for s in SUBSIDIES if s in by_subsidy]
    return EligibilityResult(tuple(verdicts), tuple(notes))


def missing_fields(profile: StudentProfile, rules: Sequence[Rule], on: date | None = None) -> list[str]:
    """Unknown fields whose answer could settle a subsidy still 要看情况, those that matter to the
    most subsidies first. Notes do not count: a note is not worth a question."""
    on = on or date.today()
    judged: dict[str, list[tuple[Rule, _Outcome]]] = {}
    for rule in (r for r in rules if _relevant(r, profile, on) and r.kind != "note"):
        judged.setdefault(rule.subsidy, []).append((rule, _evaluate(rule.conditions, profile)))
    counts: Counter[str] = Counter()
    for pairs in judged.values():
        if any(o.state is True and not r.to_be_confirmed and not r.depends_on and r.kind != "merit" for r, o in pairs):
            continue  # already granted
        counts.update(_unique(field for _, o in pairs if o.state is None for field in o.unknown))
    order = list(FIELDS)
    return sorted(counts, key=lambda field: (-counts[field], order.index(field)))


# ------------------------------------------------------------------ sources


def residence(place: str | None) -> tuple[str | None, str | None]:
    """(盟市, 旗县) of a place the family named: a 盟 or 市 of the twelve is a 盟市, anything
    else a 旗县 (旗, 县 and the 县级市 阿尔山市 alike)."""
    if not place:
        return None, None
    return (place, None) if place in LEAGUES_AND_CITIES else (None, place)


def source_of(fact: Mapping) -> Source:
    """A fact's source, as every 来源 line cites it (knowledge.records.Source): its fields hold
    no research notes (those are the fact's `source_notes`, never shown)."""
    return Source(
        id=str(fact.get("source_id") or f"policy:{fact.get('id', '')}"),
        title=str(fact.get("source_title") or ""),
        issuer=str(fact.get("issuer") or ""),
        date=str(fact.get("issue_date") or ""),
        doc_number=str(fact.get("doc_number") or ""),
        kind="policy",
    )


def unique_sources(sources: Iterable[Source]) -> list[Source]:
    """Each document once: facts quoting one notice (财教〔2024〕188号) give it several dates and titles."""
    seen: dict[str, Source] = {}
    for source in sources:
        seen.setdefault(source.doc_number or source.title, source)
    return list(seen.values())


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


def _parse_condition(raw: Any, groups: Mapping[str, tuple], county_league: Mapping[str, str]) -> Group:
    _require(isinstance(raw, Mapping) and raw, "conditions must be a non-empty mapping")
    parts: list[FieldIn | Group] = []
    for key, value in raw.items():
        if key == "any_of":
            _require(isinstance(value, list) and len(value) >= 2, "any_of needs a list of at least two mappings")
            parts.append(Group(True, tuple(_parse_condition(item, groups, county_league) for item in value)))
            continue
        _require(key in FIELDS, f"unknown condition key {key!r}")
        _require(isinstance(value, list) and value, f"condition {key} needs a non-empty list of values")
        allowed = FIELDS[key][0]
        bad = [v for v in value if allowed is not None and v not in allowed]
        _require(not bad, f"condition {key} has values {bad} not in {allowed}")
        group = next((name for name, members in groups.items() if set(members) == set(value)), None)
        leagues = tuple(dict.fromkeys(county_league[v] for v in value)) if key == "county" else ()
        _require(
            key != "county" or set(value) <= set(county_league),
            f"counties {sorted(set(value) - set(county_league))} need their 盟市 in county_league",
        )
        parts.append(FieldIn(key, tuple(value), group, leagues))
    return Group(False, tuple(parts))


def _squeezed(text: Any) -> str:
    return re.sub(r"\s+", "", str(text or ""))


def _check_quotes(
    quotes: tuple[str, ...], fact_ids: tuple[str, ...], facts: Mapping[str, Mapping], to_be_confirmed: bool
) -> None:
    """Each quote is the wording of one of the cited facts; one at least from a high/medium fact."""
    _require(quotes, "quotes: the condition as its sources word it is required")
    trusted = False
    for quote in quotes:
        quoting = [f for f in fact_ids if _squeezed(quote) in _squeezed(facts[f].get("fact"))]
        _require(quoting, f"quote {quote!r} is not in the text of any cited fact")
        trusted = trusted or any(facts[f].get("confidence") in ("high", "medium") for f in quoting)
    _require(trusted or to_be_confirmed, "no quote comes from a high/medium fact: mark the rule to_be_confirmed")


def _parse_rule(
    raw: Mapping, groups: Mapping[str, tuple], facts: Mapping[str, Mapping], county_league: Mapping[str, str]
) -> Rule:
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
    _require(bool(raw.get("unconfirmed")) == to_be_confirmed, "a to_be_confirmed rule says why in 'unconfirmed'")
    _require(isinstance(raw["facts"], list) and raw["facts"], "facts must be a non-empty list of fact ids")
    fact_ids = tuple(raw["facts"])
    for fact_id in fact_ids:
        _require(fact_id in facts, f"unknown fact id {fact_id!r}")
    quotes = tuple(raw["quotes"] or ())
    _check_quotes(quotes, fact_ids, facts, to_be_confirmed)
    condition = _parse_condition(raw["conditions"], groups, county_league)
    standard_by = raw.get("standard_by") or {}
    for field, by_value in standard_by.items():
        _require(field in FIELDS and isinstance(by_value, Mapping), f"standard_by {field!r} needs a field and values")
    exclusive = raw.get("exclusive_with") or ""
    _require(not exclusive or exclusive in SUBSIDIES, f"exclusive_with {exclusive!r} is not a subsidy")
    as_tuples = {key: tuple(value) if isinstance(value, list) else value for key, value in raw.items()}
    return Rule(
        **{
            **as_tuples,
            "kind": kind,
            "conditions": condition,
            "facts": fact_ids,
            "quotes": quotes,
            "valid_from": valid_from,
            "valid_until": valid_until,
            "standard_by": standard_by,
            "note": raw.get("note") or "",
        }
    )


def _check_exclusions(rules: Sequence[Rule]) -> None:
    """An exclusion stated on one award must be stated on the other too."""
    pairs = {(r.subsidy, r.exclusive_with) for r in rules if r.exclusive_with}
    for subsidy, other in pairs:
        _require((other, subsidy) in pairs, f"{subsidy} excludes {other} but {other} does not exclude {subsidy}")


def load_rules(path: str | Path, facts: Mapping[str, Mapping] | None = None) -> tuple[Rule, ...]:
    """Read and validate subsidy_rules.yaml; a bad rule raises ValueError naming its id.

    Fact ids are checked against `facts`, by default the policy fact files beside the rules file.
    """
    path = Path(path)
    if facts is None:
        facts = load_facts(path.parent)
    return parse_rules(path.read_text(encoding="utf-8"), facts, path.name)


def load_facts(directory: str | Path) -> dict[str, Mapping]:
    """The policy facts of policy_facts.yaml and policy_facts_added.yaml, by id."""
    facts: dict[str, Mapping] = {}
    for name in ("policy_facts.yaml", "policy_facts_added.yaml"):
        for fact in yaml.safe_load((Path(directory) / name).read_text(encoding="utf-8")):
            facts[fact["id"]] = fact
    return facts


def parse_rules(text: str, facts: Mapping[str, Mapping], name: str = "subsidy_rules.yaml") -> tuple[Rule, ...]:
    """Rules from the text of a rules file (the knowledge base keeps the validated text)."""
    document = yaml.load(text, Loader=_TextDatesLoader)
    _require(
        isinstance(document, Mapping) and set(document) <= {"value_groups", "county_league", "rules"},
        f"{name}: top level must be a mapping of value_groups, county_league and rules",
    )
    groups = {name: tuple(values) for name, values in (document.get("value_groups") or {}).items()}
    county_league = dict(document.get("county_league") or {})
    bad_leagues = set(county_league.values()) - set(LEAGUES_AND_CITIES)
    _require(not bad_leagues, f"{name}: county_league names {sorted(bad_leagues)}, not 盟市")
    rules: list[Rule] = []
    for raw in document.get("rules") or ():
        rule_id = raw.get("id") if isinstance(raw, Mapping) else None
        try:
            _require(isinstance(rule_id, str), "each rule must be a mapping with a text id")
            _require(rule_id not in {r.id for r in rules}, "duplicate id")
            rules.append(_parse_rule(raw, groups, facts, county_league))
        except ValueError as error:
            raise ValueError(f"rule {rule_id!r}: {error}") from None
    _check_exclusions(rules)
    return tuple(rules)
