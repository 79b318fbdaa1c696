"""One open application per passport type and person: a second is refused, unless a supervisor gives the reason."""

import threading
import uuid

import pytest
from django.db import connection
from django.utils import translation

from consular.audit.models import AuditEntry
from consular.identity.models import Person
from consular.offices.scoping import Actor
from consular.workflow.actions import SecondOpenCase, fire
from consular.workflow.models import Case, CaseEvent
from passports.models import PassportApplication, PassportType
from tests.api.conftest import assert_problem, send_json
from tests.identity.factories import actor_for
from tests.passports.factories import submit

APPLICATIONS = "/api/v1/passports/applications/"
INTAKE = "/passports/new/"


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def supervisor(nyc_supervisor) -> Actor:
    return actor_for(nyc_supervisor)


@pytest.fixture
def first(clerk, applicant, hq) -> PassportApplication:
    return submit(clerk, applicant)


@pytest.fixture
def english_client(signed_in):
    def sign_in(user):
        client = signed_in(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


def cases_and_events() -> tuple[int, int]:
    return Case.unscoped.count(), CaseEvent.objects.count()


# --- the rule (passports.actions.submit_application) ------------------------------------------------


def test_a_second_open_application_of_the_same_type_is_refused_and_saves_nothing(clerk, applicant, first):
    before = cases_and_events()
    with pytest.raises(SecondOpenCase) as refused:
        submit(clerk, applicant, kind="renewal", previous_passport=None)
    assert refused.value.existing == first.case
    assert not refused.value.may_confirm
    assert cases_and_events() == before


def test_a_clerk_cannot_go_past_it_even_with_a_reason(clerk, applicant, first):
    with pytest.raises(SecondOpenCase):
        submit(clerk, applicant, second_application_reason="The applicant insists.")


def test_a_supervisor_takes_in_a_second_with_a_reason_recorded_on_the_case_and_in_the_audit_log(
    supervisor, applicant, first
):
    second = submit(supervisor, applicant, second_application_reason="First one was taken in with the wrong name.")
    opened = second.case.events.get()
    assert f"beside {first.case.reference}" in opened.note
    assert "First one was taken in with the wrong name." in opened.note
    entry = AuditEntry.objects.get(action=AuditEntry.Action.CREATE, changes__has_key="second_open_application")
    assert entry.changes["second_open_application"] == [
        None, f"{first.case.reference}: First one was taken in with the wrong name."]


def test_a_supervisor_without_a_reason_is_refused_and_told_they_may_give_one(supervisor, applicant, first):
    with pytest.raises(SecondOpenCase) as refused:
        submit(supervisor, applicant, second_application_reason="   ")
    assert refused.value.may_confirm
    assert "As a supervisor you may take in a second one" in refused.value.explanation(supervisor)


def test_an_official_passport_may_be_applied_for_beside_an_ordinary_one(hq, applicant, first, fees, hq_officer):
    hq_actor = actor_for(hq_officer)
    official = submit(hq_actor, applicant, passport_type=PassportType.OFFICIAL, validity_years=5,
                      collecting_office=first.collecting_office)
    assert official.case.status == "submitted"


def test_a_closed_application_does_not_count(clerk, applicant, first):
    fire(first.case, "withdraw", by=clerk, expected_version=first.case.version, note="Changed their mind.")
    assert submit(clerk, applicant).case.person == applicant


def test_an_open_application_at_another_office_counts_and_its_reference_is_not_shown(
    london_clerk, clerk, applicant, first
):
    # The person moved to London; London may read them (say, through a case of its own) but not NYC's case.
    from consular.identity.actions import grant_person_access

    grant_person_access([applicant.pk], actor_for(london_clerk).office)
    london = actor_for(london_clerk)
    with pytest.raises(SecondOpenCase) as refused:
        submit(london, applicant)
    explanation = refused.value.explanation(london)
    assert first.case.reference not in explanation
    assert "at another office (NYC)" in explanation


# --- the intake page -----------------------------------------------------------------------------


def intake(person: Person, **fields) -> dict:
    return {"person": person.pk, "kind": "new", "passport_type": "ordinary", "validity_years": "10",
            "collecting_office": person.created_by_office.pk} | fields


def test_the_page_refuses_a_second_application_with_a_409_naming_and_linking_the_open_one(
    english_client, nyc_clerk, applicant, first
):
    before = cases_and_events()
    response = english_client(nyc_clerk).post(INTAKE, intake(applicant))
    assert response.status_code == 409
    text = response.text
    assert "data-error-summary" in text and "already has an open passport application" in text
    assert f'href="/passports/{first.case.reference}/"' in text
    assert 'name="second_application_reason"' not in text  # a clerk is not offered the way round
    assert cases_and_events() == before


def test_a_supervisor_is_offered_the_reason_and_goes_ahead_with_it(english_client, nyc_supervisor, applicant, first):
    client = english_client(nyc_supervisor)
    refused = client.post(INTAKE, intake(applicant))
    assert refused.status_code == 409 and 'name="second_application_reason"' in refused.text
    assert 'href="#id_second_application_reason"' in refused.text  # the summary leads to the reason
    response = client.post(INTAKE, intake(applicant, second_application_reason="Urgent travel, first one lost."))
    assert response.status_code == 302
    assert Case.unscoped.filter(person=applicant, closed_at__isnull=True).count() == 2


# --- the API -------------------------------------------------------------------------------------


def post(client, body):
    return send_json(client, "post", APPLICATIONS, body, **{"Idempotency-Key": str(uuid.uuid4())})


def test_the_api_answers_a_second_application_with_a_409_problem_naming_the_open_one(
    signed_in, nyc_clerk, applicant, first
):
    before = cases_and_events()
    body = assert_problem(post(signed_in(nyc_clerk), {"person": applicant.pk, "kind": "new", "validity_years": 10}),
                          409)
    assert body["type"].endswith("/second-open-application")
    assert (body["open_application"], body["office"]) == (first.case.reference, "NYC")
    assert cases_and_events() == before


def test_the_api_hides_the_reference_of_an_open_application_the_caller_cannot_read(
    api, osaka_client, osaka, applicant, first
):
    from consular.identity.actions import grant_person_access

    grant_person_access([applicant.pk], osaka)
    body = assert_problem(post(api(osaka_client[1]), {"person": applicant.pk, "kind": "new", "validity_years": 10,
                                                       "collecting_office": "OSA"}), 409)
    assert (body["open_application"], body["office"]) == (None, "NYC")
    assert first.case.reference not in body["detail"]


def test_a_supervisor_goes_ahead_over_the_api_with_a_reason(signed_in, nyc_supervisor, applicant, first):
    response = post(signed_in(nyc_supervisor), {"person": applicant.pk, "kind": "new", "validity_years": 10,
                                                 "second_application_reason": "The first was taken in in error."})
    assert response.status_code == 201, response.content
    second = Case.unscoped.get(reference=response.json()["reference"])
    assert "The first was taken in in error." in second.events.get().note


@pytest.mark.django_db(transaction=True)
def test_two_clerks_taking_in_the_same_person_at_once_open_one_application(nyc_clerk, nyc, hq):
    from tests.identity.factories import PersonFactory
    from tests.passports.factories import fee_schedule

    fee_schedule()
    person = PersonFactory(created_by_office=nyc, birth_year=1990)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def clerk() -> None:
        try:
            barrier.wait(timeout=10)
            submit(actor_for(nyc_clerk), person, photo=None)
            outcomes.append("taken in")
        except SecondOpenCase:
            outcomes.append("refused")
        finally:
            connection.close()

    threads = [threading.Thread(target=clerk) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sorted(outcomes) == ["refused", "taken in"], f"{connection.vendor}: {outcomes}"
    assert Case.unscoped.filter(person=person).count() == 1
