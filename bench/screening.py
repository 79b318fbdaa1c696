"""Screening latency at scale: N list entries, M open applications, per-applicant p50/p95 and the re-screen cost.

    createdb -h 127.0.0.1 -U postgres consular_screening_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/consular_screening_bench \\
        .venv/bin/python bench/screening.py --watchlist 1000000 --open-applications 100000

Loads (seeded, resumable: a second run adds only what is missing) a watchlist "bench" of N
individuals, each with a primary name and, for one in three, an alias, with a date of birth
(exact, or year only) and a nationality. Names are realistic, not syllable soup: a culture's pool
(tests/identity/test_screening_dev.py's common names of 17 cultures, or the UN list's own name
words recombined), family and given names drawn by Zipf frequency (1/rank), so namesakes repeat
as on a real list: in 100,000 names about 30,500 distinct, the commonest (WON RI, SINGH RAHUL)
about 0.4 % each, so at 1M the worst bucket holds thousands of namesakes. And M open enquiries at
one mission, each applicant registered for screening (ScreeningSubject with its SubjectKeys, as
`register_subject` writes them).

Measured 2026-12-02 on the shared 2-core machine, N = 570,000, M = 20,000: over 7 minutes for 220
applicants (not finished), i.e. seconds per applicant, not the target of p95 < 100 ms. With
syllable-soup names (the earlier version): 300,000 entries p50 97 ms, p95 776 ms.

Then it screens Q applicants with `screening.find`: half are listed people written another way
(a typo, swapped order, year of birth only), half people on no list, and prints p50/p95 latency
and candidates scored per applicant, beside a baseline measured in the same run: a bare
primary-key read of one list entry. Last it updates 100 entries as an import would (each a new
alias; a third of them the name of an open applicant, so there are hits to write), and times
`rescreen_after_import`: it should grow with the update, not with N or M.
Refuses a database whose name lacks "bench".
"""

import argparse
import itertools
import os
import random
import re
import statistics
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "consular.settings")

import django

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.utils import timezone  # noqa: E402
from django_scopes import scopes_disabled  # noqa: E402

from consular.identity.models import Person  # noqa: E402
from consular.offices.models import Office  # noqa: E402
from consular.screening import screening  # noqa: E402
from consular.screening.models import (  # noqa: E402
    EntryBirthDate,
    EntryName,
    EntryNationality,
    EntryVersion,
    ListEntry,
    ScreeningSubject,
    SubjectKey,
    Watchlist,
    WatchlistImport,
)
from consular.screening.screening import Applicant, find, rebuild_entry_keys  # noqa: E402
from consular.screening.screening_actions import rescreen_after_import  # noqa: E402
from consular.workflow.models import Case, CaseAccess  # noqa: E402

BATCH = 10_000
UN_LIST = Path(__file__).resolve().parent.parent / "tests" / "screening" / "data" / "un_sc_consolidated_full.xml"
NATIONALITIES = ["AFG", "IRQ", "PAK", "PRK", "SYR", "YEM", "SOM", "LBY", "RUS", "CHN", "USA", "GBR", "FRA", "TUN"]
ZIPF = 1.0  # name frequencies fall off like 1/rank, as surname and given-name counts of real populations do


def _pools() -> list[tuple[str, list[str], list[str]]]:
    """(nationality, family names, given names): the dev set's common names of 17 cultures, and the UN list's words.

    The UN pool is every word of the list's individuals' names (first name words as given names,
    the others as family names), so a generated entry looks like a listed one recombined.
    """
    from tests.identity.test_screening_dev import POOLS

    def words(text: str) -> list[str]:  # "A B|C D" is names A, B, C D: a pool mixes one- and two-word names
        return [name for part in text.split("|") for name in ([part] if len(part.split()) <= 2 else part.split())]

    pools = [(nationality, words(families), words(givens)) for nationality, families, givens in POOLS]
    text = UN_LIST.read_text(encoding="utf-8")
    givens, families = [], []
    for individual in re.findall(r"<INDIVIDUAL>(.*?)</INDIVIDUAL>", text, re.S):
        first = re.search(r"<FIRST_NAME>([^<]*)</FIRST_NAME>", individual)
        others = re.findall(r"<(?:SECOND|THIRD|FOURTH)_NAME>([^<]*)</", individual)
        if first:
            givens += [w for w in re.split(r"[\s,]+", first.group(1).upper()) if w.isalpha() and len(w) > 1]
        for other in others:
            families += [w for w in re.split(r"[\s,]+", other.upper()) if w.isalpha() and len(w) > 1]
    # The list's own frequencies: MUHAMMAD and ABDUL are common on it, as they are in the pool.
    for nationality in ("AFG", "IRQ", "PAK", "PRK", "SYR", "YEM", "SOM", "LBY"):
        pools.append((nationality, families, givens))
    return pools


