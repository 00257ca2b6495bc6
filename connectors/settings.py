"""Every setting the Rasa server's extensions (connectors/) read, with its default.

Read on each call, not at import, so a test or a restarted process sees the current
environment.
"""

from __future__ import annotations

import os


def max_message_chars() -> int:
    """Longest message the model sees; longer ones get a polite reply instead."""
    return int(os.getenv("MESSAGE_MAX_CHARS", "500"))


def request_max_bytes() -> int:
    """Largest request body the Rasa server accepts (413 above it).

    Sanic reads SANIC_REQUEST_MAX_SIZE itself for HTTP bodies; socket.io frames are
    capped to the same size by connectors/socketio.py.
    """
    return int(os.getenv("SANIC_REQUEST_MAX_SIZE", "65536"))


def action_timeout_seconds() -> float:
    """How long one call to the action server may take before the user is told to retry.

    The promise to the user is an answer within 5 s; the model and the policies need a
    fraction of a second of it, so a call gets 4 s by default.
    """
    return float(os.getenv("ACTION_TIMEOUT_SECONDS", "4"))
