"""Custom actions for the rasa_sdk action server (`rasa run actions --actions actions`)."""

from actions import console_writes

# The SDK imports this package before it serves a call: what an action counts for the
# console goes back to the Rasa server with the action's response.
console_writes.install()
