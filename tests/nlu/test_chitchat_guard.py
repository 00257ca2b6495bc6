"""A short question that asks a count, a list or which one is not small talk."""

from __future__ import annotations

import pytest
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.shared.nlu.training_data.message import Message

from nlu.chitchat_guard import ChitChatGuard, not_small_talk


@pytest.mark.parametrize(
    "intent, text, guarded",
    [
        ("goodbye", "撤了多少", True),
        ("goodbye", "再见", False),
        ("goodbye", "拜拜啦", False),
        ("thank", "谢谢，那高职呢", True),
        ("thank", "多谢多谢", False),
        ("greet", "我很好，你呢", False),
        ("greet", "你好呢", False),
        ("greet", "你好，想问几个问题", False),
        ("greet", "在吗", False),
        ("bot_challenge", "都叫什么名字", True),
        ("bot_challenge", "你叫什么名字", False),
        ("bot_challenge", "你能查哪些内容", False),
        ("bot_challenge", "这个咋用", False),
        ("ask_statistic", "撤了多少", False),  # only small talk is second-guessed
    ],
)
def test_small_talk_never_asks_a_count_or_which(intent, text, guarded):
    assert guarded == not_small_talk(intent, text)


def test_a_guarded_message_is_out_of_scope_at_the_models_confidence_and_the_farewell_is_gone():
    guard = ChitChatGuard.create({}, None, None, ExecutionContext(GraphSchema({}), "test"))
    message = Message.build("撤了多少")
    message.set("intent", {"name": "goodbye", "confidence": 0.71}, add_to_output=True)
    ranking = [{"name": "goodbye", "confidence": 0.71}, {"name": "ask_statistic", "confidence": 0.2}]
    message.set("intent_ranking", ranking, add_to_output=True)
    (guarded,) = guard.process([message])
    assert {"name": "out_of_scope", "confidence": 0.71} == guarded.get("intent")
    assert ["out_of_scope", "ask_statistic"] == [r["name"] for r in guarded.get("intent_ranking")]