POOLS = _pools()


CUMULATIVE = {}  # id of a pool's word list: its Zipf weights, accumulated (as random.choices would)


def _zipf_choice(rng: random.Random, words: list[str]) -> str:
    """A word of the pool, the first ones most often (rank r drawn with weight 1/r)."""
    if id(words) not in CUMULATIVE:
        CUMULATIVE[id(words)] = list(itertools.accumulate(1 / (rank + 1) ** ZIPF for rank in range(len(words))))
    return rng.choices(words, cum_weights=CUMULATIVE[id(words)])[0]


def person_name(rng: random.Random) -> tuple[str, str]:
    """(family, given): a culture's pool, a family name and one or two given names by frequency."""
    _nationality, families, givens = rng.choice(POOLS)
    family = _zipf_choice(rng, families)
    given = " ".join(dict.fromkeys(_zipf_choice(rng, givens) for _ in range(rng.choice((1, 1, 2)))))
    return family, given


def typo(rng: random.Random, text: str) -> str:
    position = rng.randrange(len(text))
    if text[position] == " ":
        return text
    return text[:position] + rng.choice("AEIOUKRSTN") + text[position + 1:]


def listed_person(number: int, seed: int) -> dict:
    """Entry `number`'s person, the same in every run of the same seed."""
    rng = random.Random(f"{seed}-entry-{number}")
    family, given = person_name(rng)
    alias = person_name(rng) if rng.random() < 1 / 3 else None
    born = date(rng.randint(1940, 2000), rng.randint(1, 12), rng.randint(1, 28))
    return {"family": family, "given": given, "alias": alias, "born": born, "exact": rng.random() < 0.7,
            "nationality": rng.choice(NATIONALITIES)}


def load_watchlist(target: int, seed: int) -> Watchlist:
    watchlist, _ = Watchlist.objects.get_or_create(
        code="bench", defaults={"kind": Watchlist.Kind.SANCTIONS, "name": "Bench list"})
    run = WatchlistImport.objects.filter(watchlist=watchlist, file_name="bench-load").first()
    if run is None:
        run = WatchlistImport.objects.create(watchlist=watchlist, format="un-sc", file_name="bench-load",
                                             source_sha256="0" * 64, edition=timezone.now(), imported_by="bench")
    have = watchlist.entries.count()
    started = time.monotonic()
    now = timezone.now()
    while have < target:
        numbers = range(have, min(target, have + BATCH))
        people = [listed_person(number, seed) for number in numbers]
        with transaction.atomic():
            entries = ListEntry.objects.bulk_create(
                ListEntry(watchlist=watchlist, source_key=f"B{number}", reference=f"BENCH.{number}",
                          kind=ListEntry.Kind.INDIVIDUAL, primary_name=f"{person['given']} {person['family']}",
                          reason="Bench.", fingerprint=f"{number:064d}", updated_at=now)
                for number, person in zip(numbers, people, strict=True)
            )
            names, births, nationalities, versions = [], [], [], []
            for entry, person in zip(entries, people, strict=True):
                names.append(EntryName(entry=entry, full_name=entry.primary_name, quality="primary"))
                if person["alias"]:
                    names.append(EntryName(entry=entry, full_name=" ".join(reversed(person["alias"])),
                                           quality="good", position=1))
                if person["exact"]:
                    births.append(EntryBirthDate(entry=entry, kind="date", date=person["born"],
                                                 from_year=person["born"].year, to_year=person["born"].year))
                else:
                    births.append(EntryBirthDate(entry=entry, kind="year", from_year=person["born"].year,
                                                 to_year=person["born"].year))
                nationalities.append(EntryNationality(entry=entry, country=person["nationality"],
                                                      as_published=person["nationality"]))
                versions.append(EntryVersion(entry=entry, version=1, change="added", snapshot={}, changed_at=now,
                                             made_by=run))
            EntryName.objects.bulk_create(names, batch_size=5000)
            EntryBirthDate.objects.bulk_create(births, batch_size=5000)
            EntryNationality.objects.bulk_create(nationalities, batch_size=5000)
            EntryVersion.objects.bulk_create(versions, batch_size=5000)
            rebuild_entry_keys([entry.pk for entry in entries])
        have += len(numbers)
        print(f"  {have:>9,} entries ({time.monotonic() - started:,.0f} s)", flush=True)
    return watchlist


