"""Alias recall on the UN Security Council list: `names` against a plain fuzzy matcher.

    .venv/bin/python bench/alias_recall.py [--xml PATH] [--limit N]

Every individual's good-quality Latin-script aliases are screened as applicants, each carrying
the individual's (first) date of birth and nationality, against every individual's *primary*
name (the alias itself is on the list too, so matching it against all names would be trivial;
what is measured is whether a differently spelt name of the same person is found).

- ours: candidates are the individuals sharing a blocking key (`names.blocking_keys`, in an
  in-memory dict key → individuals, as the database index holds them), graded by `names.score`
  against each of the individual's dates of birth and nationalities (the best counts).
- baseline: `rapidfuzz.fuzz.token_sort_ratio` >= 85 on ASCII-folded full names, and a date check
  that passes when the dates are equal or either is unknown (a year-only or range date of birth
  passes when the year is in it).

Recall: the alias finds its own individual. False matches: aliases that match another listed
individual (and the number of such pairs). Prints a table; `measure()` is what
tests/identity/test_alias_recall.py asserts on.
"""

import argparse
import sys
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rapidfuzz import fuzz, process, utils

from consular.identity.names import NameRecord, PartialDate, blocking_keys, normalise, score, split_listed_name
from consular.screening import un_sc
from consular.screening.records import BirthDate, Record

ROOT = Path(__file__).resolve().parent.parent
FULL_LIST = ROOT / "tests" / "screening" / "data" / "un_sc_consolidated_full.xml"
BASELINE_CUTOFF = 85
RANGE_YEARS = 6  # a BETWEEN date wider than this is treated as unknown for ours (no point per year)


@dataclass(frozen=True)
class Individual:
    key: str  # the normalised primary name: one person (see individuals())
    name: str  # primary name as published
    birth_dates: tuple[PartialDate, ...]
    nationalities: tuple[str, ...]
    aliases: tuple[str, ...]  # good-quality, Latin script


@dataclass(frozen=True)
class Result:
    name: str
    queries: int
    found: int
    false_aliases: int  # aliases matching at least one other individual
    false_pairs: int
    seconds: float

    @property
    def recall(self) -> float:
        return self.found / self.queries if self.queries else 0.0


def _partial_dates(found: BirthDate) -> list[PartialDate]:
    if found.kind == "date" and found.date:
        return [PartialDate(found.date.year, found.date.month, found.date.day)]
    if found.kind == "year" and found.from_year:
        return [PartialDate(found.from_year)]
    if found.kind == "range" and found.from_year and found.to_year and found.to_year - found.from_year <= RANGE_YEARS:
        return [PartialDate(year) for year in range(found.from_year, found.to_year + 1)]
    return []


def individuals(record_list: list[Record]) -> list[Individual]:
    people = []
    for record in record_list:
        if record.kind != "individual" or not record.primary_name:
            continue
        aliases = tuple(
            name.full_name
            for name in record.names
            if name.quality == "good" and name.script == "Latn" and name.full_name != record.primary_name
        )
        dates = tuple(date for found in record.birth_dates for date in _partial_dates(found))
        nationalities = tuple(dict.fromkeys(n.country for n in record.nationalities if n.country))
        # Keyed by the primary name: the 2018 edition lists two people twice (HASSAN DAHIR AWEYS,
        # HASSAN ABDULLAH HERSI AL-TURKI), and finding the other entry of the same person is no false match.
        people.append(Individual(normalise(record.primary_name), record.primary_name, dates, nationalities, aliases))
    return people


def load(path: Path = FULL_LIST) -> list[Individual]:
    return individuals(un_sc.read(path.read_bytes()).records)


def queries(people: list[Individual]) -> list[tuple[Individual, str]]:
    return [(person, alias) for person in people for alias in person.aliases]


# --- ours ---------------------------------------------------------------------------------


def _records(name: str, dates: tuple[PartialDate, ...], nationalities: tuple[str, ...]) -> list[NameRecord]:
    family, given = split_listed_name(name)
    return [
        NameRecord(family, given, date, nationality)
        for date in dates or (None,)
        for nationality in nationalities or ("",)
    ]


