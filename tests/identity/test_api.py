import json
import uuid

import pytest

from consular.audit.models import AuditEntry
from consular.identity.actions import create_person
from consular.identity.models import Person, Sex
from tests.api.conftest import assert_problem, send_json
from tests.identity.factories import actor_for

HANAKO = {
    "family_name": "OHNO",
    "given_names": "HANAKO",
    "sex": Sex.FEMALE,
    "birth_year": 1984,
    "birth_month": 7,
    "birth_day": 3,
    "nationalities": ["JPN"],
}
NEW = {
    "family_name": "ono",
    "given_names": "hanako",
    "sex": "F",
    "birth_year": 1984,
    "birth_month": 7,
    "birth_day": 3,
    "nationalities": ["JPN"],
}
PERSONS = "/api/v1/persons/"
SEARCH = "/api/v1/persons/search/"


def on_file(user, **fields) -> Person:
    return create_person(by=actor_for(user), **{**HANAKO, **fields})


def post_person(client, body, key: str | None = None):
    return send_json(client, "post", PERSONS, body, **{"Idempotency-Key": key or str(uuid.uuid4())})


# Search: POSTed, so that names and dates of birth never appear in a URL


def search(client, **terms):
    return send_json(client, "post", SEARCH, terms)


def test_search_returns_ranked_persons_with_score_and_reasons(signed_in, nyc_clerk):
    person = on_file(nyc_clerk)
    on_file(nyc_clerk, given_names="HANAE")
    response = search(signed_in(nyc_clerk), q="ONO HANAKO", date_of_birth="1984-07-03", nationality="jpn")
    assert response.status_code == 200
    results = response.json()["results"]
    assert results[0]["person"]["id"] == person.pk
    assert results[0]["score"] > results[1]["score"]
    assert results[0]["reasons"]
    assert results[0]["person"]["date_of_birth"] == "1984-07-03"


def test_a_search_is_audited_as_a_read_and_needs_no_idempotency_key(signed_in, nyc_clerk):
    person = on_file(nyc_clerk)
    client = signed_in(nyc_clerk)
    first, again = search(client, q="OHNO HANAKO"), search(client, q="OHNO HANAKO")
    assert first.json() == again.json() and first.json()["results"][0]["person"]["id"] == person.pk
    reads = AuditEntry.unscoped.filter(action="read", object_repr="person search")
    assert reads.count() == 2 and reads.first().changes["persons"] == str(person.pk)


def test_search_does_not_return_another_offices_person(signed_in, nyc_clerk, london_clerk):
    on_file(london_clerk)
    response = search(signed_in(nyc_clerk), q="OHNO HANAKO")
    assert response.json() == {"results": []}


def test_search_without_a_query_is_a_400_problem(signed_in, nyc_clerk):
    body = assert_problem(search(signed_in(nyc_clerk)), 400)
    assert body["errors"][0]["field"] == "q"


def test_search_with_a_malformed_date_or_nationality_is_a_400_problem(signed_in, nyc_clerk):
    body = assert_problem(search(signed_in(nyc_clerk), q="OHNO", date_of_birth="07/03/1984", nationality="JAPAN"), 400)
    assert {error["field"] for error in body["errors"]} == {"date_of_birth", "nationality"}


@pytest.mark.parametrize("date_of_birth", ["0000-07-03", "1984-13-13", "1984-40-03"])
def test_search_with_a_date_that_cannot_be_one_is_a_422_problem(signed_in, nyc_clerk, date_of_birth):
    body = assert_problem(search(signed_in(nyc_clerk), q="OHNO", date_of_birth=date_of_birth), 422)
    assert [error["field"] for error in body["errors"]] == ["date_of_birth"]


def test_search_terms_of_the_wrong_json_type_are_a_400_problem(signed_in, nyc_clerk):
    body = assert_problem(search(signed_in(nyc_clerk), q=42, limit="5"), 400)
    assert {error["field"] for error in body["errors"]} == {"q", "limit"}


def test_a_get_on_persons_is_a_405_pointing_to_the_search_and_reads_nothing(signed_in, nyc_clerk):
    on_file(nyc_clerk)
    response = signed_in(nyc_clerk).get(PERSONS, {"q": "OHNO HANAKO", "date_of_birth": "1984-07-03"})
    body = assert_problem(response, 405)
    assert "/api/v1/persons/search/" in body["detail"]
    assert response["Allow"] == "POST, OPTIONS"
    assert "OHNO" not in response.content.decode()
    assert not AuditEntry.unscoped.filter(object_repr="person search").exists()


def test_search_costs_the_same_queries_for_1_and_50_results(signed_in, nyc_clerk, django_assert_max_num_queries):
    client = signed_in(nyc_clerk)
    on_file(nyc_clerk)
    search(client, q="OHNO HANAKO")  # warm the session and membership caches
    with django_assert_max_num_queries(12) as one:
        assert len(search(client, q="OHNO HANAKO").json()["results"]) == 1
    for number in range(49):
        on_file(nyc_clerk, birth_year=1930 + number)
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert len(search(client, q="OHNO HANAKO", limit=50).json()["results"]) == 50


