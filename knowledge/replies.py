"""What a reply to a question about a programme, channel or subsidy holds.

The question is read as its subject (the topics its entities select) and what it asks of
it (the aspects, knowledge/answers.py). The reply holds the statements that answer that
and nothing more; what nothing answers is said to be missing, with where to ask; at most
two other aspects of the same subject are offered as suggestions, and the whole topic on
request ("详细说说"). Choosing lives here; the actions only word it (actions/templates.py).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Protocol

from knowledge import settings
from knowledge.answers import AspectBook, borrow, choose, overlap, retrieve, school_named, suggestions
from knowledge.records import Question, Source, Statement, Topic
from knowledge.text import YEAR, normalize, year_of

# At most this many subjects in one reply (a comparison, 中职 and 高职 of one subsidy).
MAX_TOPICS = 2
# Words that bring 普高 into a comparison ("普高还是3+2"): the 职普融通 topic speaks for it.
GENERAL_SCHOOL = ("普高", "高中")
# How a statement says that something was not found.
NOT_FOUND = "没有查到"
# What is said when only one college's plan answers: no region-wide rule, each college its own.
ONE_SCHOOL = "关于{subject}的{label}，我没有查到全区统一的规定，只在个别学院的招生方案里见过，各校不同。"
# How many topics a list of what there is shows as buttons.
MENU_BUTTONS = 6


class Topics(Protocol):
    """What the composer reads of the knowledge base."""

    @property
    def aspect_book(self) -> AspectBook: ...

    def topics(
        self, kind: str | None = None, value: str | None = None, scope: str | None = None, strict: bool = False
    ) -> list[Topic]: ...

    def topic_for(self, kind: str, question: str, scope: str | None = None) -> Topic | None: ...

    def source(self, source_id: str) -> Source: ...


@dataclass(frozen=True)
class Missing:
    subject: str
    label: str  # 时间安排, 申请条件 …
    note: str = ""  # the topic's own word on what is not known, when it has one


@dataclass(frozen=True)
class TopicReply:
    """Everything a reply about topics says, before wording."""

    kind: str
    value: str | None
    scope: str | None
    asked: tuple[str, ...]
    parts: tuple[tuple[str, tuple[Statement, ...]], ...] = ()  # (label, statements) per subject
    missing: tuple[Missing, ...] = ()
    year_not_held: int | None = None
    compared: bool = False  # two subjects compared: the official difference is not known
    where: str = ""  # where to ask, when something is missing
    not_held: str = ""  # what is not known at all ("呼和浩特职业学院免学费"), when nothing answers
    menu: tuple[Topic, ...] = ()  # what there is, when the question names no programme
    details: tuple[Topic, ...] = ()  # the whole topics, on request
    more: bool = False  # the topic says more than the reply: "详细说说" is offered
    general: bool = False  # nothing answers what was asked: `parts` is the subject's one-liner
    unconfirmed: bool = False  # a statement shown is 待核实: where to confirm it follows
    sources: dict[str, Source] = field(default_factory=dict)
    suggestions: tuple[tuple[str, str], ...] = ()  # (title, payload)
    subject: str = ""  # how suggestions name the subject


# What only a school itself can say, and where to ask it: its fees, its majors, its admission scores.
SCHOOL_DATA = (
    (re.compile(r"学费|收费|多少钱|住宿费|宿舍费|书本费"), "收费标准", "tuition"),
    (
        re.compile(
            r"哪些专业|什么专业|啥专业|几个专业|专业有哪些|开了哪些|招哪些专业|有没有.{0,8}专业|有.{1,8}专业吗|开设"
        ),
        "专业设置",
        "school",
    ),
    (re.compile(r"分数|多少分|录取线|分数线|几分|最低分|录取分|投档"), "录取分数", "exam"),
    (re.compile(r"宿舍|几人间|住宿|食堂"), "住宿条件", "school"),
    (re.compile(r"招多少人|招几个|招生计划|名额|计划招|招多少"), "招生计划", "school"),
    (re.compile(r"考几门|考哪几科|考几科|考什么|考啥|考试科目|考试内容"), "考试科目", "exam"),
    (re.compile(r"就业率|好不好就业|排名第几|排第几"), "就业和排名", "school"),
    (
        re.compile(
            r"(有没有|开没开|办不办|招不招).{0,6}(3\+2|三二|五年一贯|贯通|单招|对口)|(3\+2|三二分段|五年一贯制).{0,4}吗"
        ),
        "招生项目",
        "school",
    ),
)


@dataclass(frozen=True)
class OutOfReach:
    """A question the knowledge base cannot answer by its nature: another province's rules
    ("北京的单招考什么") or one school's fees or scores. `what` names it; `where` says where to ask."""

    what: str
    where: str
    region: bool = False  # another province, not one school
    label: str = ""  # what of the school is not known: 学费标准, 专业设置, 录取分数
    place: bool = False  # a count of one 盟市 or 旗县: the figures held are the region's
    figure: bool = False  # a figure (a ratio) that nothing here holds


