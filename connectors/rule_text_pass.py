"""The RulePolicy's look for rules on the message's text is skipped when no rule can match it.

After every user message Rasa 3.6's RulePolicy looks for a rule twice: first with the
message's text in place of its intent (for end-to-end rules), then with its intent. Each look
builds the states of the whole window and matches them against every rule. The assistant has
no end-to-end rule, and none of its 90 rule keys can match a state that has text instead of
an intent, so the first look never finds anything; under the bench's load it was about 0.45 ms
of every message, half of the policy's time (docs/benchmarks.md, issue 17).

A rule matches the latest state only if every feature of its last state is in it
(`RulePolicy._is_rule_applicable`, `_does_rule_match_state`). After a user message the latest
state's previous action is `action_listen`, and with text its user part has no intent. So a
rule whose last state names an intent, or another previous action, or no previous action at
all, cannot match it. `install()` makes the text look return what Rasa's returns when nothing
matches, `(None, None, False)`, for a policy none of whose rules (in `rules` and
`rules_for_loop_unhappy_path`, the two lookups that look searches) could match; any other
policy, and the look by intent, run Rasa's code unchanged. tests/connectors/test_rule_text_pass.py
pins that code.
"""

from __future__ import annotations

import json
from typing import Any

from rasa.core.policies.rule_policy import RULES, RULES_FOR_LOOP_UNHAPPY_PATH, RulePolicy
from rasa.shared.core.constants import ACTION_LISTEN_NAME, PREVIOUS_ACTION, SHOULD_NOT_BE_SET, USER
from rasa.shared.nlu.constants import ACTION_NAME, INTENT

from connectors.patches import replace_once

# Rasa's own, kept for every other case and for the test that pins it.
RASAS_FIND_ACTION = RulePolicy._find_action_from_rules
_TEXT_CAN_MATCH = "_zhijiao_text_can_match"


def is_set(value: Any) -> bool:
    return bool(value) and value != SHOULD_NOT_BE_SET


def could_match_text(rule_key: str) -> bool:
    """Whether the rule's last state could match the state after a user message read by its text."""
    last = json.loads(rule_key)[-1]
    previous = last.get(PREVIOUS_ACTION) or {}
    if not previous:
        return False  # a rule state without a previous action only matches a conversation's start
    if is_set(previous.get(ACTION_NAME)) and previous.get(ACTION_NAME) != ACTION_LISTEN_NAME:
        return False
    return not is_set((last.get(USER) or {}).get(INTENT))


def text_can_match(policy: RulePolicy) -> bool:
    """Whether any rule of `policy` could match by text (worked out once per policy)."""
    known = policy.__dict__.get(_TEXT_CAN_MATCH)
    if known is None:
        keys = [*policy.lookup.get(RULES, {}), *policy.lookup.get(RULES_FOR_LOOP_UNHAPPY_PATH, {})]
        known = any(map(could_match_text, keys))
        policy.__dict__[_TEXT_CAN_MATCH] = known
    return known


def find_action_from_rules(
    self: RulePolicy, tracker: Any, domain: Any, use_text_for_last_user_input: bool
) -> tuple[str | None, str | None, bool]:
    """RulePolicy._find_action_from_rules, answering the text look at once when no rule could match it."""
    if use_text_for_last_user_input and not text_can_match(self):
        return None, None, False
    return RASAS_FIND_ACTION(self, tracker, domain, use_text_for_last_user_input)


def install() -> None:
    """Make every RulePolicy skip the text look its rules cannot match, once per process."""
    replace_once(RulePolicy, "_find_action_from_rules", find_action_from_rules)
