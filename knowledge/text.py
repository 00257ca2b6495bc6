"""Text normalisation and segmentation shared by the builder, the query class and actions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from knowledge import settings

_WHITESPACE = re.compile(r"\s+")
NUMBER = re.compile(r"\d+(?:\.\d+)?")

# Characters users type in traditional script or as near-homophones of domain words.
# Kept small and explicit: each entry is a mistake seen in how students write.
_REWRITES = {
    "單招": "单招",
    "单召": "单招",
    "丹招": "单招",
    "中值": "中职",
    "忠职": "中职",
    "高值": "高职",
    "職": "职",
    "學": "学",
    "費": "费",
    "獎": "奖",
    "補": "补",
    "貼": "贴",
    "們": "们",
    "業": "业",
    "專": "专",
    "這": "这",
    "麼": "么",
    "個": "个",
    "幾": "几",
    "數": "数",
    "錢": "钱",
    "內": "内",
    "區": "区",
    "貫": "贯",
    "助学今": "助学金",
    "3加2": "3+2",
    "三加二": "3+2",
}
_REWRITE_PATTERN = re.compile("|".join(sorted(map(re.escape, _REWRITES), key=len, reverse=True)))


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, common misspellings rewritten."""
    text = unicodedata.normalize("NFKC", text or "").lower().strip()
    return _REWRITE_PATTERN.sub(lambda m: _REWRITES[m.group(0)], text)


def strip_whitespace(text: str) -> str:
    """The article is PDF-extracted: spaces and line breaks fall anywhere, even in numbers."""
    return _WHITESPACE.sub("", text or "")


@lru_cache(maxsize=1)
def _jieba():
    import jieba

    jieba.setLogLevel(60)
    tokenizer = jieba.Tokenizer()
    if settings.JIEBA_DICT.exists():
        tokenizer.load_userdict(str(settings.JIEBA_DICT))
    return tokenizer


@lru_cache(maxsize=1)
def _tagger():
    from jieba.posseg import POSTokenizer

    return POSTokenizer(_jieba())


def tagged(text: str) -> list[tuple[str, str]]:
    """(word, part of speech) pairs of `text` (normalised), without whitespace."""
    return [(pair.word, pair.flag) for pair in _tagger().cut(normalize(text)) if pair.word.strip()]


def segment(text: str) -> list[str]:
    """Words of `text` (normalised), without whitespace or punctuation."""
    words = _jieba().lcut(normalize(text))
    return [w for w in words if w.strip() and not _is_punctuation(w)]


def _is_punctuation(word: str) -> bool:
    return all(unicodedata.category(ch).startswith(("P", "S")) and ch != "+" for ch in word)
