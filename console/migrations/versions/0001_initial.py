"""The console's tables as first agreed (console/schema.py at f668e12).

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "schools",
        sa.Column("id", sa.String(60), primary_key=True),
        sa.Column("name", sa.String(100), nullable=False),
        sa.Column("color", sa.String(7), nullable=False),
        sa.Column("allowed_origins", sa.Text, nullable=False),
        sa.Column("admissions_phone", sa.String(40), nullable=False),
        sa.Column("admissions_url", sa.String(300), nullable=False),
        sa.Column("aid_phone", sa.String(40), nullable=False),
        sa.Column("aid_url", sa.String(300), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "accounts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("username", sa.String(60), nullable=False, unique=True),
        sa.Column("password_hash", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("school_id", sa.String(60), sa.ForeignKey("schools.id"), nullable=True),
        sa.Column("active", sa.Boolean, nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
    )
    op.create_table(
        "entries",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.String(60), sa.ForeignKey("schools.id"), nullable=False),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("answer", sa.Text, nullable=False),
        sa.Column("link", sa.String(300), nullable=False),
        sa.Column("author", sa.String(60), nullable=False),
        sa.Column("created_at", sa.DateTime, nullable=False),
        sa.Column("updated_at", sa.DateTime, nullable=False),
    )
    op.create_index("ix_entries_school_id", "entries", ["school_id"])
    op.create_table(
        "declined_questions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.String(60), sa.ForeignKey("schools.id"), nullable=True),
        sa.Column("question", sa.Text, nullable=False),
        sa.Column("group_key", sa.String(200), nullable=False),
        sa.Column("asked_at", sa.DateTime, nullable=False),
        sa.Column("entry_id", sa.Integer, sa.ForeignKey("entries.id"), nullable=True),
        sa.Column("for_maintainers", sa.Boolean, nullable=False),
    )
    op.create_index("ix_declined_questions_school_id", "declined_questions", ["school_id"])
    op.create_index("ix_declined_questions_group_key", "declined_questions", ["group_key"])
    op.create_index("ix_declined_questions_asked_at", "declined_questions", ["asked_at"])
    op.create_table(
        "daily_counts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("school_id", sa.String(60), nullable=False),
        sa.Column("day", sa.String(10), nullable=False),
        sa.Column("measure", sa.String(80), nullable=False),
        sa.Column("count", sa.Integer, nullable=False),
        sa.UniqueConstraint("school_id", "day", "measure", name="uq_daily_counts"),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("at", sa.DateTime, nullable=False),
        sa.Column("account", sa.String(60), nullable=False),
        sa.Column("school_id", sa.String(60), nullable=True),
        sa.Column("action", sa.String(60), nullable=False),
        sa.Column("detail", sa.Text, nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    for table in ("audit_log", "daily_counts", "declined_questions", "entries", "accounts", "schools"):
        op.drop_table(table)