def out_of_reach(book: AspectBook, text: str, names_a_place: bool) -> OutOfReach | None:
    region = book.other_region(text)
    if region and not names_a_place and "内蒙" not in text:
        return OutOfReach(region, book.where_to_ask["province"], region=True)
    school = school_named(text)
    if school is None:
        return None
    for asks, label, where in SCHOOL_DATA:
        if asks.search(text):
            return OutOfReach(school[0], book.where_to_ask[where], label=label)
    return None


def reply_to_topic(
    kb: Topics,
    kind: str,
    values: list[str],
    scope: str | None,
    text: str,
    asked: list[str] | None = None,
    context: str = "",
) -> TopicReply:
    """The reply to `text` about the topics of `kind` that `values` select (all if none).

    `asked` carries the aspects of the question before ("那对口招生呢" after "单招考什么");
    `context` is the question before, for choosing a topic when `text` names none."""
    book = kb.aspect_book
    retrieval = settings.answer_mechanism() == "retrieval"
    asked = [] if retrieval else book.asked(text) or list(asked or [])
    school = school_named(text)
    scope = scope or (school[1] if school else None)
    value = values[0] if values else None
    base = TopicReply(kind, value, scope, tuple(asked))
    topics = _topics(kb, kind, values, scope, text)
    if not topics:
        # A scope with no such topic: 高职 has no 免学费, and a named school's fees are not known here.
        where = (
            book.where_to_ask["tuition"] if value == "免学费" else book.where(asked[0] if asked else None, kind=kind)
        )
        return replace(base, not_held=(school[0] if school else scope or "") + (value or ""), where=where)
    if not values and len(topics) > 1:
        focused = kb.topic_for(kind, f"{text} {context}", scope) or _topic_answering(topics, asked, text)
        specific = [a for a in asked if a not in ("what_is", "differs")]
        if focused is None and specific:
            # "鄂尔多斯有哪些中职学校": something particular that no topic here answers.
            particular = book.particular_not_held(text, asked, (), "")
            if particular is not None:
                return replace(base, not_held=particular[0], where=particular[1])
            aspect = book.aspects[specific[0]]
            return replace(base, not_held=aspect.label, where=book.where(specific[0], kind=kind))
        if focused is None:
            firsts = {t.statements[0].source_id: kb.source(t.statements[0].source_id) for t in topics if t.statements}
            return replace(
                base,
                menu=tuple(topics),
                sources=firsts,
                suggestions=tuple((t.short, f"介绍一下{t.short}") for t in topics[:MENU_BUTTONS]),
            )
        topics = [focused]
    sources = {s.source_id: kb.source(s.source_id) for topic in topics for s in topic.statements}
    if book.wants_details(text):
        return replace(base, details=tuple(topics), sources=sources)
    return _answer_aspects(kb, topics[:MAX_TOPICS], asked, text, sources, base)


