"""Whether a school id sent by the widget is honoured: only from one of the origins the
school allows to embed it (its profile's allowed_origins). A page elsewhere naming the
school gets the assistant without the school's answers, offices or counts."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from urllib.parse import urlsplit

from console.school_answers import School

logger = logging.getLogger(__name__)

DEFAULT_PORTS = {"http": 80, "https": 443}
_last_error = [0.0]


def normal_origin(value: str | None) -> str | None:
    """`value` as scheme://host[:port] (lower case, the default port left out), or None
    when it is no http(s) origin ("null", a file: page, garbage)."""
    try:
        parts = urlsplit((value or "").strip())
        port = parts.port
    except ValueError:
        return None
    if parts.scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = parts.hostname.lower()
    if ":" in host:  # an IPv6 address
        host = f"[{host}]"
    shown_port = f":{port}" if port and port != DEFAULT_PORTS[parts.scheme] else ""
    return f"{parts.scheme}://{host}{shown_port}"


def origin_allowed(origin: str | None, allowed: Iterable[str]) -> bool:
    normal = normal_origin(origin)
    return normal is not None and any(normal == normal_origin(a) for a in allowed)


def honoured_school(school_id: str | None, origin: str | None, find: Callable[[str], School | None]) -> str | None:
    """`school_id` if that school allows `origin` to embed it, else None. A database that
    cannot be read honours no school (logged at most once a minute)."""
    if not school_id or normal_origin(origin) is None:
        return None
    try:
        school = find(school_id)
    except Exception as error:  # noqa: BLE001 - the message is answered, without the school
        if time.monotonic() - _last_error[0] > 60:
            _last_error[0] = time.monotonic()
            logger.warning("console: could not read school %r, its id is ignored: %r", school_id, error)
        return None
    return school_id if school is not None and origin_allowed(origin, school.allowed_origins) else None
