"""Visa applications over REST for agencies accredited to a mission: submit, list, read, withdraw."""

import base64
import json
import uuid
from datetime import timedelta

import pytest
from django.utils import translation

from consular.identity.models import Person
from consular.offices.models import Role
from consular.offices.scoping import Actor
from consular.screening.models import ScreeningHit, Watchlist
from consular.workflow.models import Case
from tests.api.conftest import assert_problem, send_json
from tests.factories import make_api_client
from tests.identity.factories import actor_for
from tests.passports.factories import passport_photo
from tests.screening.conftest import EXCERPT, import_un
from tests.screening.screening_fixtures import ALIAS_OF_PAK_HAN_SE
from tests.visas.factories import foreign_applicant, issued_visa, passport_mrz, submit
from visas import actions
from visas.models import Visa, VisaApplication

APPLICATIONS = "/api/v1/visas/applications/"
# Words that would tell an agency something about watchlists, in any key or value of any answer.
SCREENING_WORDS = ("hit", "score", "watchlist", "sanction", "un-sc", "listed", "adjudicat")


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def agency(nyc):
    return make_api_client(nyc, "Lotus Travel")


@pytest.fixture
def other_agency(nyc):
    return make_api_client(nyc, "Harbour Tours")


@pytest.fixture
def agency_api(api, agency):
    return api(agency[1])


@pytest.fixture
def agency_actor(agency) -> Actor:
    client, _token = agency
    return Actor(office=client.office, role=Role.CLERK, api_client=client)


@pytest.fixture
def other_actor(other_agency) -> Actor:
    client, _token = other_agency
    return Actor(office=client.office, role=Role.CLERK, api_client=client)


def body_for(applicant, **overrides) -> dict:
    arrival = applicant.created_by_office.local_today() + timedelta(days=30)
    return {
        "person": applicant.pk,
        "category": "tourism",
        "entries": "single",
        "purpose": "Sightseeing in Kyoto",
        "arrival_on": arrival.isoformat(),
        "stay_days": 14,
        "passport_mrz": passport_mrz(applicant),
        "passport_issued_on": "2020-01-10",
        "itinerary": "Tokyo 5 nights, Kyoto 9 nights",
        "photo": base64.b64encode(passport_photo()).decode(),
    } | overrides


def post(client, body, key=None):
    return send_json(client, "post", APPLICATIONS, body, **{"Idempotency-Key": key or str(uuid.uuid4())})