def _topics(kb: Topics, kind: str, values: list[str], scope: str | None, text: str) -> list[Topic]:
    if not values:
        return [t for t in kb.topics(kind, None, scope) if t.in_menu]
    topics = [t for value in values for t in kb.topics(kind, value, scope, strict=bool(scope))]
    if any(word in text for word in GENERAL_SCHOOL) and kind == "pathway" and "职普融通" not in values:
        topics += kb.topics("pathway", "职普融通")
    return list(dict.fromkeys(topics))


def _topic_answering(topics: list[Topic], asked: list[str], text: str) -> Topic | None:
    """The one topic whose statements answer what was asked in the question's own words
    ("文化素质考那几科" is 单招's exam), when exactly one does."""
    if not asked:
        # Asked nothing in particular ("小中专会不会被合并掉"): the topic one of whose statements
        # the question names in two words or more (合并, 小中专), more than any other topic's.
        named = sorted(
            ((max(map(_words_named, t.statements, [text] * len(t.statements)), default=0), t) for t in topics),
            key=lambda x: -x[0],
        )
        if named and named[0][0] >= 2 and (len(named) == 1 or named[1][0] < named[0][0]):
            return named[0][1]
        return None
    fitting = [t for t in topics if any(overlap(s, text) for s in t.statements if asked[0] in s.aspects)]
    return fitting[0] if len(fitting) == 1 else None


def _words_named(statement: Statement, text: str) -> int:
    """How many of a statement's keywords a question uses, a keyword inside another used one
    not counted again (初中 in 初中毕业)."""
    used = [word for word in statement.keywords if normalize(word) in text]
    return sum(1 for word in used if not any(word != other and word in other for other in used))


