"""Text normalisation and segmentation shared by the builder, the query class and actions."""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

from knowledge import settings

_WHITESPACE = re.compile(r"\s+")
NUMBER = re.compile(r"\d+(?:\.\d+)?")
# A year: four digits from 1900 to 2099, not part of a longer number (13920221234) and not
# an amount or a count (学费2000元, 1900人); or, as people write it, two digits from 10 to 29
# before 年 ("22年单招", "22年内蒙古…"), but not a span of years ("近10年", "12年前", "读了12年",
# "10年内") or a grade.
YEAR = re.compile(
    r"(?<!\d)((?:19|20)\d\d)(?!\d|\s*[元块万亿人名所个%])"
    r"|(?<![\d.近这前过后多几第每读了满])([12]\d)(?=年(?![级制前后来间里多底以]|内(?!蒙)))"
)


def year_of(match: re.Match) -> int:
    """The year a YEAR match names: 2022 for "2022" and for "22"."""
    four, two = match.group(1), match.group(2)
    return int(four) if four else 2000 + int(two)


# Characters users type in traditional script or as near-homophones of domain words.
# Kept small and explicit: each entry is a mistake seen in how students write.
_REWRITES = {
    "單招": "单招",
    "单召": "单招",
    "丹招": "单招",
    "中值": "中职",
    "忠职": "中职",
    "高值": "高职",
    "搞职": "高职",
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
    # Japanese forms a Japanese input method types, which zhconv leaves alone (単招, 専升本).
    "単": "单",
    "専": "专",
    "転": "转",
    "対": "对",
    "経": "经",
    "験": "验",
    "関": "关",
    "総": "总",
    "広": "广",
    "図": "图",
    "応": "应",
    "済": "济",
    "続": "续",
    "変": "变",
    "助学今": "助学金",
    "3加2": "3+2",
    "三加二": "3+2",
}
_REWRITE_PATTERN = re.compile("|".join(sorted(map(re.escape, _REWRITES), key=len, reverse=True)))


def normalize(text: str) -> str:
    """Full-width to half-width (NFKC), lower case, common misspellings rewritten."""
    return _normalized(text or "").strip()


@lru_cache(maxsize=4096)
def _normalized(text: str) -> str:
    """normalize_keeping_positions(text)[0], kept: every step of an answer reads the same
    question again (about a tenth of the action server's time per message, issue 17)."""
    return normalize_keeping_positions(text)[0]


def normalize_keeping_positions(text: str) -> tuple[str, list[int]]:
    """normalize(), unstripped, with the index in `text` of each character of the result
    (NFKC may turn one character into several: …… into ......, ㎡ into m2)."""
    chars: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text or ""):
        for normal in unicodedata.normalize("NFKC", char).lower():
            chars.append(normal)
            origin.append(index)
    # Every rewrite keeps the length (單 → 单, 单召 → 单招, 三加二 → 3+2), so the positions still hold.
    simplified = "".join(chars).translate(_simplified_characters())
    return _REWRITE_PATTERN.sub(lambda m: _REWRITES[m.group(0)], simplified), origin


@lru_cache(maxsize=1)
def _simplified_characters() -> dict[int, str]:
    """Traditional characters and their simplified forms, one character for one (國 → 国,
    勵 → 励), from zhconv's zh-cn table. A character that is itself the simplified form of
    another (著, 乾) is kept: in simplified text it is already right."""
    from zhconv.zhconv import getdict

    pairs = {k: v for k, v in getdict("zh-cn").items() if len(k) == 1 and len(v) == 1 and k != v}
    targets = set(pairs.values())
    return {ord(k): v for k, v in pairs.items() if k not in targets and unicodedata.category(k).startswith("L")}


def longest_first(aliases) -> list[tuple[str, str]]:
    """(alias, canonical) pairs, aliases normalised, longest first: the order find_aliases needs."""
    normalized = ((normalize(alias), canonical) for alias, canonical in aliases)
    return sorted(normalized, key=lambda p: len(p[0]), reverse=True)


