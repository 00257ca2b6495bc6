"""Rasa's slots copied in one step when a tracker is built.

Every `DialogueStateTracker` copies each slot of the domain (`copy.copy`), and Rasa 3.6
builds several trackers per message: the one read from the store, one per action it runs
(`tracker.copy()` replays the events into a new tracker), the form's temporary trackers and
the policies' prior trackers. The assistant has 20 slots; through the generic protocol
(`__reduce_ex__`, `copyreg.__newobj__`, `copy._reconstruct`) copying them took about 30 µs a
tracker, and the copies were 4–7 % of the Rasa server's samples under the bench load
(docs/benchmarks.md, issue 17).

`install()` gives `Slot` a `__copy__` that makes the same shallow copy directly: a new
object of the same class with the same attributes. That is what the generic protocol does
for a class with neither `__slots__` nor its own `__getstate__`/`__setstate__`/`__reduce__`;
tests/connectors/test_slot_copy.py checks that every slot class of Rasa is such a class and
that both copies are equal.
"""

from __future__ import annotations

from rasa.shared.core.slots import Slot

from connectors.patches import replace_once


def shallow_copy(slot: Slot) -> Slot:
    """What copy.copy(slot) makes: the same class, a new attribute dict with the same values."""
    copied = object.__new__(type(slot))
    copied.__dict__.update(slot.__dict__)
    return copied


def install() -> None:
    """Make copy.copy of a Rasa slot take the direct route, once per process."""
    replace_once(Slot, "__copy__", shallow_copy)
