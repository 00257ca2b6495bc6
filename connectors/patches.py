"""Replacing a method of Rasa's with ours, once per process.

Rasa has no start-up hook (connectors/rest.py `install_guards`), so a replacement is installed
each time a channel is made: the second time it must find its own function in place and do
nothing, or it would wrap itself.
"""

from __future__ import annotations

from typing import Any


def replace_once(owner: type, name: str, replacement: Any) -> None:
    """Set `owner.name` to `replacement` unless it is already (installing twice changes nothing)."""
    if vars(owner).get(name) is not replacement:
        setattr(owner, name, replacement)
