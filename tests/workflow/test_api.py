"""Cases over REST: listing, reading with an ETag, and firing transitions with conflicts and refusals."""

import json
import uuid

import pytest
from django.utils import translation

from consular.workflow.actions import fire, open_case
from consular.workflow.enquiries import Status
from consular.workflow.models import Case, CaseEvent
from tests.api.conftest import assert_problem, send_json
from tests.identity.factories import PersonFactory, actor_for
from tests.workflow.test_views import make_cases

CASES = "/api/v1/cases/"


@pytest.fixture(autouse=True)
def _reasons_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def case(person, nyc_clerk, hq):
    return open_case("enquiry", person=person, by=actor_for(nyc_clerk), note="Asks about renewing abroad")


def fire_over_api(client, case: Case, body: dict, key: str | None = None):
    return send_json(client, "post", f"{CASES}{case.reference}/transitions/", body,
                     **{"Idempotency-Key": key or str(uuid.uuid4()), "Accept-Language": "en"})


# Listing


def test_list_shows_the_cases_the_caller_may_read(signed_in, nyc_clerk, case):
    response = signed_in(nyc_clerk).get(CASES)
    assert response.status_code == 200
    (row,) = response.json()["results"]
    assert row["reference"] == case.reference
    assert (row["status"], row["current_office"], row["person"]) == ("received", "NYC", case.person_id)
    assert row["version"] == 1


def test_list_never_shows_another_office_s_cases(signed_in, london_clerk, api, osaka_client, case):
    assert signed_in(london_clerk).get(CASES).json()["results"] == []
    assert api(osaka_client[1]).get(CASES).json()["results"] == []


def test_list_filters_by_status_and_case_type(signed_in, nyc_clerk, person, nyc):
    _received, in_progress = make_cases(2, person, nyc)
    Case.unscoped.filter(pk=in_progress.pk).update(status=Status.IN_PROGRESS)
    results = signed_in(nyc_clerk).get(CASES, {"status": "in_progress", "case_type": "enquiry"}).json()["results"]
    assert [row["reference"] for row in results] == [in_progress.reference]


def test_unknown_filter_value_is_a_400_problem(signed_in, nyc_clerk, case):
    body = assert_problem(signed_in(nyc_clerk).get(CASES, {"status": "lost"}), 400)
    assert body["errors"][0]["field"] == "status"


def test_list_pages_with_a_cursor_without_repeats(signed_in, nyc_clerk, person, nyc):
    cases = make_cases(5, person, nyc)
    client = signed_in(nyc_clerk)
    first = client.get(CASES, {"page_size": 3}).json()
    second = client.get(first["next"]).json()
    shown = [row["reference"] for row in first["results"] + second["results"]]
    assert shown == [case.reference for case in cases] and second["next"] is None


def test_list_costs_the_same_queries_at_1_and_50_rows_and_never_counts(
    api, osaka_client, person, osaka, django_assert_max_num_queries
):
    client = api(osaka_client[1])
    make_cases(1, person, osaka)
    with django_assert_max_num_queries(10) as one:
        assert len(client.get(CASES).json()["results"]) == 1
    make_cases(49, person, osaka)
    with django_assert_max_num_queries(len(one.captured_queries)) as fifty:
        assert len(client.get(CASES).json()["results"]) == 50
    assert not [q["sql"] for q in fifty.captured_queries if "COUNT(" in q["sql"].upper()]


# One case


