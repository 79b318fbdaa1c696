"""The UN list's good-quality aliases, screened as applicants: names against a plain fuzzy matcher.

bench/alias_recall.py measures it and prints the table; this keeps the figures from sliding back.
Measured on the 2018 edition: names 634 of 1,524 (41.6%, no false match), rapidfuzz
token_sort_ratio >= 85 with an exact-or-unknown date check 322 (21.1%, 1 alias falsely matched).
The issue's target is twice the baseline's recall; 1.97 is reached so far, and the floor here
is what is reached, so that any change that loses recall or adds a false match fails.
"""

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

import alias_recall

RECALL_RATIO_AT_LEAST = 1.95


@pytest.fixture(scope="module")
def results():
    if not alias_recall.FULL_LIST.exists():
        pytest.skip("the full UN list is not in tests/screening/data")
    return alias_recall.measure(alias_recall.load())


def test_names_find_aliases_about_twice_as_often_as_a_plain_fuzzy_matcher(results):
    ours, baseline = results
    assert ours.queries == baseline.queries > 1000
    assert ours.recall >= RECALL_RATIO_AT_LEAST * baseline.recall, alias_recall.table(results)


def test_names_match_no_more_other_listed_people_than_the_fuzzy_matcher(results):
    ours, baseline = results
    assert ours.false_aliases <= baseline.false_aliases, alias_recall.table(results)
    assert ours.false_pairs <= baseline.false_pairs, alias_recall.table(results)
