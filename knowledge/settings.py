"""Every setting the knowledge layer and the action server read, with its default.

Paths are resolved relative to the repository so the commands work from any directory.
"""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SOURCES_DIR = Path(__file__).resolve().parent / "sources"
JIEBA_DICT = REPO_ROOT / "bot" / "jieba" / "userdict.txt"

# The 2022 article from the Inner Mongolia Department of Education, verbatim: every
# statistic's quoted passage must occur in it.
ARTICLE_PATH = SOURCES_DIR / "article-2022.txt"


def knowledge_db_path() -> Path:
    return Path(os.getenv("KB_PATH", str(REPO_ROOT / "var" / "knowledge.db")))
