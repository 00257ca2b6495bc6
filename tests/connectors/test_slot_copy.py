"""A Rasa slot is copied in one step, into what the generic copy makes (connectors/slot_copy.py)."""

from __future__ import annotations

import copy
from pathlib import Path

from rasa.shared.core.domain import Domain
from rasa.shared.core.slots import Slot
from rasa.shared.core.trackers import DialogueStateTracker

from connectors import slot_copy

DOMAIN = Domain.load(str(Path(__file__).resolve().parents[2] / "bot" / "domain"))
COPY_HOOKS = ("__slots__", "__copy__", "__reduce__", "__reduce_ex__", "__getstate__", "__setstate__")


def slot_classes() -> set[type]:
    found, todo = set(), [Slot]
    while todo:
        cls = todo.pop()
        found.add(cls)
        todo.extend(cls.__subclasses__())
    return found


def test_every_slot_class_is_copied_by_its_attributes_alone():
    # If an upgrade gives a slot class its own copy or pickling hooks, the direct copy
    # may no longer be what copy.copy makes: remove slot_copy or follow the hooks.
    hooked = {
        (cls.__name__, hook)
        for cls in slot_classes()
        for hook in COPY_HOOKS
        if hook in vars(cls) and vars(cls)[hook] is not slot_copy.shallow_copy
    }
    assert set() == hooked


def test_the_direct_copy_is_the_generic_copy():
    for slot in DOMAIN.slots:
        slot.value = ["value"] if slot.type_name == "list" else slot.value
        generic, direct = copy.copy(slot), slot_copy.shallow_copy(slot)
        assert type(generic) is type(direct) is type(slot)
        assert vars(generic) == vars(direct) and vars(direct) is not vars(slot)
        assert direct.value is slot.value  # shallow, as copy.copy


def test_a_tracker_built_after_install_has_its_own_slots():
    slot_copy.install()
    slot_copy.install()
    assert Slot.__copy__ is slot_copy.shallow_copy
    first = DialogueStateTracker("a", DOMAIN.slots)
    second = DialogueStateTracker("b", DOMAIN.slots)
    first.slots["last_topic"].value = "statistic"
    assert second.get_slot("last_topic") is None
    assert {slot.name for slot in DOMAIN.slots} == set(first.slots)
