"""A tracker store that stops answering fails the turn loudly, instead of forgetting.

Rasa 3.6 wraps every tracker store in a FailSafeTrackerStore (Agent._create_tracker_store).
When the store fails after start-up, that wrapper logs one line and carries on:

- a failed `retrieve` returns None, so the processor starts a new, empty conversation:
  the follow-up "那高职呢？" is answered without its context, as if it were the first
  message;
- a failed `save` writes the tracker to an in-memory store instead: the turn is answered,
  then lost for good (the next retrieve goes to the real store again), and with several
  servers it exists on one of them only.

The user cannot tell, and nothing but a log line records that conversations are being
lost. `install()` makes Rasa wrap the store in LoudTrackerStore instead, which logs the
failure at ERROR and raises TrackerStoreUnavailable. The turn then stops before the model
runs or before anything is sent, our channels answer it with their 503 / "暂时无法回答，
请稍后再试。" (connectors/rest.py, connectors/socketio.py), and when the store is back the
conversation continues where it was: nothing was answered that was not stored.

A database restart invalidates the pooled connections; SQLAlchemy reports the first use
of one as a disconnect and discards the pool, so that one call is tried once more on a
fresh connection rather than failing a user's message after the store is back.

The store also scrubs a family's answers once the eligibility check ends
(connectors/household.py): the turn is saved first, then its check's events are scrubbed.

Installed by the channels' `from_credentials`, with the action guard (connectors/
action_guard.py explains why there): before Rasa loads the agent that creates the store.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import TypeVar

from rasa.core.agent import Agent
from rasa.core.tracker_store import FailSafeTrackerStore, TrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.trackers import DialogueStateTracker

from connectors import household

logger = logging.getLogger(__name__)

T = TypeVar("T")


class TrackerStoreUnavailable(RuntimeError):
    """The tracker store failed; the turn must not go on as if it had not."""


class LoudTrackerStore(FailSafeTrackerStore):
    """FailSafeTrackerStore's interface with no fallback: every failure is logged and raised."""

    async def retrieve(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._call("load", sender_id, lambda: self._tracker_store.retrieve(sender_id))

    async def retrieve_full_tracker(self, sender_id: str) -> DialogueStateTracker | None:
        return await self._call("load", sender_id, lambda: self._tracker_store.retrieve_full_tracker(sender_id))

    async def save(self, tracker: DialogueStateTracker) -> None:
        await self._call("save", tracker.sender_id, lambda: self._tracker_store.save(tracker))
        if household.ends_a_loop_this_turn(tracker.events):
            await self._call("scrub", tracker.sender_id, lambda: self._forget_household(tracker.sender_id))

    async def _forget_household(self, sender_id: str) -> None:
        household.forget_household(self._tracker_store, sender_id)

    async def keys(self) -> Iterable[str]:
        return await self._call("list", "(all)", self._tracker_store.keys)

    async def _call(self, verb: str, sender_id: str, call: Callable[[], Awaitable[T]]) -> T:
        try:
            try:
                return await call()
            except Exception as error:
                if not getattr(error, "connection_invalidated", False):
                    raise
                return await call()  # the pool was discarded: once more, on a fresh connection
        except Exception as error:
            store = type(self._tracker_store).__name__
            # The sender id and the error only: never the conversation's text.
            logger.error("tracker store %s could not %s the conversation %s: %r", store, verb, sender_id, error)
            raise TrackerStoreUnavailable(f"tracker store {store} could not {verb} conversation {sender_id}") from error


_rasa_create_tracker_store = Agent._create_tracker_store


def _create_tracker_store(store: TrackerStore | None, domain: Domain) -> TrackerStore:
    if store is None:  # no tracker store configured: Rasa's in-memory default, nothing to lose
        return _rasa_create_tracker_store(store, domain)
    store.domain = domain
    return LoudTrackerStore(store)


def install() -> None:
    """Make every agent created from now on wrap its tracker store in LoudTrackerStore."""
    Agent._create_tracker_store = staticmethod(_create_tracker_store)
