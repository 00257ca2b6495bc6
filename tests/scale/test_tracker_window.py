"""connectors/tracker_window.py on PostgreSQL (the scale profile's tracker store): the
tests of tests/connectors/test_tracker_window.py, run against a real server."""

from __future__ import annotations

import pytest
from rasa.core.tracker_store import SQLTrackerStore

from connectors.tracker_window import WindowedSQLTrackerStore
from tests.connectors.test_tracker_window import (  # noqa: F401 (collected here, on PostgreSQL)
    DOMAIN,
    WINDOW,
    sender,
    test_a_long_conversation_is_loaded_as_a_window_with_the_full_state,
    test_a_reset_before_the_window_clears_the_slots_set_before_it,
    test_a_short_conversation_is_loaded_whole,
    test_an_unknown_conversation_is_none,
    test_every_event_of_every_turn_is_stored_once_in_order,
)

pytestmark = pytest.mark.scale


@pytest.fixture
def stores(services):
    database = {
        "dialect": "postgresql",
        "host": "127.0.0.1",
        "port": services.db_port,
        "db": "rasa",
        "username": "rasa",
        "password": services.db_password,
    }
    return (
        WindowedSQLTrackerStore(DOMAIN, window_events=WINDOW, **database),
        SQLTrackerStore(DOMAIN, **database),
    )