def test_detail_has_events_transitions_and_an_etag_from_the_version(signed_in, nyc_clerk, case):
    response = signed_in(nyc_clerk).get(f"{CASES}{case.reference}/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response["ETag"] == f'"{case.pk}-1"'
    body = response.json()
    assert body["person"]["family_name"] == "YAMADA"
    assert [event["transition"] for event in body["events"]] == ["open"]
    options = {option["name"]: option for option in body["transitions"]}
    assert options["start"]["allowed"] and options["start"]["refused_because"] is None
    assert set(options) == {"start", "withdraw"}


def test_detail_explains_refused_transitions(signed_in, nyc_clerk, case):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    body = signed_in(nyc_clerk).get(f"{CASES}{case.reference}/", HTTP_ACCEPT_LANGUAGE="en").json()
    refer = next(option for option in body["transitions"] if option["name"] == "refer_to_hq")
    assert (refer["allowed"], refer["refused_because"]) == (False, "Your role cannot do this.")


def test_detail_is_not_modified_for_a_matching_etag(signed_in, nyc_clerk, case):
    client = signed_in(nyc_clerk)
    etag = client.get(f"{CASES}{case.reference}/")["ETag"]
    assert client.get(f"{CASES}{case.reference}/", HTTP_IF_NONE_MATCH=etag).status_code == 304


def test_other_office_case_is_a_404_problem(signed_in, london_clerk, api, osaka_client, case):
    assert_problem(signed_in(london_clerk).get(f"{CASES}{case.reference}/"), 404)
    assert_problem(api(osaka_client[1]).get(f"{CASES}{case.reference}/"), 404)
    assert_problem(fire_over_api(signed_in(london_clerk), case, {"transition": "start", "version": 1}), 404)
    case.refresh_from_db()
    assert case.version == 1


# Firing


def test_firing_moves_the_case_and_returns_the_new_version(signed_in, nyc_clerk, case):
    response = fire_over_api(signed_in(nyc_clerk), case, {"transition": "start", "version": 1, "note": "Called"})
    assert response.status_code == 200, response.content
    assert response["ETag"] == f'"{case.pk}-2"'
    body = response.json()
    assert (body["status"], body["version"]) == ("in_progress", 2)
    assert body["events"][-1]["note"] == "Called"
    case.refresh_from_db()
    assert case.status == Status.IN_PROGRESS


def test_stale_version_is_a_409_problem_and_saves_nothing(signed_in, nyc_clerk, nyc_officer, case):
    fire(case, "start", by=actor_for(nyc_officer), expected_version=1)
    response = fire_over_api(signed_in(nyc_clerk), case, {"transition": "withdraw", "version": 1, "note": "Phoned"})
    body = assert_problem(response, 409)
    assert body["type"].endswith("/stale-version")
    case.refresh_from_db()
    assert (case.status, case.version, case.events.count()) == (Status.IN_PROGRESS, 2, 2)


def test_refused_transition_is_a_422_problem_with_the_reason(signed_in, nyc_clerk, nyc_supervisor, case):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    response = fire_over_api(signed_in(nyc_supervisor), case, {"transition": "refer_to_hq", "version": 2})
    body = assert_problem(response, 422)
    assert body["detail"] == "A note is required." and body["type"].endswith("/transition-refused")
    assert CaseEvent.objects.count() == 2


def test_role_refusal_is_a_422_problem_with_the_reason(signed_in, nyc_clerk, case):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    response = fire_over_api(signed_in(nyc_clerk), case, {"transition": "refer_to_hq", "version": 2, "note": "x"})
    assert assert_problem(response, 422)["detail"] == "Your role cannot do this."


@pytest.mark.parametrize("body", [{}, {"transition": "start"}, {"transition": "start", "version": "one"},
                                  {"transition": "start", "version": 0}])
def test_bad_body_is_a_400_problem_and_saves_nothing(signed_in, nyc_clerk, case, body):
    assert_problem(fire_over_api(signed_in(nyc_clerk), case, body), 400)
    case.refresh_from_db()
    assert case.version == 1


def test_firing_needs_an_idempotency_key(signed_in, nyc_clerk, case):
    response = send_json(signed_in(nyc_clerk), "post", f"{CASES}{case.reference}/transitions/",
                         {"transition": "start", "version": 1})
    assert_problem(response, 400)
    case.refresh_from_db()
    assert case.version == 1


def test_a_retry_with_the_same_key_replays_and_fires_once(signed_in, nyc_clerk, case):
    client = signed_in(nyc_clerk)
    first = fire_over_api(client, case, {"transition": "start", "version": 1}, key="retry-1")
    again = fire_over_api(client, case, {"transition": "start", "version": 1}, key="retry-1")
    assert (first.status_code, again.status_code) == (200, 200)
    assert again["Idempotent-Replayed"] == "true" and json.loads(again.content) == json.loads(first.content)
    assert CaseEvent.objects.filter(transition="start").count() == 1


def test_auditor_cannot_fire(signed_in, auditor, case):
    assert_problem(fire_over_api(signed_in(auditor), case, {"transition": "start", "version": 1}), 403)


def test_hq_answers_a_referral_over_the_api(signed_in, nyc_clerk, nyc_supervisor, hq_officer, case):
    fire(case, "start", by=actor_for(nyc_clerk), expected_version=1)
    fire(case, "refer_to_hq", by=actor_for(nyc_supervisor), expected_version=2, note="Needs HQ")
    response = fire_over_api(signed_in(hq_officer), case, {"transition": "instruct", "version": 3,
                                                           "note": "Renew with the old passport"})
    assert response.status_code == 200, response.content
    assert (response.json()["status"], response.json()["current_office"]) == ("instructed", "NYC")


def test_the_schema_describes_the_case_endpoints_with_examples(signed_in, hq_admin):
    schema = signed_in(hq_admin).get("/api/v1/schema/", HTTP_ACCEPT="application/json").json()
    post = schema["paths"]["/api/v1/cases/{reference}/transitions/"]["post"]
    assert {"200", "400", "409", "422"} <= set(post["responses"])
    assert post["requestBody"]["content"]["application/json"]["examples"]
    assert "/api/v1/cases/" in schema["paths"] and "/api/v1/cases/{reference}/" in schema["paths"]


def test_person_of_another_office_is_never_in_a_visible_case(signed_in, london_clerk, london, hq):
    # The outsider's own case lists only their own person.
    stranger = PersonFactory(created_by_office=london)
    own = open_case("enquiry", person=stranger, by=actor_for(london_clerk))
    results = signed_in(london_clerk).get(CASES).json()["results"]
    assert [row["reference"] for row in results] == [own.reference]
