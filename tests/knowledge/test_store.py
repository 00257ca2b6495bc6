"""Opening the knowledge database: a clear error for a missing, corrupt or outdated one."""

from __future__ import annotations

import shutil
import sqlite3

import pytest

from knowledge.store import KnowledgeBaseError, KnowledgeStore


def test_a_missing_database_is_a_clear_error(tmp_path):
    with pytest.raises(KnowledgeBaseError, match="make kb"):
        KnowledgeStore(tmp_path / "missing.db")


def test_a_corrupt_database_is_a_clear_error(tmp_path):
    corrupt = tmp_path / "corrupt.db"
    corrupt.write_bytes(b"this is not a database" * 100)
    with pytest.raises(KnowledgeBaseError, match="unreadable"):
        KnowledgeStore(corrupt)


def test_a_database_of_another_schema_is_a_clear_error(tiny_kb, tmp_path):
    old = tmp_path / "old.db"
    shutil.copy(tiny_kb.path, old)
    with sqlite3.connect(old) as db:
        db.execute("update meta set value = '1' where key = 'schema_version'")
    with pytest.raises(KnowledgeBaseError, match="another schema"):
        KnowledgeStore(old)


def test_only_known_tables_are_served(tiny_kb):
    assert 3 == len(tiny_kb.store.rows("entities"))
    with pytest.raises(ValueError):
        tiny_kb.store.rows("entities; drop table entities")
