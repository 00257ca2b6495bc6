"""What the WeChat channel (connectors/wechat.py) turns Rasa's messages into, and back.

A 公众号 passive reply is one plain text of at most 2048 bytes (UTF-8), with no buttons.
So a reply's buttons become numbered lines ("回复 1：中职"), a digit the user sends back
selects the button's payload, and a reply longer than the limit is shortened without
losing its 来源 line: the line is first cut to each source's issuer and date, then the
answer above it is cut.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

MAX_REPLY_BYTES = 2048
SOURCE_PREFIX = "来源："
CUT_MARK = "……（内容较长，已省略部分）"
_SOURCE_SEPARATOR = "；"
_OPENING, _CLOSING = "《（(", "》）)"
_DATE = re.compile(r"\d{4}(?:年(?:\d{1,2}月(?:\d{1,2}日)?)?|[-./]\d{1,2}(?:[-./]\d{1,2})?)?")
# Full-width digits (the Chinese keyboard's default) read as their ASCII forms.
_FULL_WIDTH_DIGITS = str.maketrans("０１２３４５６７８９", "0123456789")


@dataclass(frozen=True)
class Option:
    title: str
    payload: str


def render(messages: Iterable[dict[str, Any]]) -> tuple[str, list[Option]]:
    """Rasa's collected bot messages as one text and the options of the last that has buttons."""
    texts: list[str] = []
    options: list[Option] = []
    for message in messages:
        text = message.get("text")
        if isinstance(text, str) and text.strip():
            texts.append(text.strip())
        buttons = message.get("buttons")
        if buttons:
            options = [
                Option(str(b.get("title") or b.get("payload")), str(b.get("payload") or b.get("title")))
                for b in buttons
                if isinstance(b, dict) and (b.get("title") or b.get("payload"))
            ]
    return "\n\n".join(texts), options


def option_lines(options: Iterable[Option]) -> list[str]:
    return [f"回复 {number}：{option.title}" for number, option in enumerate(options, start=1)]


def compose(text: str, options: Iterable[Option] = (), limit: int = MAX_REPLY_BYTES) -> str:
    """The reply as WeChat shows it: the text, then the numbered options, within `limit` bytes.

    The options and the 来源 lines are kept whole; if the reply is too long, the 来源 lines
    are shortened to issuer and date first, and only then is the text above them cut.
    """
    lines = text.splitlines()
    sources = [line for line in lines if line.startswith(SOURCE_PREFIX)]
    body = "\n".join(line for line in lines if not line.startswith(SOURCE_PREFIX)).rstrip()
    tail = option_lines(options)
    reply = _join(body, sources, tail)
    if _size(reply) <= limit:
        return reply
    sources = [shorten_source_line(line) for line in sources]
    reply = _join(body, sources, tail)
    if _size(reply) <= limit:
        return reply
    room = limit - _size(_join(CUT_MARK, sources, tail))
    if room <= 0:  # the sources and options alone are too long: keep what fits of them
        return cut_to_bytes(_join("", sources, tail), limit)
    return _join(cut_to_bytes(body, room).rstrip() + CUT_MARK, sources, tail)


def shorten_source_line(line: str) -> str:
    """ "来源：《title》，issuer，doc number，date；…" as "来源：issuer，date；…"."""
    shortened = []
    for citation in _split_outside_brackets(line.removeprefix(SOURCE_PREFIX), _SOURCE_SEPARATOR):
        parts = [part.strip() for part in _split_outside_brackets(citation, "，") if part.strip()]
        named = parts[1:] if parts and parts[0].startswith("《") else parts  # without the title
        if not named:
            shortened.append(citation.strip())
            continue
        dates = [match.group() for match in map(_DATE.match, named[1:]) if match]
        shortened.append("，".join([named[0], *dates[-1:]]))
    return SOURCE_PREFIX + _SOURCE_SEPARATOR.join(dict.fromkeys(shortened))


def _split_outside_brackets(text: str, separator: str) -> list[str]:
    """`text` split at `separator` where it is not inside 《》, （） or ()."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in text:
        if char in _OPENING:
            depth += 1
        elif char in _CLOSING:
            depth = max(depth - 1, 0)
        if char == separator and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    return [*parts, "".join(current)]


def cut_to_bytes(text: str, limit: int) -> str:
    """The longest prefix of `text` of at most `limit` UTF-8 bytes (never half a character)."""
    return text.encode("utf-8")[: max(limit, 0)].decode("utf-8", "ignore")


def read_number(text: str) -> int | None:
    """The number a reply like "1", "１" or " 2 " selects, or None if it is not just a number."""
    normalised = text.strip().translate(_FULL_WIDTH_DIGITS)
    if re.fullmatch(r"[0-9]{1,2}", normalised):
        return int(normalised)
    return None


def _join(body: str, sources: list[str], tail: list[str]) -> str:
    return "\n".join(part for part in [body, *sources] if part) + ("\n\n" + "\n".join(tail) if tail else "")


def _size(text: str) -> int:
    return len(text.encode("utf-8"))
