"""Custom actions for the rasa_sdk action server (`rasa run actions --actions actions`)."""

from actions import changed_slots, console_writes

# The SDK imports this package before it serves a call: what an action counts for the
# console goes back to the Rasa server with the action's response, and the response keeps
# only the slot events that change a slot.
console_writes.install()
changed_slots.install()
