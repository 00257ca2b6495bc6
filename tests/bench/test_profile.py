"""Reading py-spy's folded stacks (bench/profile.py; no profiler, no server)."""

from __future__ import annotations

import pytest

from bench.profile import answered, folded_stacks, function_of, part_ms, part_shares, top_functions, top_own

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


def test_parts_in_milliseconds_per_message(stacks):
    # 10 samples at 100 a second are 100 ms of the server's time; 5 messages: 20 ms each.
    rows = dict(part_ms(stacks, {"parse": "parse_message"}, messages=5))
    assert 12.0 == pytest.approx(rows["parse"])
    assert 20.0 == pytest.approx(rows["all of the server's samples"])


def test_only_messages_sent_while_sampling_and_answered_count(tmp_path):
    record = tmp_path / "load.tsv"
    record.write_text("99.5\t0.01\t\n100.0\t0.01\t\n105.0\t0.02\tno 237\n109.9\t0.01\t\n110.0\t0.01\t\n")
    assert 2 == answered(record, start=100.0, seconds=10)
