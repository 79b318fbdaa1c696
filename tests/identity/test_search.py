import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from consular.identity import search
from consular.identity.actions import (
    create_person,
    grant_person_access,
    merge_persons,
    person_name_keys,
    update_person,
)
from consular.identity.models import OfficeNameKey, Person, PersonNameKey, Sex
from consular.identity.names import PartialDate, blocking_keys
from consular.identity.search import likely_duplicates, parse_query, search_persons, search_with_stats
from consular.offices.scoping import Actor
from consular.workflow.actions import open_case
from tests.identity.factories import actor_for

HANAKO = {
    "family_name": "OHNO",
    "given_names": "HANAKO",
    "family_name_reading": "オオノ",
    "given_names_reading": "ハナコ",
    "sex": Sex.FEMALE,
    "birth_year": 1984,
    "birth_month": 7,
    "birth_day": 3,
    "nationalities": ["JPN"],
}


def on_file(user, **fields) -> Person:
    return create_person(by=actor_for(user), **{**HANAKO, **fields})


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("YAMADA HANAKO", ("YAMADA", "HANAKO")),
        ("yamada, hanako mei", ("yamada", "hanako mei")),
        ("やまだ\u3000はなこ", ("やまだ", "はなこ")),
        ("  OHNO  ", ("OHNO", "")),
    ],
)
def test_a_query_is_split_family_name_first(text, expected):
    assert parse_query(text) == expected


def test_creating_a_person_indexes_their_name_keys(nyc_clerk):
    person = on_file(nyc_clerk)
    assert PersonNameKey.objects.filter(person=person).count() > 0


def test_renaming_a_person_rewrites_their_keys(nyc_clerk):
    person = on_file(nyc_clerk)
    before = set(person.name_keys.values_list("key", flat=True))
    update_person(
        person, by=actor_for(nyc_clerk), expected_version=person.version, family_name="SUZUKI", family_name_reading=""
    )
    after = set(person.name_keys.values_list("key", flat=True))
    assert after and after != before
    assert search_persons(actor=actor_for(nyc_clerk), q="SUZUKI HANAKO")[0].person == person
    assert not [r for r in search_persons(actor=actor_for(nyc_clerk), q="ONO HANAKO") if r.person == person]


@pytest.mark.parametrize(
    "query", ["OHNO HANAKO", "ONO HANAKO", "OONO, HANAKO", "ŌNO HANAKO", "おおの はなこ", "HANAKO OHNO", "OHNO HANAKA"]
)
def test_spelling_variants_find_the_person_with_reasons(nyc_clerk, query):
    person = on_file(nyc_clerk)
    results = search_persons(actor=actor_for(nyc_clerk), q=query)
    assert results and results[0].person == person
    assert results[0].score >= 60 and results[0].reasons


def test_the_best_match_comes_first(nyc_clerk):
    other = on_file(nyc_clerk, given_names="HANAE", given_names_reading="ハナエ")
    exact = on_file(nyc_clerk)
    results = search_persons(actor=actor_for(nyc_clerk), q="OHNO HANAKO", date_of_birth=PartialDate(1984, 7, 3))
    assert [r.person for r in results][:2] == [exact, other]
    assert results[0].score > results[1].score


def test_nationality_narrows_the_results(nyc_clerk):
    on_file(nyc_clerk)
    assert search_persons(actor=actor_for(nyc_clerk), q="OHNO HANAKO", nationality="USA") == []


def test_another_offices_person_is_not_found(nyc_clerk, london_clerk):
    on_file(london_clerk)
    assert search_persons(actor=actor_for(nyc_clerk), q="OHNO HANAKO") == []


def test_a_person_with_a_case_at_our_office_is_found(nyc_clerk, london_clerk):
    person = on_file(london_clerk)
    open_case("enquiry", person=person, by=actor_for(nyc_clerk))
    assert [r.person for r in search_persons(actor=actor_for(nyc_clerk), q="OHNO HANAKO")] == [person]


def test_hq_finds_every_offices_persons(nyc_clerk, london_clerk, hq_officer):
    on_file(nyc_clerk)
    on_file(london_clerk)
    assert len(search_persons(actor=actor_for(hq_officer), q="OHNO HANAKO")) == 2


def test_search_grades_only_candidates_sharing_a_key(nyc_clerk):
    on_file(nyc_clerk)
    on_file(nyc_clerk, family_name="SMITH", given_names="JOHN", family_name_reading="", given_names_reading="")
    results, scored = search_with_stats(actor=actor_for(nyc_clerk), q="OHNO HANAKO")
    assert scored == 1 and len(results) == 1


def test_a_query_without_letters_finds_nothing(nyc_clerk):
    on_file(nyc_clerk)
    assert search_persons(actor=actor_for(nyc_clerk), q="123 !!") == []


def test_duplicates_at_our_office_come_with_the_record(nyc_clerk):
    person = on_file(nyc_clerk)
    found = likely_duplicates(
        actor=actor_for(nyc_clerk),
        family_name="ONO",
        given_names="HANAKO",
        date_of_birth=PartialDate(1984, 7, 3),
        nationality="JPN",
    )
    assert [d.person for d in found.visible] == [person] and found.hidden == []
    assert found.visible[0].reasons and found.visible[0].office_code == "NYC"


