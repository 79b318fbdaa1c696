"""Identity documents typed in by hand: on the person's page and over the API."""

import uuid

import pytest
from django.utils import translation

from consular.audit.models import AuditEntry
from consular.identity.actions import create_person
from consular.identity.models import IdentityDocument, Person, Sex
from tests.api.conftest import assert_problem, send_json
from tests.identity.factories import IdentityDocumentFactory, actor_for

HANAKO = {
    "family_name": "OHNO",
    "given_names": "HANAKO",
    "sex": Sex.FEMALE,
    "birth_year": 1984,
    "birth_month": 7,
    "birth_day": 3,
    "nationalities": ["JPN"],
}
PASSPORT = {
    "kind": "passport",
    "number": "TR 123-4567",
    "issuing_state": "jpn",
    "issued_on": "2019-04-02",
    "expires_on": "2029-04-01",
}


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def hanako(nyc_clerk) -> Person:
    return create_person(by=actor_for(nyc_clerk), **HANAKO)


def page(person: Person) -> str:
    return f"/persons/{person.pk}/documents/new/"


def endpoint(person: Person) -> str:
    return f"/api/v1/persons/{person.pk}/documents/"


def post(client, person: Person, body: dict, key: str | None = None):
    return send_json(client, "post", endpoint(person), body, **{"Idempotency-Key": key or str(uuid.uuid4())})


# --- the page ------------------------------------------------------------------------------------


def test_a_clerk_adds_a_document_from_the_person_page_and_it_is_audited(signed_in, nyc_clerk, hanako):
    response = signed_in(nyc_clerk).post(page(hanako), PASSPORT | {"status": "valid"})
    assert response.status_code == 302 and response["Location"] == f"/persons/{hanako.pk}/"
    document = IdentityDocument.unscoped.get(person=hanako)
    assert (document.number, document.issuing_state, document.status) == ("TR1234567", "JPN", "valid")
    assert AuditEntry.objects.filter(action=AuditEntry.Action.CREATE, object_id=str(document.pk)).exists()
    assert "TR1234567" in signed_in(nyc_clerk).get(f"/persons/{hanako.pk}/").text


def test_the_form_preselects_only_the_usual_status_and_never_a_kind(signed_in, nyc_clerk, hanako):
    text = signed_in(nyc_clerk).get(page(hanako)).text
    assert '<option value="" selected>Choose</option>' in text
    assert '<option value="valid" selected>Valid</option>' in text
    assert 'value="pending"' not in text  # a produced passport not yet handed over: never typed in


def test_a_number_the_state_already_issued_is_refused_next_to_it_and_saves_nothing(signed_in, nyc_clerk, hanako):
    IdentityDocumentFactory(person=hanako, number="TR1234567", issuing_state="JPN")
    response = signed_in(nyc_clerk).post(page(hanako), PASSPORT | {"status": "valid"})
    assert response.status_code == 400
    assert 'href="#id_number"' in response.text and "already issued a document of this kind" in response.text
    assert IdentityDocument.unscoped.count() == 1


def test_an_expiry_before_the_issue_and_a_bad_state_are_refused_and_save_nothing(signed_in, nyc_clerk, hanako):
    response = signed_in(nyc_clerk).post(
        page(hanako), PASSPORT | {"status": "valid", "expires_on": "2018-01-01", "issuing_state": "J1"}
    )
    assert response.status_code == 400
    assert 'href="#id_expires_on"' in response.text and 'href="#id_issuing_state"' in response.text
    assert not IdentityDocument.unscoped.exists()


def test_another_offices_person_is_404_and_an_auditor_is_refused(signed_in, london_clerk, auditor, hanako):
    assert signed_in(london_clerk).get(page(hanako)).status_code == 404
    assert signed_in(london_clerk).post(page(hanako), PASSPORT | {"status": "valid"}).status_code == 404
    assert signed_in(auditor).post(page(hanako), PASSPORT | {"status": "valid"}).status_code == 403
    assert not IdentityDocument.unscoped.exists()


# --- the API -------------------------------------------------------------------------------------


