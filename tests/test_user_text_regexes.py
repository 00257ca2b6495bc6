"""Every regular expression that reads user text reads a 500-character adversarial message
in under 50 ms (issue 14: the pinyin syllable pattern backtracked for hours on 50
characters). The patterns are collected from the modules that see user text, so a new
one is checked without being listed here."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest
import yaml

from knowledge.reading import level_named, measure_word
from knowledge.text import find_aliases, normalize_keeping_positions, segment
from tests.adversarial import BOUND_SECONDS, SHAPES, seconds_to_read

REPO_ROOT = Path(__file__).resolve().parents[1]
MODULES = [
    "knowledge.text",
    "knowledge.reading",
    "knowledge.answering",
    "knowledge.pinyin",
    "knowledge.kb",
    "actions.statistics",
    "actions.common",
    "actions.follow_up",
    "actions.search",
    "actions.eligibility",
    "nlu.jieba_tokenizer",
    "nlu.vocabulary_entities",
    "nlu.wordless",
    "connectors.rest",
    "connectors.socketio",
    "connectors.metadata",
    "connectors.conversation_ids",
    "web.options",
    "web.server",
]


def module_patterns() -> dict[str, re.Pattern]:
    found = {}
    for name in MODULES:
        module = importlib.import_module(name)
        for attribute, value in vars(module).items():
            patterns = value if isinstance(value, tuple) else (value,)
            for index, pattern in enumerate(patterns):
                if isinstance(pattern, tuple):  # (pattern, meaning) pairs
                    pattern = pattern[0]
                if isinstance(pattern, re.Pattern):
                    found[f"{name}.{attribute}[{index}]"] = pattern
    return found


def training_data_patterns() -> dict[str, re.Pattern]:
    """The `regex:` entries of data/nlu, which Rasa's RegexFeaturizer runs on every message."""
    found = {}
    for path in sorted((REPO_ROOT / "data").rglob("*.yml")):
        for entry in (yaml.safe_load(path.read_text(encoding="utf-8")) or {}).get("nlu", []):
            if "regex" in entry:
                for line in entry["examples"].splitlines():
                    if line.strip().startswith("- "):
                        found[f"{path.name}:{entry['regex']}:{line.strip()[2:]}"] = re.compile(line.strip()[2:])
    return found


PATTERNS = {**module_patterns(), **training_data_patterns()}


def test_the_patterns_are_found():
    assert {"knowledge.text.YEAR[0]", "knowledge.reading.ASKS_NUMBER[0]"} <= set(PATTERNS)
    assert any(name.startswith("chitchat.yml:goodbye_digits") for name in PATTERNS)


@pytest.mark.parametrize("name", sorted(PATTERNS))
def test_a_pattern_reads_every_adversarial_shape_in_under_50_ms(name):
    pattern = PATTERNS[name]

    def read(text: str) -> None:
        list(pattern.finditer(text))
        pattern.fullmatch(text)
        pattern.match(text)

    slow = {shape: seconds_to_read(read, text) for shape, text in SHAPES.items()}
    assert {} == {shape: seconds for shape, seconds in slow.items() if seconds >= BOUND_SECONDS}


@pytest.mark.parametrize("shape", sorted(SHAPES))
def test_the_question_readers_read_an_adversarial_message_in_under_50_ms(shape):
    # Functions with patterns of their own inside them, on the normalised text as asked.
    def read(text: str) -> None:
        normalize_keeping_positions(text)
        measure_word(text)
        level_named(text)
        find_aliases(text, [("中职", "中职"), ("高职", "高职")])

    assert seconds_to_read(read, SHAPES[shape]) < BOUND_SECONDS


def test_segmenting_an_adversarial_message_is_bounded():
    # jieba's own patterns (han / non-han runs) see every message the actions read.
    segment("预热")
    assert max(seconds_to_read(segment, text) for text in SHAPES.values()) < BOUND_SECONDS
