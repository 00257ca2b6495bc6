"""The evaluation questions stay unseen: none of them, in either set, is a training example."""

from __future__ import annotations

import re
from pathlib import Path

import yaml

from knowledge.text import normalize

ROOT = Path(__file__).resolve().parents[2]
# ASCII letters and digits and their full-width forms (Ａ, ２).
FULL_WIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
ANNOTATION = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\{[^}]*\})")


def training_examples() -> set[str]:
    examples = set()
    for path in (ROOT / "data" / "nlu").glob("*.yml"):
        for block in yaml.safe_load(path.read_text(encoding="utf-8")).get("nlu", []):
            for line in str(block.get("examples", "")).splitlines():
                text = ANNOTATION.sub(r"\1", line.strip().removeprefix("- "))
                if text:
                    examples.add(comparable(text))
    return examples


def comparable(text: str) -> str:
    """Letters and digits only; a message of symbols or emoji alone is kept whole."""
    text = normalize(text)
    return re.sub(r"[\s\W_]+", "", text) or re.sub(r"\s+", "", text)


def evaluation_questions() -> list[str]:
    questions = [
        q
        for path in sorted((ROOT / "evaluation" / "sets").glob("questions*.yaml"))
        for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]
    ]
    return [q["text"] for q in questions] + [turn for q in questions for turn in q.get("context") or []]


def test_no_evaluation_question_is_in_the_training_data():
    seen = training_examples()
    assert len(seen) > 500
    assert [] == [q for q in evaluation_questions() if comparable(q) in seen]


def test_the_comparison_would_catch_a_copied_question():
    question = next(q for q in evaluation_questions() if re.search(r"\d", q) and "职" in q and "多少" in q)
    # Copied with other spacing and punctuation, in full-width forms and traditional characters.
    copied = "  " + question.replace("，", ", ").replace("？", "").translate(FULL_WIDTH) + " ！！"
    copied = copied.replace("职", "職").replace("学", "學")
    assert question != copied
    assert comparable(question) == comparable(copied)
    assert comparable(question) != comparable(question.replace("多少", "几"))


def test_a_message_of_symbols_is_compared_whole():
    assert comparable("😂😂😂") != comparable("😂😂😂😂")
    assert comparable("？？") == comparable(" ？？ ")
