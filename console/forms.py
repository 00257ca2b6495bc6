"""What a counselor or administrator types into the console, checked and cleaned.

Each parser takes a form (a mapping of strings) and returns the cleaned values and the
Chinese messages of what is wrong; nothing here touches the database.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlsplit

from web.options import server_origin

SCHOOL_ID = re.compile(r"[a-z0-9][a-z0-9-]{1,59}")
USERNAME = re.compile(r"[A-Za-z0-9_.@-]{3,60}")
COLOR = re.compile(r"#[0-9a-fA-F]{6}")
PHONE = re.compile(r"[0-9+\-() （）转,，]{0,40}")
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
MAX_ORIGINS = 20
QUESTION_MAX = 300
ANSWER_MAX = 2000
TITLE_MAX = 30

Errors = list[str]


def text(form: Mapping[str, str], name: str) -> str:
    return (form.get(name) or "").strip().replace("\r\n", "\n")


def _plain(value: str, label: str, maximum: int, errors: Errors, required: bool = True) -> str:
    if required and not value:
        errors.append(f"请填写{label}。")
    elif len(value) > maximum:
        errors.append(f"{label}不超过 {maximum} 个字。")
    elif CONTROL.search(value):
        errors.append(f"{label}含有不可见的控制字符。")
    return value


def web_page(value: str, label: str, errors: Errors) -> str:
    """An http(s) address or nothing."""
    if not value:
        return ""
    parts = urlsplit(value)
    if len(value) > 300 or server_origin(value) is None or " " in value or CONTROL.search(value):
        errors.append(f"{label}必须是以 http:// 或 https:// 开头的完整网址。")
    return parts.geturl()


def origins(value: str, errors: Errors) -> list[str]:
    """One origin (scheme://host[:port]) per line, lower-cased, without paths."""
    found: list[str] = []
    for line in value.split():
        origin = server_origin(line)
        if origin is None or urlsplit(line).path not in ("", "/"):
            errors.append(f"“{line[:80]}”不是网站地址：每行写一个，例如 https://www.example.edu.cn（不带路径）。")
        elif origin not in found:
            found.append(origin)
    if len(found) > MAX_ORIGINS:
        errors.append(f"允许嵌入的网站最多 {MAX_ORIGINS} 个。")
    return found


@dataclass(frozen=True)
class SchoolProfile:
    name: str
    color: str
    widget_title: str
    allowed_origins: tuple[str, ...]
    admissions_phone: str
    admissions_url: str
    aid_phone: str
    aid_url: str

    def values(self) -> dict[str, str]:
        return {
            "name": self.name,
            "color": self.color,
            "widget_title": self.widget_title,
            "allowed_origins": "\n".join(self.allowed_origins),
            "admissions_phone": self.admissions_phone,
            "admissions_url": self.admissions_url,
            "aid_phone": self.aid_phone,
            "aid_url": self.aid_url,
        }


def school_profile(form: Mapping[str, str]) -> tuple[SchoolProfile, Errors]:
    errors: Errors = []
    color = text(form, "color").lower()
    if not COLOR.fullmatch(color):
        errors.append("主题颜色必须是 #rrggbb 格式，例如 #1a73e8。")
    phones = {}
    for name, label in (("admissions_phone", "招生办电话"), ("aid_phone", "资助中心电话")):
        phones[name] = text(form, name)
        if not PHONE.fullmatch(phones[name]):
            errors.append(f"{label}只能包含数字、空格、-、括号和“转”，不超过 40 个字符。")
    profile = SchoolProfile(
        name=_plain(text(form, "name"), "学校名称", 100, errors),
        color=color,
        widget_title=_plain(text(form, "widget_title") or "职教升学助手", "窗口标题", TITLE_MAX, errors),
        allowed_origins=tuple(origins(text(form, "allowed_origins"), errors)),
        admissions_phone=phones["admissions_phone"],
        admissions_url=web_page(text(form, "admissions_url"), "招生办网页", errors),
        aid_phone=phones["aid_phone"],
        aid_url=web_page(text(form, "aid_url"), "资助中心网页", errors),
    )
    return profile, errors


def new_school(form: Mapping[str, str]) -> tuple[tuple[str, str], Errors]:
    errors: Errors = []
    school_id = text(form, "id").lower()
    if not SCHOOL_ID.fullmatch(school_id):
        errors.append("学校代号用 2-60 个小写字母、数字或 -，例如 qingcheng-zhiye。")
    name = _plain(text(form, "name"), "学校名称", 100, errors)
    return (school_id, name), errors


@dataclass(frozen=True)
class Entry:
    question: str
    answer: str
    link: str


def entry(form: Mapping[str, str]) -> tuple[Entry, Errors]:
    errors: Errors = []
    return (
        Entry(
            question=_plain(text(form, "question"), "问题", QUESTION_MAX, errors),
            answer=_plain(text(form, "answer"), "回答", ANSWER_MAX, errors),
            link=web_page(text(form, "link"), "链接", errors),
        ),
        errors,
    )


def new_account(form: Mapping[str, str], school_ids: set[str]) -> tuple[dict[str, str | None], Errors]:
    errors: Errors = []
    username = text(form, "username")
    if not USERNAME.fullmatch(username):
        errors.append("用户名用 3-60 个字母、数字或 _.@-。")
    role = text(form, "role")
    school_id: str | None = text(form, "school_id") or None
    if role not in ("counselor", "admin"):
        errors.append("请选择账号类型。")
    elif role == "counselor" and school_id not in school_ids:
        errors.append("老师账号必须属于一所学校。")
    if role == "admin":
        school_id = None
    return {"username": username, "role": role, "school_id": school_id, "password": form.get("password") or ""}, errors
