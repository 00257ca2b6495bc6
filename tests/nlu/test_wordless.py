"""Messages of punctuation or emoji alone are out of scope; anything with a word is left alone."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.nlu.training_data.message import Message

from nlu.wordless import WordlessMessageClassifier, has_words


@pytest.mark.parametrize(
    "text, expected",
    [
        ("。", False),
        ("？？", False),
        ("😂😂😂", False),
        ("👍🏻", False),
        ("  ", False),
        ("", False),
        ("嗯", True),
        ("3", True),
        ("ok", True),
        ("３＋２", True),
        ("😂好", True),
    ],
)
def test_a_word_is_a_letter_or_a_digit(text, expected):
    assert expected == has_words(text)


def classify(text: str) -> Message:
    classifier = WordlessMessageClassifier.create({}, None, None, ExecutionContext(GraphSchema({}), "test"))
    message = Message.build(text)
    message.set("intent", {"name": "affirm", "confidence": 0.52}, add_to_output=True)
    message.set(
        "intent_ranking",
        [{"name": "affirm", "confidence": 0.52}, {"name": "out_of_scope", "confidence": 0.3}],
        add_to_output=True,
    )
    [classified] = classifier.process([message])
    return classified


def test_a_wordless_message_is_out_of_scope_with_full_confidence():
    message = classify("🤔？")
    assert {"name": "out_of_scope", "confidence": 1.0} == message.get("intent")
    assert ["out_of_scope", "affirm"] == [r["name"] for r in message.get("intent_ranking")]


def test_a_message_with_words_keeps_the_model_prediction():
    assert "affirm" == classify("嗯").get("intent")["name"]
