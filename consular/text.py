"""Free text that a person's identity or a document is built from: one Unicode form, and nothing hidden in it.

A ground module: it imports no app of the project, so every app may use it. A name, a place of
birth or an address is read by other staff on other screens and printed on documents, so it must
show what it holds: a right-to-left override (U+202E) turns "ABC‮FED" into what looks like
ABCDEF, a zero-width space splits a name that looks whole, and a bell or escape character is
not text at all. `clean` puts text in one form (NFC; line ends as LF) and `problem` says, for a
clerk, which character cannot be kept; the validators raise it next to the field.
"""

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.functional import Promise, lazy
from django.utils.translation import gettext_lazy as _

# Control characters have no Unicode name, only these aliases (Unicode NameAliases.txt); the rest
# are shown as CONTROL with their code.
CONTROL_NAMES = {
    0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "CHARACTER TABULATION", 0x0A: "LINE FEED",
    0x0B: "LINE TABULATION", 0x0C: "FORM FEED", 0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE",
    0x85: "NEXT LINE",
}  # fmt: skip
# Every character Python's str.splitlines() breaks a line at: a single-line field holds none of them.
LINE_BREAKS = frozenset("\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029")
# In multi-line text (an address) only these are kept, and both become LF.
KEPT_LINE_BREAKS = frozenset("\n\r")
# ZERO WIDTH NON-JOINER and ZERO WIDTH JOINER choose a letter's joined or separate form in the
# scripts that join letters or build conjuncts (Persian می‌خواهم, Malayalam chillu letters), so
# they are kept between two letters of such a script, and refused anywhere else (JO‌HN).
JOINERS = frozenset("\u200c\u200d")
JOINING_SCRIPTS = (
    "ARABIC", "SYRIAC", "NKO", "MONGOLIAN", "DEVANAGARI", "BENGALI", "GURMUKHI", "GUJARATI", "ORIYA",
    "TAMIL", "TELUGU", "KANNADA", "MALAYALAM", "SINHALA", "TIBETAN", "MYANMAR", "KHMER",
)  # fmt: skip
# Invisible characters that are not format controls (category Cf, refused as a whole): Hangul
# fillers, the combining grapheme joiner, Khmer's deprecated inherent vowels, the Braille blank.
INVISIBLE = frozenset("\u034f\u115f\u1160\u17b4\u17b5\u2800\u3164\uffa0")
# Compatibility ideographs keep their own glyph: NFC would replace 神 (U+FA19) by 神 (U+795E), and a
# person's name is written with the variant they use (the ideographic variation sequences that
# follow a kanji, U+E0100 …, are marks and pass through NFC unchanged).
COMPATIBILITY_IDEOGRAPHS = re.compile(r"([\uf900-\ufaff\U0002f800-\U0002fa1f])")

LINE_BREAK = _("Contains a line break (%(character)s), but this field holds a single line.")
CONTROL = _("Contains a control character (%(character)s); retype the text without it.")
INVISIBLE_CONTROL = _("Contains an invisible control character (%(character)s); retype the text without it.")
MISPLACED_JOINER = _(
    "Contains an invisible joiner (%(character)s) that the letters around it do not use; retype the text without it."
)
NOT_A_CHARACTER = _("Contains a code that is not a character (%(character)s); retype the text without it.")


def describe(char: str) -> str:
    """U+202E RIGHT-TO-LEFT OVERRIDE: the code and the Unicode name a clerk can look up."""
    code = ord(char)
    name = CONTROL_NAMES.get(code) or unicodedata.name(char, "")
    if not name:
        category = unicodedata.category(char)
        name = {"Cc": "CONTROL", "Cs": "SURROGATE", "Co": "PRIVATE USE"}.get(category, "NONCHARACTER")
    return f"U+{code:04X} {name}"


def _nfc(text: str) -> str:
    if text.isascii():
        return text
    return "".join(
        part if COMPATIBILITY_IDEOGRAPHS.fullmatch(part) else unicodedata.normalize("NFC", part)
        for part in COMPATIBILITY_IDEOGRAPHS.split(text)
    )


def clean(value: str | None, *, multiline: bool = False) -> str:
    """The text in the one form we keep: NFC, ends trimmed, and in multi-line text CRLF and CR as LF."""
    text = _nfc(value or "")
    if multiline:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()


def _is_noncharacter(code: int) -> bool:
    return 0xFDD0 <= code <= 0xFDEF or (code & 0xFFFE) == 0xFFFE


