"""A hit's reasons in the reader's language: stored in English (as `names.score` writes them), shown translated.

A reason is `{"text": …, "field": "name" | "birth_date" | "nationality" | "document"}`. The sentences
for dates, nationalities and documents are fixed with values in them, and are translated whole; a
name's reason keeps the two names as written and translates the words around them. A sentence not
known here (names.py may add some) is shown as stored, in English.
"""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

WHOLE = [
    (re.compile(r"name similarity (?P<percent>\d+)%"), _("name similarity %(percent)s%%")),
    (re.compile(r"date of birth unknown on one record"), _("date of birth unknown on one record")),
    (re.compile(r"date of birth the same \((?P<a>[^)]*)\)"), _("date of birth the same (%(a)s)")),
    (
        re.compile(r"date of birth agrees as far as known \((?P<a>.*) ~ (?P<b>.*)\)"),
        _("date of birth agrees as far as known (%(a)s ~ %(b)s)"),
    ),
    (
        re.compile(r"date of birth: day and month swapped \((?P<a>.*) ~ (?P<b>.*)\)"),
        _("date of birth: day and month swapped (%(a)s ~ %(b)s)"),
    ),
    (
        re.compile(r"date of birth: year differs by one \((?P<a>.*) ~ (?P<b>.*)\)"),
        _("date of birth: year differs by one (%(a)s ~ %(b)s)"),
    ),
    (
        re.compile(r"date of birth: one digit mistyped \((?P<a>.*) ~ (?P<b>.*)\)"),
        _("date of birth: one digit mistyped (%(a)s ~ %(b)s)"),
    ),
    (re.compile(r"date of birth differs \((?P<a>.*) vs (?P<b>.*)\)"), _("date of birth differs (%(a)s vs %(b)s)")),
    (re.compile(r"nationality unknown on one record"), _("nationality unknown on one record")),
    (re.compile(r"nationality the same \((?P<a>\w+)\)"), _("nationality the same (%(a)s)")),
    (re.compile(r"nationality differs \((?P<a>\w+) vs (?P<b>\w+)\)"), _("nationality differs (%(a)s vs %(b)s)")),
    (re.compile(r"given name missing on one record"), _("given name missing on one record")),
    (re.compile(r"given and family names swapped"), _("given and family names swapped")),
    (
        re.compile(r"document number the same, issued by (?P<state>\w+)"),
        _("document number the same, issued by %(state)s"),
    ),
    (re.compile(r"the listed document is reported lost"), _("the listed document is reported lost")),
    (re.compile(r"the listed document is reported stolen"), _("the listed document is reported stolen")),
    (re.compile(r"the listed document is reported revoked"), _("the listed document is reported revoked")),
    (
        re.compile(r"the listed document is held by a listed person"),
        _("the listed document is held by a listed person"),
    ),
]

# "family name AHMED ~ AHMAD: close (differs only in vowels, 92%)": the lead, the names, then how.
LEADS = [
    ("family name ~ other's given name ", _("family name ~ other's given name")),
    ("given name ~ other's family name ", _("given name ~ other's family name")),
    ("family name ", _("family name")),
    ("given name ", _("given name")),
]
HOW = [
    ("identical", _("identical")),
    (
        "equal in passport letters (ICAO 9303 transliteration)",
        _("equal in passport letters (ICAO 9303 transliteration)"),
    ),
    ("equal ignoring spaces, hyphens and apostrophes", _("equal ignoring spaces, hyphens and apostrophes")),
    ("cannot be compared (no Latin letters or kana)", _("cannot be compared (no Latin letters or kana)")),
    ("one is part of the other (a name left out)", _("one is part of the other (a name left out)")),
    ("differs only in vowels", _("differs only in vowels")),
    ("allowing for", _("allowing for")),
    ("ignoring particles", _("ignoring particles")),
    ("equal", _("equal")),
    ("close", _("close")),
    ("different", _("different")),
    ("letters differ", _("letters differ")),
    ("letter differs", _("letter differs")),
]


def _how(text: str) -> str:
    # Longest phrases first, each replaced once as a whole word group.
    pattern = re.compile("|".join(re.escape(english) for english, _label in HOW))
    labels = {english: label for english, label in HOW}
    return pattern.sub(lambda found: str(labels[found.group(0)]), text)


def translated(text: str) -> str:
    """The stored English reason in the active language, as far as its sentence is known."""
    for pattern, template in WHOLE:
        found = pattern.fullmatch(text)
        if found:
            return str(template) % found.groupdict() if found.groupdict() else str(template)
    for english, label in LEADS:
        if text.startswith(english):
            rest = text[len(english) :]
            names, colon, how = rest.partition(": ")
            if colon:
                return f"{label} {names}: {_how(how)}"
            return f"{label} {rest}"
    return text
