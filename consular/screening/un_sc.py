"""Reading the UN Security Council Consolidated List in its published XML (`sc-sanctions.xsd`).

The root `CONSOLIDATED_LIST` carries `dateGenerated` (the edition) and holds `INDIVIDUALS/INDIVIDUAL`
and `ENTITIES/ENTITY`. The shapes the 2018 edition actually uses, each read here:

- names: FIRST_NAME … FOURTH_NAME, padded with spaces (" RI "), joined into the primary name;
  NAME_ORIGINAL_SCRIPT is the native-script name.
- aliases: INDIVIDUAL_ALIAS (QUALITY Good or Low) and ENTITY_ALIAS (QUALITY a.k.a. or f.k.a.,
  both stored as good, f.k.a. noted); empty alias elements are skipped. One ALIAS_NAME may pack
  several names: "A; B; C", "عبدالله السندي (Abdullah Sindhi)", "Akrin (أقرين)",
  "Abu Muhammad (original script: …)" with the Cyrillic; each name becomes its own row.
- dates of birth (INDIVIDUAL_DATE_OF_BIRTH, several per person): TYPE_OF_DATE EXACT with DATE
  (a full date, sometimes with a zone suffix "1964-07-17-04:00") or YEAR; APPROXIMATELY with YEAR
  (or DATE); BETWEEN with FROM_YEAR and TO_YEAR; any of them with only a NOTE ("24/06/1402 (Hijri
  Calendar)", "30-35 years old"); an empty TYPE_OF_DATE with nothing in it (skipped).
- places of birth (CITY, STATE_PROVINCE, COUNTRY, NOTE), NATIONALITY/VALUE (country names),
  INDIVIDUAL_DOCUMENT (TYPE_OF_DOCUMENT, TYPE_OF_DOCUMENT2, NUMBER, ISSUING_COUNTRY or
  COUNTRY_OF_ISSUE, DATE_OF_ISSUE, CITY_OF_ISSUE, NOTE).

DATAID is the stable key; REFERENCE_NUMBER (e.g. QDi.295) is the reference a hit cites. The parser
uses defusedxml: no entity expansion, no external references.
"""

import re
from dataclasses import dataclass
from datetime import date, datetime
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from consular.screening.country_names import CountryResolver
from consular.screening.records import (
    BirthDate,
    Document,
    Name,
    Nationality,
    Place,
    Record,
    WatchlistFileError,
    normalised_document_number,
    script_of,
    single_spaced,
)

ROOT = "CONSOLIDATED_LIST"
NAME_PARTS = ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME", "FOURTH_NAME")
ALIAS_QUALITY = {"good": "good", "low": "low", "a.k.a.": "good", "f.k.a.": "good"}


@dataclass(frozen=True)
class Edition:
    generated: datetime
    records: list[Record]
    unresolved_countries: set[str]


def read(content: bytes) -> Edition:
    """Every individual and entity of one edition; raises WatchlistFileError naming what is wrong."""
    try:
        root = fromstring(content)
    except ParseError as error:
        raise WatchlistFileError(f"Not XML: {error}.") from error
    except DefusedXmlException as error:
        raise WatchlistFileError(f"Refused XML: {error}.") from error
    if root.tag != ROOT:
        raise WatchlistFileError(f"The root element is <{root.tag}>; a UN consolidated list has <{ROOT}>.")
    generated = _generated(root.get("dateGenerated"))
    reader = _Reader()
    records = []
    for kind, path in (("individual", "INDIVIDUALS/INDIVIDUAL"), ("entity", "ENTITIES/ENTITY")):
        for position, element in enumerate(root.iterfind(path), start=1):
            records.append(reader.record(element, kind, position))
    return Edition(generated=generated, records=records, unresolved_countries=reader.unresolved)


def _generated(value: str | None) -> datetime:
    if not value:
        raise WatchlistFileError(f"<{ROOT}> has no dateGenerated attribute: the edition date is unknown.")
    try:
        generated = datetime.fromisoformat(value)
    except ValueError as error:
        raise WatchlistFileError(f"dateGenerated {value!r} is not a date and time.") from error
    if generated.tzinfo is None:
        raise WatchlistFileError(f"dateGenerated {value!r} has no time zone.")
    return generated


def _text(element: Element, path: str) -> str:
    return single_spaced(element.findtext(path))


def _values(element: Element, path: str) -> list[str]:
    return [value for value in (single_spaced(found.text) for found in element.iterfind(path)) if value]


def _iso_date(value: str) -> date | None:
    """The date part of "1964-07-17" or "2015-04-14-04:00" (the UN sometimes writes a zone after it)."""
    match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


