"""Keyset cursors: what a page encodes it decodes, and anything else is refused."""

import base64
import json
from datetime import UTC, datetime

import pytest

from consular.paging import BadCursor, decode_cursor, encode_cursor

ORDERING = ("-submitted_at", "reference", "id")


def test_a_cursor_gives_back_the_sort_values_of_the_last_row():
    row = {"submitted_at": datetime(2026, 11, 30, 4, 5, 6, 789, tzinfo=UTC), "reference": "E-2026-NYC-000001", "id": 7}

    assert decode_cursor(encode_cursor(row, ORDERING), ORDERING) == [row["submitted_at"], "E-2026-NYC-000001", 7]


@pytest.mark.parametrize("values", [
    [["t", "2026-11-30T04:05:06"], ["v", "x"], ["v", 1]],  # a time without its zone
    [["v", "x"], ["v", 1]],  # too few values
    [["x", 1], ["v", "x"], ["v", 1]],  # an unknown tag
    [["v", [1]], ["v", "x"], ["v", 1]],  # not a plain value
])
def test_a_cursor_not_made_here_is_refused(values):
    cursor = base64.urlsafe_b64encode(json.dumps(values).encode()).decode()

    with pytest.raises(BadCursor):
        decode_cursor(cursor, ORDERING)


def test_garbage_is_refused():
    with pytest.raises(BadCursor):
        decode_cursor("%%%not-base64", ORDERING)
