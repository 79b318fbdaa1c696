"""Screening an applicant against the lists: candidates by blocking keys, then scored names, dates and documents.

The cost per applicant grows with the candidates their keys find, not with the lists: one indexed
`EntryKey.key IN (…)` read finds the entries in force that share a key with the applicant, and only
those are scored with `consular.identity.names.score` (best name, date of birth and nationality of
each). Document numbers are looked up exactly (letters and digits only, ICAO 9303) with their
issuing state. Nothing here writes a hit: `consular.screening.screening_actions` does.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

from consular.identity.names import Match, NameRecord, PartialDate, blocking_keys, score, split_listed_name
from consular.screening.models import (
    EntryBirthDate,
    EntryDocument,
    EntryKey,
    EntryName,
    EntryNationality,
    ListEntry,
)

KEY_LENGTH = 32  # EntryKey.key and SubjectKey.key
DOCUMENT_KEY_PREFIX = "#"  # a SubjectKey for a document number: "#E12345678"
WIDEST_BIRTH_RANGE = 12  # a "between two years" wider than this is scored as unknown
NOT_LETTERS_OR_DIGITS = re.compile(r"[^A-Z0-9]")
DOCUMENT_SCORE = 100.0


@dataclass(frozen=True)
class Applicant:
    """What an applicant is screened by: their name, date of birth, nationalities and documents."""

    family: str
    given: str
    birth_date: PartialDate | None
    nationalities: tuple[str, ...]
    documents: tuple[tuple[str, str, str], ...] = ()  # (kind, issuing state, number letters and digits only)

    @classmethod
    def of(cls, person, documents: Iterable[dict]) -> Applicant:
        """From an identity Person and the subject's documents list."""
        birth = PartialDate(person.birth_year, person.birth_month, person.birth_day) if person.birth_year else None
        return cls(
            family=person.family_name or "",
            given=person.given_names or "",
            birth_date=birth,
            nationalities=tuple(person.nationalities or ()),
            documents=tuple(
                (
                    str(document.get("kind", "")),
                    str(document.get("issuing_state", "")).upper(),
                    document_number(document.get("number", "")),
                )
                for document in documents
                if document_number(document.get("number", ""))
            ),
        )

    def screening_keys(self) -> set[str]:
        """Name blocking keys and one key per document number: what SubjectKey stores."""
        keys = name_keys(self.family, self.given)
        keys |= {f"{DOCUMENT_KEY_PREFIX}{number}"[:KEY_LENGTH] for _kind, _state, number in self.documents}
        return keys


@dataclass
class Found:
    """One entry that an applicant may be: the best comparison of their names, or a document."""

    entry: ListEntry
    score: float
    matched_on: str  # ScreeningHit.MatchedOn
    matched_name: str
    reasons: list[dict] = field(default_factory=list)


def document_number(text: object) -> str:
    return NOT_LETTERS_OR_DIGITS.sub("", str(text or "").upper())


def name_keys(family: str, given: str) -> set[str]:
    """The blocking keys of a name, cut to the column's length; keys of no letters are dropped."""
    return {key[:KEY_LENGTH] for key in blocking_keys(family, given) if key and not key.startswith(":")}


@lru_cache(maxsize=65536)
def listed_splits(full_name: str) -> tuple[tuple[str, str], ...]:
    """(family, given) readings of a name a list publishes whole: `split_listed_name`'s, and family name first.

    The UN list does not say which word is the family name; it is usually the last ("ABDUL HAQ
    WASIQ") but the first in Korean and Chinese names ("Kang Myong Chol"), so both are tried.
    """
    family, given = split_listed_name(full_name)
    if not (family or given):
        return ()
    splits = [(family, given)]
    words = given.split()
    if words:
        splits.append((words[0], " ".join([*words[1:], family])))
    return tuple(splits)


@lru_cache(maxsize=65536)
def listed_name_keys(full_name: str) -> frozenset[str]:
    """The keys of a listed name; cached, for lists repeat common names (a million entries, far fewer names)."""
    keys: set[str] = set()
    for family, given in listed_splits(full_name):
        keys |= name_keys(family, given)
    return frozenset(keys)


def rebuild_entry_keys(entry_ids: Iterable[int] | None = None) -> int:
    """Rewrite the blocking keys of these entries (all when None) from their names; none for one not in force.

    Derived data like identity's name keys: no audit entry. Returns the number of keys written.
    """
    entries = ListEntry.objects.all()
    if entry_ids is not None:
        entry_ids = list(entry_ids)
        entries = entries.filter(pk__in=entry_ids)
        for start in range(0, len(entry_ids), 1000):
            EntryKey.objects.filter(entry_id__in=entry_ids[start : start + 1000]).delete()
    else:
        EntryKey.objects.all().delete()
    rows = []
    written = 0
    names = EntryName.objects.filter(entry__in=entries.filter(delisted_on__isnull=True)).values_list(
        "entry_id", "full_name"
    )
    for entry_id, full_name in names.iterator(chunk_size=2000):
        rows += [EntryKey(entry_id=entry_id, key=key) for key in listed_name_keys(full_name)]
        if len(rows) >= 5000:
            written += len(EntryKey.objects.bulk_create(rows, batch_size=5000))
            rows = []
    written += len(EntryKey.objects.bulk_create(rows, batch_size=5000))
    return written


