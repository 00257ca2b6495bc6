"""The school the widget is on, in the answers (issue 18).

The Rasa server keeps a message's `school` only when the page sending it is on one of the
school's allowed origins (connectors/metadata.py); here it is read from the latest user
message. Around every knowledge answer (actions/common.py):

- `answered_by_school` first: the school's own answer to a question about the school
  ("你们学校有3+2吗", "招生办电话多少"), read from the console database now, so a
  counselor's new entry answers the next question;
- `after_reply` then: a reply that declines is replaced by the school's entry that
  answers it (the entry written for that group of declined questions, or one close
  enough), or else the question is kept, scrubbed, for the school's counselors; a "where
  to ask" line is followed by the school's office and phone; and the reply is counted.

What is chosen and worded lives in console/school_answers.py; nothing here fails a reply:
a console database that cannot be read leaves the reply as it was.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from actions import templates
from console import background
from console.school_answers import (
    ANSWERED,
    BOTH,
    DECLINED,
    INSTEAD_OF_DECLINING,
    School,
    answer_first,
    best_entry,
    entry_reply,
    outcome,
    with_offices,
)
from console.scrub import group_key, scrub
from knowledge.kb import KnowledgeBase

if TYPE_CHECKING:
    from console.assistant_store import AssistantStore

logger = logging.getLogger(__name__)

T = TypeVar("T")
# The slots an answer sets that say what it was about (actions/common.py remember).
SUBJECT_SLOTS = ("pathway", "channel", "subsidy")
# Lines that send the user to the school's offices besides aspects.yaml's where_to_ask.
BOTH_OFFICES = (templates.WHERE_TO_ASK,)
AID_LINES = (templates.ELIGIBILITY_DISCLAIMER,)
# The subject counted for a question the school's own answers answered.
OWN_SUBJECT = "本校"


def store() -> AssistantStore:
    """The console's data access, imported at the first message that carries a school: it
    brings SQLAlchemy, about 10 MB of the action server's memory (docs/benchmarks.md), and
    a widget without a school never needs it (what is counted goes to the Rasa server,
    actions/console_writes.py)."""
    from console.assistant_store import store as console_store

    return console_store()


def school_id(tracker: Tracker) -> str | None:
    """The school of the latest user message (already checked against its origin)."""
    for event in reversed(tracker.events or []):
        if event.get("event") == "user":
            school = (event.get("metadata") or {}).get("school")
            return school if isinstance(school, str) and school else None
    return None


def _safely(what: str, call: Callable[[], T], default: T) -> T:
    try:
        return call()
    except Exception:  # noqa: BLE001 - the console database must never cost a reply
        logger.exception("console: could not %s; answering without the school", what)
        return default


def school_of(tracker: Tracker) -> School | None:
    found = school_id(tracker)
    return _safely("read the school", lambda: store().school(found), None) if found else None


def _text(tracker: Tracker) -> str:
    return (tracker.latest_message or {}).get("text") or ""


def answered_by_school(tracker: Tracker, dispatcher: CollectingDispatcher) -> bool:
    """Answer from the school's profile or entries if they answer this question first."""
    school = school_of(tracker)
    if school is None:
        return False
    text = _text(tracker)
    reply = _safely("read the school's entries", lambda: answer_first(text, school, store().entries(school.id)), None)
    if reply is None:
        return False
    dispatcher.utter_message(text=reply)
    background.count(school.id, background.ANSWERED, background.ANSWERED_BY_SCHOOL, background.SUBJECT + OWN_SUBJECT)
    return True


def after_reply(
    tracker: Tracker, dispatcher: CollectingDispatcher, kb: KnowledgeBase, events: list[dict[str, Any]]
) -> None:
    """What the school adds to a reply the knowledge base gave, and what is counted of it."""
    school = school_of(tracker)
    text = _text(tracker)
    where_to_ask = kb.aspect_book.where_to_ask
    result = outcome(dispatcher.messages, [*where_to_ask.values(), *BOTH_OFFICES])
    scrubbed = scrub(text) if result != ANSWERED else ""
    key = group_key(scrubbed) if scrubbed else ""
    if school is not None and result != ANSWERED:
        instead = _safely("read the school's entries", lambda: _entry_instead(school, text, key), None)
        if instead is not None:
            dispatcher.messages[:] = []
            dispatcher.utter_message(text=instead)
            background.count(
                school.id, background.ANSWERED, background.ANSWERED_BY_SCHOOL, background.SUBJECT + OWN_SUBJECT
            )
            return
    if result == DECLINED:
        background.keep_declined(school.id if school else None, scrubbed, key)
    if school is not None:
        add_offices(school, dispatcher, where_to_ask)
    background.count(school.id if school else None, result, *asked_about(events))


def _entry_instead(school: School, text: str, key: str) -> str | None:
    entry = store().entry_for_group(school.id, key)
    if entry is None:
        entry = best_entry(text, store().entries(school.id), INSTEAD_OF_DECLINING)
    return entry_reply(school, entry) if entry else None


def add_offices(school: School, dispatcher: CollectingDispatcher, where_to_ask: dict[str, str]) -> None:
    """The school's office and phone after every "where to ask" line of the reply."""
    lines = [*where_to_ask.items(), *((BOTH, line) for line in BOTH_OFFICES), *(("aid", line) for line in AID_LINES)]
    for message in dispatcher.messages:
        if message.get("text"):
            message["text"] = with_offices(message["text"], school, lines)


def with_school_offices(tracker: Tracker, dispatcher: CollectingDispatcher, kb: KnowledgeBase) -> None:
    """For replies outside the knowledge actions (the eligibility result): the offices only."""
    school = school_of(tracker)
    if school is not None:
        add_offices(school, dispatcher, kb.aspect_book.where_to_ask)


def asked_about(events: list[dict[str, Any]]) -> list[str]:
    """The measures of what an answer was about (subject) and what it asked of it (kind)."""
    slots = {e.get("name"): e.get("value") for e in events if e.get("event") == "slot"}
    subject = next((slots[s] for s in SUBJECT_SLOTS if slots.get(s)), None) or slots.get("last_topic")
    kinds = [k for k in str(slots.get("last_aspect") or "").split(",") if k]
    return ([background.SUBJECT + str(subject)] if subject else []) + [background.KIND + k for k in kinds]
