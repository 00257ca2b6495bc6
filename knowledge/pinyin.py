"""Questions typed in pinyin read as Chinese: "zhongzhi gaozhi yigong duoshao suo xuexiao" is
中职高职一共多少所学校, "dan zhao lu qu ren shu" is 单招录取人数.

Only the words this assistant knows are read: every name in the vocabulary
(knowledge/sources/vocabulary.yaml), the jieba dictionary of the domain and the common words
of a question (COMMON). A run of Latin letters becomes Chinese only when all of it spells such
words and one of them has two syllables or more, so English ("how many students", "a good
choice") is left as it is. Each Chinese word keeps the span of the letters it was read from,
so that tokens and entities still point into the message the user typed.

The spellings are made with pypinyin when the knowledge base is built and when the model is
trained, and stored with each (the `pinyin` table, the tokenizer's resource): the action
server and the Rasa server read them without loading pypinyin's dictionaries.
"""

from __future__ import annotations

import re

from knowledge import settings

# How users ask, beyond the domain's names: the words of a question and its particles. The
# first reading of a spelling wins, so these come before the dictionary's rarer words.
COMMON = """
多少 几个 几所 几年 一共 总共 加起来 学校 院校 大学 学生 孩子 人数 多少钱 多少人 什么 怎么 怎么样 为什么
哪些 哪个 哪里 可以 能不能 需要 申请 报名 考试 录取 分数 分数线 专业 大类 覆盖 现在 今年 去年 每年 一年
补助 补贴 学费 免费 免学费 生活费 住宿费 助学金 奖学金 贷款 条件 家庭 困难 农村 城市 户口 毕业 升学 工作
就业 本科 专科 高中 初中 普高 中考 高考 读书 上学 在校生 老师 教师 招生 招了 名额 资助 政策 内蒙古 全区
要求 时间 时候 流程 材料 区别 不同 一样 好不好 值得 出路 以后 还是 或者 还能 能否 是否 有没有 是不是
一个 两个 三年 五年 二年级 一年级 三年级 文化 技能 素质 职业 教育 国家 自治区 成绩 班级 第一 排名 合适 选择
你好 谢谢 再见 拜拜 机器人 真人 人工 请问 问一下 一下 想问
所 个 几 人 吗 呢 啊 的 是 有 能 考 读 了 和 跟 在 哪 多 少 我 你 他 她 家 还 要 想 去 上 钱 年 吧 么
""".split()
# A run of Latin letters, with the spaces, apostrophes and hyphens inside it.
_RUN = re.compile(r"[A-Za-z]+(?:[\s'’-]+[A-Za-z]+)*")
# A word that could be pinyin at all: syllables of an optional initial and a final. Most
# English words are not ("the", "quick", "students"), which keeps the reading of a long
# English message cheap. Checked by could_be_pinyin() in time linear in the word: a regex
# of repeated alternatives that overlap ("a", "ai", "i") backtracks exponentially on a word
# that nearly spells syllables ("aiaiai…aiq": 85 s at 41 letters, issue 14).
_INITIALS = ("", "zh", "ch", "sh", *"bpmfdtnlgkhjqxrzcsyw")
_FINALS = (
    "iang",
    "iong",
    "uang",
    "ang",
    "eng",
    "ing",
    "ong",
    "ian",
    "iao",
    "uai",
    "uan",
    "ai",
    "ei",
    "ao",
    "ou",
    "an",
    "en",
    "in",
    "un",
    "ia",
    "ie",
    "iu",
    "ua",
    "uo",
    "ui",
    "ue",
    "ve",
    "er",
    "a",
    "o",
    "e",
    "i",
    "u",
    "v",
)
SYLLABLES = frozenset(initial + final for initial in _INITIALS for final in _FINALS)
_LONGEST_SYLLABLE = max(map(len, SYLLABLES))


def could_be_pinyin(word: str) -> bool:
    """Whether `word` (lower case) is one or more SYLLABLES written together."""
    # spelled[i]: word[:i] is whole syllables; each position looks back at most 6 letters.
    spelled = [True] + [False] * len(word)
    for end in range(1, len(word) + 1):
        spelled[end] = any(
            spelled[start] and word[start:end] in SYLLABLES for start in range(max(0, end - _LONGEST_SYLLABLE), end)
        )
    return len(word) > 0 and spelled[-1]


# The most words one stretch of pinyin is read across.
MAX_WORDS = 12
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LETTERS = re.compile(r"[A-Za-z]+")
_WORD = ""  # the trie key that marks a whole spelling: no letter is empty


def build_lexicon(vocabulary: dict[str, dict[str, list[str]]]) -> dict[str, str]:
    """Toneless pinyin (letters only, lower case) -> the Chinese word it spells, for the words
    of a vocabulary (vocabulary.yaml), the jieba dictionary and COMMON."""
    from pypinyin import Style, lazy_pinyin

    words = list(COMMON)
    words += [
        name
        for values in vocabulary.values()
        for canonical, aliases in values.items()
        for name in (canonical, *aliases)
    ]
    if settings.JIEBA_DICT.exists():
        words += [
            line.split()[0] for line in settings.JIEBA_DICT.read_text(encoding="utf-8").splitlines() if line.strip()
        ]
    spelled: dict[str, str] = {}
    for word in words:
        if all(_CJK.match(ch) for ch in word):
            spelled.setdefault("".join(lazy_pinyin(word, style=Style.NORMAL)), word)
    return spelled