def _answer_aspects(
    kb: Topics, topics: list[Topic], asked: list[str], text: str, sources: dict[str, Source], base: TopicReply
) -> TopicReply:
    book = kb.aspect_book
    several = len(topics) > 1
    parts: list[tuple[str, list[Statement]]] = []
    shown: list[Statement] = []
    particular: list[str] = []
    for topic in topics:
        choice = (
            retrieve(topic.statements, text)
            if settings.answer_mechanism() == "retrieval"
            else choose(topic.statements, asked, text, book.needing_keywords)
        )
        units = list(choice.units)
        particular += [a for a in choice.particular if a not in particular]
        if several and not units and "differs" in asked:
            # Comparing two subjects, each says what it is when it has nothing on how they differ.
            units = list(choose(topic.statements, [], text).units)
        parts.append((_label(topic, topics) if several else "", units))
        shown += units
    answered = {a for unit in shown for a in unit.aspects}
    missing = [a for a in asked if a not in answered and a in book.aspects and a not in particular]
    topic = topics[0]
    others = [s for t in kb.topics() if t.kind != topic.kind for s in t.statements]
    for aspect in list(missing):
        # Another kind of subject may answer it in the question's own words: "以后还能考本科不"
        # after 五年一贯制 is answered by the routes to a degree. Another programme of the same
        # kind never answers for this one (the loan is not applied for like the 助学金).
        borrowed = borrow(others, aspect, text, book.cues)
        if borrowed is not None and borrowed not in shown:
            sources.setdefault(borrowed.source_id, kb.source(borrowed.source_id))
            parts.append(("", [borrowed]))
            shown.append(borrowed)
            missing.remove(aspect)
    particular_missing = book.particular_not_held(text, asked, shown, topic.short or topic.name)
    if particular_missing is not None:
        # "内蒙古生源地助学贷款在哪个银行办": who can borrow is no answer to which bank.
        return replace(base, not_held=particular_missing[0], where=particular_missing[1])
    said = tuple(
        Missing(topic.short or topic.name, book.aspects[a].label, topic.note if a in ("how_much", "who_can") else "")
        for a in missing[:1]
    ) + tuple(
        Missing(
            topic.short or topic.name,
            book.aspects[a].label,
            ONE_SCHOOL.format(subject=topic.short or topic.name, label=book.aspects[a].label),
        )
        for a in [a for a in particular if a not in answered][:1]
    )
    missing += [a for a in particular if a not in answered]
    general = not shown
    if general:
        # Nothing answers what was asked: the general one-liner, after saying what is missing.
        parts = [("", list(choose(topic.statements, [], text).units[:1]))]
    year_asked = YEAR.search(normalize(text))
    year_not_held = None
    if year_asked and shown and not any(str(year_of(year_asked)) in unit.text for unit in shown):
        # "2026年单招什么时候报名": another year's dates are no answer. What holds every year
        # stays; a statement of another year goes, and the year asked is said to be missing.
        year_not_held = year_of(year_asked)
        parts = [(label, [u for u in units if not YEAR.search(normalize(u.text))]) for label, units in parts]
    compared = several and "differs" in asked
    # A statement that itself says what was not found ("……我没有查到") sends the user on too.
    says_not_found = any(NOT_FOUND in unit.text for _, units in parts for unit in units)
    # A statement rated low (a reprint, no official text seen) is shown 待核实, with where to confirm it.
    unconfirmed = any(unit.confidence == "low" for _, units in parts for unit in units)
    where = ""
    if missing or year_not_held or compared or says_not_found or unconfirmed:
        where = book.where(missing[0] if missing else (asked[0] if asked else None), kind=topic.kind)
    used = [unit for _, units in parts for unit in units]
    subject = topic.short or topic.name
    done = [*asked, *(a for unit in used for a in unit.aspects)]
    offered = [(book.ask(a, topic.kind, subject),) * 2 for a in suggestions(topic.statements, done)]
    return replace(
        base,
        parts=tuple((label, tuple(units)) for label, units in parts if units),
        missing=said,
        year_not_held=year_not_held,
        compared=compared,
        where=where,
        sources=sources,
        subject=subject,
        suggestions=tuple(offered),
        more=len(topic.statements) > len(used),
        general=general,
        unconfirmed=unconfirmed,
    )


def _label(topic: Topic, topics: list[Topic]) -> str:
    shorts = [t.short for t in topics]
    return topic.scope if shorts.count(topic.short) > 1 and topic.scope else topic.short or topic.name


# What a question about schooling speaks of, besides the vocabulary's programmes, channels,
# subsidies and levels (a place alone is not: "今天呼和浩特天气怎么样").
SCHOOLING = re.compile(
    r"学校|学院|大学|专业|学费|考试|招生|录取|毕业|中职|高职|大专|中专|职高|技校|升学|补助|资助|奖学金|助学|贷款"
    r"|单招|对口|专升本|本科|分数|志愿|报名|中考|高考|就业|找工作|工资|挣多少|收入"
)
AID_WORDS = re.compile(r"补助|资助|奖学金|助学|贷款|学费|免费|补贴|雨露")
EXAM_WORDS = re.compile(r"考试|录取|分数|志愿|报名|单招|对口|中考|高考|专升本|招生")


def about_schooling(question: Question) -> bool:
    return any(values for kind, values in question.values.items() if kind != "place") or bool(
        SCHOOLING.search(question.text)
    )


def unplaced_where(book: AspectBook, question: Question) -> str | None:
    """Where to ask a question about schooling that the model could not place and nothing
    answers: the school's 资助中心 for aid, the exam authority for exams, "" for anywhere
    (the general where); None when it is not about schooling at all."""
    if not about_schooling(question):
        return None
    if question.values.get("subsidy") or AID_WORDS.search(question.text):
        return book.where_to_ask["aid"]
    if question.values.get("channel") or EXAM_WORDS.search(question.text):
        return book.where_to_ask["exam"]
    return ""
