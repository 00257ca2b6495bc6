"""What a message's metadata may carry, and how deep a request's JSON may nest.

Rasa stores a message's metadata with the message and, at the start of a session, in the
`session_started_metadata` slot as well (issue 14: 60 KB of metadata cost 244 KB of
tracker store per message). The widget sends one key, the school it is embedded for;
everything else is dropped before Rasa sees the message. The school is kept only when the
page that sends it is on one of the origins the school allows (`honoured`, issue 18).
"""

from __future__ import annotations

from typing import Any

# Key -> the longest string it may hold. The widget's data-school (web/options.py SCHOOL_MAX).
ALLOWED_METADATA = {"school": 60}
# A message body is {"sender", "message", "metadata": {"school": …}}: three levels.
MAX_JSON_DEPTH = 5


def allowed_metadata(metadata: dict | None) -> dict[str, str]:
    """The keys the widget sends, each a printable string within its limit; nothing else."""
    kept = {}
    for key, limit in ALLOWED_METADATA.items():
        value = (metadata or {}).get(key)
        if isinstance(value, str) and value.isprintable():
            kept[key] = value[:limit]
    return kept


def honoured(metadata: dict[str, str] | None, origin: str | None) -> dict[str, str]:
    """`metadata` without the school unless the request's Origin is one the school allows
    (its profile in the console database): a page elsewhere cannot speak as the school."""
    metadata = metadata or {}
    school = metadata.get("school")
    if school is None:
        return metadata
    from console.assistant_store import store
    from console.origins import honoured_school

    kept = {key: value for key, value in metadata.items() if key != "school"}
    if honoured_school(school, origin, store().school):
        kept["school"] = school
    return kept


def too_deep(value: Any, limit: int = MAX_JSON_DEPTH) -> bool:
    """Whether JSON `value` nests objects or arrays more than `limit` levels (without recursion)."""
    level, depth = [value], 0
    while level:
        containers = [item for item in level if isinstance(item, (dict, list))]
        if not containers:
            return False
        depth += 1
        if depth > limit:
            return True
        level = [child for item in containers for child in (item.values() if isinstance(item, dict) else item)]
    return False
