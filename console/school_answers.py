"""What a school's own answers add to the assistant's replies on that school's site.

Pure functions over a school's profile and entries (read from the console database at
answer time by console/assistant_store.py), testable without a model or a database:

- `answer_first`: a question the school answers before the shared knowledge does: its
  招生办 or 资助中心 phone ("招生办电话多少"), or one of its entries when the question is
  about the school ("你们学校有3+2吗") or matches an entry closely ("学费多少");
- `answer_instead`: an entry that answers a question the assistant would otherwise decline;
- `with_offices`: a "where to ask" line followed by the school's office and phone;
- `outcome`: whether a reply answered, declined (an honest "not held") or was out of scope.

A reply from the school says so: "以下是XX老师提供的信息，更新于YYYY-MM-DD".
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache

from console.scrub import matching_words
from knowledge.answers import school_named
from knowledge.text import normalize, parts


@dataclass(frozen=True)
class School:
    id: str
    name: str
    allowed_origins: tuple[str, ...] = ()
    admissions_phone: str = ""
    admissions_url: str = ""
    aid_phone: str = ""
    aid_url: str = ""
    updated_at: datetime | None = None


@dataclass(frozen=True)
class Entry:
    id: int
    question: str
    answer: str
    link: str = ""
    updated_at: datetime | None = None


# How closely a question must match an entry (0..1, see `similarity`): to be answered by it
# before the shared knowledge; when it names the school ("你们学校…"); instead of a decline.
STRONG_MATCH = 0.75
OWN_SCHOOL_MATCH = 0.5
INSTEAD_OF_DECLINING = 0.5

ANSWERED = "answered"
DECLINED = "declined"
OUT_OF_SCOPE = "out_of_scope"

ADMISSIONS = "招生办"
AID = "资助中心"
BOTH = "both"
# A where_to_ask key (knowledge/sources/aspects.yaml) -> the school's offices that answer it;
# every other key (exam, tuition, school, admission, city, province) is the 招生办's.
OFFICE_FOR = {"aid": (AID,), BOTH: (ADMISSIONS, AID)}
DEFAULT_OFFICES = (ADMISSIONS,)

# The school the widget is on, named by the student.
OWN_SCHOOL = re.compile(r"本校|贵校|你校|咱校|我校|你们|咱们学校|咱们这|这个学校|这所学校")
_ADMISSIONS_OFFICE = re.compile(r"招生办|招办|招生处|招生办公室|招生老师|招生电话|招生咨询")
_AID_OFFICE = re.compile(r"资助中心|资助办|资助处|资助管理|资助老师|资助电话|学生资助")
_CONTACT = re.compile(r"电话|号码|手机|联系|怎么找|找谁|在哪|哪里|网站|网址|官网|网页|微信|地址")
_SCHOOL_CONTACT = re.compile(r"电话|联系方式|怎么联系|官网|网站|网址")
# What a reply says when it does not hold what was asked (actions/templates.py wording).
NOT_HELD = ("我没有", "没有查到", "资料里没有")
OUT_OF_SCOPE_RESPONSE = "utter_out_of_scope"
REPHRASE_RESPONSE = "utter_ask_rephrase"


def day(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d") if moment else ""


def from_school(school: School, moment: datetime | None, lines: Sequence[str], link: str = "") -> str:
    """A reply made of what the school's counselors wrote, saying so, with its date."""
    when = day(moment)
    said = [f"以下是{school.name}老师提供的信息" + (f"，更新于{when}：" if when else "：")]
    said += [line for line in lines if line]
    if link:
        said.append(f"详见：{link}")
    said.append(f"来源：{school.name}（学校老师提供" + (f"，{when}）" if when else "）"))
    return "\n".join(said)


def entry_reply(school: School, entry: Entry) -> str:
    return from_school(school, entry.updated_at, [entry.answer.strip()], entry.link.strip())


def office_contact(school: School, office: str) -> str:
    """ "XX学校招生办：电话 …，网页 …", or "" when the school gave neither."""
    phone, url = (
        (school.admissions_phone, school.admissions_url) if office == ADMISSIONS else (school.aid_phone, school.aid_url)
    )
    said = [f"电话 {phone.strip()}" if phone.strip() else "", f"网页 {url.strip()}" if url.strip() else ""]
    said = [s for s in said if s]
    return f"{school.name}{office}：{'，'.join(said)}" if said else ""