def load_applications(target: int, seed: int) -> Office:
    office, _ = Office.objects.get_or_create(code="BNC", defaults={
        "kind": Office.Kind.MISSION, "name_en": "Bench mission", "name_ja": "ベンチ公館", "country": "USA",
        "timezone": "America/New_York", "currency": "USD", "district": ["USA"]})
    have = Case.unscoped.filter(reference__startswith="E-BENCHSCR-").count()
    started = time.monotonic()
    now = timezone.now()
    while have < target:
        numbers = range(have, min(target, have + BATCH))
        rng = random.Random(f"{seed}-applications-{have}")
        with transaction.atomic():
            persons = Person.unscoped.bulk_create(
                Person(family_name=family, given_names=given, sex="X", birth_year=rng.randint(1940, 2005),
                       nationalities=[rng.choice(NATIONALITIES)], created_by_office=office)
                for family, given in (person_name(rng) for _ in numbers)
            )
            cases = Case.unscoped.bulk_create(
                Case(reference=f"E-BENCHSCR-{number:08d}", case_type="enquiry", person=person, current_office=office,
                     originating_office=office, status="received", submitted_at=now)
                for number, person in zip(numbers, persons, strict=True)
            )
            CaseAccess.objects.bulk_create(CaseAccess(case=case, office=office, submitted_at=now) for case in cases)
            subjects = ScreeningSubject.objects.bulk_create(
                ScreeningSubject(case=case, requested_at=now, screened_at=now, status="screened") for case in cases)
            keys = []
            for subject, person in zip(subjects, persons, strict=True):
                keys += [SubjectKey(subject=subject, key=key) for key in Applicant.of(person, []).screening_keys()]
            SubjectKey.objects.bulk_create(keys, batch_size=10_000)
        have += len(numbers)
        print(f"  {have:>9,} open applications ({time.monotonic() - started:,.0f} s)", flush=True)
    return office


def queries(count: int, entries: int, seed: int) -> list[Applicant]:
    """Half listed people typed another way, half people on no list."""
    rng = random.Random(f"{seed}-queries")
    found = []
    for number in range(count):
        if number % 2 == 0:
            person = listed_person(rng.randrange(entries), seed)
            family, given = person["family"], person["given"]
            how = rng.choice(("typo", "swap", "year", "exact"))
            if how == "typo":
                family = typo(rng, family)
            elif how == "swap":
                family, given = given.split()[0], family
            born = person["born"]
            birth = (born.year, None, None) if how == "year" else (born.year, born.month, born.day)
            nationality = person["nationality"]
        else:
            family, given = person_name(rng)
            birth, nationality = (rng.randint(1940, 2005), rng.randint(1, 12), rng.randint(1, 28)), "JPN"
        person = Person(family_name=family, given_names=given, birth_year=birth[0], birth_month=birth[1],
                        birth_day=birth[2], nationalities=[nationality])
        found.append(Applicant.of(person, []))
    return found


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * share))]


