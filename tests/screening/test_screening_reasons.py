"""Stored reasons read back in the reader's language: known sentences parsed, unknown ones kept as stored."""

import pytest
from django.utils import translation

from consular.screening.reasons import translated
from consular.screening.templatetags.screening_reasons import highlight_words, reason_text


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    "text",
    [
        "name similarity 86%",
        "date of birth differs (1964-07-17 vs 1970)",
        "nationality the same (PRK)",
        "family name KANG ~ KANG: identical",
        "given name MYONG CHOL ~ MYONG CHUL: close (1 letter differs, 89%)",
        "document number the same, issued by PAK",
    ],
)
def test_a_known_reason_reads_back_the_same_in_english(text):
    assert translated(text) == text


def test_an_unknown_reason_is_shown_as_stored():
    assert translated("a rule names.py may add later") == "a rule names.py may add later"


def test_the_filter_takes_a_stored_reason():
    assert reason_text({"text": "nationality the same (PRK)", "field": "nationality"}) == "nationality the same (PRK)"


def test_matching_words_are_marked_and_the_rest_escaped():
    assert str(highlight_words("KANG <b>", "Kang Myong Chol")) == "<mark>KANG</mark> &lt;b&gt;"
