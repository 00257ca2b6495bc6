"""This project's Rasa NLU components (named by module path in bot/config.yml)."""