def _joins_letters(joiner: str, before: str, after: str) -> bool:
    """A joiner between two letters (or marks) of a script that uses it, or ZWJ inside an emoji sequence (👩‍👧)."""
    if not (before and after):
        return False

    def in_joining_script(char: str) -> bool:
        return unicodedata.category(char)[0] in "LM" and unicodedata.name(char, "").startswith(JOINING_SCRIPTS)

    if in_joining_script(before) and in_joining_script(after):
        return True
    # An emoji ZWJ sequence: a pictograph (or its skin tone or emoji presentation selector) ZWJ a pictograph.
    emoji_before = unicodedata.category(before) in ("So", "Sk") or before == "\ufe0f"
    return joiner == "\u200d" and emoji_before and unicodedata.category(after) == "So"


def problem(value: str | None, *, multiline: bool = False) -> Promise | None:
    """What a clerk must fix in `value`, naming the first character that cannot be kept; None when it is fine."""
    text = value or ""
    if text.isascii() and text.isprintable():
        return None
    for index, char in enumerate(text):
        code = ord(char)
        category = unicodedata.category(char)
        if char in LINE_BREAKS:
            if multiline and char in KEPT_LINE_BREAKS:
                continue
            message = CONTROL if multiline else LINE_BREAK
        elif category == "Cc":
            message = CONTROL
        elif char in JOINERS:
            if _joins_letters(char, text[index - 1 : index], text[index + 1 : index + 2]):
                continue
            message = MISPLACED_JOINER
        elif category == "Cf" or char in INVISIBLE:
            message = INVISIBLE_CONTROL
        elif category == "Cs" or _is_noncharacter(code):
            message = NOT_A_CHARACTER
        else:
            continue
        return format_message(message, char)
    return None


def format_message(message: Promise, char: str) -> Promise:
    """`message` with the character described; still lazy, so it is translated in the reader's language."""
    return _lazy_percent(message, character=describe(char))


def _lazy_percent(message: Promise, **params: str) -> Promise:
    return lazy(lambda: str(message) % params, str)()


def validate_single_line(value: str) -> None:
    """Django validator: one line of text with nothing invisible in it."""
    message = problem(value)
    if message is not None:
        raise ValidationError(message, code="invisible_character")


def validate_multiline(value: str) -> None:
    """Django validator: text that may hold line breaks (an address), and nothing else invisible."""
    message = problem(value, multiline=True)
    if message is not None:
        raise ValidationError(message, code="invisible_character")


# ---------------------------------------------------------------------------------------
# Latin letters and their look-alikes
# ---------------------------------------------------------------------------------------

# Capitals of other scripts that print like a Latin capital (a selection from Unicode's
# confusables.txt for the scripts a clerk's keyboard is most likely to be switched to), and the
# digit zero. A name typed with one of these looks right on screen but is another name to every
# search, de-duplication and MRZ.
LOOKALIKES = {
    # Cyrillic
    "А": "A", "В": "B", "Е": "E", "К": "K", "М": "M", "Н": "H", "О": "O", "Р": "P", "С": "C", "Т": "T",
    "У": "Y", "Х": "X", "Ү": "Y", "І": "I", "Ӏ": "I", "Ј": "J", "Ѕ": "S", "Ԛ": "Q", "Ԝ": "W",
    # Greek
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N", "Ο": "O",
    "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X", "Ϲ": "C", "Ϳ": "J",
    # Armenian, and a digit
    "Օ": "O", "0": "O",
}  # fmt: skip

LOOKS_LATIN = _("“%(character)s” (%(name)s) is not the Latin letter %(latin)s it looks like; type the Latin %(latin)s.")
NOT_LATIN = _(
    "“%(character)s” (%(name)s) is not a Latin letter: write the name as the passport prints it, "
    "in capital letters A–Z."
)
NOT_IN_LATIN_NAME = _(
    "“%(character)s” (%(name)s) cannot be in the name as the passport prints it: use capital letters A–Z, "
    "spaces, hyphens and apostrophes."
)


def _latin_message(message: Promise, char: str) -> Promise:
    return _lazy_percent(message, character=char, name=describe(char), latin=LOOKALIKES.get(char, ""))


def latin_name_problem(value: str, allowed: str = "ABCDEFGHIJKLMNOPQRSTUVWXYZ '-") -> Promise | None:
    """For a name that must be in Latin capitals: the first other character, what it is and what it looks like."""
    for char in value:
        if char in allowed:
            continue
        if char in LOOKALIKES:
            return _latin_message(LOOKS_LATIN, char)
        if unicodedata.category(char).startswith("L") and not unicodedata.name(char, "").startswith("LATIN"):
            return _latin_message(NOT_LATIN, char)
        return _latin_message(NOT_IN_LATIN_NAME, char)
    return None