def test_the_api_adds_a_document_and_a_retry_with_the_same_key_adds_nothing(signed_in, nyc_clerk, hanako):
    client, key = signed_in(nyc_clerk), str(uuid.uuid4())
    first = post(client, hanako, PASSPORT, key=key)
    assert first.status_code == 201, first.content
    assert first.json() | {"id": 0} == {
        "id": 0,
        "person": hanako.pk,
        "kind": "passport",
        "number": "TR1234567",
        "issuing_state": "JPN",
        "issued_on": "2019-04-02",
        "expires_on": "2029-04-01",
        "status": "valid",
        "version": 1,
    }
    again = post(client, hanako, PASSPORT, key=key)
    assert again.status_code == 201 and again["Idempotent-Replayed"] == "true"
    assert IdentityDocument.unscoped.count() == 1


def test_the_api_lists_the_persons_documents(signed_in, nyc_clerk, hanako):
    IdentityDocumentFactory(person=hanako, number="TR7654321")
    response = signed_in(nyc_clerk).get(endpoint(hanako))
    assert [row["number"] for row in response.json()["results"]] == ["TR7654321"]


def test_the_api_refuses_what_the_schema_forbids_as_a_400_per_field_and_saves_nothing(signed_in, nyc_clerk, hanako):
    body = assert_problem(
        post(signed_in(nyc_clerk), hanako, PASSPORT | {"kind": "visa", "issuing_state": "ZZ9", "number": 1234567}), 400
    )
    assert {error["field"] for error in body["errors"]} == {"kind", "issuing_state", "number"}
    assert not IdentityDocument.unscoped.exists()


def test_the_api_refuses_what_the_rules_refuse_as_a_422_per_field_and_saves_nothing(signed_in, nyc_clerk, hanako):
    body = assert_problem(post(signed_in(nyc_clerk), hanako, PASSPORT | {"expires_on": "2018-01-01"}), 422)
    assert [error["field"] for error in body["errors"]] == ["expires_on"]
    # A code of the right shape that no state has, and a number that is not letters and digits.
    body = assert_problem(
        post(signed_in(nyc_clerk), hanako, PASSPORT | {"issuing_state": "KOC", "number": "TR#1"}), 422
    )
    assert {error["field"] for error in body["errors"]} == {"issuing_state", "number"}
    assert not IdentityDocument.unscoped.exists()


def test_the_api_refuses_a_number_already_on_file(signed_in, nyc_clerk, hanako):
    IdentityDocumentFactory(person=hanako, number="TR1234567", issuing_state="JPN")
    body = assert_problem(post(signed_in(nyc_clerk), hanako, PASSPORT), 422)
    assert [error["field"] for error in body["errors"]] == ["number"]
    assert IdentityDocument.unscoped.count() == 1


def test_the_api_needs_an_idempotency_key(signed_in, nyc_clerk, hanako):
    response = send_json(signed_in(nyc_clerk), "post", endpoint(hanako), PASSPORT)
    assert_problem(response, 400)
    assert not IdentityDocument.unscoped.exists()


def test_another_offices_person_is_a_404_problem_on_the_api(signed_in, api, london_clerk, osaka_client, hanako):
    assert_problem(post(signed_in(london_clerk), hanako, PASSPORT), 404)
    assert_problem(post(api(osaka_client[1]), hanako, PASSPORT), 404)
    assert_problem(signed_in(london_clerk).get(endpoint(hanako)), 404)
    assert not IdentityDocument.unscoped.exists()


def test_an_auditor_cannot_add_a_document_over_the_api(signed_in, auditor, hanako):
    assert_problem(post(signed_in(auditor), hanako, PASSPORT), 403)
    assert not IdentityDocument.unscoped.exists()


def test_a_merged_record_is_a_409_problem(signed_in, nyc_clerk, hanako):
    current = create_person(by=actor_for(nyc_clerk), **{**HANAKO, "given_names": "HANA"})
    Person.unscoped.filter(pk=hanako.pk).update(merged_into=current)
    body = assert_problem(post(signed_in(nyc_clerk), hanako, PASSPORT), 409)
    assert str(current.pk) in body["detail"]
    assert not IdentityDocument.unscoped.exists()
