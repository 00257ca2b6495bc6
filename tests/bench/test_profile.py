"""Reading py-spy's folded stacks (bench/profile.py; no profiler, no server)."""

from __future__ import annotations

import pytest

from bench.profile import folded_stacks, function_of, part_shares, top_functions, top_own

FOLDED = """\
main (rasa/__main__.py:10);handle (rasa/core/processor.py:20);parse_message (rasa/core/processor.py:30) 6
main (rasa/__main__.py:10);handle (rasa/core/processor.py:21);save (rasa/core/tracker_store.py:40) 3
main (rasa/__main__.py:10) 1
"""


@pytest.fixture
def stacks(tmp_path):
    path = tmp_path / "rasa.folded"
    path.write_text(FOLDED, encoding="utf-8")
    return folded_stacks(path)


def test_the_line_number_is_dropped_from_a_frame():
    assert "handle (rasa/core/processor.py)" == function_of("handle (rasa/core/processor.py:20)")


def test_a_function_counts_once_per_sample_whatever_its_lines(stacks):
    rows = {function: (share, own) for function, share, own in top_functions(stacks)}
    assert (1.0, 0.1) == rows["main (rasa/__main__.py)"]
    assert (0.9, 0.0) == rows["handle (rasa/core/processor.py)"]
    assert (0.6, 0.6) == rows["parse_message (rasa/core/processor.py)"]


def test_parts_and_top_frames(stacks):
    assert [("parse", 0.6), ("save", 0.3)] == part_shares(stacks, {"parse": "parse_message", "save": "save ("})
    assert ("parse_message (rasa/core/processor.py)", 0.6) == top_own(stacks)[0]
