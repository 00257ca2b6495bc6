"""Nothing a user typed reaches a log line (connectors/privacy_log.py)."""

from __future__ import annotations

import logging
import warnings

import structlog

from connectors import privacy_log

TYPED = "孩子读二年级，我家是低保户"


def test_a_record_quoting_the_message_being_handled_is_redacted(caplog):
    privacy_log.install()
    token = privacy_log.handling(TYPED)
    try:
        with caplog.at_level(logging.DEBUG):
            logging.getLogger("sanic.error").warning("could not handle %r", TYPED)
            logging.getLogger("rasa.core.processor").debug("Received user message '%s'", TYPED)
            try:
                raise ValueError(TYPED)
            except ValueError:
                logging.getLogger("connectors.rest").exception("failed")
    finally:
        privacy_log.done(token)
    assert TYPED not in caplog.text and privacy_log.REDACTED in caplog.text
    assert all(TYPED not in (record.exc_text or "") for record in caplog.records)


def test_rasas_warnings_about_slash_messages_are_redacted(caplog):
    privacy_log.install()
    with caplog.at_level(logging.WARNING):
        logging.getLogger("rasa").warning("Failed to parse arguments in line '/inform 我家是低保户'. …")
    assert "低保户" not in caplog.text
    with warnings.catch_warnings(record=True) as caught:
        privacy_log.install()
        warnings.warn("Failed to parse arguments in line '/x 低保户'", UserWarning, stacklevel=1)
    assert [] == [w for w in caught if "低保户" in str(w.message)]


def test_structlog_events_lose_the_user_text_keys():
    privacy_log.install()
    event = privacy_log.redact_user_text_keys(None, "warning", {"event": "message.parsing.failed", "user_text": TYPED})
    assert {"event": "message.parsing.failed", "user_text": privacy_log.REDACTED} == event
    assert privacy_log.redact_user_text_keys in structlog.get_config()["processors"]
