"""What a declined question keeps before it is stored for a school's counselors, and how
questions asked the same way are grouped.

`scrub` replaces phone numbers, ID numbers, e-mail addresses and the names a student or a
parent gives ("我叫王小明", "张三家孩子", "李老师") with placeholders. It errs on the side of
removing: a counselor loses a word of a question, never a family's phone number.

`group_key` is the question as its sorted content words: "单招什么时候报名？" and "请问单招
报名什么时候" share one key.
"""

from __future__ import annotations

import re
import unicodedata

from knowledge.text import normalize, parts, segment

PHONE = "[电话]"
ID_NUMBER = "[证件号]"
EMAIL = "[邮箱]"
NAME = "[姓名]"
NUMBER = "[号码]"

_SEPARATOR = r"[\s\-.·—–]*"
# Digits people separate with spaces, dashes or dots ("138 1234 5678", "0471-1234567").
_DIGITS = rf"\d(?:{_SEPARATOR}\d)"
# A resident ID: 17 digits and a digit or X (18 in all), or the old 15 digits.
_ID = re.compile(rf"(?<!\d){_DIGITS}{{16}}[\s\-]*[\dXx](?![\dA-Za-z])|(?<!\d){_DIGITS}{{14}}(?!\d)")
# A mobile (11 digits starting 1, with or without +86) or a landline (0 + area code + number).
_PHONE = re.compile(
    rf"(?:\+?86[\s\-]*)?(?<!\d)1[3-9](?:{_SEPARATOR}\d){{9}}(?!\d)|(?<!\d)0\d{{2,3}}{_SEPARATOR}\d(?:{_SEPARATOR}\d){{6,7}}(?!\d)"
)
# Any other run of 7 or more digits (QQ, 学籍号, a number written without a pattern).
_LONG_NUMBER = re.compile(rf"(?<!\d){_DIGITS}{{6,}}(?!\d)")
# A number spelt in Chinese numerals, 7 or more of them ("幺三八……").
_SPELT_NUMBER = re.compile(r"[零〇一二三四五六七八九幺两]{7,}")
_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")

# The commoner Chinese surnames; one that is also an everyday word in these questions
# (高 as in 高职, 中, 本, 职 …) is only taken as a name where a name pattern says so.
SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
    "姚卢姜崔钟谭陆汪范廖石贾韦夏付邹熊孟秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
    "乌白包云奇额巴敖"
)
_HAN = r"[\u4e00-\u9fff]"
# Words that follow 叫 without being a name: "叫什么", "叫做".
_NOT_A_NAME = ("什么", "啥", "做", "作", "我", "他", "她", "孩子", "学生", "家长")
# "我叫王小明", "孩子名字是李华", "姓名：张三": what follows is a name (2 to 4 characters).
_NAMED = re.compile(
    rf"((?:我|他|她|孩子|儿子|女儿|闺女|娃)叫|名叫|名字是|名字叫|姓名是?[:：]?|联系人[:：]?|我姓)"
    rf"\s*({_HAN}{{1,4}}|[A-Za-z]{{2,20}})"
)
# "张三家", "王小明同学", "李老师", "刘妈妈": a surname and one or two characters before a
# word that follows a person's name. Not before 里/庭/长 …: "高职家里" is no name.
_PERSON = (
    # "李老师", "王小明同学" (not "谢谢老师")
    re.compile(rf"(?<![谢感多致])([{SURNAMES}]{_HAN}{{0,2}}?)(的?(?:同学|老师))"),
    # "王小明的妈妈", "张三家" (not "钱家长", "周开家长会", "高职家里")
    re.compile(
        rf"([{SURNAMES}]{_HAN}{{1,2}}?)(的?(?:家长|妈妈|爸爸)(?!会)|他妈|他爸|家(?![里庭长乡境属人中教访务用会]))"
    ),
)
# "我是王小明，…": a surname and one or two characters, then the end of the phrase.
_I_AM = re.compile(rf"(我是|孩子是|我孩子是|我儿子是|我女儿是)([{SURNAMES}]{_HAN}{{1,2}})(?=[,，。.!！?？\s]|$)")
# Characters that are never in the given name of a name found by _PERSON (高职家, 中职家长),
# nor in a place that starts like a surname (包头, 乌海, 巴彦淖尔).
_NOT_IN_NAME = set("职校学中专本科考招生们的是有在和与跟读上个头海彦市旗县区盟镇村谢")


