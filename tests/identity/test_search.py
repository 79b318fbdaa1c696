import pytest

from consular.identity.actions import create_person, update_person
from consular.identity.models import Person, PersonNameKey, Sex
from consular.identity.names import PartialDate
from consular.identity.search import likely_duplicates, parse_query, search_persons, search_with_stats
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
    from consular.identity import search

    monkeypatch.setattr(search, "CANDIDATE_LIMIT", 2)
    for year in (1950, 1960, 1970, 1990, 2000):
        on_file(nyc_clerk, birth_year=year)
    wanted = on_file(nyc_clerk, birth_year=1984)
    results, scored = search_with_stats(
        actor=actor_for(nyc_clerk), q="OHNO HANAKO", date_of_birth=PartialDate(1984, 7, 3)
    )
    assert scored == 2
    assert results[0].person == wanted
