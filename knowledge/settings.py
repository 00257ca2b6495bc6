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


# How a statement is chosen to answer a question about a topic: "aspects" (what the question
# asks, read from the cue phrases of aspects.yaml; the default) or "retrieval" (no aspect, the
# question's words alone rank the statements, BM25). "retrieval" exists to measure the two
# against each other (python -m evaluation.replies --mechanism retrieval, docs/evaluation.md).
def answer_mechanism() -> str:
    return os.getenv("ANSWER_MECHANISM", "aspects")


def knowledge_db_path() -> Path:
    return Path(os.getenv("KB_PATH", str(REPO_ROOT / "var" / "knowledge.db")))
