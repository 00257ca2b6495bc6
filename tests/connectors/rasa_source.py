"""The fingerprint of a Rasa function's source, for tests that pin the Rasa code a
replacement in connectors/ repeats or relies on: an upgrade that changes it fails them."""

from __future__ import annotations

import hashlib
import inspect
from typing import Any


def source_digest(function: Any) -> str:
    """The first ten hex digits of the SHA-256 of `function`'s source."""
    return hashlib.sha256(inspect.getsource(function).encode()).hexdigest()[:10]