class PinyinReader:
    """Reads the pinyin in a message with a lexicon made by build_lexicon().

    Reading takes time linear in the message: each stretch of at most MAX_WORDS words is
    segmented once, walking a trie of the spellings from each position a reading reaches.
    """

    def __init__(self, spelled: dict[str, str]) -> None:
        # Letter by letter; _WORD marks where a spelling ends and holds its Chinese word.
        self._trie: dict = {}
        for spelling, word in spelled.items():
            node = self._trie
            for letter in spelling:
                node = node.setdefault(letter, {})
            node[_WORD] = word

    def spans(self, text: str) -> list[tuple[int, int, list[tuple[str, int, int]]]]:
        """(start, end, [(Chinese word, start, end) …]) for each stretch of `text` spelled in
        pinyin: the longest run of whole Latin words that reads as known words ("what about
        gaozhi" has one, gaozhi)."""
        found = []
        for run in _RUN.finditer(text):
            words = [(run.start() + m.start(), run.start() + m.end()) for m in _LETTERS.finditer(run.group())]
            first = 0
            while first < len(words):
                # Only words that could be pinyin, and at most MAX_WORDS of them, make a stretch.
                end = first
                while (
                    end < len(words)
                    and end - first < MAX_WORDS
                    and could_be_pinyin(text[words[end][0] : words[end][1]].lower())
                ):
                    end += 1
                last, stretch = self._longest_stretch(text, words[first:end])
                if stretch:
                    found.append(stretch)
                first += max(last, 1)
        return found

    def to_hanzi(self, text: str) -> str:
        """`text` with its pinyin written in Chinese."""
        return self.to_hanzi_keeping_positions(text)[0]

    def to_hanzi_keeping_positions(self, text: str) -> tuple[str, list[int], list[int]]:
        """`text` in Chinese, and for each of its characters where the letters it was read
        from start and end in `text` (a character that was not pinyin is its own span)."""
        converted: list[str] = []
        starts: list[int] = []
        ends: list[int] = []
        at = 0
        for start, end, words in self.spans(text):
            converted.append(text[at:start])
            starts += range(at, start)
            ends += range(at + 1, start + 1)
            for word, word_start, word_end in words:
                converted.append(word)
                starts += [word_start] * len(word)
                ends += [word_end] * len(word)
            at = end
        converted.append(text[at:])
        starts += range(at, len(text))
        ends += range(at + 1, len(text) + 1)
        return "".join(converted), starts, ends

    def _longest_stretch(
        self, text: str, words: list[tuple[int, int]]
    ) -> tuple[int, tuple[int, int, list[tuple[str, int, int]]] | None]:
        """How many of `words` the longest readable stretch from the first takes, and that
        stretch (None, with 0 words, when no stretch reads)."""
        # Letters of the words, each with its position in `text`.
        letters = [(text[i].lower(), i) for start, end in words for i in range(start, end)]
        best = self._fewest_words("".join(ch for ch, _ in letters))
        # A reading of letters[:k] is the reading of the words ending at k: the fewest words
        # for a prefix do not depend on the letters after it.
        boundaries = [0]
        for start, end in words:
            boundaries.append(boundaries[-1] + end - start)
        for count in range(len(words), 0, -1):
            read = _path(best, boundaries[count])
            if read and not all(len(word) == 1 for word, _, _ in read):
                return count, (
                    words[0][0],
                    words[count - 1][1],
                    [(word, letters[i][1], letters[j - 1][1] + 1) for word, i, j in read],
                )
        return 0, None

    def _fewest_words(self, letters: str) -> list[tuple[int, int, str] | None]:
        """best[i]: the fewest known words that spell letters[:i] exactly, as (count, where
        the last word starts, the last word), or None; best[0] is the empty reading."""
        best: list[tuple[int, int, str] | None] = [None] * (len(letters) + 1)
        best[0] = (0, -1, "")
        for start in range(len(letters)):
            reached = best[start]
            if reached is None:
                continue
            count = reached[0] + 1
            node = self._trie
            for end in range(start, len(letters)):
                following = node.get(letters[end])
                if following is None:
                    break
                node = following
                word = node.get(_WORD)
                # Strictly fewer: among equal readings the one found first (earliest start) stays.
                there = best[end + 1]
                if word and (there is None or count < there[0]):
                    best[end + 1] = (count, start, word)
        return best


def _path(best: list[tuple[int, int, str] | None], end: int) -> list[tuple[str, int, int]] | None:
    """The words of the reading best[end], in order, as (word, start, end); None if none."""
    if best[end] is None or end == 0:
        return None
    read = []
    while end > 0:
        step = best[end]
        assert step is not None, "a reading's every word was reached"
        _, start, word = step
        read.append((word, start, end))
        end = start
    return read[::-1]
