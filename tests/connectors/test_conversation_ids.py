"""Conversation ids the server issues and checks (connectors/conversation_ids.py)."""

from __future__ import annotations

import pytest

from connectors import conversation_ids
from connectors.conversation_ids import is_issued, issue, may_choose_id


def test_an_issued_id_is_recognised_and_unguessable():
    ids = {issue() for _ in range(1000)}
    assert 1000 == len(ids) and all(is_issued(each) for each in ids)


@pytest.mark.parametrize("forged", ["default", "me", "", None, 5, "c-" + "0" * 32 + "." + "0" * 32, "c-abc.def"])
def test_an_id_the_server_did_not_sign_is_refused(forged):
    assert not is_issued(forged)


def test_a_tampered_id_is_refused():
    issued = issue()
    tampered = issued[:-1] + ("0" if issued[-1] != "0" else "1")
    assert not is_issued(tampered)
    random_part = issued[2:34]
    other = ("1" if random_part[0] != "1" else "2") + random_part[1:]
    assert not is_issued(f"c-{other}.{issued[35:]}")


def test_ids_signed_with_another_secret_are_refused(monkeypatch):
    monkeypatch.setenv("CONVERSATION_ID_SECRET", "one secret")
    issued = issue()
    assert is_issued(issued)
    monkeypatch.setenv("CONVERSATION_ID_SECRET", "another secret")
    assert not is_issued(issued)


@pytest.mark.parametrize(
    "peer, headers, allowed",
    [
        ("127.0.0.1", {}, True),
        ("::1", {}, True),
        ("127.0.0.1", {"x-forwarded-for": "203.0.113.9"}, False),  # a proxy on this machine
        ("127.0.0.1", {"forwarded": "for=203.0.113.9"}, False),
        ("127.0.0.1", {"origin": "http://localhost:8000"}, False),  # a web page, even on this machine
        ("203.0.113.9", {}, False),
        ("10.0.0.5", {}, False),
        (None, {}, False),
        ("not an ip", {}, False),
    ],
)
def test_only_this_machine_may_choose_its_own_id(peer, headers, allowed):
    assert allowed == may_choose_id(peer, headers)


def test_choosing_ids_from_this_machine_can_be_turned_off(monkeypatch):
    monkeypatch.setenv("LOOPBACK_CHOOSES_IDS", "0")
    assert not conversation_ids.may_choose_id("127.0.0.1", {})