def run_ours(people: list[Individual], asked: list[tuple[Individual, str]]) -> Result:
    started = time.perf_counter()
    index: dict[str, list[int]] = {}
    list_records = []
    for position, person in enumerate(people):
        family, given = split_listed_name(person.name)
        for key in blocking_keys(family, given):
            index.setdefault(key, []).append(position)
        list_records.append(_records(person.name, person.birth_dates, person.nationalities))
    found = false_aliases = false_pairs = 0
    for person, alias in asked:
        family, given = split_listed_name(alias)
        candidates = {position for key in blocking_keys(family, given) for position in index.get(key, ())}
        applicant = NameRecord(
            family, given, person.birth_dates[0] if person.birth_dates else None, (person.nationalities or ("",))[0]
        )
        matched = {
            people[position].key
            for position in candidates
            if any(score(listed, applicant).is_match for listed in list_records[position])
        }
        found += person.key in matched
        others = len(matched - {person.key})
        false_aliases += others > 0
        false_pairs += others
    return Result(
        "names (blocking + score)", len(asked), found, false_aliases, false_pairs, time.perf_counter() - started
    )


# --- baseline -----------------------------------------------------------------------------


def ascii_folded(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    return utils.default_process(
        "".join(c for c in decomposed if not unicodedata.combining(c)).encode("ascii", "ignore").decode()
    )


def _dates_agree(query: PartialDate | None, listed: tuple[PartialDate, ...]) -> bool:
    """Exact or unknown: equal, or either side unknown; a year-only date agrees on its year."""
    if query is None or not listed:
        return True
    for date in listed:
        if date.is_complete and query.is_complete:
            if date == query:
                return True
        elif date.year == query.year:
            return True
    return False


def run_baseline(people: list[Individual], asked: list[tuple[Individual, str]]) -> Result:
    started = time.perf_counter()
    listed = [ascii_folded(person.name) for person in people]
    typed = [ascii_folded(alias) for _, alias in asked]
    found = false_aliases = false_pairs = 0
    for row, (person, _) in enumerate(asked):
        date = person.birth_dates[0] if person.birth_dates else None
        similar = process.extract(
            typed[row], listed, scorer=fuzz.token_sort_ratio, score_cutoff=BASELINE_CUTOFF, limit=None
        )
        matched = {people[column].key for _, _, column in similar if _dates_agree(date, people[column].birth_dates)}
        found += person.key in matched
        others = len(matched - {person.key})
        false_aliases += others > 0
        false_pairs += others
    return Result(
        f"rapidfuzz token_sort_ratio >= {BASELINE_CUTOFF}",
        len(asked),
        found,
        false_aliases,
        false_pairs,
        time.perf_counter() - started,
    )


def measure(people: list[Individual]) -> tuple[Result, Result]:
    asked = queries(people)
    return run_ours(people, asked), run_baseline(people, asked)


def table(results: tuple[Result, ...]) -> str:
    header = ("matcher", "aliases", "found", "recall", "false aliases", "false pairs", "seconds")
    lines = ["{:<34} {:>7} {:>6} {:>7} {:>13} {:>11} {:>8}".format(*header)]
    for r in results:
        lines.append(
            f"{r.name:<34} {r.queries:>7} {r.found:>6} {r.recall:>7.1%} {r.false_aliases:>13}"
            f" {r.false_pairs:>11} {r.seconds:>8.2f}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--xml", type=Path, default=FULL_LIST)
    parser.add_argument("--limit", type=int, default=0, help="only the first N individuals (0: all)")
    parser.add_argument("--show-missed", type=int, default=0, help="print up to N aliases ours did not find")
    args = parser.parse_args()
    people = load(args.xml)
    if args.limit:
        people = people[: args.limit]
    ours, baseline = measure(people)
    print(f"{len(people)} individuals, {ours.queries} good-quality Latin aliases screened against primary names")
    print(table((ours, baseline)))
    print(f"recall ratio ours / baseline: {ours.recall / baseline.recall if baseline.recall else float('inf'):.2f}")
    if args.show_missed:
        show_missed(people, args.show_missed)


def show_missed(people: list[Individual], limit: int) -> None:
    asked = queries(people)
    shown = 0
    for person, alias in asked:
        result = run_ours(people, [(person, alias)])
        if not result.found:
            print(f"  missed: {alias!r} for {person.name!r}")
            shown += 1
            if shown >= limit:
                break


if __name__ == "__main__":
    main()
