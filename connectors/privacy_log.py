"""Nothing a user typed reaches a log, at any level (issue 14).

Families tell the assistant about their household; the logs are kept longer and read by
more people than the tracker store. Three ways user text reached them:

- Rasa logs a message that starts with "/" but is not intent syntax: the structlog event
  "message.parsing.failed" with `user_text`, and the warning "Failed to parse arguments in
  line '/…'". The channels no longer let such a message reach Rasa as intent syntax
  (connectors/rest.py `literal_text`), and these warnings are silenced besides;
- Rasa's structlog events carry the text under known keys (`text`, `user_text`,
  `parse_data_text`, …: the keys Rasa's own anonymizer lists); a processor put first in
  structlog's chain replaces their values, whatever the level;
- any other record (stdlib logging, Sanic's warnings, an exception's message) that quotes
  the message being handled: the channels note the message in a context variable while
  Rasa handles it, and every log record created meanwhile has it replaced, in its
  message and its traceback, before any handler sees it.
"""

from __future__ import annotations

import contextvars
import json
import logging
import warnings
from typing import Any

import structlog

REDACTED = "<用户输入已隐去>"
# The structlog keys that carry what a user typed (rasa.utils.log_utils._anonymizer's list).
USER_TEXT_KEYS = frozenset(
    {
        "text",
        "response_text",
        "user_text",
        "slot_values",
        "parse_data_text",
        "parse_data_entities",
        "prediction_events",
        "tracker_latest_message",
        "prefilled_slots",
        "message",
        "response",
        "slot_candidates",
        "rasa_event",
        "rasa_events",
        "tracker_states",
        "current_states",
        "old_states",
        "successes",
        "current_entity",
        "next_entity",
        "states",
        "entity",
        "token_text",
        "user_message",
        "json_message",
    }
)
# Rasa's warnings that quote a message starting with "/".
QUOTING_WARNINGS = ("Failed to parse arguments in line", "message.parsing.failed")

_current_text: contextvars.ContextVar[str | None] = contextvars.ContextVar("user_text", default=None)
_INSTALLED = "_zhijiao_redacting"


def handling(text: str) -> contextvars.Token:
    """Note that `text` is being handled (until `done(token)`): records that quote it are redacted."""
    return _current_text.set(text)


def done(token: contextvars.Token) -> None:
    _current_text.reset(token)


def redact(message: str, text: str | None) -> str:
    """`message` without `text`, as typed and as JSON escapes it (structlog renders JSON)."""
    forms = {text, text.strip(), json.dumps(text)[1:-1], json.dumps(text, ensure_ascii=False)[1:-1]} if text else ()
    for form in forms:
        if form.strip():
            message = message.replace(form, REDACTED)
    quoted = next((warning for warning in QUOTING_WARNINGS if warning in message), None)
    return f"{quoted} {REDACTED}" if quoted else message


def redact_user_text_keys(logger: Any, method: str, event: dict) -> dict:
    """A structlog processor: the values of USER_TEXT_KEYS replaced."""
    for key in USER_TEXT_KEYS & event.keys():
        event[key] = REDACTED
    return event


def install() -> None:
    """Redact every log record and structlog event of this process from now on."""
    processors = structlog.get_config()["processors"]
    if redact_user_text_keys not in processors:
        # In place: loggers already bound keep a reference to this very list.
        processors.insert(0, redact_user_text_keys)
    # Raised by rasa.shared.utils.io.raise_warning, which goes to warnings, not logging.
    warnings.filterwarnings("ignore", message=".*Failed to parse arguments in line")
    factory = logging.getLogRecordFactory()
    if getattr(factory, _INSTALLED, False):
        return

    def redacting_factory(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = factory(*args, **kwargs)
        text = _current_text.get()
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record whose arguments do not format; logging reports it
            return record
        cleaned = redact(message, text)
        if cleaned != message:
            record.msg, record.args = cleaned, ()
        if record.exc_info and text:
            record.exc_text = redact(logging.Formatter().formatException(record.exc_info), text)
        return record

    setattr(redacting_factory, _INSTALLED, True)
    logging.setLogRecordFactory(redacting_factory)