def candidate_ids(keys: Iterable[str], *, among: Iterable[int] | None = None) -> set[int]:
    """Entries in force on an active list that share a blocking key: one indexed read."""
    keys = list(keys)
    if not keys:
        return set()
    rows = EntryKey.objects.filter(key__in=keys, entry__delisted_on__isnull=True, entry__watchlist__active=True)
    if among is not None:
        rows = rows.filter(entry_id__in=list(among))
    return set(rows.values_list("entry_id", flat=True).distinct())


def _birth_date(kind: str, day, from_year: int | None, to_year: int | None) -> list[PartialDate]:
    if kind == EntryBirthDate.Kind.DATE and day:
        return [PartialDate(day.year, day.month, day.day)]
    if from_year:
        to_year = to_year or from_year
        if to_year - from_year <= WIDEST_BIRTH_RANGE:
            return [PartialDate(year) for year in range(from_year, to_year + 1)]
    return []


@dataclass
class Candidate:
    """What scoring reads of an entry: its names, dates of birth (None: unknown) and nationalities."""

    names: list[str] = field(default_factory=list)
    births: list[PartialDate | None] = field(default_factory=list)
    nationalities: list[str] = field(default_factory=list)


def candidate_details(entry_ids: Iterable[int]) -> dict[int, Candidate]:
    """The entries' dates of birth, nationalities and names: three indexed reads of plain values."""
    entry_ids = list(entry_ids)
    found = {entry_id: Candidate() for entry_id in entry_ids}
    for ids in (entry_ids[start : start + 1000] for start in range(0, len(entry_ids), 1000)):
        births = EntryBirthDate.objects.filter(entry_id__in=ids).values_list(
            "entry_id", "kind", "date", "from_year", "to_year"
        )
        for entry_id, kind, day, from_year, to_year in births:
            found[entry_id].births += _birth_date(kind, day, from_year, to_year)
        nationalities = (
            EntryNationality.objects.filter(entry_id__in=ids).exclude(country="").values_list("entry_id", "country")
        )
        for entry_id, country in nationalities:
            found[entry_id].nationalities.append(country)
        names = (
            EntryName.objects.filter(entry_id__in=ids)
            .order_by("entry_id", "position", "id")
            .values_list("entry_id", "full_name")
        )
        for entry_id, full_name in names:
            found[entry_id].names.append(full_name)
    for candidate in found.values():
        candidate.births = list(dict.fromkeys(candidate.births)) or [None]
    return found


def _nationality_pairs(listed: Sequence[str], applicant: Sequence[str]) -> list[tuple[str, str]]:
    """Which nationality on each side to compare: a shared one if any, else every pair (few)."""
    shared = [code for code in applicant if code in listed]
    if shared:
        return [(shared[0], shared[0])]
    return [(a, b) for a in (listed or [""]) for b in (applicant or [""])]


def reason_field(text: str) -> str:
    if text.startswith("date of birth"):
        return "birth_date"
    if text.startswith("nationality"):
        return "nationality"
    return "name"


# `score` gives a date of birth at most BIRTH_DATE_POINTS["same"] and never makes a weak name strong, so a
# name that is no match with an equal date is no match with any: `could_match` skips it, unscored per date.
BEST_BIRTH = PartialDate(2000, 1, 1)


@lru_cache(maxsize=65536)
def could_match(family: str, given: str, listed: str, applicant: tuple[str, str, str]) -> bool:
    """Whether this listed name and nationality could match the applicant (family, given, nationality) at all.

    Scored once with both dates of birth equal: the most a date can add, so a False here is False for
    every date the entry lists (the proof: tests/screening/test_screening_find.py). Namesakes repeat on a
    large list, so one comparison answers for all who share a name; cached across applicants.
    """
    applicant_family, applicant_given, theirs = applicant
    return score(
        NameRecord(family, given, BEST_BIRTH, listed), NameRecord(applicant_family, applicant_given, BEST_BIRTH, theirs)
    ).is_match


def best_name_match(candidate: Candidate, applicant: Applicant) -> tuple[Match, str] | None:
    """The best comparison of the applicant with any of the entry's names, dates and nationalities.

    A date and nationality under which even the applicant's own name would not be a match are
    skipped without comparing names: `score` grows with name similarity, so the same name is the
    best a listed name can do (a date of birth that differs beyond a typing slip rules most out).
    A name and nationality that `could_match` rules out is not scored per date. Returns None when
    nothing is left to score: then no name of the entry is a match.
    """
    pairs = _nationality_pairs(candidate.nationalities, list(applicant.nationalities))
    names = [
        (full_name, family, given, listed, theirs)
        for full_name in candidate.names
        for family, given in listed_splits(full_name)
        for listed, theirs in pairs
        if could_match(family, given, listed, (applicant.family, applicant.given, theirs))
    ]
    if not names:
        return None
    queries = {
        theirs: NameRecord(applicant.family, applicant.given, applicant.birth_date, theirs) for _listed, theirs in pairs
    }
    settings = [
        (birth, listed, theirs)
        for listed, theirs in pairs
        for birth in candidate.births
        if score(NameRecord(applicant.family, applicant.given, birth, listed), queries[theirs]).is_match
    ]
    best: tuple[Match, str] | None = None
    for full_name, family, given, listed, theirs in names:
        for birth, listed_here, theirs_here in settings:
            if (listed_here, theirs_here) != (listed, theirs):
                continue
            match = score(NameRecord(family, given, birth, listed), queries[theirs])
            # A match beats a higher-scoring non-match (a strong name outranks a weak one with a better date).
            if best is None or (match.is_match, match.score) > (best[0].is_match, best[0].score):
                best = (match, full_name)
    return best