def test_the_osaka_client_searches_its_own_persons(api, osaka_client, nyc_clerk):
    on_file(nyc_clerk)
    response = search(api(osaka_client[1]), q="OHNO HANAKO")
    assert response.status_code == 200 and response.json() == {"results": []}


# One person


def test_a_person_is_read_with_an_etag_and_the_read_is_audited(signed_in, nyc_clerk):
    person = on_file(nyc_clerk)
    response = signed_in(nyc_clerk).get(f"{PERSONS}{person.pk}/")
    assert response.status_code == 200
    assert response["ETag"] == f'"{person.pk}-{person.version}"'
    assert response.json()["family_name"] == "OHNO"
    assert AuditEntry.unscoped.filter(action="read", object_type="identity.person", object_id=str(person.pk)).exists()


def test_an_unchanged_person_is_304_with_if_none_match(signed_in, nyc_clerk):
    person = on_file(nyc_clerk)
    response = signed_in(nyc_clerk).get(f"{PERSONS}{person.pk}/", headers={"If-None-Match": f'"{person.pk}-1"'})
    assert response.status_code == 304


def test_another_offices_person_is_a_404_problem(signed_in, nyc_clerk, london_clerk):
    person = on_file(london_clerk)
    assert_problem(signed_in(nyc_clerk).get(f"{PERSONS}{person.pk}/"), 404)


def test_another_offices_person_is_a_404_problem_for_an_api_client(api, osaka_client, nyc_clerk):
    person = on_file(nyc_clerk)
    assert_problem(api(osaka_client[1]).get(f"{PERSONS}{person.pk}/"), 404)


# Create


def test_a_new_person_is_created_with_location_and_etag(api, osaka_client):
    response = post_person(api(osaka_client[1]), NEW)
    assert response.status_code == 201, response.content
    person = Person.unscoped.get()
    assert person.created_by_office.code == "OSA" and person.family_name == "ONO"
    assert response["Location"].endswith(f"{PERSONS}{person.pk}/")
    assert response["ETag"] == f'"{person.pk}-1"'


def test_likely_duplicates_are_a_409_problem_listing_them(signed_in, nyc_clerk):
    person = on_file(nyc_clerk)
    body = assert_problem(post_person(signed_in(nyc_clerk), NEW), 409)
    assert body["duplicates"][0]["person"]["id"] == person.pk
    assert body["duplicates"][0]["reasons"]
    assert Person.unscoped.count() == 1


def test_a_duplicate_at_another_office_is_never_shown_and_goes_to_review(signed_in, nyc_clerk, london_clerk):
    on_file(london_clerk)
    response = post_person(signed_in(nyc_clerk), NEW)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["duplicate_review"] == "pending"
    assert "score" not in body and "office" not in body and "OHNO" not in response.content.decode()


def test_confirm_new_creates_despite_duplicates_and_the_same_key_can_then_be_used(signed_in, nyc_clerk):
    on_file(nyc_clerk)
    client = signed_in(nyc_clerk)
    key = str(uuid.uuid4())
    assert post_person(client, NEW, key).status_code == 409
    assert post_person(client, {**NEW, "confirm_new": True}, key).status_code == 201
    assert Person.unscoped.count() == 2


def test_a_retry_with_the_same_key_creates_nothing_twice(api, osaka_client):
    client = api(osaka_client[1])
    key = str(uuid.uuid4())
    first = post_person(client, NEW, key)
    again = post_person(client, NEW, key)
    assert json.loads(again.content) == json.loads(first.content)
    assert Person.unscoped.count() == 1


def test_bad_input_is_a_400_problem_and_saves_nothing(signed_in, nyc_clerk):
    body = assert_problem(
        post_person(signed_in(nyc_clerk), {**NEW, "family_name": "ONO3", "nationalities": [], "confirm_new": True}), 400
    )
    assert "nationalities" in {error["field"] for error in body["errors"]}
    assert Person.unscoped.count() == 0


def test_names_the_model_refuses_are_a_422_problem_and_save_nothing(signed_in, nyc_clerk):
    body = assert_problem(post_person(signed_in(nyc_clerk), {**NEW, "family_name": "ONO3", "confirm_new": True}), 422)
    assert [error["field"] for error in body["errors"]] == ["family_name"]
    assert Person.unscoped.count() == 0


def test_hidden_characters_and_look_alikes_are_a_422_on_their_field_and_save_nothing(signed_in, nyc_clerk):
    client = signed_in(nyc_clerk)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    hidden = {"family_name": "ОNO", "given_names_native": "花子\u2066", "place_of_birth": "\x07"}  # Cyrillic О
    body = assert_problem(post_person(client, {**NEW, **hidden}), 422)
    errors = {error["field"]: error["message"] for error in body["errors"]}
    assert set(errors) == {"family_name", "given_names_native", "place_of_birth"}
    assert "U+041E CYRILLIC CAPITAL LETTER O" in errors["family_name"]
    assert "U+2066 LEFT-TO-RIGHT ISOLATE" in errors["given_names_native"]
    assert "U+0007 BELL" in errors["place_of_birth"]
    assert Person.unscoped.count() == 0


def test_an_auditor_cannot_create_a_person(signed_in, auditor):
    assert_problem(post_person(signed_in(auditor), NEW), 403)
    assert Person.unscoped.count() == 0
