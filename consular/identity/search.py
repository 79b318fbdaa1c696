"""Finding persons by name, date of birth and nationality, and spotting duplicates before one is created.

Search never scans every person: the query's blocking keys (`names.blocking_keys`) are
looked up in the `PersonNameKey` index, at most `CANDIDATE_LIMIT` candidates (those sharing
the most keys first) are fetched, and each is graded by `names.score`, which says why.
"""

from dataclasses import dataclass, field

from django.db.models import Count

from consular.identity.models import Person, PersonAccess, PersonNameKey
from consular.identity.names import (
    BIRTH_DATE_POINTS,
    MATCH_THRESHOLD,
    NameRecord,
    PartialDate,
    blocking_keys,
    compare_birth_dates,
    normalise,
    score,
)
from consular.offices.scoping import Actor

CANDIDATE_LIMIT = 200  # the most a query grades; beyond this a name is too common to rank without a date of birth
DEFAULT_LIMIT = 20
DUPLICATE_THRESHOLD = 70.0  # lower than names.MATCH_THRESHOLD: a clerk glances at a possible duplicate
MAX_DUPLICATES = 10
UNKNOWN_BIRTH_DATE = compare_birth_dates(None, None)[1]


@dataclass(frozen=True)
class Query:
    """What a clerk typed, split into family and given names."""

    family: str
    given: str = ""
    date_of_birth: PartialDate | None = None
    nationality: str = ""

    def as_record(self) -> NameRecord:
        return NameRecord(self.family, self.given, self.date_of_birth, self.nationality)


@dataclass
class Result:
    """A person found, their score out of 100 and the reasons a clerk reads."""

    person: Person
    score: float
    reasons: list[str] = field(default_factory=list)
    is_match: bool = False


@dataclass(frozen=True)
class Duplicate:
    """A possible duplicate the actor may read: the record, its score and the reasons."""

    score: float
    person: Person
    office_code: str
    reasons: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class DuplicateCheck:
    """What a duplicate check found: what the actor may see, and what only HQ may.

    `hidden` holds (person id, score) of possible duplicates at offices the actor may not read.
    It never reaches the actor in any form (no name, score, office or count): the caller queues
    them for review at HQ (`identity.actions.queue_duplicate_reviews`).
    """

    visible: list[Duplicate]
    hidden: list[tuple[int, float]]


def parse_query(text: str) -> tuple[str, str]:
    """(family, given) from "FAMILY GIVEN", "FAMILY, GIVEN" or kana "やまだ はなこ"; the family name comes first."""
    text = " ".join((text or "").replace("\u3000", " ").split())
    if "," in text:
        family, _comma, given = text.partition(",")
        return family.strip(), given.strip()
    words = text.split(" ")
    return words[0], " ".join(words[1:])


def _birth_date(person: Person) -> PartialDate:
    return PartialDate(person.birth_year, person.birth_month, person.birth_day)


def _record_of(person: Person, nationality: str) -> NameRecord:
    """The person as `score` compares them; the nationality the query asks about when they hold it."""
    held = person.nationalities or []
    shown = nationality if nationality in held else (held[0] if held else "")
    return NameRecord(person.family_name, person.given_names, _birth_date(person), shown)


def _grade(person: Person, query: Query, memo: dict) -> tuple[float, list[str], bool]:
    """`names.score` of the person against the query, grading each distinct name once per query.

    A common name brings many candidates with the same name and different birthdays. The name
    part is graded once (with the dates left out) and each person's date of birth is then
    swapped in with `compare_birth_dates` and the same points `score` gives; the result agrees
    with `score` to its 0.1 rounding (tests/identity/test_search.py checks it).
    """
    record = _record_of(person, query.nationality)
    in_kana = not (query.family + query.given).isascii()
    reading = (person.family_name_reading, person.given_names_reading) if in_kana else ("", "")
    memo_key = (record.family, record.given, record.nationality, reading)
    if memo_key not in memo:
        undated = NameRecord(record.family, record.given, None, record.nationality)
        asked = NameRecord(query.family, query.given, None, query.nationality)
        best = score(undated, asked)
        if any(reading):
            # A query in kana is also compared with the kana reading: ヤマダ finds YAMADA and its variants.
            by_reading = score(NameRecord(*reading, None, record.nationality), asked)
            if by_reading.score > best.score:
                best = by_reading
        memo[memo_key] = best
    name_only = memo[memo_key]
    kind, why = compare_birth_dates(record.birth_date, query.date_of_birth)
    points = name_only.score - BIRTH_DATE_POINTS["unknown"] + BIRTH_DATE_POINTS[kind]
    total = round(min(100.0, max(0.0, points)), 1)
    reasons = [why if reason == UNKNOWN_BIRTH_DATE else reason for reason in name_only.reasons]
    return total, reasons, total >= MATCH_THRESHOLD


def _by_shared_keys(rows, limit: int) -> list[tuple[int, int]]:
    """(shared keys, person id) of the `limit` persons sharing most keys."""
    ranked = rows.values("person_id").annotate(shared=Count("key")).order_by("-shared", "person_id")[:limit]
    return [(row["shared"], row["person_id"]) for row in ranked]


