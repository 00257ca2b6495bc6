"""Widget options as a counselor enters them, their validation, and the embed snippet."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlencode, urlsplit

DEFAULT_TITLE = "职教升学助手"
DEFAULT_COLOR = "#1a73e8"
TITLE_MAX = 30
SCHOOL_MAX = 60

_COLOR = re.compile(r"#[0-9a-fA-F]{6}")
# What may appear in an origin that goes into a CSP header: no spaces,
# semicolons or quotes that could add a directive.
_ORIGIN = re.compile(r"https?://[A-Za-z0-9.\-]+(:[0-9]{1,5})?|https?://\[[0-9A-Fa-f:.]+\](:[0-9]{1,5})?")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

ERROR_COLOR = "主题颜色必须是 #rrggbb 格式，例如 #1a73e8。"
ERROR_SERVER = "机器人服务器地址必须是以 http:// 或 https:// 开头的完整网址，例如 https://bot.example.edu.cn。"
ERROR_TITLE = f"标题不能为空，且不超过 {TITLE_MAX} 个字。"
ERROR_SCHOOL = f"学校名称不超过 {SCHOOL_MAX} 个字。"


def server_origin(url: str) -> str | None:
    """The scheme://host[:port] of an http(s) URL, or None if it is not one."""
    try:
        parts = urlsplit(url.strip())
        _ = parts.port  # raises ValueError for a bad port
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.hostname or "@" in parts.netloc:
        return None
    origin = f"{parts.scheme}://{parts.netloc}".lower()
    return origin if _ORIGIN.fullmatch(origin) else None


def normalise_server(url: str) -> str | None:
    """The bot server URL without query, fragment or trailing slash, or None if invalid."""
    origin = server_origin(url)
    if origin is None:
        return None
    path = urlsplit(url.strip()).path.rstrip("/")
    if _CONTROL.search(path) or " " in path:
        return None
    return origin + path


@dataclass(frozen=True)
class WidgetOptions:
    server: str
    title: str = DEFAULT_TITLE
    school: str = ""
    color: str = DEFAULT_COLOR
    # The name the widget shows when `school` is a console school's id (data-school-name).
    school_name: str = ""

    @classmethod
    def parse(cls, query: Mapping[str, str], default_server: str) -> tuple[WidgetOptions, list[str]]:
        """Options from a form or query string, and the Chinese error messages if any.

        The returned options echo what was entered even when invalid, so the
        form can be shown again with the counselor's input.
        """
        title = query.get("title", DEFAULT_TITLE).strip()
        school = query.get("school", "").strip()
        color = query.get("color", DEFAULT_COLOR).strip()
        server = query.get("server", default_server).strip()
        errors = []
        if not title or len(title) > TITLE_MAX or _CONTROL.search(title):
            errors.append(ERROR_TITLE)
        if len(school) > SCHOOL_MAX or _CONTROL.search(school):
            errors.append(ERROR_SCHOOL)
        if not _COLOR.fullmatch(color):
            errors.append(ERROR_COLOR)
        normalised = normalise_server(server)
        if normalised is None:
            errors.append(ERROR_SERVER)
        return cls(server=normalised or server, title=title, school=school, color=color.lower()), errors

    @property
    def server_origin(self) -> str | None:
        return server_origin(self.server)

    def query_string(self) -> str:
        return urlencode({"school": self.school, "title": self.title, "color": self.color, "server": self.server})

    def snippet(self, widget_url: str) -> str:
        """The <script> tag a school pastes into its pages, every value attribute-escaped."""
        attributes = [
            ("src", widget_url),
            ("data-server", self.server),
            ("data-title", self.title),
            ("data-school", self.school),
            ("data-color", self.color),
        ]
        if self.school_name:
            attributes.insert(4, ("data-school-name", self.school_name))
        rendered = " ".join(f'{name}="{html.escape(value, quote=True)}"' for name, value in attributes)
        return f"<script {rendered} async></script>"
