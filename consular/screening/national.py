"""The CSV formats of the national lists: persons refused entry or to be examined with care, and
lost, stolen and revoked foreign travel documents.

Both are UTF-8 (a byte-order mark is allowed), comma-separated with a header row naming the
columns in any order; extra columns are refused so that a misspelt header is not silently
ignored. Within a cell, several values are separated by ";". Each file is the whole list as of
its edition: an entry missing from a newer file is delisted.

National list (`--format csv-national`), one row per person or organisation:

| column | required | holds |
|---|---|---|
| source_reference | yes | the list's own stable reference, e.g. `NL-2024-00017`: the key editions are matched by |
| family_name | yes (or given_names) | as the passport prints it |
| given_names | | |
| kind | | `individual` (default) or `entity` |
| aliases | | good-quality aliases, `;`-separated |
| low_quality_aliases | | low-quality aliases, `;`-separated |
| native_name | | the name in its own script |
| dates_of_birth | | `;`-separated: `1970-05-17` (exact), `1970` (year only), `1968-1972` (between two |
| | | years), `~1970` (approximately) |
| places_of_birth | | `;`-separated, each `city, country` (the country last) |
| nationalities | | `;`-separated, ISO 3166-1 alpha-3 codes or country names |
| documents | | `;`-separated, each `kind:issuing state:number`, e.g. `passport:IRN:K12345678` |
| | | (kind passport, national_id or other) |
| reason | yes | why the person is listed |
| listed_on | yes | `YYYY-MM-DD` |

Lost, stolen and revoked foreign documents (`--format csv-documents`), one row per document:

| column | required | holds |
|---|---|---|
| source_reference | yes | the reporting channel's stable reference |
| number | yes | as printed; stored as letters A to Z and digits only |
| issuing_state | yes | ISO 3166-1 alpha-3 code or country name |
| document_type | yes | passport, national_id or other |
| status | yes | lost, stolen or revoked |
| reported_on | yes | `YYYY-MM-DD` |
"""

import csv
import io
import re
from collections.abc import Iterator
from datetime import date

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

NATIONAL_REQUIRED = ("source_reference", "family_name", "reason", "listed_on")
NATIONAL_OPTIONAL = ("given_names", "kind", "aliases", "low_quality_aliases", "native_name", "dates_of_birth",
                     "places_of_birth", "nationalities", "documents")
DOCUMENTS_REQUIRED = ("source_reference", "number", "issuing_state", "document_type", "status", "reported_on")
DOCUMENT_KINDS = ("passport", "national_id", "other")
DOCUMENT_STATUSES = ("lost", "stolen", "revoked")