@dataclass(frozen=True)
class ListedDocument:
    entry_id: int
    number: str
    issuing_country: str
    status: str


def listed_documents(
    *,
    numbers: Iterable[str] | None = None,
    entry_ids: Iterable[int] | None = None,
) -> dict[str, list[ListedDocument]]:
    """Documents of entries in force on active lists, by number: those with these numbers, or of these entries."""
    rows = EntryDocument.objects.filter(entry__delisted_on__isnull=True, entry__watchlist__active=True).exclude(
        number=""
    )
    if numbers is not None:
        rows = rows.filter(number__in=list(numbers))
    if entry_ids is not None:
        rows = rows.filter(entry_id__in=list(entry_ids))
    found: dict[str, list[ListedDocument]] = defaultdict(list)
    for entry_id, number, country, status in rows.values_list("entry_id", "number", "issuing_country", "status"):
        found[number].append(ListedDocument(entry_id, number, country, status))
    return found


@dataclass
class Verdict:
    """A hit before its entry is read: the entry's id, score, how it matched and why."""

    entry_id: int
    score: float
    matched_on: str
    matched_name: str
    reasons: list[dict]


def match_documents(
    applicant: Applicant, documents: dict[str, list[ListedDocument]], among: set[int] | None = None
) -> dict[int, Verdict]:
    """Entries listing one of the applicant's documents: the same number and issuing state (or none listed)."""
    found: dict[int, Verdict] = {}
    for _kind, state, number in applicant.documents:
        for document in documents.get(number, ()):
            if among is not None and document.entry_id not in among:
                continue
            if document.issuing_country and document.issuing_country != state:
                continue
            reasons = [
                {
                    "text": f"document number the same, issued by {document.issuing_country or state}",
                    "field": "document",
                }
            ]
            if document.status:
                reasons.append({"text": f"the listed document is reported {document.status}", "field": "document"})
            else:
                reasons.append({"text": "the listed document is held by a listed person", "field": "document"})
            found.setdefault(document.entry_id, Verdict(document.entry_id, DOCUMENT_SCORE, "document", "", reasons))
    return found


def judge(
    applicant: Applicant,
    candidates: dict[int, Candidate],
    documents: dict[str, list[ListedDocument]],
    among: set[int] | None = None,
) -> list[Verdict]:
    """The applicant against these candidates and documents, no query: the hits, best first.

    An entry found both by name and by document is one hit: the document's, with the name's reasons added.
    """
    verdicts = {}
    for entry_id, candidate in candidates.items():
        best = best_name_match(candidate, applicant)
        if best is not None and best[0].is_match:
            match, full_name = best
            verdicts[entry_id] = Verdict(
                entry_id,
                match.score,
                "name",
                full_name,
                [{"text": text, "field": reason_field(text)} for text in match.reasons],
            )
    for entry_id, verdict in match_documents(applicant, documents, among).items():
        named = verdicts.get(entry_id)
        if named is not None:
            verdict.matched_name = named.matched_name
            verdict.reasons = verdict.reasons + named.reasons
        verdicts[entry_id] = verdict
    return sorted(verdicts.values(), key=lambda verdict: (-verdict.score, verdict.entry_id))


def with_entries(verdicts: Iterable[Verdict]) -> list[Found]:
    """The verdicts with their entries read (one query), as hits are written from."""
    verdicts = list(verdicts)
    entries = ListEntry.objects.select_related("watchlist").in_bulk([v.entry_id for v in verdicts]) if verdicts else {}
    return [
        Found(
            entry=entries[v.entry_id],
            score=v.score,
            matched_on=v.matched_on,
            matched_name=v.matched_name,
            reasons=v.reasons,
        )
        for v in verdicts
    ]


@dataclass
class Screening:
    found: list[Found]
    candidates_scored: int


def find(applicant: Applicant, *, among: Iterable[int] | None = None) -> Screening:
    """Every entry in force (or of `among`) the applicant may be, best first: by name and by document."""
    among = None if among is None else set(among)
    candidates = candidate_details(candidate_ids(name_keys(applicant.family, applicant.given), among=among))
    numbers = [number for _kind, _state, number in applicant.documents]
    documents = listed_documents(numbers=numbers) if numbers else {}
    return Screening(
        found=with_entries(judge(applicant, candidates, documents, among)), candidates_scored=len(candidates)
    )
