"""Composed Chinese wording of answers. Fixed replies live in bot/domain/*.yml responses."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

from knowledge.eligibility import unique_sources
from knowledge.kb import Source, Statement, Statistic, StatisticMatch, Topic, TopicReply
from knowledge.replies import OutOfReach

WHERE_TO_ASK = (
    "可以咨询就读或报考学校的招生办、学生资助中心，"
    "或查看内蒙古自治区教育厅（jyt.nmg.gov.cn）和内蒙古招生考试信息网（www.nm.zsks.cn）的公告。"
)
CHECK_ANNOUNCEMENT = "政策和标准会调整，以当年公告为准。"
TO_BE_CONFIRMED = "（待核实）"
UNCONFIRMED = "标“待核实”的说法，我没有查到官方文件原文。"
PLEASE_USE_CHINESE = "请用中文提问，我能答得更准确。"
DETAILS = "详细说说"
# A period that says when: a year or a five-year plan ("十四五").
_DATED = re.compile(r"\d|十.五")
LATEST_BUTTON = "看最新数字"
# What the button sends: the follow-up that asks the same measure now.
LATEST_PAYLOAD = "现在呢"


def source_line(sources: Iterable[Source]) -> str:
    return "来源：" + "；".join(dict.fromkeys(source.citation() for source in sources))


def statistic_answer(
    match: StatisticMatch,
    source: Source,
    years: Iterable[int],
    newer: Iterable[tuple[Statistic, Source]] = (),
    quote: bool = False,
) -> str:
    """The figure with its year and its source. `newer` are later figures of the same measure
    from other sources: the reply says that one exists and of which year, and the figure is one
    tap away ("现在呢"), so a question with no year gets one number, the primary source's. The
    passage it comes from is quoted on request ("详细说说"): the figure is the answer."""
    statistic = match.statistic
    assert statistic is not None, "a figure is given only for a matched statistic"
    lines = []
    if match.year_differs:
        have = "、".join(f"{y}年" for y in sorted(set(years)))
        lines.append(f"我没有{match.asked_year}年的这项数据，我只有{have}的数据：")
    lines.append(_figure(statistic))
    if quote:
        # An article figure is quoted; a policy figure gives the policy fact it rests on.
        lines.append(f"{'依据' if source.kind == 'policy' else '原文'}：“{statistic.passage}”")
    later = sorted({when for s, _ in newer if (when := _when(s))})
    if later:
        lines.append(f"{'、'.join(later)}有更新的统计，点“{LATEST_BUTTON}”查看。")
    lines.append(source_line([source]))
    return "\n".join(lines)


def _when(statistic: Statistic) -> str:
    """When a figure is of: its period if that says when ("截至2025年11月", "十四五期间"), else its
    year; a period that says no date ("调整前", "比上年") is not one."""
    period = statistic.period if _DATED.search(statistic.period or "") else ""
    return period or (f"{statistic.year}年" if statistic.year else "")


def _figure(statistic: Statistic) -> str:
    when = _when(statistic)
    return f"{statistic.answer.rstrip('。')}{f'（{when}数据）' if when else ''}。"


def year_not_held(asked: int, held: Sequence[int]) -> str:
    have = "、".join(f"{year}年" for year in held)
    return (
        f"我没有{asked}年的这项数据（我有{have}的）。"
        f"{asked}年的数字请看内蒙古自治区教育厅网站 https://jyt.nmg.gov.cn 的公告。"
    )


def statistic_unknown(topic_hint: str | None, data_year: int) -> str:
    about = f"关于“{topic_hint}”的" if topic_hint else "这个"
    return (
        f"抱歉，{about}数字我的资料里没有，我不想给你一个不准确的数。"
        f"我手上的统计数据主要是{data_year}年内蒙古全区的（学校数、在校生、专业、招生、经费等）。"
        + WHERE_TO_ASK
        + "一个盟市或旗县的数字，可以问当地的盟市教育局。"
    )


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


def _flagged(statement: Statement) -> str:
    flag = TO_BE_CONFIRMED if statement.confidence == "low" and "待核实" not in statement.text else ""
    return f"{statement.text}{flag}"


def topic_reply(reply: TopicReply) -> str:
    """A reply about topics: what answers the question, one line a statement (labelled by
    subject in a comparison); what is missing and where to ask; the sources used."""
    if reply.not_held:
        return "\n".join([f"我没有{reply.not_held}的资料。", reply.where])
    if reply.menu:
        names = "、".join(dict.fromkeys(topic.name for topic in reply.menu))
        return "\n".join(
            [f"有这些：{names}。想了解哪一项？点下面的按钮或直接问。", source_line(reply.sources.values())]
        )
    if reply.details:
        return topic_answer(list(reply.details), reply.sources, remind=reply.kind in ("admission", "subsidy"))
    lines, cited = [], []
    if reply.year_not_held:
        lines.append(f"我没有{reply.year_not_held}年的这项资料。")
    said = [m.note or f"关于{m.subject}的{m.label}，我没有查到可靠资料。" for m in reply.missing]
    answered = any(statements for _, statements in reply.parts)
    if reply.general:
        lines += said  # nothing answers what was asked: that comes first
        said = []
    for label, statements in reply.parts:
        for statement in statements:
            lines.append(f"{label}：{_flagged(statement)}" if label else _flagged(statement))
            cited.append(reply.sources[statement.source_id])
    lines += said
    if reply.compared:
        lines.append("两者在招生、转段和毕业证上的具体区别，我没有查到内蒙古的官方说法，以学校招生简章为准。")
    if reply.unconfirmed and not said and not reply.missing:
        lines.append(UNCONFIRMED)
    if reply.where:
        lines.append(reply.where)
    if answered:
        lines.append(source_line(cited))
    return "\n".join(lines)


def topic_buttons(reply: TopicReply) -> list[dict[str, str]]:
    """At most two other aspects of the same subject, then the whole topic."""
    buttons = [{"title": title, "payload": payload} for title, payload in reply.suggestions]
    if reply.more:
        buttons.append({"title": DETAILS, "payload": f"{DETAILS}{reply.subject}"})
    return buttons


def out_of_reach(beyond: OutOfReach) -> str:
    if beyond.region:
        return f"我只了解内蒙古自治区的职业教育政策和数据，没有{beyond.what}的资料。{beyond.where}"
    if beyond.place:
        return f"我没有{beyond.what}单独的统计数字，我手上的统计数据是内蒙古全区的。{beyond.where}"
    if beyond.figure:
        return f"我没有{beyond.what}的统计数字，不想给你一个不准确的数。{beyond.where or WHERE_TO_ASK}"
    return f"我没有{beyond.what}的{beyond.label}资料，各校不同。{beyond.where}"


def not_held(where: str) -> str:
    """A question about schooling that nothing here answers."""
    return f"这个问题我没有查到可靠的资料，不想给你一个不准确的回答。{where}"


def search_answer(body: str, title: str, source: Source) -> str:
    return "\n".join([f"我在资料里找到这段相关内容（{title}）：", body, source_line([source])])


ELIGIBILITY_DISCLAIMER = "具体以学校资助中心认定为准。"


def _profile_summary(profile) -> str:
    enrolled = profile.grade and not (profile.stage or "").startswith("将读")
    parts = [
        profile.stage,
        f"{profile.grade}年级" if enrolled else None,
        profile.school_type,
        f"{profile.household}户口" if profile.household else None,
        f"{profile.major_type}专业" if profile.major_type else None,
        profile.hardship,
        profile.military if profile.military == "退役士兵" else None,
        profile.county or profile.league_city,
    ]
    return "、".join(p for p in parts if p) or "未提供"


def _eligibility_sources(sources) -> str:
    """Each document once, however many facts quote it."""
    return source_line(unique_sources(sources))


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
        lines += [
            f"· {v.subsidy}：{v.standard}"
            + ("（与" + v.exclusive_with + "同一学年只能得一项）" if v.exclusive_with else "")
            for v in merit
        ]
    if unsure:
        lines.append(f"还有{len(unsure)}项要看情况或待核实：{'、'.join(v.subsidy for v in unsure)}。")
    if granted or merit:
        lines.append(_where_to_apply(granted + merit))
    else:
        lines.append("按你说的情况，没有查到一定能拿的项目。" + WHERE_TO_ASK)
    lines.append(ELIGIBILITY_DISCLAIMER)
    lines.append(_eligibility_sources(s for v in granted + merit or result.verdicts for s in v.sources))
    return "\n".join(lines)


def _short(standard: str) -> str:
    """A standard's first clause: "平均每生每年3700元，学校在2500—5000元之间分档" is 平均每生每年3700元."""
    return re.split(r"[；，]", standard, maxsplit=1)[0]