def test_duplicates_at_another_office_are_kept_apart_for_hq_and_never_shown(nyc_clerk, london_clerk):
    theirs = on_file(london_clerk)
    found = likely_duplicates(
        actor=actor_for(nyc_clerk),
        family_name="OONO",
        given_names="HANAKO",
        date_of_birth=PartialDate(1984, 7, 3),
        nationality="JPN",
    )
    assert found.visible == []
    assert [pk for pk, _score in found.hidden] == [theirs.pk]


def test_a_kana_reading_alone_finds_the_duplicate(nyc_clerk):
    person = on_file(nyc_clerk)
    found = likely_duplicates(
        actor=actor_for(nyc_clerk),
        family_name="XYZ",
        family_name_reading="おおの",
        given_names_reading="はなこ",
        date_of_birth=PartialDate(1984, 7, 3),
    )
    assert [d.person for d in found.visible] == [person]


def test_someone_else_with_a_different_birthday_is_not_a_likely_duplicate(nyc_clerk):
    on_file(nyc_clerk)
    found = likely_duplicates(
        actor=actor_for(nyc_clerk),
        family_name="OHNO",
        given_names="TARO",
        date_of_birth=PartialDate(1950, 1, 1),
        nationality="JPN",
    )
    assert found.visible == [] and found.hidden == []


@pytest.mark.parametrize(
    ("query", "birth"),
    [
        ("OHNO HANAKO", None),
        ("ONO HANAKO", PartialDate(1984, 7, 3)),
        ("OONO HANAKA", PartialDate(1984, 3, 7)),
        ("HANAKO OHNO", PartialDate(1985, 7, 3)),
        ("OHNO HANAKO", PartialDate(1950, 1, 1)),
        ("OHNO", PartialDate(1984)),
    ],
)
def test_search_scores_agree_with_names_score(nyc_clerk, query, birth):
    from consular.identity.names import NameRecord, score

    person = on_file(nyc_clerk)
    family, given = parse_query(query)
    expected = score(NameRecord("OHNO", "HANAKO", PartialDate(1984, 7, 3), "JPN"), NameRecord(family, given, birth, ""))
    result = search_persons(actor=actor_for(nyc_clerk), q=query, date_of_birth=birth)[0]
    assert result.person == person
    assert abs(result.score - expected.score) <= 0.1
    assert result.reasons == expected.reasons


def test_a_duplicate_with_another_recorded_nationality_is_still_shown(nyc_clerk):
    person = on_file(nyc_clerk, nationalities=["USA"])
    found = likely_duplicates(
        actor=actor_for(nyc_clerk),
        family_name="OHNO",
        given_names="HANAKO",
        date_of_birth=PartialDate(1984, 7, 3),
        nationality="JPN",
    )
    assert [d.person for d in found.visible] == [person]


def test_a_date_of_birth_finds_the_person_among_more_namesakes_than_are_graded(nyc_clerk, monkeypatch):
    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 2)
    for year in (1950, 1960, 1970, 1990, 2000):
        on_file(nyc_clerk, birth_year=year)
    wanted = on_file(nyc_clerk, birth_year=1984)
    results, scored = search_with_stats(
        actor=actor_for(nyc_clerk), q="OHNO HANAKO", date_of_birth=PartialDate(1984, 7, 3)
    )
    assert scored == 2
    assert results[0].person == wanted


# A mission searches its own copy of its persons' keys (issue 8, finding 19): the rule is
# Person.objects.visible_to's, and the cost follows the office's persons, not the table.

CAST = ["nyc_clerk", "nyc_supervisor", "london_clerk", "hq_officer", "auditor", "osaka_client"]


def office_copies(person: Person) -> set[tuple[str, str, int]]:
    return set(OfficeNameKey.objects.filter(person=person).values_list("office__code", "key", "birth_year"))


def keys_at(person: Person, *codes: str) -> set[tuple[str, str, int]]:
    keys = PersonNameKey.objects.filter(person=person).values_list("key", "birth_year")
    return {(code, key, year) for code in codes for key, year in keys}


def test_each_office_that_may_read_a_person_holds_a_copy_of_their_keys_and_hq_none(nyc_clerk, london_clerk, hq):
    person = on_file(nyc_clerk)
    assert office_copies(person) == keys_at(person, "NYC") != set()

    open_case("enquiry", person=person, by=actor_for(london_clerk))
    grant_person_access([person.pk], hq)  # as a hand-over to HQ does

    assert office_copies(person) == keys_at(person, "NYC", "LON")


def test_a_new_name_or_year_of_birth_rewrites_every_office_s_copy(nyc_clerk, london_clerk):
    person = on_file(nyc_clerk)
    open_case("enquiry", person=person, by=actor_for(london_clerk))
    before = office_copies(person)

    update_person(
        person,
        by=actor_for(nyc_clerk),
        expected_version=person.version,
        family_name="SUZUKI",
        family_name_reading="",
        birth_year=1985,
    )

    assert office_copies(person) == keys_at(person, "NYC", "LON") != before
    assert {year for _code, _key, year in office_copies(person)} == {1985}
    assert search_persons(actor=actor_for(london_clerk), q="SUZUKI HANAKO")[0].person == person


