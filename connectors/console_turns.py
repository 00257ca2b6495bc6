"""The counts of the console's reports that only the Rasa server sees: every message and
every conversation, and the eligibility checks started and finished, per school and day
(console/background.py writes them, in the background; counts only).

A conversation is counted by the turn that starts its session (Rasa's `session_started`
before the user's message), so no sender id is kept to know whether it was seen before.
Answers, declines and what was asked are counted by the action server (actions/school.py).

`install()` wraps MessageProcessor.handle_message (which marks the turn) and save_tracker
(which, at the end of a marked turn, counts it from the turn's events), and
RemoteAction._validate_action_result, which sees every response of the action server: what
an action counted and kept comes back in it (actions/console_writes.py) and is written from
here. Installed by the channels' `from_credentials`, with the guards (connectors/rest.py
install_guards); a test fails if Rasa stops passing the whole response to that method.
"""

from __future__ import annotations

import logging
from collections.abc import Reversible
from contextvars import ContextVar
from typing import Any

from rasa.core.actions.action import RemoteAction
from rasa.core.processor import MessageProcessor
from rasa.shared.core.events import ActionExecuted, ActiveLoop, SessionStarted, SlotSet, UserUttered

from connectors import action_guard
from console import background

logger = logging.getLogger(__name__)

ELIGIBILITY_FORM = "eligibility_form"
# Set (to "yes") when the check's result is shown (actions/eligibility.py RESULT_SHOWN_SLOT).
RESULT_SHOWN_SLOT = "elig_result_shown"
OUT_OF_SCOPE_RESPONSE = "utter_out_of_scope"
# actions/console_writes.py CARRIED_KEY (the Rasa server does not import actions/).
CARRIED_KEY = "console_writes"

_IN_A_TURN: ContextVar[bool] = ContextVar("console_turn", default=False)
_INSTALLED = "_console_counted"


def turn_measures(events: Reversible[Any]) -> tuple[str | None, list[str]]:
    """(school, measures) of the latest turn of a conversation (rasa Event objects)."""
    after: list[Any] = []
    user: UserUttered | None = None
    before: list[Any] = []
    for event in reversed(events):  # a deque or a list: the latest turn is at the end
        if user is None:
            if isinstance(event, UserUttered):
                user = event
            else:
                after.append(event)
        elif isinstance(event, UserUttered):
            break
        else:
            before.append(event)
    if user is None:
        return None, []
    measures = [background.MESSAGES]
    if any(isinstance(e, SessionStarted) for e in before):
        measures.append(background.CONVERSATIONS)
    if any(isinstance(e, ActiveLoop) and e.name == ELIGIBILITY_FORM for e in after):
        measures.append(background.CHECK_STARTED)
    if any(isinstance(e, SlotSet) and e.key == RESULT_SHOWN_SLOT and e.value for e in after):
        measures.append(background.CHECK_FINISHED)
    if any(isinstance(e, ActionExecuted) and e.action_name == OUT_OF_SCOPE_RESPONSE for e in after):
        measures.append(background.OUT_OF_SCOPE)  # a rule's reply (in the check); actions count their own
    school = (user.metadata or {}).get("school")
    return (school if isinstance(school, str) and school else None), measures


def install() -> None:
    """Count every turn the processor handles, once per process (later calls do nothing)."""
    if getattr(MessageProcessor.save_tracker, _INSTALLED, False):
        return
    handle = MessageProcessor.handle_message
    save = MessageProcessor.save_tracker

    async def handle_message(self: MessageProcessor, message: Any) -> Any:
        token = _IN_A_TURN.set(True)
        try:
            return await handle(self, message)
        finally:
            _IN_A_TURN.reset(token)

    async def save_tracker(self: MessageProcessor, tracker: Any) -> None:
        await save(self, tracker)
        if _IN_A_TURN.get():
            try:
                school, measures = turn_measures(tracker.events)
                background.count(school, *measures)
            except Exception:  # noqa: BLE001 - counting never fails a turn
                logger.exception("console: could not count a turn")

    # Around the guard's response check, whatever order the installs come in: the guard
    # calls the method it replaced only for a response its own check fails.
    action_guard.install()
    validate = RemoteAction._validate_action_result

    def validate_action_result(self: RemoteAction, result: dict[str, Any]) -> bool:
        carried = result.pop(CARRIED_KEY, None) if isinstance(result, dict) else None
        valid = validate(self, result)
        if carried is not None:
            background.receive(carried)
        return valid

    setattr(save_tracker, _INSTALLED, True)
    MessageProcessor.handle_message = handle_message
    MessageProcessor.save_tracker = save_tracker
    RemoteAction._validate_action_result = validate_action_result
