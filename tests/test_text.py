"""Free text a person's identity or a document is built from: one form, nothing invisible, Latin that is Latin."""

import unicodedata

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from consular import text


@pytest.fixture(autouse=True)
def _messages_in_english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("ABC\u202eFED", "Contains an invisible control character (U+202E RIGHT-TO-LEFT OVERRIDE)"),
        ("\u202aNEW YORK", "Contains an invisible control character (U+202A LEFT-TO-RIGHT EMBEDDING)"),
        ("TOKYO\u2066", "Contains an invisible control character (U+2066 LEFT-TO-RIGHT ISOLATE)"),
        ("OSAKA\u2069", "Contains an invisible control character (U+2069 POP DIRECTIONAL ISOLATE)"),
        ("\u200fقاهرة", "Contains an invisible control character (U+200F RIGHT-TO-LEFT MARK)"),
        ("\u200eLIMA", "Contains an invisible control character (U+200E LEFT-TO-RIGHT MARK)"),
        ("قاهرة\u061c", "Contains an invisible control character (U+061C ARABIC LETTER MARK)"),
        ("山\u200b田", "Contains an invisible control character (U+200B ZERO WIDTH SPACE)"),
        ("山田\u2060", "Contains an invisible control character (U+2060 WORD JOINER)"),
        ("\ufeff山田", "Contains an invisible control character (U+FEFF ZERO WIDTH NO-BREAK SPACE)"),
        ("ᠮ\u180eᠣ", "Contains an invisible control character (U+180E MONGOLIAN VOWEL SEPARATOR)"),
        ("Yoko\u00adhama", "Contains an invisible control character (U+00AD SOFT HYPHEN)"),
        ("김\u3164", "Contains an invisible control character (U+3164 HANGUL FILLER)"),
        ("TAG\U000e0041", "Contains an invisible control character (U+E0041 TAG LATIN CAPITAL LETTER A)"),
        ("BELL\x07", "Contains a control character (U+0007 BELL)"),
        ("TAB\tBED", "Contains a control character (U+0009 CHARACTER TABULATION)"),
        ("ESC\x1b[31m", "Contains a control character (U+001B ESCAPE)"),
        ("C1\x9b", "Contains a control character (U+009B CONTROL)"),
        ("DEL\x7f", "Contains a control character (U+007F DELETE)"),
        ("LINE\nTWO", "Contains a line break (U+000A LINE FEED), but this field holds a single line."),
        ("LINE\r\nTWO", "Contains a line break (U+000D CARRIAGE RETURN), but this field holds a single line."),
        ("LINE\u2028TWO", "Contains a line break (U+2028 LINE SEPARATOR), but this field holds a single line."),
        ("JO\u200dHN", "Contains an invisible joiner (U+200D ZERO WIDTH JOINER) that the letters around it do not"),
        ("\u200cمی", "Contains an invisible joiner (U+200C ZERO WIDTH NON-JOINER)"),
        ("\ud800", "Contains a code that is not a character (U+D800 SURROGATE)"),
        ("\ufdd0", "Contains a code that is not a character (U+FDD0 NONCHARACTER)"),
    ],
)
def test_invisible_and_control_characters_are_refused_by_name(value, message):
    assert str(text.problem(value)).startswith(message)
    with pytest.raises(ValidationError, match=message.replace("(", r"\(").replace(")", r"\)").replace("+", r"\+")):
        text.validate_single_line(value)


@pytest.mark.parametrize(
    "value",
    [
        "山田 花子",
        "渡邉\U000e0100",  # an ideographic variation sequence picks the kanji's variant glyph
        "神\ufa19",  # a compatibility ideograph
        "می\u200cخواهم",  # Persian: ZWNJ keeps the two parts of the word apart
        "ക്\u200dഷ",  # Malayalam: ZWJ asks for the half form
        "Thanks 👩\u200d👧 🏳\ufe0f\u200d🌈",  # ZWJ inside emoji sequences, as a note may hold them
        "ΑΛΈΞΑΝΔΡΟΣ",
        "São Paulo",
        "NEW\u00a0YORK",  # a no-break space is a space, not a control
        "",
    ],
)
def test_text_a_script_needs_is_kept(value):
    assert text.problem(value) is None
    text.validate_single_line(value)


def test_an_address_keeps_its_line_breaks_as_lf_and_nothing_else():
    assert text.problem("1 Main St\r\nNew York\rNY", multiline=True) is None
    assert text.clean("1 Main St\r\nNew York\rNY\n", multiline=True) == "1 Main St\nNew York\nNY"
    with pytest.raises(ValidationError, match="U\\+0009 CHARACTER TABULATION"):
        text.validate_multiline("1 Main St\n\tNew York")
    with pytest.raises(ValidationError, match="U\\+2029 PARAGRAPH SEPARATOR"):
        text.validate_multiline("1 Main St\u2029New York")
    text.validate_multiline("1 Main St\r\nNew York")


def test_clean_gives_nfc_and_keeps_compatibility_ideographs():
    assert text.clean("  Re\u0301union ") == "Réunion"  # e + combining acute is one é
    # NFC alone would make U+FA19 神 into U+795E 神 and change how the person's name is written.
    assert text.clean("神\ufa19") == "神\ufa19"
    assert text.clean("Ａ") == "Ａ"  # NFC, not NFKC: full-width forms are the Latin name rule's business


def test_a_message_is_read_in_the_readers_language():
    message = text.problem("ABC\u202eFED")
    with translation.override("ja"):
        japanese = str(message)
    assert "U+202E RIGHT-TO-LEFT OVERRIDE" in japanese
    assert japanese != str(message)


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("АNNA", "“А” (U+0410 CYRILLIC CAPITAL LETTER A) is not the Latin letter A it looks like; type the Latin A."),
        ("SMITΗ", "“Η” (U+0397 GREEK CAPITAL LETTER ETA) is not the Latin letter H it looks like; type the Latin H."),
        ("J0NES", "“0” (U+0030 DIGIT ZERO) is not the Latin letter O it looks like; type the Latin O."),
        ("ЖУКОВ", "“Ж” (U+0416 CYRILLIC CAPITAL LETTER ZHE) is not a Latin letter"),
        ("MÜLLER", "“Ü” (U+00DC LATIN CAPITAL LETTER U WITH DIAERESIS) cannot be in the name as the passport prints"),
    ],
)
def test_a_latin_name_says_which_character_is_not_latin_and_what_it_looks_like(name, message):
    assert str(text.latin_name_problem(name)).startswith(message)


def test_a_latin_name_of_latin_capitals_has_no_problem():
    assert text.latin_name_problem("O'BRIEN-SMITH DE LA CRUZ") is None


@settings(max_examples=200, deadline=None, database=None)
@given(st.text())
def test_whatever_passes_holds_no_control_or_format_character(value):
    if text.problem(value) is None:
        assert not any(unicodedata.category(char) in ("Cc", "Cs", "Zl", "Zp") for char in value)
        assert all(char in "\u200c\u200d" for char in value if unicodedata.category(char) == "Cf")
