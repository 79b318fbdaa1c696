"""A watchlist entry as a file gives it, before it is stored: what every format's reader produces.

`snapshot()` is the JSON stored in each EntryVersion and hashed into the entry's fingerprint,
so two editions that say the same thing about an entry give the same fingerprint.
"""

import datetime
import hashlib
import json
import unicodedata
from dataclasses import asdict, dataclass, field
from typing import Any

# ISO 15924 codes of the scripts the lists use, by the first word of the Unicode character name.
SCRIPTS = {
    "LATIN": "Latn",
    "ARABIC": "Arab",
    "CYRILLIC": "Cyrl",
    "CJK": "Hani",
    "HANGUL": "Hang",
    "HIRAGANA": "Hira",
    "KATAKANA": "Kana",
    "GREEK": "Grek",
    "HEBREW": "Hebr",
    "THAI": "Thai",
    "DEVANAGARI": "Deva",
}


def script_of(text: str) -> str:
    """The first non-Latin script among the letters of `text`, else Latn; Zyyy when there is no letter."""
    found = "Zyyy"
    for character in text:
        if not character.isalpha():
            continue
        script = SCRIPTS.get(unicodedata.name(character, "").split(" ")[0], "Zzzz")
        if script != "Latn":
            return script
        found = "Latn"
    return found


def single_spaced(text: str | None) -> str:
    """Whitespace runs (the UN's line breaks and indentation inside a value) as one space, ends trimmed."""
    return " ".join((text or "").split())


def normalised_document_number(raw: str) -> str:
    """Letters A to Z and digits only (ICAO 9303): spaces, hyphens, slashes and dots are only print layout."""
    folded = unicodedata.normalize("NFKC", raw or "").upper()
    return "".join(character for character in folded if character.isascii() and character.isalnum())


@dataclass(frozen=True)
class Name:
    full_name: str
    quality: str  # EntryName.Quality
    script: str = "Latn"
    position: int = 0
    note: str = ""


@dataclass(frozen=True)
class BirthDate:
    kind: str  # EntryBirthDate.Kind
    date: datetime.date | None = None
    from_year: int | None = None
    to_year: int | None = None
    approximate: bool = False
    note: str = ""


@dataclass(frozen=True)
class Place:
    city: str = ""
    region: str = ""
    country: str = ""
    country_as_published: str = ""
    note: str = ""


@dataclass(frozen=True)
class Nationality:
    country: str
    as_published: str


@dataclass(frozen=True)
class Document:
    kind: str  # EntryDocument.Kind
    number: str
    number_as_published: str = ""
    type_as_published: str = ""
    issuing_country: str = ""
    issuing_country_as_published: str = ""
    status: str = ""
    note: str = ""


@dataclass(frozen=True)
class Record:
    source_key: str
    kind: str  # ListEntry.Kind
    reference: str = ""
    primary_name: str = ""
    name_parts: tuple[str, ...] = ()
    native_name: str = ""
    reason: str = ""
    list_type: str = ""
    listed_on: datetime.date | None = None
    names: tuple[Name, ...] = ()
    birth_dates: tuple[BirthDate, ...] = ()
    birth_places: tuple[Place, ...] = ()
    nationalities: tuple[Nationality, ...] = ()
    documents: tuple[Document, ...] = ()
    # What the list says that has no column of its own (UN: title, designation, gender, addresses).
    extra: dict[str, Any] = field(default_factory=dict)

    def snapshot(self) -> dict[str, Any]:
        return json.loads(json.dumps(asdict(self), default=_json_default))

    def fingerprint(self) -> str:
        canonical = json.dumps(self.snapshot(), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


def _json_default(value: object) -> str:
    if isinstance(value, datetime.date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class WatchlistFileError(ValueError):
    """A file that cannot be read as the format it was given as; the message says where and why."""