def _key_rows_visible_to(actor: Actor | None, keys: list[str]) -> list:
    """The key rows to search, as one or two querysets: `persons_visible` answered from indexes.

    The same rule as `Person.objects.visible_to`: everyone for HQ, auditors and duplicate checks
    (`actor` None); otherwise the persons the office created (the office is copied into the key
    index) and the others it may read (its `PersonAccess` rows: persons whose case it holds or held).
    """
    rows = PersonNameKey.objects.filter(key__in=keys)
    if actor is None or actor.sees_all_offices:
        return [rows]
    office = actor.office.pk
    return [
        rows.filter(created_by_office=office),
        rows.filter(person__in=PersonAccess.objects.filter(office=office).values("person")),
    ]


def candidate_ids(query: Query, actor: Actor | None, limit: int = CANDIDATE_LIMIT) -> list[int]:
    """Persons sharing a blocking key with the query, most shared keys first; answered from the key indexes.

    `actor` None means every office (duplicate checks). With a date of birth, persons born
    within a year of it are looked up first (the index holds the year); only when they are
    fewer than `limit` are the others added. So a common name with a date of birth costs a
    narrow index range, and a year typed wrong still finds a rarer name. Merged persons have
    no keys (`merge_persons` removes them).
    """
    keys = sorted(blocking_keys(query.family, query.given))
    if not keys:
        return []
    parts = _key_rows_visible_to(actor, keys)

    def lookup(narrow) -> list[int]:
        shared: dict[int, int] = {}
        for rows in parts:
            for count, pk in _by_shared_keys(narrow(rows), limit):
                shared[pk] = max(count, shared.get(pk, 0))
        return [pk for pk, _count in sorted(shared.items(), key=lambda item: (-item[1], item[0]))][:limit]

    ids: list[int] = []
    if query.date_of_birth is not None:
        year = query.date_of_birth.year
        ids = lookup(lambda rows: rows.filter(birth_year__range=(year - 1, year + 1)))
    if len(ids) < limit:
        seen = set(ids)
        ids += [pk for pk in lookup(lambda rows: rows) if pk not in seen][: limit - len(ids)]
    return ids


def _ranked(
    query: Query, actor: Actor | None, limit: int, *, only_nationality: bool = True
) -> tuple[list[Result], int]:
    ids = candidate_ids(query, actor, CANDIDATE_LIMIT)
    candidates = Person.unscoped.current().filter(pk__in=ids).select_related("created_by_office") if ids else []
    memo: dict = {}
    results = [Result(person, *_grade(person, query, memo)) for person in candidates]
    if query.nationality and only_nationality:
        # A search that names a nationality wants only persons holding it; a duplicate check only weighs it.
        results = [result for result in results if query.nationality in (result.person.nationalities or [])]
    results.sort(key=lambda result: (-result.score, result.person.family_name, result.person.pk))
    return results[:limit], len(ids)


def search_persons(
    *,
    actor: Actor,
    q: str,
    date_of_birth: PartialDate | None = None,
    nationality: str = "",
    limit: int = DEFAULT_LIMIT,
) -> list[Result]:
    """Current persons the actor may see, best match first, each with its score and reasons."""
    results, _scored = search_with_stats(
        actor=actor, q=q, date_of_birth=date_of_birth, nationality=nationality, limit=limit
    )
    return results


def search_with_stats(
    *, actor: Actor, q: str, date_of_birth: PartialDate | None = None, nationality: str = "", limit: int = DEFAULT_LIMIT
) -> tuple[list[Result], int]:
    """`search_persons` and how many candidates it graded (for the benchmark)."""
    family, given = parse_query(q)
    if not normalise(family + " " + given):
        return [], 0
    query = Query(family, given, date_of_birth, (nationality or "").strip().upper())
    if actor is None:
        return [], 0
    return _ranked(query, actor, limit)


def likely_duplicates(
    *,
    actor: Actor,
    family_name: str,
    given_names: str = "",
    family_name_reading: str = "",
    given_names_reading: str = "",
    date_of_birth: PartialDate | None = None,
    nationality: str = "",
) -> DuplicateCheck:
    """Persons at ANY office who may be the one about to be created, best first, split by what the actor may read.

    A duplicate registered at another office matters as much as one at our own (one Person
    per human), so candidates are looked up across all offices, always the same way whatever
    the actor may read (the work, and so the time taken, does not depend on it). But the
    actor may not read another office's persons (DESIGN, Access), and even a score or an
    office code would let repeated guesses recover a date of birth: those go to `hidden`,
    for HQ's duplicate-review queue, and nothing about them is returned to show.
    Callers go through `identity.actions.check_for_duplicates`, which audits and rate-limits.
    """
    query = Query(family_name, given_names, date_of_birth, (nationality or "").strip().upper())
    queries = [query]
    if family_name_reading or given_names_reading:
        queries.append(Query(family_name_reading, given_names_reading, date_of_birth, query.nationality))
    best: dict[int, Result] = {}
    for each in queries:
        if not normalise(each.family + " " + each.given):
            continue
        results, _scored = _ranked(each, None, limit=MAX_DUPLICATES * 3, only_nationality=False)
        for result in results:
            if result.person.pk not in best or best[result.person.pk].score < result.score:
                best[result.person.pk] = result
    found = sorted((result for result in best.values() if result.score >= DUPLICATE_THRESHOLD), key=lambda r: -r.score)[
        :MAX_DUPLICATES
    ]
    readable = set(
        Person.unscoped.visible_to(actor).filter(pk__in=[r.person.pk for r in found]).values_list("pk", flat=True)
    )
    return DuplicateCheck(
        visible=[
            Duplicate(result.score, result.person, result.person.created_by_office.code, result.reasons)
            for result in found if result.person.pk in readable
        ],
        hidden=[(result.person.pk, result.score) for result in found if result.person.pk not in readable],
    )
