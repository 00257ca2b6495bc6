"""Which custom actions get the domain with their call (enable_selective_domain)."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml
from rasa.core.actions.action import RemoteAction
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.utils.endpoints import EndpointConfig

REPO = Path(__file__).resolve().parents[2]
DOMAIN = Domain.load(str(REPO / "bot" / "domain"))


def actions_reading_the_domain() -> set[str]:
    """The names of the actions in actions/ whose code reads its `domain` argument."""
    names = set()
    for module in (REPO / "actions").glob("*.py"):
        for node in ast.walk(ast.parse(module.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                reads = any(
                    isinstance(n, ast.Name) and n.id == "domain" and isinstance(n.ctx, ast.Load) for n in ast.walk(node)
                )
                named = [
                    n.value.value
                    for f in node.body
                    if isinstance(f, ast.FunctionDef) and f.name == "name"
                    for n in ast.walk(f)
                    if isinstance(n, ast.Return) and isinstance(n.value, ast.Constant)
                ]
                if reads and named:
                    names.update(named)
    return names


@pytest.mark.parametrize("endpoints", ["endpoints.yml", "endpoints-scale.yml"])
def test_only_the_actions_that_read_the_domain_are_sent_it(endpoints):
    config = yaml.safe_load((REPO / "bot" / endpoints).read_text(encoding="utf-8"))["action_endpoint"]
    endpoint = EndpointConfig.from_dict(config)
    tracker = DialogueStateTracker.from_events("s", [])
    sent = {
        name
        for name in DOMAIN.user_actions
        if "domain" in RemoteAction(name, endpoint)._action_call_format(tracker, DOMAIN)
    }
    assert {"validate_eligibility_form"} == sent
    assert actions_reading_the_domain() <= sent
