"""The counselors' console (issue 18): schools, accounts, a school's own answers, the
questions nobody answered, and counts of what students ask.

Its mutable data lives in a database of its own (CONSOLE_DB_URL, SQLite under var/ by
default), apart from the read-only knowledge base.
"""
