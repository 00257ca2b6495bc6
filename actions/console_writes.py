"""What an action call counts for the console goes back with its response.

The action server counts answers, declines and what was asked (actions/school.py), and
keeps declined questions, scrubbed. It used to write them to the console database itself,
which loaded SQLAlchemy and console/ into every action server (~10 MB of its memory, issue
17) even for a widget on no school's page. Now `install()` wraps the SDK's
ActionExecutor.run: what the call counted and kept is collected (console.background
`carrying`) and added to the response under CARRIED_KEY; the Rasa server, which writes
its own counts already, takes it from there (connectors/console_turns.py). The Rasa server
checks a response against a schema that allows other keys, and ignores them.
"""

from __future__ import annotations

from typing import Any

from rasa_sdk.executor import ActionExecutor

from actions.executor_hooks import Run, wrap_run
from console import background

CARRIED_KEY = "console_writes"
_INSTALLED = "_console_carried"


def install() -> None:
    """Wrap ActionExecutor.run once per process (later calls do nothing)."""

    def carrying(run: Run) -> Run:
        async def carried_run(self: ActionExecutor, action_call: Any) -> dict[str, Any] | None:
            with background.carrying() as carried:
                result = await run(self, action_call)
            if result is not None and carried.pending() != ({}, []):
                result[CARRIED_KEY] = carried.as_json()
            return result

        return carried_run

    wrap_run(_INSTALLED, carrying)
