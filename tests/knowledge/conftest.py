"""The tiny knowledge base (tests/knowledge/tiny.py), built once per module into tmp_path."""

from __future__ import annotations

import pytest

from knowledge.build import build
from knowledge.kb import KnowledgeBase
from tests.knowledge import tiny


@pytest.fixture(scope="module")
def tiny_kb(tmp_path_factory) -> KnowledgeBase:
    directory = tmp_path_factory.mktemp("tiny")
    return KnowledgeBase(build(directory / "knowledge.db", tiny.write_sources(directory / "sources")))
