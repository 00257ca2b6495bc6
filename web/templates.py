"""HTML pages from string.Template files, with every value escaped unless marked Safe."""

from __future__ import annotations

import html
from pathlib import Path
from string import Template

TEMPLATE_DIR = Path(__file__).resolve().parent / "templates"


class Safe(str):
    """Markup that is already escaped and goes into a page unchanged."""


class PageTemplates:
    def __init__(self, directory: Path = TEMPLATE_DIR) -> None:
        self._directory = directory
        self._loaded: dict[str, Template] = {}

    def render(self, name: str, **values: object) -> str:
        template = self._loaded.get(name)
        if template is None:
            template = Template((self._directory / name).read_text(encoding="utf-8"))
            self._loaded[name] = template
        return template.substitute(
            {
                key: value if isinstance(value, Safe) else html.escape(str(value), quote=True)
                for key, value in values.items()
            }
        )
