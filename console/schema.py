"""The console database's tables (SQLAlchemy Core).

Two sides use them: the console's web pages (accounts, profiles, entries, reports) and the
assistant (which reads a school's profile and entries, and writes declined questions and
counts). Neither side keeps a sender id or any message text other than a scrubbed declined
question.
"""

from __future__ import annotations

from sqlalchemy import (
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

# A school: the widget's data-school is its id (a short slug, ≤ 60 characters).
schools = Table(
    "schools",
    metadata,
    Column("id", String(60), primary_key=True),
    Column("name", String(100), nullable=False),
    Column("color", String(7), nullable=False, default="#1f6feb"),
    # Origins (scheme://host[:port]) allowed to embed the widget as this school, one per line.
    Column("allowed_origins", Text, nullable=False, default=""),
    Column("admissions_phone", String(40), nullable=False, default=""),
    Column("admissions_url", String(300), nullable=False, default=""),
    Column("aid_phone", String(40), nullable=False, default=""),
    Column("aid_url", String(300), nullable=False, default=""),
    # Added by migration 0002: the title of the school's widget window.
    Column("widget_title", String(30), nullable=False, default="职教升学助手", server_default="职教升学助手"),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

accounts = Table(
    "accounts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("username", String(60), nullable=False, unique=True),
    Column("password_hash", String(200), nullable=False),
    # "admin" (every school, manages schools and accounts) or "counselor" (one school).
    Column("role", String(20), nullable=False),
    Column("school_id", String(60), ForeignKey("schools.id"), nullable=True),
    Column("active", Boolean, nullable=False, default=True),
    Column("created_at", DateTime, nullable=False),
)

# A school's own question and answer, written by one of its counselors.
entries = Table(
    "entries",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", String(60), ForeignKey("schools.id"), nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("link", String(300), nullable=False, default=""),
    Column("author", String(60), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False),
)

# Questions in the assistant's domain that it declined, scrubbed of phone numbers, ID numbers
# and names before they are stored; grouped by `group_key` (the normalised question).
# school_id is None for a widget embedded without a school (the administrator sees those).
declined_questions = Table(
    "declined_questions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", String(60), ForeignKey("schools.id"), nullable=True, index=True),
    Column("question", Text, nullable=False),
    Column("group_key", String(200), nullable=False, index=True),
    Column("asked_at", DateTime, nullable=False, index=True),
    # Set when a counselor answers the group: the entry that now answers it.
    Column("entry_id", Integer, ForeignKey("entries.id"), nullable=True),
    # Marked for the national/regional knowledge maintainers (exported for knowledge/sources/).
    Column("for_maintainers", Boolean, nullable=False, default=False),
)

# Counts only, one row per (school, day, measure): e.g. conversations, messages, answered,
# declined, out_of_scope, subject:单招, kind:how_much, check_started, check_finished, widget_open.
daily_counts = Table(
    "daily_counts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("school_id", String(60), nullable=False, default=""),
    Column("day", String(10), nullable=False),  # YYYY-MM-DD
    Column("measure", String(80), nullable=False),
    Column("count", Integer, nullable=False, default=0),
    UniqueConstraint("school_id", "day", "measure", name="uq_daily_counts"),
)

# Who changed what, when (the console's changes, never a student's message).
audit_log = Table(
    "audit_log",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("account", String(60), nullable=False),
    Column("school_id", String(60), nullable=True),
    Column("action", String(60), nullable=False),
    Column("detail", Text, nullable=False, default=""),
)

# ---- added by the console's pages (migration 0002); the tables above are the contract.

# A signed-in browser: the cookie carries a random token, this table only its SHA-256, so a
# copy of the database opens no session. Signing out deletes the row.
sessions = Table(
    "sessions",
    metadata,
    Column("token_hash", String(64), primary_key=True),
    Column("account_id", Integer, ForeignKey("accounts.id"), nullable=False, index=True),
    # The synchronizer token every form of this session carries.
    Column("csrf_token", String(64), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("expires_at", DateTime, nullable=False, index=True),
)

# Wrong passwords, kept a few minutes for the login rate limit (per user name and per address).
login_failures = Table(
    "login_failures",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("key", String(120), nullable=False, index=True),
    Column("at", DateTime, nullable=False, index=True),
)
