"""What metadata is kept, and how deep a request may nest (connectors/metadata.py)."""

from __future__ import annotations

import pytest

from connectors.metadata import MAX_JSON_DEPTH, allowed_metadata, too_deep


def nested(depth: int) -> object:
    value: object = "leaf"
    for _ in range(depth):
        value = {"a": value}
    return value


@pytest.mark.parametrize(
    "metadata, kept",
    [
        ({"school": "青城职业技术学校"}, {"school": "青城职业技术学校"}),
        ({"school": "x" * 1000}, {"school": "x" * 60}),
        ({"school": 5}, {}),
        ({"school": "a\nb"}, {}),
        ({"page": "x"}, {}),
        (None, {}),
        ({}, {}),
    ],
)
def test_only_the_widgets_keys_are_kept_within_their_limits(metadata, kept):
    assert kept == allowed_metadata(metadata)


def test_nesting_is_measured_without_recursion():
    assert not too_deep(nested(MAX_JSON_DEPTH))
    assert too_deep(nested(MAX_JSON_DEPTH + 1))
    assert too_deep(nested(100_000))  # Python's recursion limit is 1000
    assert not too_deep({str(i): i for i in range(10_000)})
