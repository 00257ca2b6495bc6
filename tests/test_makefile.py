"""`make help` lists every target of the Makefile, each with its one line."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TARGET = re.compile(r"^([a-z][a-z-]*):", flags=re.MULTILINE)


def test_every_target_is_listed_by_help():
    targets = TARGET.findall((REPO / "Makefile").read_text(encoding="utf-8"))
    shown = subprocess.run(
        ["make", "--no-print-directory", "-s", "help"], cwd=REPO, capture_output=True, text=True, check=True
    ).stdout
    listed = re.findall(r"^  make ([a-z-]+)\s+\S", shown, flags=re.MULTILINE)
    assert len(targets) > 10
    assert targets == listed


def test_the_phony_list_names_every_target():
    text = (REPO / "Makefile").read_text(encoding="utf-8")
    declared = re.search(r"^\.PHONY:(.*?)(?<!\\)$", text, flags=re.MULTILINE | re.DOTALL)
    assert declared is not None
    phony = set(declared.group(1).replace("\\", " ").split())
    assert set(TARGET.findall(text)) == phony
