"""A clerk checks a pasted MRZ: the check digits, and what the register says of the passport."""

from datetime import date

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.documents import mrz
from passports import actions
from tests.browser.conftest import in_language, sign_in
from tests.browser.test_passport_production import acting, approved_in_new_york
from tests.identity.factories import IdentityDocumentFactory

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def test_a_pasted_mrz_of_a_passport_reported_stolen_is_flagged_beside_its_check_digits(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        person = approved_in_new_york().case.person
        document = IdentityDocumentFactory(person=person, number="TK7654321", expires_on=date(2030, 4, 1))
        actions.report_loss(document, by=acting("nyc_clerk", "NYC"), details=actions.LossDetails(
            kind="stolen", circumstances="Bag taken", police_reference="NYPD-1"))
    line1, line2 = mrz.td3_lines(mrz.PassportData(
        document_code="P", issuing_state="JPN", surname="SATO", given_names="KENJI", number="TK7654321",
        nationality="JPN", sex="M", expiry_date=date(2030, 4, 1), birth_date=date(1990, 5, 17)))

    sign_in(page, "london_clerk")
    page.goto("/passports/mrz/")
    page.get_by_label(ja("Machine readable zone")).fill(f"{line1}\n{line2}")
    page.get_by_role("button", name=ja("Check"), exact=True).click()

    expect(page.get_by_role("alert")).to_contain_text(ja("Stolen"))
    expect(page.get_by_text(ja("Every field and check digit is correct."), exact=True)).to_have_count(0)
    register = page.get_by_role("region", name=ja("In the register"))
    expect(register).to_contain_text(ja("Stolen"))
    # London may not read SATO's record: the status a border check gets, and no holder.
    expect(register).not_to_contain_text("KENJI")
    expect(register).to_contain_text(ja("Your office may not read this passport's holder, so only its status is "
                                        "shown: what a border check is told."))
