"""Embeddable chat widget for the Rasa assistant, and the small site that serves it."""
