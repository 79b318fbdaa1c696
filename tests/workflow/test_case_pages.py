"""One page per case: a case of a domain opens on its domain's page, which has everything the generic page has."""

import pytest
from django.utils import translation

from consular.workflow.actions import assign_case, open_case, take_case
from consular.workflow.models import Case, OutboxMessage
from consular.workflow.transitions import CASE_TYPES
from passports.models import Status
from tests.identity.factories import PersonFactory, actor_for
from tests.passports.factories import fee_schedule, submit


@pytest.fixture(autouse=True)
def _pages_in_english():
    with translation.override("en"):
        yield


@pytest.fixture
def english(signed_in):
    def sign_in(user):
        client = signed_in(user)
        client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
        return client

    return sign_in


@pytest.fixture
def passport(nyc, nyc_clerk, hq):
    fee_schedule()
    return submit(actor_for(nyc_clerk), PersonFactory(created_by_office=nyc)).case


@pytest.fixture
def enquiry(nyc, nyc_clerk, hq):
    return open_case("enquiry", person=PersonFactory(created_by_office=nyc), by=actor_for(nyc_clerk))


def page_of(case: Case) -> str:
    return f"/passports/{case.reference}/" if case.case_type == "passport" else f"/cases/{case.reference}/"


def test_every_case_type_with_a_page_of_its_own_declares_one_that_resolves():
    for case_type in CASE_TYPES.values():
        url = case_type.page_url("X-2026-NYC-000001")
        assert url.endswith("/X-2026-NYC-000001/")
        assert (case_type.page != "") == (not url.startswith("/cases/")), case_type.code


def test_the_generic_page_of_a_passport_sends_the_viewer_to_the_application_page(english, nyc_officer, passport):
    response = english(nyc_officer).get(f"/cases/{passport.reference}/")
    assert response.status_code == 302 and response["Location"] == page_of(passport)


def test_the_generic_page_of_another_offices_passport_is_still_a_404(english, london_clerk, passport):
    assert english(london_clerk).get(f"/cases/{passport.reference}/").status_code == 404


def test_a_step_posted_to_the_generic_page_of_a_passport_does_nothing_and_says_where_to_go(
    english, nyc_officer, passport
):
    response = english(nyc_officer).post(f"/cases/{passport.reference}/", {
        "form": "transition", "transition": "start_review", "version": passport.version}, follow=True)
    assert response.redirect_chain == [(page_of(passport), 302)]
    assert "worked on its own page" in response.text and "Nothing was saved." in response.text
    passport.refresh_from_db()
    assert (passport.status, passport.version) == (Status.SUBMITTED, 1)


def test_an_enquiry_has_no_page_of_its_own_and_stays_on_the_generic_page(english, nyc_clerk, enquiry):
    assert english(nyc_clerk).get(f"/cases/{enquiry.reference}/").status_code == 200


def test_the_application_page_has_what_the_generic_page_has(english, nyc_supervisor, nyc_officer, passport):
    message = passport.outbox.first()
    OutboxMessage.objects.filter(pk=message.pk).update(state=OutboxMessage.State.FAILED, attempts=5,
                                                       last_error="SMTPServerDisconnected")
    assign_case(passport, to=nyc_officer, by=actor_for(nyc_supervisor), expected_version=passport.version)

    text = english(nyc_supervisor).get(page_of(passport)).text

    assert "Take over from Test Nyc_Officer" in text  # take
    assert 'value="assign"' in text and "Test Nyc_Officer (1 open case)" in text  # assign, with caseloads
    assert 'name="transition" value="start_review"' in text  # next steps
    assert "Timeline" in text  # history
    assert "SMTPServerDisconnected" in text and 'value="retry"' in text  # failed messages, retried here
    assert "Photo" in text and "Fee due" in text and "Documents" in text  # and what a decision needs


def test_a_clerk_takes_a_passport_from_its_application_page(english, nyc_clerk, passport):
    client = english(nyc_clerk)
    response = client.post(page_of(passport), {"form": "take", "version": passport.version}, follow=True)
    assert response.redirect_chain == [(page_of(passport), 302)]
    assert "The case is now assigned to you." in response.text
    passport.refresh_from_db()
    assert passport.assignee.username == "nyc_clerk"


def test_a_stale_take_on_the_application_page_is_a_conflict_naming_who_has_it(
    english, nyc_clerk, nyc_officer, passport
):
    take_case(passport, by=actor_for(nyc_officer), expected_version=1)
    response = english(nyc_clerk).post(page_of(passport), {"form": "take", "version": 1})
    assert response.status_code == 409
    assert "it is now assigned to Test Nyc_Officer" in response.text
    passport.refresh_from_db()
    assert passport.assignee.username == "nyc_officer"


def test_a_supervisor_assigns_a_passport_from_its_page(english, nyc_supervisor, nyc_clerk, passport):
    response = english(nyc_supervisor).post(page_of(passport), {
        "form": "assign", "assign-assignee": nyc_clerk.pk, "assign-version": passport.version})
    assert response.status_code == 302 and response["Location"] == page_of(passport)
    passport.refresh_from_db()
    assert passport.assignee == nyc_clerk


def test_every_list_of_cases_links_each_to_its_own_page(english, nyc_clerk, nyc_supervisor, passport, enquiry):
    client = english(nyc_clerk)
    for case in (passport, enquiry):
        OutboxMessage.objects.filter(case=case).update(state=OutboxMessage.State.FAILED)
    person_page = client.get(f"/persons/{passport.person_id}/").text
    assert f'href="{page_of(passport)}"' in person_page
    enquirer_page = client.get(f"/persons/{enquiry.person_id}/").text
    assert f'href="{page_of(enquiry)}"' in enquirer_page
    for listing in ("/cases/", "/cases/operations/"):
        text = english(nyc_supervisor).get(listing).text
        assert f'href="{page_of(passport)}"' in text and f'href="{page_of(enquiry)}"' in text, listing
        assert f'href="/cases/{passport.reference}/"' not in text, listing


def test_a_step_on_the_application_page_goes_through_the_shared_form(english, nyc_clerk, passport):
    response = english(nyc_clerk).post(page_of(passport), {
        "form": "transition", "transition": "start_review", "version": passport.version, "note": ""})
    assert response.status_code == 302 and response["Location"] == page_of(passport)
    passport.refresh_from_db()
    assert passport.status == Status.UNDER_REVIEW
