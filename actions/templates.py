"""Composed Chinese wording of answers. Fixed replies live in bot/domain/*.yml responses."""

from __future__ import annotations

from collections.abc import Iterable

from knowledge.eligibility import unique_sources
from knowledge.kb import Source, Statistic, StatisticMatch, Topic, cite

WHERE_TO_ASK = "可以咨询就读或报考学校的招生办、学生资助中心，或查看内蒙古自治区教育厅（jyt.nmg.gov.cn）和内蒙古招生考试信息网（www.nm.zsks.cn）的公告。"
CHECK_ANNOUNCEMENT = "政策和标准会调整，以当年公告为准。"
TO_BE_CONFIRMED = "（待核实）"


def source_line(sources: Iterable[Source]) -> str:
    unique = list(dict.fromkeys(sources))
    return "来源：" + "；".join(source.citation() for source in unique)


def statistic_answer(match: StatisticMatch, source: Source, years: Iterable[int],
                     newer: Iterable[tuple[Statistic, Source]] = ()) -> str:
    """The figure with its year, the passage it comes from and its source; `newer` are later
    figures of the same measure from other sources, given after it."""
    statistic = match.statistic
    lines = []
    if match.year_differs:
        have = "、".join(f"{y}年" for y in sorted(set(years)))
        lines.append(f"我没有{match.asked_year}年的这项数据，我只有{have}的数据：")
    lines.append(_figure(statistic))
    # An article figure is quoted; a policy figure gives the policy fact it rests on.
    lines.append(f"{'依据' if source.kind == 'policy' else '原文'}：“{statistic.passage}”")
    cited = [source]
    for later, later_source in newer:
        lines.append(f"更新的数字：{_figure(later)}")
        cited.append(later_source)
    lines.append(source_line(cited))
    return "\n".join(lines)


def _figure(statistic: Statistic) -> str:
    year = f"（{statistic.period or str(statistic.year) + '年'}数据）" if statistic.year or statistic.period else ""
    return f"{statistic.answer.rstrip('。')}{year}。"


def statistic_unknown(topic_hint: str | None, data_year: int) -> str:
    about = f"关于“{topic_hint}”的" if topic_hint else "这个"
    return (f"抱歉，{about}数字我的资料里没有，我不想给你一个不准确的数。"
            f"我手上的统计数据主要是{data_year}年内蒙古全区的（学校数、在校生、专业、招生、经费等）。"
            + WHERE_TO_ASK)


def topic_answer(topics: list[Topic], sources: dict[str, Source], remind: bool) -> str:
    lines, cited = [], []
    for topic in topics:
        if len(topics) > 1:
            lines.append(f"【{topic.name}】")
        for statement in topic.statements:
            flag = TO_BE_CONFIRMED if statement.confidence == "low" and TO_BE_CONFIRMED not in statement.text else ""
            lines.append(f"· {statement.text}{flag}")
            cited.append(sources[statement.source_id])
        if topic.note:
            lines.append(topic.note)
    if remind and not any("以当年公告为准" in line for line in lines):
        lines.append(CHECK_ANNOUNCEMENT)
    lines.append(source_line(cited))
    return "\n".join(lines)


def search_answer(body: str, title: str, source: Source) -> str:
    return "\n".join([f"我在资料里找到这段相关内容（{title}）：", body, source_line([source])])


ELIGIBILITY_DISCLAIMER = "具体以学校资助中心认定为准。"


def _profile_summary(profile) -> str:
    enrolled = profile.grade and not (profile.stage or "").startswith("将读")
    parts = [profile.stage, f"{profile.grade}年级" if enrolled else None,
             profile.school_type, f"{profile.household}户口" if profile.household else None,
             f"{profile.major_type}专业" if profile.major_type else None, profile.hardship,
             profile.military if profile.military == "退役士兵" else None, profile.county or profile.league_city]
    return "、".join(p for p in parts if p) or "未提供"


def _eligibility_sources(sources) -> str:
    """Each document once, however many facts quote it."""
    return "来源：" + "；".join(cite(s.title, s.issuer, s.doc_number, s.issue_date) for s in unique_sources(sources))


def _where_to_apply(verdicts) -> str:
    """One line: the school's 资助中心, plus the other offices the items granted need."""
    others = [part for v in verdicts for part in v.how_to_apply.split("；") if "学校" not in part]
    return "；".join(["怎么申请：向学校学生资助中心申请", *dict.fromkeys(others)]) + "。"


def eligibility_answer(profile, result) -> str:
    """The short result: what the child can get, one line each, then where to apply."""
    granted = [v for v in result.verdicts if v.verdict == "符合"]
    merit = [v for v in result.verdicts if v.verdict == "要看情况" and v.merit]
    unsure = [v for v in result.verdicts if v.verdict == "要看情况" and not v.merit]
    lines = [f"按你说的情况（{_profile_summary(profile)}）："]
    if granted:
        lines.append("孩子可以拿到：")
        lines += [f"· {v.subsidy}：{v.standard}" for v in granted]
    if merit:
        lines.append("成绩好可以申请（择优评审）：")
        lines += [f"· {v.subsidy}：{v.standard}" + ("（与" + v.exclusive_with + "同一学年只能得一项）"
                                                      if v.exclusive_with else "") for v in merit]
    if unsure:
        lines.append(f"还有{len(unsure)}项要看情况或待核实：{'、'.join(v.subsidy for v in unsure)}。")
    if granted or merit:
        lines.append(_where_to_apply(granted + merit))
    else:
        lines.append("按你说的情况，没有查到一定能拿的项目。" + WHERE_TO_ASK)
    lines.append(ELIGIBILITY_DISCLAIMER)
    lines.append(_eligibility_sources(s for v in granted + merit or result.verdicts for s in v.sources))
    return "\n".join(lines)


def eligibility_details(result) -> str:
    """Every verdict with its conditions: what is still open, why not, what else is needed."""
    lines = ["【详细说明】"]
    for title, verdict in (("可以拿到", "符合"), ("要看情况", "要看情况"), ("不符合", "不符合")):
        found = [v for v in result.verdicts if v.verdict == verdict]
        if found:
            lines.append(f"{title}：")
        for v in found:
            flag = TO_BE_CONFIRMED if v.to_be_confirmed else ""
            if verdict == "不符合":
                lines.append(f"· {v.subsidy}：只面向{'；'.join(v.reasons)}")
                continue
            lines.append(f"· {v.subsidy}{flag}：{v.standard}")
            if v.depends_on:
                lines.append(f"  {'；'.join(v.depends_on)}")
            if v.exclusive_with:
                lines.append(f"  同一学年不能同时获得{v.exclusive_with}")
            if v.other_requirements and not v.merit:  # a merit award's requirements are its 择优 line
                lines.append(f"  还需要：{'；'.join(v.other_requirements)}")
            if v.sources_conflict:
                lines.append(f"  {v.sources_conflict}以学校资助中心认定为准。")
            if v.note:
                lines.append(f"  {v.note}")
            lines.append(f"  怎么办：{v.how_to_apply}")
    for note in result.notes:
        lines.append(f"提示{TO_BE_CONFIRMED if note.to_be_confirmed else ''}：{note.text}")
    lines.append(CHECK_ANNOUNCEMENT)
    lines.append(_eligibility_sources([s for v in result.verdicts for s in v.sources]
                                      + [s for n in result.notes for s in n.sources]))
    return "\n".join(lines)
