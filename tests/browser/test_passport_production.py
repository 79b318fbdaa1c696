"""A passport approved in New York is produced at HQ in a batch, dispatched, received and handed over."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor
from passports.models import Passport, PassportApplication
from tests.browser.conftest import allow_code_reuse, in_language, sign_in, sign_out
from tests.identity.factories import PersonFactory
from tests.passports.factories import approve, fee_schedule, submit

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def acting(username: str, office_code: str) -> Actor:
    """The demo member of staff acting at one office (nyc_clerk also has a posting in Bangkok)."""
    membership = Membership.unscoped.select_related("office", "user").get(
        user__username=username, office__code=office_code
    )
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


def approved_in_new_york() -> PassportApplication:
    fee_schedule()
    person = PersonFactory(
        created_by_office=Office.directory.get(code="NYC"),
        family_name="SATO",
        given_names="KENJI",
        family_name_native="佐藤",
        given_names_native="健二",
        sex="M",
        birth_year=1990,
        birth_month=5,
        birth_day=17,
    )
    clerk, officer = acting("nyc_clerk", "NYC"), acting("nyc_officer", "NYC")
    return approve(submit(clerk, person), clerk, officer)


def test_passport_is_produced_dispatched_received_and_handed_over(staff_page: Page):
    with scopes_disabled():
        application = approved_in_new_york()
    produce_and_hand_over(staff_page, application, "SATO KENJI")


def produce_and_hand_over(page: Page, application: PassportApplication, printed_name: str) -> None:
    """From HQ's production queue to the New York collection desk: the second half of every NYC passport."""
    reference = application.case.reference

    # HQ puts the approved application in a batch, marks it printed and dispatches it.
    with scopes_disabled():
        allow_code_reuse("hq_officer")
    sign_in(page, "hq_officer")
    page.goto("/passports/production/")
    page.get_by_label(reference).check()
    page.get_by_role("button", name=ja("Create a batch from the ticked applications")).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.locator(".batch-state")).to_have_text(ja("Sent to the printer"))
    with scopes_disabled():
        number = Passport.unscoped.get(application=application).number
    expect(page.get_by_role("main")).to_contain_text(number)
    expect(page.get_by_role("main")).to_contain_text(printed_name)
    page.get_by_role("button", name=ja("Mark printed")).click()
    expect(page.locator(".batch-state")).to_have_text(ja("Printed"))
    page.get_by_role("button", name=ja("Dispatch"), exact=True).click()
    expect(page.locator(".batch-state")).to_have_text(ja("Dispatched"))
    sign_out(page)

    # The New York clerk marks it received at the collection desk and hands it over.
    with scopes_disabled():
        allow_code_reuse("nyc_clerk")
    sign_in(page, "nyc_clerk")
    page.goto("/passports/collection/")
    page.get_by_label(reference).check()
    page.get_by_role("button", name=ja("Mark the ticked passports received")).click()
    expect(page.get_by_role("status")).to_be_visible()
    page.get_by_role("link", name=reference).click()
    expect(page.locator(".new-passport-number")).to_have_text(number)
    page.get_by_label(ja("How the applicant's identity was checked")).fill("Driving licence, New York, 123-456-789")
    page.get_by_role("button", name=ja("Hand over the passport")).click()

    # The application is issued, with its passport number.
    page.wait_for_url(f"**/passports/{reference}/")
    expect(page.locator(".case-status")).to_have_text(ja("Issued"))
    expect(page.get_by_role("main")).to_contain_text(number)
    with scopes_disabled():
        passport = Passport.unscoped.select_related("document").get(application=application)
        assert passport.document.status == "valid"
