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
    """Says a message is out of scope where `out_of_scope` says so, at the confidence it gives."""

    # Whether the model's own prediction leaves the ranking (it is taken for a wrong reading).
    drops_prediction = False

    @classmethod
    def create(
        cls,
        config: dict[str, Any],
        model_storage: ModelStorage,
        resource: Resource,
        execution_context: ExecutionContext,
    ) -> WordlessMessageClassifier:
        return cls()

    def out_of_scope(self, message: Message) -> float | None:
        """The confidence that `message` is out of scope; None to keep the model's prediction."""
        return None if has_words(message.get(TEXT) or "") else 1.0

    def process(self, messages: list[Message]) -> list[Message]:
        for message in messages:
            confidence = self.out_of_scope(message)
            if confidence is None:
                continue
            predicted = (message.get(INTENT) or {}).get(INTENT_NAME_KEY)
            dropped = {OUT_OF_SCOPE, predicted} if self.drops_prediction else {OUT_OF_SCOPE}
            intent = {INTENT_NAME_KEY: OUT_OF_SCOPE, PREDICTED_CONFIDENCE_KEY: confidence}
            ranking = [r for r in message.get(INTENT_RANKING_KEY) or [] if r.get(INTENT_NAME_KEY) not in dropped]
            message.set(INTENT, intent, add_to_output=True)
            message.set(INTENT_RANKING_KEY, [intent, *ranking], add_to_output=True)
        return messages