# At most this many programmes that depend on the family are named, each with whom it covers.
FAMILY_OPEN_SHOWN = 2


def family_answer(profile, result, subsidy: str | None = None, described: bool = True) -> str:
    """A family that describes itself and asks what it can get: what the rules already grant,
    in one or two lines, then what depends on what it has not said (the check is offered
    after). Asked of one programme ("能免学费不"), that programme's verdict alone."""
    verdicts = [v for v in result.verdicts if subsidy in (None, v.subsidy)]
    granted = [v for v in verdicts if v.verdict == "符合"]
    merit = [v for v in verdicts if v.verdict == "要看情况" and v.merit]
    unsure = [v for v in verdicts if v.verdict == "要看情况" and not v.merit]
    refused = [v for v in verdicts if v.verdict == "不符合"]
    # A question naming only the level ("读中职都能享受哪些资助") is answered for its students.
    lines = [f"按你说的情况（{_profile_summary(profile)}）：" if described else f"{profile.stage}的学生："]
    if granted:
        lines.append("可以拿到：")
        lines += [f"· {v.subsidy}：{_short(v.standard)}" for v in granted]
    if merit:
        lines.append("成绩好还可以申请" + "、".join(v.subsidy for v in merit) + "（择优评审）。")
    if unsure and subsidy:
        # What is 待核实 first: it is what the family cannot find out by answering a question.
        reasons = sorted(unsure[0].depends_on, key=lambda reason: not reason.startswith("待核实"))
        lines.append(f"{subsidy}要看情况：" + "；".join(reasons) + "。")
    elif unsure:
        named = "；".join(
            f"{v.subsidy}{TO_BE_CONFIRMED if v.to_be_confirmed else ''}面向{v.who}" for v in unsure[:FAMILY_OPEN_SHOWN]
        )
        rest = f"等{len(unsure)}项" if len(unsure) > FAMILY_OPEN_SHOWN else ""
        lines.append(f"要看情况的：{named}{rest}。")
    if refused and not (granted or merit or unsure):
        lines.append("；".join(f"{v.subsidy}只面向{v.who}" for v in refused) + "。")
    cited = granted + merit or unsure or refused
    lines.append(_eligibility_sources(s for v in cited for s in v.sources))
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
    lines.append(
        _eligibility_sources(
            [s for v in result.verdicts for s in v.sources] + [s for n in result.notes for s in n.sources]
        )
    )
    return "\n".join(lines)
