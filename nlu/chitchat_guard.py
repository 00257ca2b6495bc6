"""A short question is not small talk because it is short.

Trained on greetings, farewells and thanks, DIET reads a few words with no domain noun by
their length: "撤了多少" (after a count of majors) came out as a farewell, "都叫什么名字"
(after "内蒙古有几所职业本科") as a question about the assistant's name. Small talk never asks a
count, a list or which one, and a question about the assistant speaks of it (你, 您, 助手,
怎么用). This classifier, after DIET and before the FallbackClassifier, takes such a message
for what the model cannot place: out of scope, at the model's confidence, whose action
answers it from the answer before when it leans on it, and says what it covers otherwise.
"""

from __future__ import annotations

import re

from rasa.engine.recipes.default_recipe import DefaultV1Recipe
from rasa.shared.nlu.constants import INTENT, INTENT_NAME_KEY, PREDICTED_CONFIDENCE_KEY, TEXT
from rasa.shared.nlu.training_data.message import Message

from nlu.wordless import WordlessMessageClassifier

SMALL_TALK = frozenset({"greet", "goodbye", "thank"})
ABOUT_THE_BOT = "bot_challenge"
# What small talk never asks: how many, which, what it is called, what changed.
ASKS = re.compile(
    r"多少|几所|几个(?!问题)|几项|哪些|哪几|哪个|哪所|叫啥|叫什么|什么名|撤了|减了|增了|涨了|呢\s*[？?]?\s*$"
)
# How a question about the assistant speaks of it.
OF_THE_BOT = re.compile(r"你|您|助手|机器|人工|真人|程序|本事|怎么用|咋用|怎么使用|提问|问你|单位")


def not_small_talk(intent: str | None, text: str) -> bool:
    """Whether small talk or a question about the assistant asks a count or "which" of
    something else ("我很好，你呢" speaks of the assistant: it stays small talk)."""
    if intent not in SMALL_TALK and intent != ABOUT_THE_BOT:
        return False
    return bool(ASKS.search(text)) and not OF_THE_BOT.search(text)


@DefaultV1Recipe.register(DefaultV1Recipe.ComponentType.INTENT_CLASSIFIER, is_trainable=False)
class ChitChatGuard(WordlessMessageClassifier):
    drops_prediction = True

    def out_of_scope(self, message: Message) -> float | None:
        intent = message.get(INTENT) or {}
        if not_small_talk(intent.get(INTENT_NAME_KEY), message.get(TEXT) or ""):
            return intent.get(PREDICTED_CONFIDENCE_KEY)
        return None
