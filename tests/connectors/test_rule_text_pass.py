"""The RulePolicy skips its look by text when no rule could match it (connectors/rule_text_pass.py):
the same prediction as Rasa's, without building the window's states once more."""

from __future__ import annotations

import json

import pytest
from rasa.core.featurizers.tracker_featurizers import TrackerFeaturizer
from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.engine.graph import ExecutionContext, GraphSchema
from rasa.engine.storage.local_model_storage import LocalModelStorage
from rasa.engine.storage.resource import Resource
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import ActionExecuted, BotUttered, UserUttered
from rasa.shared.core.trackers import DialogueStateTracker

from connectors import rule_text_pass
from tests.connectors.rasa_source import source_digest

DOMAIN = Domain.from_dict(
    {
        "intents": ["greet", "thank"],
        "responses": {"utter_greet": [{"text": "你好"}], "utter_thank": [{"text": "不客气"}]},
    }
)
LISTEN = {"prev_action": {"action_name": "action_listen"}}


def key(*states: dict) -> str:
    return json.dumps(list(states), sort_keys=True)


BY_INTENT = {
    key({**LISTEN, "user": {"intent": "greet"}}): "utter_greet",
    key({**LISTEN, "user": {"intent": "thank"}}): "utter_thank",
    key(
        {**LISTEN, "user": {"intent": "greet"}},
        {"prev_action": {"action_name": "utter_greet"}, "user": {"intent": "greet"}},
    ): "action_listen",
}
BY_TEXT = {key({**LISTEN, "user": {"text": "你好"}}): "utter_greet"}


def policy(tmp_path, rules: dict[str, str]) -> RulePolicy:
    return RulePolicy(
        RulePolicy.get_default_config(),
        LocalModelStorage(tmp_path),
        Resource("rules"),
        ExecutionContext(GraphSchema({}), "test"),
        lookup={RULES: rules, RULES_FOR_LOOP_UNHAPPY_PATH: {}},
    )


def after(text: str, intent: str) -> DialogueStateTracker:
    events = [ActionExecuted("action_listen"), UserUttered(text, {"name": intent, "confidence": 0.9})]
    return DialogueStateTracker.from_events("s", events, DOMAIN.slots)


@pytest.mark.parametrize(
    "last, could",
    [
        ({**LISTEN, "user": {"intent": "greet"}}, False),  # an intent: never in a state read by text
        ({"prev_action": {"action_name": "utter_greet"}}, False),  # after another action
        ({"user": {"intent": "greet"}}, False),  # no previous action: a conversation's start only
        ({**LISTEN, "user": {"text": "你好"}}, True),  # an end-to-end rule
        ({**LISTEN, "active_loop": {"name": "form"}}, True),  # no user part at all
        ({**LISTEN, "user": {"intent": "should_not_be_set"}}, True),
    ],
)
def test_which_rules_could_match_a_message_read_by_its_text(last, could):
    assert could == rule_text_pass.could_match_text(key({**LISTEN, "user": {"intent": "greet"}}, last))


@pytest.mark.parametrize("text, intent", [("你好", "greet"), ("谢谢", "thank"), ("天气", "nlu_fallback")])
def test_rules_by_intent_give_rasas_answer_to_the_text_look_without_it(tmp_path, text, intent):
    rules = policy(tmp_path, BY_INTENT)
    assert not rule_text_pass.text_can_match(rules)
    action, _, returning = rule_text_pass.RASAS_FIND_ACTION(rules, after(text, intent), DOMAIN, True)
    assert (action, returning) == (None, False)  # what Rasa finds by text: nothing
    assert (None, None, False) == rule_text_pass.find_action_from_rules(rules, after(text, intent), DOMAIN, True)
    # the look by intent is Rasa's, unchanged
    by_intent = rule_text_pass.RASAS_FIND_ACTION(rules, after(text, intent), DOMAIN, False)
    assert by_intent == rule_text_pass.find_action_from_rules(rules, after(text, intent), DOMAIN, False)


def test_an_end_to_end_rule_keeps_rasas_text_look(tmp_path):
    rules = policy(tmp_path, {**BY_INTENT, **BY_TEXT})
    assert rule_text_pass.text_can_match(rules)
    found = rule_text_pass.find_action_from_rules(rules, after("你好", "greet"), DOMAIN, True)
    assert "utter_greet" == found[0] == rule_text_pass.RASAS_FIND_ACTION(rules, after("你好", "greet"), DOMAIN, True)[0]


def test_after_an_action_the_text_look_is_rasas_own_early_answer(tmp_path):
    rules = policy(tmp_path, BY_INTENT)
    tracker = after("你好", "greet")
    tracker.update_with_events([ActionExecuted("utter_greet"), BotUttered("你好")], DOMAIN)
    assert rule_text_pass.RASAS_FIND_ACTION(rules, tracker, DOMAIN, True) == (None, None, False)


def test_installing_twice_wraps_once(monkeypatch):
    monkeypatch.setattr(RulePolicy, "_find_action_from_rules", rule_text_pass.RASAS_FIND_ACTION)
    rule_text_pass.install()
    rule_text_pass.install()
    assert RulePolicy._find_action_from_rules is rule_text_pass.find_action_from_rules


def test_rasas_rule_matching_is_as_when_this_was_written():
    # If an upgrade changes how rules are matched or how a message is read by its text,
    # check `could_match_text` against the new code and update these.
    for function, digest in (
        (rule_text_pass.RASAS_FIND_ACTION, "be6da6ee0f"),
        (RulePolicy._predict, "f5182d8a10"),
        (RulePolicy._is_rule_applicable, "64a108b016"),
        (RulePolicy._does_rule_match_state, "d3109c1a97"),
        (TrackerFeaturizer._choose_last_user_input, "0a4f5a414b"),
    ):
        assert digest == source_digest(function), function
