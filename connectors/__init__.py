"""Rasa input channels that check what a browser or a script sends before Rasa sees it."""