def office_asked(text: str) -> str | None:
    """The office whose phone or page the question asks for, if it asks for one."""
    question = normalize(text)
    if not _CONTACT.search(question):
        return None
    if _AID_OFFICE.search(question):
        return AID
    if _ADMISSIONS_OFFICE.search(question) or (OWN_SCHOOL.search(question) and _SCHOOL_CONTACT.search(question)):
        return ADMISSIONS
    return None


def about_another_school(text: str, school: School) -> bool:
    """The question names a school other than this one ("包头职业技术学院学费多少")."""
    named = school_named(text)
    return named is not None and named[0] not in school.name and school.name not in named[0]


def answer_first(text: str, school: School, entries: Sequence[Entry]) -> str | None:
    """The school's own answer to a question it answers before the shared knowledge, or None."""
    if about_another_school(text, school):
        return None
    office = office_asked(text)
    if office:
        contact = office_contact(school, office)
        if contact:
            return from_school(school, school.updated_at, [contact])
    threshold = OWN_SCHOOL_MATCH if OWN_SCHOOL.search(normalize(text)) else STRONG_MATCH
    entry = best_entry(text, entries, threshold)
    return entry_reply(school, entry) if entry else None


def answer_instead(text: str, school: School, entries: Sequence[Entry]) -> str | None:
    """An entry's answer to a question the assistant declined, or None."""
    if about_another_school(text, school):
        return None
    entry = best_entry(text, entries, INSTEAD_OF_DECLINING)
    return entry_reply(school, entry) if entry else None


@lru_cache(maxsize=4096)
def _words(text: str) -> frozenset[str]:
    return frozenset(matching_words(text))


# Words every kind of question uses: they count for less than what is asked about.
GENERIC_WORDS = frozenset(
    "有 有没有 没有 多少 什么 怎么 怎么样 如何 哪 哪些 哪个 吗 能 能不能 可以 可不可以 是 是不是 要 需要 会 "
    "学 读 上 去 办".split()
)
GENERIC_WEIGHT = 0.3


def _weight(word: str) -> float:
    return GENERIC_WEIGHT if word in GENERIC_WORDS else 1.0


def _covered(words: frozenset[str], by: frozenset[str]) -> float:
    """The share (by weight) of `words` found in `by`, a compound word counting when one of
    its parts is found ("有没有" by "有")."""
    total = sum(_weight(w) for w in words)
    if not total:
        return 0.0
    found = sum(_weight(w) for w in words if w in by or any(p in by for p in parts(w)))
    return found / total


def similarity(question: str, entry_question: str) -> float:
    """How closely two questions ask the same thing, 0..1: the harmonic mean of how much of
    each one's content words the other covers."""
    asked, written = _words(question), _words(entry_question)
    one, other = _covered(asked, written), _covered(written, asked)
    return 2 * one * other / (one + other) if one and other else 0.0


def best_entry(text: str, entries: Sequence[Entry], threshold: float) -> Entry | None:
    """The entry whose question is most like `text`, if it is at least `threshold` alike."""
    scored = [(similarity(text, entry.question), -index, entry) for index, entry in enumerate(entries)]
    best = max(scored, default=None, key=lambda s: (s[0], s[1]))
    return best[2] if best and best[0] >= threshold else None


def with_offices(reply: str, school: School, where_lines: Iterable[tuple[str, str]]) -> str:
    """`reply` with the school's office and phone after each "where to ask" line in it.

    `where_lines` are (key, line): a where_to_ask key of aspects.yaml ("aid" is the
    资助中心, the others the 招生办) or BOTH."""
    for key, line in where_lines:
        if line and line in reply:
            offices = OFFICE_FOR.get(key, DEFAULT_OFFICES)
            contacts = [c for c in (office_contact(school, office) for office in offices) if c]
            if contacts:
                reply = reply.replace(line, "\n".join([line, *contacts]), 1)
    return reply


def outcome(messages: Iterable[Mapping], where_lines: Iterable[str]) -> str:
    """What the reply did with the question: ANSWERED, DECLINED (says it does not hold the
    answer, or sends the user elsewhere for it) or OUT_OF_SCOPE."""
    messages = list(messages)
    if any(m.get("response") in (OUT_OF_SCOPE_RESPONSE, REPHRASE_RESPONSE) for m in messages):
        return OUT_OF_SCOPE  # a request to rephrase answered nothing either
    texts = [m.get("text") or "" for m in messages]
    sends_on = [line for line in where_lines if line]
    if any(phrase in text for text in texts for phrase in NOT_HELD) or any(
        line in text for text in texts for line in sends_on
    ):
        return DECLINED
    return ANSWERED