def measure(applicants: list[Applicant], watchlist: Watchlist) -> None:
    timings, scored, hits = [], [], 0
    for applicant in applicants[:20]:  # warm the caches and the connection
        find(applicant)
    for applicant in applicants:
        started = time.perf_counter()
        result = find(applicant)
        timings.append((time.perf_counter() - started) * 1000)
        scored.append(result.candidates_scored)
        hits += bool(result.found)
    pks = list(watchlist.entries.values_list("pk", flat=True)[:1000])
    baseline = []
    for pk in pks[: len(applicants)]:
        started = time.perf_counter()
        ListEntry.objects.get(pk=pk)
        baseline.append((time.perf_counter() - started) * 1000)
    print(f"\nscreening one applicant ({len(applicants)} applicants, {hits} with a hit):")
    print(f"  {'':24} {'p50 ms':>8} {'p95 ms':>8}")
    print(f"  {'find(applicant)':24} {statistics.median(timings):8.2f} {percentile(timings, 0.95):8.2f}")
    print(f"  {'baseline: entry by pk':24} {statistics.median(baseline):8.2f} {percentile(baseline, 0.95):8.2f}")
    print(f"  candidates scored per applicant: median {statistics.median(scored):.0f}, "
          f"p95 {percentile(scored, 0.95):.0f}, max {max(scored)}")


def update_and_rescreen(watchlist: Watchlist, office: Office, size: int, seed: int) -> None:
    """`size` entries changed as an import changes them (a new alias each), then re-screened."""
    rng = random.Random(f"{seed}-update-{time.time()}")
    now = timezone.now()
    run = WatchlistImport.objects.create(watchlist=watchlist, format="un-sc", file_name="bench-update",
                                         source_sha256=f"{rng.getrandbits(256):064x}", edition=now,
                                         imported_by="bench")
    total = watchlist.entries.count()
    entries = list(ListEntry.objects.filter(watchlist=watchlist, source_key__in=[
        f"B{rng.randrange(total)}" for _ in range(size)]))
    applicants = list(Person.unscoped.filter(cases__current_office=office).order_by("?")[: size // 3])
    with transaction.atomic():
        for number, entry in enumerate(entries):
            if number < len(applicants):
                name = f"{applicants[number].given_names} {applicants[number].family_name}"
            else:
                name = " ".join(person_name(rng)[::-1])
            EntryName.objects.create(entry=entry, full_name=name, quality="good", position=9)
            entry.version += 1
            entry.fingerprint = f"{rng.getrandbits(256):064x}"
            entry.updated_at = now
        ListEntry.objects.bulk_update(entries, ["version", "fingerprint", "updated_at"])
        EntryVersion.objects.bulk_create(EntryVersion(entry=entry, version=entry.version, change="changed",
                                                      snapshot={}, changed_at=now, made_by=run) for entry in entries)
        rebuild_entry_keys([entry.pk for entry in entries])
    started = time.perf_counter()
    report = rescreen_after_import(run.pk)
    elapsed = time.perf_counter() - started
    print(f"\nre-screen after a {len(entries)}-entry update, {ScreeningSubject.objects.open().count():,} open "
          f"applications, {total:,} entries:")
    print(f"  {elapsed:.2f} s; {report.subjects} applicants screened again, {report.candidates_scored} "
          f"candidates scored, {report.hits_found} hits written")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--watchlist", type=int, default=100_000, help="list entries (N)")
    parser.add_argument("--open-applications", type=int, default=10_000, help="open applications (M)")
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--update", type=int, default=100, help="entries changed before the re-screen")
    parser.add_argument("--seed", type=int, default=9)
    parser.add_argument("--without-could-match", action="store_true",
                        help="score every candidate per date, as before could_match (for the comparison)")
    arguments = parser.parse_args()
    if arguments.without_could_match:
        screening.could_match = lambda *_arguments: True
    name = connection.settings_dict["NAME"]
    if connection.vendor != "postgresql" or "bench" not in str(name):
        sys.exit(f"Refusing to run on {connection.vendor} database {name!r}: use a PostgreSQL database named *bench*.")
    call_command("migrate", verbosity=0)
    with scopes_disabled():
        print(f"loading up to {arguments.watchlist:,} entries and {arguments.open_applications:,} applications")
        watchlist = load_watchlist(arguments.watchlist, arguments.seed)
        office = load_applications(arguments.open_applications, arguments.seed)
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        measure(queries(arguments.queries, arguments.watchlist, arguments.seed), watchlist)
        update_and_rescreen(watchlist, office, arguments.update, arguments.seed)


if __name__ == "__main__":
    main()
