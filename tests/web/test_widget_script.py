"""Properties of widget.js that hold by construction, checked on the source file."""

from __future__ import annotations

import gzip
from pathlib import Path

WIDGET_SOURCE = Path(__file__).resolve().parents[2] / "web" / "static" / "widget.js"
WIDGET_GZIP_BUDGET = 60 * 1024


def test_widget_script_builds_dom_without_html_parsing():
    # Message text must never be parsed as HTML; the simplest guarantee is
    # that the widget has no way to parse HTML at all.
    source = WIDGET_SOURCE.read_text(encoding="utf-8")

    forbidden = [
        "innerHTML",
        "outerHTML",
        "insertAdjacentHTML",
        "document.write",
        "eval(",
        "Function(",
        "createContextualFragment",
        "DOMParser",
        "srcdoc",
    ]
    assert [] == [name for name in forbidden if name in source]


def test_widget_script_stays_small():
    assert len(gzip.compress(WIDGET_SOURCE.read_bytes())) <= WIDGET_GZIP_BUDGET