class _Reader(CountryResolver):

    def record(self, element: Element, kind: str, position: int) -> Record:
        tag = element.tag
        source_key = _text(element, "DATAID")
        if not source_key:
            raise WatchlistFileError(f"{tag} number {position} has no DATAID.")
        reference = _text(element, "REFERENCE_NUMBER")
        listed_text = _text(element, "LISTED_ON")
        listed_on = _iso_date(listed_text) if listed_text else None
        if listed_text and listed_on is None:
            raise WatchlistFileError(f"{tag} {reference or source_key}: LISTED_ON {listed_text!r} is not a date.")
        parts = tuple(part for part in (_text(element, name) for name in NAME_PARTS) if part)
        primary = " ".join(parts)
        native = _text(element, "NAME_ORIGINAL_SCRIPT")
        names = [Name(primary, "primary", script_of(primary), 0)] if primary else []
        if native:
            names.append(Name(native, "primary", script_of(native), 0))
        alias_tag = "INDIVIDUAL_ALIAS" if kind == "individual" else "ENTITY_ALIAS"
        for alias_position, alias in enumerate(
            (alias for alias in element.iterfind(alias_tag) if _text(alias, "ALIAS_NAME")), start=1
        ):
            names.extend(self.alias_names(alias, alias_position))
        extra = {
            "title": _values(element, "TITLE/VALUE"),
            "designation": _values(element, "DESIGNATION/VALUE"),
            "gender": _text(element, "GENDER"),
            "addresses": [self.address(address) for address in element.iterfind(f"{tag}_ADDRESS")],
            "last_updated": _values(element, "LAST_DAY_UPDATED/VALUE"),
            "un_version": _text(element, "VERSIONNUM"),
        }
        extra["addresses"] = [address for address in extra["addresses"] if address]
        return Record(
            source_key=source_key,
            kind=kind,
            reference=reference,
            primary_name=primary,
            name_parts=parts,
            native_name=native,
            reason=_text(element, "COMMENTS1"),
            list_type=_text(element, "UN_LIST_TYPE"),
            listed_on=listed_on,
            names=tuple(names),
            birth_dates=tuple(
                found for found in map(birth_date, element.iterfind("INDIVIDUAL_DATE_OF_BIRTH")) if found
            ),
            birth_places=tuple(
                found for found in map(self.place, element.iterfind("INDIVIDUAL_PLACE_OF_BIRTH")) if found
            ),
            nationalities=tuple(
                Nationality(code, published)
                for published in _values(element, "NATIONALITY/VALUE")
                for code in (self.codes(published) or ("",))
            ),
            documents=tuple(
                found for found in map(self.document, element.iterfind("INDIVIDUAL_DOCUMENT")) if found
            ),
            extra=extra,
        )

    def alias_names(self, alias: Element, position: int) -> list[Name]:
        raw_quality = _text(alias, "QUALITY")
        quality = ALIAS_QUALITY.get(raw_quality.casefold(), "low")
        notes = [raw_quality] if raw_quality.casefold() == "f.k.a." else []
        for label, path in (("date of birth", "DATE_OF_BIRTH"), ("city of birth", "CITY_OF_BIRTH"),
                            ("country of birth", "COUNTRY_OF_BIRTH"), ("note", "NOTE")):
            if value := _text(alias, path):
                notes.append(f"{label}: {value}")
        note = "; ".join(notes)
        names = split_alias(_text(alias, "ALIAS_NAME"))
        return [Name(name, quality, script_of(name), position, note) for name in names]

    def place(self, element: Element) -> Place | None:
        published = _text(element, "COUNTRY")
        found = Place(city=_text(element, "CITY"), region=_text(element, "STATE_PROVINCE"),
                      country=self.one(published) if published else "", country_as_published=published,
                      note=_text(element, "NOTE"))
        return found if found != Place() else None

    def address(self, element: Element) -> dict[str, str]:
        found = {path.lower(): _text(element, path) for path in ("STREET", "CITY", "STATE_PROVINCE", "ZIP_CODE",
                                                                  "COUNTRY", "NOTE")}
        return {key: value for key, value in found.items() if value}

    def document(self, element: Element) -> Document | None:
        number_published = _text(element, "NUMBER")
        types = [value for value in (_text(element, "TYPE_OF_DOCUMENT"), _text(element, "TYPE_OF_DOCUMENT2"))
                 if value]
        issuer = _text(element, "ISSUING_COUNTRY") or _text(element, "COUNTRY_OF_ISSUE")
        notes = [value for value in (_text(element, "NOTE"),) if value]
        if issued_on := _text(element, "DATE_OF_ISSUE"):
            notes.append(f"issued on {issued_on}")
        if issued_in := _text(element, "CITY_OF_ISSUE"):
            notes.append(f"issued in {issued_in}")
        if not (number_published or types or issuer or notes):
            return None
        type_published = "; ".join(types)
        return Document(
            kind=document_kind(type_published or number_published),
            number=document_number(number_published),
            number_as_published=number_published,
            type_as_published=type_published,
            issuing_country=self.one(issuer) if issuer else "",
            issuing_country_as_published=issuer,
            note="; ".join(notes),
        )


