"""Wrapping the SDK's ActionExecutor.run, once per process for each wrapper.

The action server adds to every call what the SDK has no hook for: what the call counted for
the console (actions/console_writes.py) and the response without slot events that change
nothing (actions/changed_slots.py). Each wraps `run` under a marker of its own; installing
again does nothing, whichever wrapper was installed since.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from rasa_sdk.executor import ActionExecutor

Run = Callable[[ActionExecutor, Any], Awaitable[dict[str, Any] | None]]


def installed(marker: str) -> bool:
    """Whether a wrapper with `marker` is anywhere in ActionExecutor.run's chain."""
    layer: Any = ActionExecutor.run
    while layer is not None:
        if getattr(layer, marker, False):
            return True
        layer = getattr(layer, "__wrapped__", None)
    return False


def wrap_run(marker: str, wrapper: Callable[[Run], Run]) -> None:
    """Make ActionExecutor.run `wrapper(run)`, unless a wrapper with `marker` is there already."""
    if installed(marker):
        return
    run = ActionExecutor.run
    wrapped = wrapper(run)
    setattr(wrapped, marker, True)
    wrapped.__wrapped__ = run  # type: ignore[attr-defined]
    ActionExecutor.run = wrapped
