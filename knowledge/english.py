"""Questions typed in English, read as the Chinese the knowledge base uses.

Only the phrases of knowledge/sources/english.yaml are read, longest first and as whole
words; everything else stays as typed. The pattern is a plain alternation of literal phrases
between word boundaries: its time is linear in the question.
"""

from __future__ import annotations

import re


class EnglishReader:
    def __init__(self, phrases: dict[str, str]):
        self.phrases = {phrase.lower(): chinese for phrase, chinese in phrases.items()}
        ordered = sorted(self.phrases, key=len, reverse=True)
        self._pattern = re.compile(r"\b(?:" + "|".join(map(re.escape, ordered)) + r")\b") if ordered else None

    def to_chinese(self, text: str) -> str:
        """`text` with the known English phrases replaced; text with any Chinese is left alone."""
        if self._pattern is None or any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return text
        return self._pattern.sub(lambda m: self.phrases[m.group()], text.lower())