class _Rows:
    """Rows as dicts with their line numbers; the header checked against the format's columns."""

    def __init__(self, content: bytes, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
        try:
            text = content.decode("utf-8-sig")
        except UnicodeDecodeError as error:
            raise WatchlistFileError(f"Not UTF-8 text: byte {error.start} cannot be read.") from error
        self.reader = csv.reader(io.StringIO(text, newline=""))
        try:
            header = [single_spaced(column).lower() for column in next(self.reader)]
        except StopIteration:
            raise WatchlistFileError("The file is empty: line 1 must be the header row.") from None
        except csv.Error as error:
            raise WatchlistFileError(f"Line 1: {error}.") from error
        for column in required:
            if column not in header:
                raise WatchlistFileError(f"Line 1: the header has no column {column!r}.")
        for column in header:
            if column not in required and column not in optional:
                raise WatchlistFileError(f"Line 1: unknown column {column!r}.")
        if len(set(header)) != len(header):
            raise WatchlistFileError("Line 1: a column is named twice.")
        self.header = header

    def __iter__(self) -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for cells in self.reader:
                line = self.reader.line_num
                if not any(cell.strip() for cell in cells):
                    continue
                if len(cells) != len(self.header):
                    raise WatchlistFileError(f"Line {line}: {len(cells)} cells, the header has {len(self.header)}.")
                yield line, {column: cell.strip() for column, cell in zip(self.header, cells, strict=True)}
        except csv.Error as error:
            raise WatchlistFileError(f"Line {self.reader.line_num}: {error}.") from error


def _split(cell: str) -> list[str]:
    return [value for value in (single_spaced(part) for part in cell.split(";")) if value]


def _day(value: str, line: int, column: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise WatchlistFileError(f"Line {line}, column {column}: {value!r} is not a date (YYYY-MM-DD).") from None


def _required(row: dict[str, str], column: str, line: int) -> str:
    value = single_spaced(row.get(column, ""))
    if not value:
        raise WatchlistFileError(f"Line {line}, column {column}: empty.")
    return value


def _birth_date(value: str, line: int) -> BirthDate:
    approximate = value.startswith("~")
    text = value.lstrip("~").strip()
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        day = _day(text, line, "dates_of_birth")
        return BirthDate("date", date=day, from_year=day.year, to_year=day.year, approximate=approximate)
    if re.fullmatch(r"\d{4}", text):
        return BirthDate("year", from_year=int(text), to_year=int(text), approximate=approximate)
    if match := re.fullmatch(r"(\d{4})\s*-\s*(\d{4})", text):
        low, high = sorted((int(match[1]), int(match[2])))
        return BirthDate("range", from_year=low, to_year=high, approximate=approximate)
    raise WatchlistFileError(
        f"Line {line}, column dates_of_birth: {value!r} is not YYYY-MM-DD, YYYY, YYYY-YYYY or ~YYYY."
    )


def read_national(content: bytes) -> tuple[list[Record], set[str]]:
    """The records of a national-list CSV and the country names that did not resolve."""
    rows = _Rows(content, NATIONAL_REQUIRED, NATIONAL_OPTIONAL)
    countries = CountryResolver()
    records = []
    for line, row in rows:
        family, given = single_spaced(row["family_name"]).upper(), single_spaced(row.get("given_names", "")).upper()
        if not family and not given:
            raise WatchlistFileError(f"Line {line}, column family_name: a name is needed.")
        kind = row.get("kind", "") or "individual"
        if kind not in ("individual", "entity"):
            raise WatchlistFileError(f"Line {line}, column kind: {kind!r} is neither individual nor entity.")
        primary = " ".join(part for part in (given, family) if part)
        native = single_spaced(row.get("native_name", ""))
        names = [Name(primary, "primary", script_of(primary), 0)]
        if native:
            names.append(Name(native, "primary", script_of(native), 0))
        position = 0
        for column, quality in (("aliases", "good"), ("low_quality_aliases", "low")):
            for alias in _split(row.get(column, "")):
                position += 1
                names.append(Name(alias, quality, script_of(alias), position))
        places = []
        for place in _split(row.get("places_of_birth", "")):
            city, _comma, country = place.rpartition(",")
            country = country.strip()
            places.append(Place(city=city.strip(), country=countries.one(country), country_as_published=country))
        documents = []
        for document in _split(row.get("documents", "")):
            parts = [part.strip() for part in document.split(":")]
            if len(parts) != 3 or parts[0] not in DOCUMENT_KINDS or not parts[2]:
                raise WatchlistFileError(
                    f"Line {line}, column documents: {document!r} is not kind:issuing state:number "
                    f"(kind {', '.join(DOCUMENT_KINDS)})."
                )
            documents.append(Document(kind=parts[0], number=normalised_document_number(parts[2]),
                                      number_as_published=parts[2], issuing_country=countries.one(parts[1]),
                                      issuing_country_as_published=parts[1]))
        records.append(Record(
            source_key=_required(row, "source_reference", line),
            reference=_required(row, "source_reference", line),
            kind=kind,
            primary_name=primary,
            name_parts=tuple(part for part in (family, given) if part),
            native_name=native,
            reason=_required(row, "reason", line),
            listed_on=_day(_required(row, "listed_on", line), line, "listed_on"),
            names=tuple(names),
            birth_dates=tuple(_birth_date(value, line) for value in _split(row.get("dates_of_birth", ""))),
            birth_places=tuple(places),
            nationalities=tuple(
                Nationality(code, published)
                for published in _split(row.get("nationalities", ""))
                for code in (countries.codes(published) or ("",))
            ),
            documents=tuple(documents),
        ))
    return records, countries.unresolved


def read_documents(content: bytes) -> tuple[list[Record], set[str]]:
    """The records of a lost/stolen/revoked documents CSV and the issuing states that did not resolve."""
    rows = _Rows(content, DOCUMENTS_REQUIRED, ())
    countries = CountryResolver()
    records = []
    for line, row in rows:
        reference = _required(row, "source_reference", line)
        published_number = _required(row, "number", line)
        number = normalised_document_number(published_number)
        if not number:
            raise WatchlistFileError(f"Line {line}, column number: {published_number!r} has no letter or digit.")
        kind = _required(row, "document_type", line).lower()
        if kind not in DOCUMENT_KINDS:
            raise WatchlistFileError(f"Line {line}, column document_type: {kind!r} is not one of "
                                     f"{', '.join(DOCUMENT_KINDS)}.")
        status = _required(row, "status", line).lower()
        if status not in DOCUMENT_STATUSES:
            raise WatchlistFileError(f"Line {line}, column status: {status!r} is not one of "
                                     f"{', '.join(DOCUMENT_STATUSES)}.")
        issuer = _required(row, "issuing_state", line)
        records.append(Record(
            source_key=reference,
            reference=reference,
            kind="document",
            listed_on=_day(_required(row, "reported_on", line), line, "reported_on"),
            documents=(Document(kind=kind, number=number, number_as_published=published_number,
                                issuing_country=countries.one(issuer), issuing_country_as_published=issuer,
                                status=status),),
        ))
    return records, countries.unresolved


def write_national(records: list[Record]) -> str:
    """A national-list CSV of `records`, in the format `read_national` reads (for exports and tests)."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([*NATIONAL_REQUIRED, *NATIONAL_OPTIONAL])
    for record in records:
        family, given = [*record.name_parts, "", ""][:2]

        def dob(birth: BirthDate) -> str:
            prefix = "~" if birth.approximate else ""
            if birth.kind == "date":
                return prefix + birth.date.isoformat()
            if birth.kind == "range":
                return f"{prefix}{birth.from_year}-{birth.to_year}"
            return f"{prefix}{birth.from_year}"

        writer.writerow([
            record.source_key, family, record.reason, record.listed_on.isoformat(), given, record.kind,
            "; ".join(name.full_name for name in record.names if name.quality == "good"),
            "; ".join(name.full_name for name in record.names if name.quality == "low"),
            record.native_name,
            "; ".join(dob(birth) for birth in record.birth_dates),
            "; ".join(f"{place.city}, {place.country_as_published}" for place in record.birth_places),
            "; ".join(dict.fromkeys(nationality.as_published for nationality in record.nationalities)),
            "; ".join(f"{document.kind}:{document.issuing_country_as_published}:{document.number_as_published}"
                      for document in record.documents),
        ])
    return out.getvalue()
