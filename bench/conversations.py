"""The conversations `make bench` holds with the assistant, and what counts as a failed reply.

Shared by the load generator (bench/locustfile.py) and the bench's rehearsal
(bench/run.py); the floor bot's training data (bench/floor/data/nlu.yml) holds
every message, so the floor answers each one too.
"""

from __future__ import annotations

from dataclasses import dataclass

# What the user sees when something behind the REST channel failed: an error, even with
# HTTP 200 (connectors/action_guard.py and connectors/rest.py; a test keeps them equal).
ACTION_UNAVAILABLE_REPLY = "暂时无法查询，请稍后再试。"
UNAVAILABLE_REPLY = "暂时无法回答，请稍后再试。"


@dataclass(frozen=True)
class Turn:
    """One message and what the assistant's reply must contain (or must not)."""

    text: str
    expect: str = ""
    forbid: str = ""


# The parts every visitor goes through, in a different order each.
SCHOOL_COUNT = (
    Turn("内蒙古现在一共有多少所职业院校？", expect="237"),
    Turn("那高职呢？", expect="37"),
)
ADMISSION = (
    Turn("单招考什么", expect="文化素质"),
    Turn("对口招生呢？", expect="来源："),
)
ELIGIBILITY_CHECK = (
    Turn("帮我查一下孩子能享受哪些资助", expect="中职"),
    Turn("中职", expect="几年级"),
    Turn("一年级", expect="经济困难"),
    Turn("家里不困难", expect="户口"),
    Turn("城市户口", expect="涉农"),
    Turn("不是涉农专业", expect="免学费"),
)

# Three visitors: a counselor who starts with the figures, a parent who checks what the
# family can get, a student comparing admission routes. Each asks statistics with a
# follow-up, policy questions, the eligibility check step by step and one question the
# assistant does not answer.
CONVERSATIONS: tuple[tuple[Turn, ...], ...] = (
    (
        Turn("你好"),
        *SCHOOL_COUNT,
        *ADMISSION,
        Turn("3+2是什么", expect="来源："),
        Turn("中职国家助学金多少钱", expect="来源："),
        *ELIGIBILITY_CHECK,
        Turn("今天呼和浩特天气怎么样", forbid="来源："),
        Turn("谢谢"),
    ),
    (
        *ELIGIBILITY_CHECK,
        Turn("中职国家助学金多少钱", expect="来源："),
        Turn("3+2是什么", expect="来源："),
        *SCHOOL_COUNT,
        Turn("能帮我写一篇作文吗", forbid="来源："),
        Turn("谢谢"),
    ),
    (
        Turn("你好"),
        *ADMISSION,
        Turn("3+2是什么", expect="来源："),
        Turn("中职国家助学金多少钱", expect="来源："),
        *SCHOOL_COUNT,
        Turn("今天呼和浩特天气怎么样", forbid="来源："),
        *ELIGIBILITY_CHECK,
        Turn("谢谢"),
    ),
)


# One conversation held for LONG_MESSAGES messages beside the load (bench/run.py): these 21
# turns over and over. 21 divides 189, so messages 190-199 repeat messages 1-10 word for
# word (and 200 repeats 11): the late messages cost what the early ones cost unless the
# length of the conversation itself costs something.
LONG_CYCLE: tuple[Turn, ...] = (
    Turn("你好"),
    *SCHOOL_COUNT,
    *ELIGIBILITY_CHECK,
    Turn("3+2是什么", expect="来源："),
    *ADMISSION,
    Turn("中职国家助学金多少钱", expect="来源："),
    Turn("今天呼和浩特天气怎么样", forbid="来源："),
    Turn("能帮我写一篇作文吗", forbid="来源："),
    *SCHOOL_COUNT,
    *ADMISSION,
    Turn("谢谢"),
    Turn("3+2是什么", expect="来源："),
)
LONG_MESSAGES = 200
EARLY_MESSAGES = range(1, 11)  # messages 1-10 of the long conversation
LATE_MESSAGES = range(190, 201)  # messages 190-200


def long_conversation(messages: int = LONG_MESSAGES) -> list[Turn]:
    return [LONG_CYCLE[i % len(LONG_CYCLE)] for i in range(messages)]


def reply_problem(status: int, messages: object, turn: Turn, check_answer: bool) -> str:
    """Why a reply counts as an error ("" when it does not)."""
    if status != 200:
        return f"HTTP {status}"
    if not isinstance(messages, list) or not messages:
        return "no reply"
    text = "\n".join(str(m.get("text") or "") for m in messages if isinstance(m, dict))
    if ACTION_UNAVAILABLE_REPLY in text or UNAVAILABLE_REPLY in text:
        return "apology"
    if check_answer and ((turn.expect and turn.expect not in text) or (turn.forbid and turn.forbid in text)):
        return "wrong answer"
    return ""