def birth_date(element: Element) -> BirthDate | None:
    """One INDIVIDUAL_DATE_OF_BIRTH in any of the shapes the list uses, or None when it holds nothing."""
    kind = _text(element, "TYPE_OF_DATE").upper()
    note = _text(element, "NOTE")
    approximate = kind == "APPROXIMATELY"
    full_text, year_text = _text(element, "DATE"), _text(element, "YEAR")
    from_text, to_text = _text(element, "FROM_YEAR"), _text(element, "TO_YEAR")
    if full_text and (full := _iso_date(full_text)) is not None:
        return BirthDate("date", date=full, from_year=full.year, to_year=full.year, approximate=approximate, note=note)
    year_text = year_text or (full_text if re.fullmatch(r"\d{4}", full_text) else "")
    if year_text.isdigit():
        year = int(year_text)
        return BirthDate("year", from_year=year, to_year=year, approximate=approximate, note=note)
    if from_text.isdigit() and to_text.isdigit():
        low, high = sorted((int(from_text), int(to_text)))
        return BirthDate("range", from_year=low, to_year=high, approximate=approximate, note=note)
    # Whatever could not be read as a date is kept as a note rather than lost.
    leftover = "; ".join(value for value in (note, full_text, year_text, from_text, to_text) if value)
    if leftover:
        return BirthDate("note", approximate=approximate, note=leftover)
    return None


_NESTED = re.compile(r"(?P<head>[^()]+?)\s*\((?:original script:\s*)?(?P<inner>[^()]+)\)\s*,?")


def split_alias(text: str) -> list[str]:
    """The names one ALIAS_NAME holds: split on ";" and on a name in another script given in brackets.

    A bracket that is only a note in the same script ("El Para (combat name)", "(AQAP)") is kept
    as part of the name: the name-matching key drops it, and nothing the list says is lost.
    """
    text = single_spaced(text)
    nested = _NESTED.fullmatch(text)
    if nested is not None:
        head, inner = nested["head"].strip(), nested["inner"].strip()
        if script_of(head) != script_of(inner) or ";" in inner:
            return [head, *_split_semicolons(inner)]
    return _split_semicolons(text)


def _split_semicolons(text: str) -> list[str]:
    """Split on the semicolons outside brackets."""
    parts, depth, current = [], 0, []
    for character in text:
        depth += {"(": 1, ")": -1}.get(character, 0)
        if character == ";" and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(character)
    parts.append("".join(current))
    return [part for part in (single_spaced(part) for part in parts) if part]


def document_kind(published: str) -> str:
    folded = published.casefold()
    if any(word in folded for word in ("passport", "passeport", "pasaporte", "reiseausweis")):
        return "passport"
    if "ident" in folded or "tazkira" in folded:
        return "national_id"
    return "other"


_NUMBERISH = re.compile(r"[A-Za-z0-9./-]*\d[A-Za-z0-9./-]*")


def document_number(published: str) -> str:
    """The number in a NUMBER the UN often writes as prose ("Qatari passport number 00868774", "D 000974").

    The run of number-like words with the most digits, with a one- or two-letter prefix word kept
    (German "D 000974"), as letters A to Z and digits only.
    """
    words = published.replace("(", " ").replace(")", " ").split()
    runs: list[list[str]] = []
    current: list[str] = []
    for index, word in enumerate(words):
        next_is_number = index + 1 < len(words) and _NUMBERISH.fullmatch(words[index + 1]) is not None
        if _NUMBERISH.fullmatch(word) or (len(word) <= 2 and word.isalpha() and word.isupper() and next_is_number):
            current.append(word)
        elif current:
            runs.append(current)
            current = []
    if current:
        runs.append(current)
    if not runs:
        return normalised_document_number(published)
    best = max(runs, key=lambda run: sum(character.isdigit() for word in run for character in word))
    return normalised_document_number("".join(best))
