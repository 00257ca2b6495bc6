"""A message without a single letter, digit or character (。, ？？, 😂, 👍) asks nothing.

DIET has no features to go on for such a message: its tokens are punctuation or emoji
that no training example shares, so it answers with whatever intent short messages lean
to (affirm, at about 0.5). This classifier, placed after DIET and before the
FallbackClassifier, says what the message is: out of scope, with full confidence, so the
assistant explains what it can answer (and, inside the eligibility check, asks again).
"""

from __future__ import annotations

import unicodedata
from typing import Any

from rasa.engine.graph import ExecutionContext, GraphComponent
from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.engine.storage.resource import Resource
from rasa.engine.storage.storage import ModelStorage
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, INTENT_RANKING_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

OUT_OF_SCOPE = "out_of_scope"


def has_words(text: str) -> bool:
    """Whether any character is a letter (汉字 included) or a digit."""
    return any(unicodedata.category(char)[0] in "LN" for char in text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class WordlessMessageClassifier(GraphComponent):
    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WordlessMessageClassifier:
        return cls()

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            if not has_words(message.get(TEXT) or ""):
                intent = {INTENT_NAME_KEY: OUT_OF_SCOPE, PREDICTED_CONFIDENCE_KEY: 1.0}
                ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) != OUT_OF_SCOPE]
                message.set(INTENT, intent, add_to_output=True)
                message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