def keys_and_values(value):
    """Every key and every string value in a JSON document, lower-cased."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key.lower()
            yield from keys_and_values(item)
    elif isinstance(value, list):
        for item in value:
            yield from keys_and_values(item)
    elif isinstance(value, str):
        yield value.lower()


def assert_nothing_about_screening(document) -> None:
    for text in keys_and_values(document):
        assert not any(word in text for word in SCREENING_WORDS), text


# --- submitting ------------------------------------------------------------------------------------


def test_an_agency_submits_an_application_for_a_known_person(
    agency_api, agency, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = post(agency_api, body_for(applicant))
    assert response.status_code == 201, response.content
    body = response.json()
    application = VisaApplication.unscoped.get(case__reference=body["reference"])
    assert application.submitted_by_client == agency[0]
    assert response["Location"].endswith(f"{APPLICATIONS}{body['reference']}/")
    # Answered before the screening task ran (after the commit): then the case moved on, and so did the ETag.
    assert body["status"] == "screening" and body["screening"] == "pending"
    read = agency_api.get(response["Location"])
    assert read["ETag"] == f'"{application.pk}-{application.version + application.case.version}"' != response["ETag"]
    assert read.json()["status"] == "under_review" and read.json()["screening"] == "screened"
    assert (body["fee_amount"], body["fee_currency"], body["paid"]) == (2000, "USD", False)
    assert body["passport"]["number"] == "E12345678" and body["photo"] is True
    assert body["decision"] is None
    assert_nothing_about_screening(body)


def test_the_same_idempotency_key_replays_the_first_answer(agency_api, applicant):
    key = str(uuid.uuid4())
    body = body_for(applicant)
    first = post(agency_api, body, key)
    again = post(agency_api, body, key)
    assert first.status_code == again.status_code == 201
    assert again["Idempotent-Replayed"] == "true"
    assert again.json()["reference"] == first.json()["reference"]
    assert VisaApplication.unscoped.count() == 1
    assert_problem(post(agency_api, body | {"stay_days": 10}, key), 422)


def test_an_idempotency_key_is_required(agency_api, applicant):
    response = send_json(agency_api, "post", APPLICATIONS, body_for(applicant))
    assert response.status_code in (400, 428)
    assert not VisaApplication.unscoped.exists()


def test_a_new_person_is_recorded_with_the_application(agency_api, nyc, rates):
    new_person = {
        "family_name": "ZHAO",
        "given_names": "MEI",
        "sex": "F",
        "birth_year": 1991,
        "birth_month": 6,
        "birth_day": 2,
        "nationalities": ["CHN"],
    }
    shaped = Person(**{k: v for k, v in new_person.items()})
    body = body_for(
        foreign_applicant(nyc, family_name="QIAN"),
        person=None,
        new_person=new_person,
        passport_mrz=passport_mrz(shaped, number="E99887766"),
    )
    response = post(agency_api, body)
    assert response.status_code == 201, response.content
    assert Person.unscoped.get(pk=response.json()["person"]["id"]).family_name == "ZHAO"


def test_a_likely_duplicate_is_a_409_and_nothing_is_saved(agency_api, applicant):
    new_person = {
        "family_name": applicant.family_name,
        "given_names": applicant.given_names,
        "sex": "F",
        "birth_year": 1988,
        "birth_month": 3,
        "birth_day": 14,
        "nationalities": ["CHN"],
    }
    persons = Person.unscoped.count()
    response = post(agency_api, body_for(applicant, person=None, new_person=new_person))
    body = assert_problem(response, 409)
    assert body["duplicates"]
    assert Person.unscoped.count() == persons and not VisaApplication.unscoped.exists()


def test_field_errors_are_problems_and_nothing_is_saved(agency_api, applicant):
    new_person = {
        "family_name": "ZHAO",
        "given_names": "MEI",
        "sex": "F",
        "birth_year": 1991,
        "nationalities": ["CHN"],
        "confirm_new": True,
    }
    persons = Person.unscoped.count()
    response = post(
        agency_api,
        body_for(
            applicant, person=None, new_person=new_person, stay_days=200, passport_mrz="P<CHNZHAO<<MEI\nE12345678"
        ),
    )
    body = assert_problem(response, 422)
    fields = {error["field"] for error in body["errors"]}
    assert "passport_mrz" in fields
    assert Person.unscoped.count() == persons and not VisaApplication.unscoped.exists()


def test_an_unknown_category_and_another_offices_person_are_422(agency_api, applicant, london):
    stranger = foreign_applicant(london, family_name="LI")
    body = assert_problem(post(agency_api, body_for(applicant, person=stranger.pk, category="no-such")), 422)
    assert {error["field"] for error in body["errors"]} == {"person", "category"}


def test_a_stay_that_needs_no_visa_is_a_clear_422(agency_api, nyc, rates):
    american = foreign_applicant(nyc, family_name="SMITH", given_names="JOHN", nationalities=["USA"])
    body = assert_problem(post(agency_api, body_for(american, stay_days=30)), 422)
    assert body["type"].endswith("no-visa-needed")
    assert "need no visa" in body["detail"]
    assert not Case.unscoped.exists()


def test_a_prefectures_system_takes_no_visa_applications(api, osaka_client, applicant):
    assert_problem(post(api(osaka_client[1]), body_for(applicant)), 403)


# --- reading -------------------------------------------------------------------------------------


def test_the_list_shows_only_the_agencys_own_applications_in_bounded_queries(
    agency_api, agency_actor, other_actor, clerk, nyc, rates, django_assert_max_num_queries
):
    mine = []
    for n in range(12):
        person = foreign_applicant(nyc, family_name="WANG", given_names=f"LI{chr(65 + n)}")
        mine.append(submit(agency_actor, person, passport_mrz=passport_mrz(person, number=f"E1{n:07d}")))
    theirs = foreign_applicant(nyc, family_name="CHEN")
    submit(other_actor, theirs, passport_mrz=passport_mrz(theirs, number="E20000001"))
    at_the_desk = foreign_applicant(nyc, family_name="LIU")
    submit(clerk, at_the_desk, passport_mrz=passport_mrz(at_the_desk, number="E30000001"))

    with django_assert_max_num_queries(6):
        response = agency_api.get(APPLICATIONS, {"page_size": 5})
    page = response.json()
    references = [row["reference"] for row in page["results"]]
    while page["next"]:
        page = agency_api.get(page["next"]).json()
        references += [row["reference"] for row in page["results"]]
    assert sorted(references) == sorted(application.case.reference for application in mine)
    assert_nothing_about_screening(response.json())


def test_another_agencys_or_the_desks_application_is_a_404(agency_api, other_actor, clerk, nyc, rates):
    theirs = foreign_applicant(nyc, family_name="CHEN")
    application = submit(other_actor, theirs, passport_mrz=passport_mrz(theirs, number="E20000001"))
    assert_problem(agency_api.get(f"{APPLICATIONS}{application.case.reference}/"), 404)
    desk = submit(clerk, foreign_applicant(nyc, family_name="LIU"))
    assert_problem(agency_api.get(f"{APPLICATIONS}{desk.case.reference}/"), 404)
    withdraw = send_json(
        agency_api,
        "post",
        f"{APPLICATIONS}{desk.case.reference}/withdrawal/",
        {"note": "x"},
        **{"Idempotency-Key": str(uuid.uuid4()), "If-Match": "*"},
    )
    assert_problem(withdraw, 404)


def test_the_detail_has_an_etag_and_answers_304_while_unchanged(agency_api, agency_actor, applicant):
    application = submit(agency_actor, applicant)
    url = f"{APPLICATIONS}{application.case.reference}/"
    response = agency_api.get(url)
    assert response.status_code == 200
    assert agency_api.get(url, headers={"If-None-Match": response["ETag"]}).status_code == 304


def test_an_issued_e_visa_carries_its_seal_for_the_grant_notice(agency_api, agency_actor, applicant, seal_keys):
    application = issued_visa(agency_actor, applicant, form=Visa.Form.EVISA)
    body = agency_api.get(f"{APPLICATIONS}{application.case.reference}/").json()
    visa = Visa.unscoped.get(application=application)
    assert body["decision"]["outcome"] == "issued"
    shown = body["decision"]["visa"]
    assert (shown["number"], shown["form"], shown["valid_until"]) == (
        visa.number,
        "evisa",
        visa.valid_until.isoformat(),
    )
    seal = shown["seal"]
    assert base64.b32decode(seal + "=" * (-len(seal) % 8)) == bytes(visa.seal)
    assert body["visa_number"] == visa.number


def test_a_refusal_says_refused_and_not_why(agency_api, agency_actor, applicant):
    application = issued_visa(agency_actor, applicant, form=None)
    VisaApplication.unscoped.filter(pk=application.pk).update(refusal_reason="screening")
    body = agency_api.get(f"{APPLICATIONS}{application.case.reference}/").json()
    assert body["status"] == "refused"
    assert body["decision"] == {"outcome": "refused", "visa": None}
    assert "screening" not in json.dumps(body["decision"]) and "refusal_reason" not in body


def test_a_listed_applicant_shows_nothing_of_the_hit(
    agency_api, hq_officer, nyc, rates, django_capture_on_commit_callbacks
):
    import_un(EXCERPT.read_bytes(), Watchlist.objects.get(code="un-sc"), actor_for(hq_officer))
    person = foreign_applicant(nyc, **{**ALIAS_OF_PAK_HAN_SE, "sex": "M"})
    with django_capture_on_commit_callbacks(execute=True):
        response = post(agency_api, body_for(person, passport_mrz=passport_mrz(person, number="PD1234567")))
    assert response.status_code == 201, response.content
    assert ScreeningHit.objects.filter(subject__case__reference=response.json()["reference"]).exists()
    assert_nothing_about_screening(response.json())
    assert_nothing_about_screening(agency_api.get(f"{APPLICATIONS}{response.json()['reference']}/").json())
    assert_nothing_about_screening(agency_api.get(APPLICATIONS).json())


# --- withdrawing ---------------------------------------------------------------------------------


def test_withdrawal_needs_the_current_etag(agency_api, agency_actor, applicant):
    application = submit(agency_actor, applicant)
    url = f"{APPLICATIONS}{application.case.reference}/"
    etag = agency_api.get(url).json() and agency_api.get(url)["ETag"]

    def withdraw(**headers):
        return send_json(
            agency_api,
            "post",
            f"{url}withdrawal/",
            {"note": "The trip is off."},
            **{"Idempotency-Key": str(uuid.uuid4()), **headers},
        )

    assert_problem(withdraw(), 428)
    VisaApplication.unscoped.filter(pk=application.pk).update(version=application.version + 1)  # someone changed it
    assert_problem(withdraw(**{"If-Match": etag}), 412)
    fresh = agency_api.get(url)["ETag"]
    response = withdraw(**{"If-Match": fresh})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "withdrawn" and response["ETag"] != fresh
    assert_problem(withdraw(**{"If-Match": response["ETag"]}), 422)  # closed: nothing more to withdraw


def test_the_schema_describes_the_visa_operations(agency_api):
    schema = agency_api.get("/api/v1/schema/", headers={"Accept": "application/vnd.oai.openapi+json"})
    text = schema.content.decode()
    for operation in (
        "visa_applications_list",
        "visa_applications_create",
        "visa_applications_retrieve",
        "visa_application_withdrawal_create",
    ):
        assert operation in text
    assert actions.NoVisaNeeded  # the 422 it documents is the action's refusal


@pytest.mark.parametrize("path", ["/api/v1/cases/", "/api/v1/offices/", "/api/v1/passports/applications/"])
def test_an_agency_reaches_no_other_api(api, agency, path):
    """Its token reads only its own visa applications, not the mission's cases, persons or passports."""
    response = api(agency[1]).get(path)
    assert response.status_code == 403
    assert "only the visa applications API" in response.json()["detail"]