def test_a_merge_gives_the_kept_person_s_keys_to_every_office_of_both_and_drops_the_merged_ones(
    nyc_clerk, london_clerk, nyc_supervisor
):
    keep = on_file(nyc_clerk)
    merged = on_file(london_clerk, family_name="OONO", family_name_reading="")
    open_case("enquiry", person=merged, by=actor_for(nyc_clerk))  # so New York's supervisor may merge it

    merge_persons(
        keep=keep, merge=merged, by=actor_for(nyc_supervisor), expected_versions=(keep.version, merged.version)
    )

    assert not OfficeNameKey.objects.filter(person=merged).exists()
    assert office_copies(keep) == keys_at(keep, "NYC", "LON")
    assert [r.person for r in search_persons(actor=actor_for(london_clerk), q="OONO HANAKO")] == [keep]


@pytest.fixture
def persons_at_each_office(nyc_clerk, london_clerk, osaka, hq_officer):
    """Namesakes recorded at New York, London, Osaka and HQ; one of New York's with a case at London."""
    at_nyc = [on_file(nyc_clerk), on_file(nyc_clerk, birth_year=1990)]
    on_file(london_clerk, given_names="HANAKA", given_names_reading="")
    create_person(by=Actor(office=osaka, role="clerk"), **HANAKO)
    on_file(hq_officer)
    open_case("enquiry", person=at_nyc[1], by=actor_for(london_clerk))


@pytest.mark.parametrize("member", CAST)
def test_search_finds_exactly_the_persons_each_member_of_the_cast_may_read(
    request, persons_at_each_office, member, osaka
):
    if member == "osaka_client":
        actor = Actor(office=osaka, role="officer", api_client=request.getfixturevalue("osaka_client")[0])
    else:
        actor = actor_for(request.getfixturevalue(member))

    found = {r.person.pk for r in search_persons(actor=actor, q="OHNO HANAKO", limit=50)}

    readable = set(Person.unscoped.visible_to(actor).values_list("pk", flat=True))
    assert found == readable != set()


def test_namesakes_found_by_walking_the_keys_are_the_ones_counting_the_keys_finds(nyc_clerk):
    namesakes = sorted(on_file(nyc_clerk).pk for _ in range(5))
    on_file(nyc_clerk, given_names="HARUKA", given_names_reading="")  # shares the family name's keys only
    rows, keys = PersonNameKey.objects.all(), sorted(blocking_keys("OHNO", "HANAKO"))

    assert search._sharing_every_key(rows, keys, 3) == list(search._by_shared_keys(rows, keys, 3)) == namesakes[:3]
    # Fewer share every key than are asked for: the keys are counted.
    assert search._most_shared(rows, keys, 8) == list(search._by_shared_keys(rows, keys, 8))
    assert len(search._most_shared(rows, keys, 8)) == 6


def test_a_small_office_s_search_reads_its_own_keys_not_the_table_s(nyc, london_clerk):
    """London's 5 namesakes are found without reading New York's 2,000."""
    on_record(2000, nyc)
    on_record(5, london_clerk.memberships.get().office)
    with CaptureQueriesContext(connection) as captured:
        results = search_persons(actor=actor_for(london_clerk), q="OHNO HANAKO")
    assert len(results) == 5
    key_queries = [q["sql"] for q in captured.captured_queries if "identity_officenamekey" in q["sql"]]
    assert key_queries
    for sql in key_queries:
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE identity_officenamekey")

            assert rows_read(sql) <= 100
        else:
            with connection.cursor() as cursor:
                cursor.execute(f"EXPLAIN QUERY PLAN {sql}")
                plan = " / ".join(row[-1] for row in cursor.fetchall())

            assert "(office_id=? AND key=?" in plan and "SCAN" not in plan.replace("SCAN CONSTANT ROW", ""), plan


def on_record(count: int, office) -> None:
    """`count` namesakes recorded at `office`, written in bulk with the keys and access rows the actions write."""
    persons = Person.unscoped.bulk_create(Person(created_by_office=office, **HANAKO) for _ in range(count))
    keys = person_name_keys(persons[0])
    PersonNameKey.objects.bulk_create(
        PersonNameKey(person=person, key=key, birth_year=person.birth_year) for person in persons for key in keys
    )
    grant_person_access([person.pk for person in persons], office)


def rows_read(sql: str) -> int:
    """PostgreSQL: rows the plan's scans read (returned or filtered out), from EXPLAIN ANALYZE."""
    with connection.cursor() as cursor:
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}")
        (plan,) = cursor.fetchone()
    plan = json.loads(plan) if isinstance(plan, str) else plan

    def walk(node: dict) -> int:
        read = 0
        if "Scan" in node["Node Type"]:
            read = (node["Actual Rows"] + node.get("Rows Removed by Filter", 0)) * node["Actual Loops"]
        return read + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan[0]["Plan"])