def find_aliases(text: str, aliases: list[tuple[str, str]]) -> list[tuple[str, int, int]]:
    """(canonical, start, end) of the values `text` names, in text order; start and end
    index normalize_keeping_positions(text)[0].

    `aliases` come from longest_first: a longer alias wins over the shorter ones inside it
    ("交不起学费" is 绿色通道, not 免学费), and each part of the text is used once. Each
    value is reported once, where it is first named."""
    remaining = _normalized(text or "")
    found: dict[str, tuple[int, int]] = {}
    for alias, canonical in aliases:
        start = remaining.find(alias) if alias else -1
        if start >= 0:
            # Blank it out with the same length so later positions stay comparable, and a
            # shorter alias cannot be found inside it.
            remaining = remaining.replace(alias, " " * len(alias))
            found.setdefault(canonical, (start, start + len(alias)))
    return sorted(((canonical, *span) for canonical, span in found.items()), key=lambda f: f[1])


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


def dictionary_words(text: str) -> list[str]:
    """Words of `text` (normalised) as the dictionaries have them, without whitespace,
    punctuation kept. A run of characters the dictionaries do not know stays single
    characters (no HMM guessing), so each can be tagged from the dictionary (tag_of)."""
    return [w for w in _jieba().lcut(normalize(text), HMM=False) if w.strip()]


# Parts of speech (jieba's tag set) that matching.counted_words tells apart from nouns:
# numerals, measure words, conjunctions and particles bridge 多少 to the noun it counts.
BRIDGE_TAGS = frozenset({"m", "q", "c", "uj", "ul"})
_NOUN_TAGS = ("vn", "j", "b", "l", "an")  # and every tag starting with n
_NUMBER_WORD = re.compile(r"\d+(?:\.\d+)?%?")
_HAN = re.compile(r"[\u4e00-\u9fff]")


def is_noun_tag(tag: str) -> bool:
    return tag.startswith("n") or tag in _NOUN_TAGS


def dictionary_tags():
    """(word, part of speech) of every word of jieba's dictionary and ours that is not a noun.

    The knowledge base stores these (knowledge/build.py) so that serving needs neither
    jieba's part-of-speech tagger nor its 350,000-word tag table in memory (~95 MB, most
    of the action server's): a Chinese word found there is what it says, any other is a
    noun (tag_of), which is what the tagger makes of most words it does not know, too."""
    import jieba

    main_dict = Path(_jieba().dictionary or Path(jieba.__file__).parent / "dict.txt")
    tags: dict[str, str] = {}
    for path in (main_dict, settings.JIEBA_DICT):
        if not path.exists():
            continue
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) == 3:
                tags[parts[0]] = parts[2]
    return ((word, tag) for word, tag in tags.items() if not is_noun_tag(tag))


def tag_of(word: str, stored: dict[str, str]) -> str:
    """A word's part of speech, given the non-noun tags the knowledge base holds for it."""
    if word in stored:
        return stored[word]
    if _NUMBER_WORD.fullmatch(word):
        return "m"
    return "n" if _HAN.search(word) else "eng" if word.isascii() and word.isalnum() else "x"


def segment(text: str) -> list[str]:
    """Words of `text` (normalised), without whitespace or punctuation."""
    words = _jieba().lcut(normalize(text))
    return [w for w in words if w.strip() and not _is_punctuation(w)]


@lru_cache(maxsize=4096)
def parts(word: str) -> tuple[str, ...]:
    """The shorter dictionary words inside a compound word: 录取人数 -> 录取, 人数."""
    inner = [w for w in _jieba().lcut_for_search(word) if w != word]
    return tuple(w for w in inner if not any(w != other and w in other for other in inner))


def _is_punctuation(word: str) -> bool:
    return all(unicodedata.category(ch).startswith(("P", "S")) and ch != "+" for ch in word)
