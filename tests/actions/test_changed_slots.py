"""An action's response keeps only the slot events that change a slot (actions/changed_slots.py)."""

from __future__ import annotations

from rasa_sdk.executor import ActionExecutor

from actions import changed_slots
from tests.actions.test_console_writes import action_call


def slot(name: str, value: object) -> dict:
    return {"event": "slot", "timestamp": None, "name": name, "value": value}


def test_a_slot_set_to_the_value_it_has_is_left_out():
    events = [
        slot("scope", "中职"),
        {"event": "bot", "text": "…"},
        slot("last_topic", "subsidy"),
        slot("scope", "高职"),
    ]
    kept = changed_slots.changed_only({"scope": "中职", "last_topic": "statistic"}, events)
    assert [{"event": "bot", "text": "…"}, slot("last_topic", "subsidy"), slot("scope", "高职")] == kept


def test_values_are_followed_through_the_response():
    events = [slot("scope", "高职"), slot("scope", "中职"), slot("scope", "中职")]
    # 高职 changes it, 中职 changes it back, the second 中职 changes nothing.
    assert events[:2] == changed_slots.changed_only({"scope": "中职"}, events)


def test_only_the_same_value_of_the_same_type_is_unchanged():
    events = [slot("elig_retries", 1.0), slot("elig_details_wanted", True), slot("new", None)]
    assert events == changed_slots.changed_only({"elig_retries": 1, "elig_details_wanted": 1}, events)


def test_after_a_reset_every_slot_event_is_kept():
    events = [{"event": "reset_slots"}, slot("scope", "中职")]
    assert events == changed_slots.changed_only({"scope": "中职"}, events)


def test_a_forms_validation_keeps_every_slot_it_returns():
    # Rasa takes the slots a validation returns as the ones the message filled.
    call = {"next_action": "validate_eligibility_form", "tracker": {"slots": {"elig_scope": "中职"}}}
    result = {"events": [slot("elig_scope", "中职")], "responses": []}
    assert [slot("elig_scope", "中职")] == changed_slots.trimmed(call, result)["events"]


async def test_an_answer_does_not_set_again_the_slot_its_entity_set():
    call = action_call("中职国家助学金一年多少钱")
    call["tracker"]["slots"] = {"scope": "中职", "subsidy": "国家助学金", "last_topic": None}
    executor = ActionExecutor()
    executor.register_package("actions")
    changed_slots.install()
    result = await executor.run(call)
    set_slots = {e["name"]: e["value"] for e in result["events"] if e["event"] == "slot"}
    assert "subsidy" == set_slots["last_topic"]
    assert "scope" not in set_slots and "subsidy" not in set_slots
    # Without the wrapper the action sets them again (so the assertion above can fail).
    unwrapped = await ActionExecutor.run.__wrapped__(executor, call)
    assert {"scope", "subsidy"} <= {e["name"] for e in unwrapped["events"] if e["event"] == "slot"}


def test_the_checks_slots_are_kept_so_the_household_scrub_finds_a_check_cancelled_early():
    from connectors.household import CHECK_SLOT_PREFIX, scrubbed_household

    assert CHECK_SLOT_PREFIX in changed_slots.KEPT_PREFIXES
    # The check starts, the user tells the household in words the form cannot read and a
    # rule answers them, then cancels: clearing the profile sets None to None.
    cleared = [slot("elig_scope", None), slot("elig_household", None), slot("requested_slot", None)]
    kept = changed_slots.trimmed(
        {
            "next_action": "action_cancel_eligibility",
            "tracker": {"slots": {"elig_scope": None, "requested_slot": None}},
        },
        {"events": cleared, "responses": []},
    )["events"]
    assert [slot("elig_scope", None), slot("elig_household", None)] == kept
    events = [
        {"event": "user", "text": "帮我查查能领什么", "parse_data": {"intent": {"name": "check_eligibility"}}},
        {"event": "active_loop", "name": "eligibility_form"},
        {"event": "user", "text": "我爸残疾，家里是低保户", "parse_data": {"intent": {"name": "ask_subsidy"}}},
        {"event": "bot", "text": "残疾学生……"},
        {"event": "user", "text": "算了", "parse_data": {"intent": {"name": "stop"}}},
        {"event": "active_loop", "name": None},
        *kept,
    ]
    scrubbed = scrubbed_household(events)
    assert 2 in scrubbed and scrubbed[2]["text"] == ""


def test_each_wrapper_is_installed_once_in_either_order():
    from actions import console_writes, executor_hooks

    changed_slots.install()
    console_writes.install()
    before = ActionExecutor.run
    changed_slots.install()  # under the other wrapper now: still found
    console_writes.install()
    assert ActionExecutor.run is before
    assert executor_hooks.installed("_changed_slots_only") and executor_hooks.installed("_console_carried")