def scrub(text: str) -> str:
    """`text` (full-width digits and letters made half-width) without the phone numbers,
    ID numbers, e-mail addresses and names in it."""
    text = unicodedata.normalize("NFKC", text or "").strip()
    text = _EMAIL.sub(EMAIL, text)
    text = _ID.sub(ID_NUMBER, text)
    text = _PHONE.sub(PHONE, text)
    text = _LONG_NUMBER.sub(NUMBER, text)
    text = _SPELT_NUMBER.sub(NUMBER, text)
    text = _NAMED.sub(_named, text)
    text = _I_AM.sub(lambda m: m.group(1) + (m.group(2) if _NOT_IN_NAME & set(m.group(2)[1:]) else NAME), text)
    for person in _PERSON:
        text = person.sub(_person, text)
    return text


def _named(match: re.Match) -> str:
    said, name = match.group(1), match.group(2)
    if name.startswith(_NOT_A_NAME) or said.startswith("叫") and len(name) < 2:
        return match.group(0)
    if said == "我姓":  # "我姓王，孩子……": the surname only
        return said + NAME + name[1:]
    kept = "" if re.fullmatch(r"[A-Za-z]+", name) else name[3:]  # at most three characters are the name
    return said + NAME + kept


def _person(match: re.Match) -> str:
    name, after = match.group(1), match.group(2)
    if any(char in _NOT_IN_NAME for char in name[1:]):
        return match.group(0)
    return NAME + after


# Words that say nothing of what is asked: particles, greetings, pronouns, "please".
STOPWORDS = frozenset(
    "的 了 吗 呢 吧 啊 呀 嘛 么 哦 噢 哈 啦 喔 请问 请 问 问下 问一下 一下 你好 您好 老师 "
    "我 你 您 他 她 我们 你们 咱们 想 想要 想问 知道 是 就 还 也 都 又 和 与 跟 及 "
    "这个 那个 这 那 个 一个 下 呗 哇 谢谢 麻烦".split()
)
# The words that name the school the widget is on ("你们学校", "本校").
_OWN_SCHOOL = frozenset("学校 本校 贵校 你校 我校 咱校 这所 这个学校".split())
GROUP_KEY_MAX = 200
_PLACEHOLDER = re.compile("|".join(re.escape(p) for p in (PHONE, ID_NUMBER, EMAIL, NAME, NUMBER)))


def content_words(text: str) -> list[str]:
    """The words of `text` that say what is asked, in order, each once."""
    words = [w for w in segment(_PLACEHOLDER.sub(" ", text)) if w not in STOPWORDS]
    return list(dict.fromkeys(words))


def group_key(text: str) -> str:
    """The question's content words, sorted: the same question asked in other words order
    or punctuation has the same key."""
    words = sorted(set(content_words(text)))
    key = " ".join(words) or re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))
    return key[:GROUP_KEY_MAX]


# Phrases a school's questions ask the same thing with: each is compared as its group's first.
_SAME_ASKING = [
    (phrase, group[0])
    for group in (
        ("地址", "在哪里", "在哪儿", "在哪", "什么地方", "哪个地方", "位置", "地点"),
        ("电话", "联系方式", "联系电话", "手机号", "号码"),
        ("住宿", "宿舍", "住校"),
        ("学费", "收费", "多少钱"),
    )
    for phrase in group[1:]
]
_SAME_ASKING_PATTERN = re.compile("|".join(re.escape(p) for p, _ in sorted(_SAME_ASKING, key=lambda p: -len(p[0]))))
_CANONICAL = dict(_SAME_ASKING)


def matching_words(text: str) -> set[str]:
    """Content words for comparing a question with a school's entries: compounds split into
    their words ("学校地址" is 学校, 地址), without the words that only name the school
    ("你们学校有3+2吗" asks about 3+2), and the phrases that ask the same thing made one
    ("在哪" and "地址")."""
    same = _SAME_ASKING_PATTERN.sub(lambda m: _CANONICAL[m.group(0)], normalize(text))
    words = set()
    for word in content_words(same):
        words |= set(parts(word) or (word,))
    return {w for w in words if w not in _OWN_SCHOOL and w not in STOPWORDS}
