"""A passport application from intake at New York to the applicant's hands.

Found, photographed, checked, paid, approved, produced at HQ, dispatched, received and handed over.
"""

from datetime import timedelta

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.offices.models import Office
from passports.models import ChecklistItem, PassportApplication
from tests.browser.conftest import in_language, sign_in, sign_out
from tests.browser.test_passport_production import produce_and_hand_over
from tests.identity.factories import PersonFactory
from tests.passports.factories import FAMILY_REGISTER_DATED_DAYS_BEFORE, fee_schedule, passport_photo

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def fire_step(page: Page, transition: str, label: str) -> None:
    """Press one step's button; the application page comes back with a confirmation."""
    form = page.locator("form").filter(has=page.locator(f"input[name=transition][value={transition}]"))
    form.get_by_role("button", name=label).click()
    expect(page.get_by_role("status")).to_be_visible()


def test_an_application_taken_in_at_new_york_is_approved_produced_at_hq_and_handed_over(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        fee_schedule()
        person = PersonFactory(
            created_by_office=Office.directory.get(code="NYC"),
            family_name="WATANABE",
            given_names="AOI",
            family_name_native="渡辺",
            given_names_native="葵",
            family_name_reading="ワタナベ",
            given_names_reading="アオイ",
            birth_year=1988,
            birth_month=3,
            birth_day=14,
        )

    # The New York clerk finds the applicant, spelled as she says it.
    sign_in(page, "nyc_clerk")
    page.goto("/passports/")
    page.get_by_role("link", name=ja("Take in an application")).click()
    page.get_by_label(ja("Applicant's name")).fill("WATANABE AOI")
    page.get_by_role("button", name=ja("Search")).click()
    assert "WATANABE" not in page.url  # POSTed: no name in the address bar, the history or a log
    row = page.get_by_role("row").filter(has_text="WATANABE AOI")
    row.get_by_role("link", name=ja("Apply for this person")).click()

    # The form shows the fee before anything is saved, and the office collects by default.
    expect(page.get_by_role("main")).to_contain_text("USD 106.67")
    expect(page.locator("#id_collecting_office option:checked")).to_contain_text("(NYC)")
    page.get_by_label(ja("Kind of application"), exact=True).select_option("new")
    page.get_by_label(ja("10 years"), exact=True).check()
    page.locator("#id_photo").set_input_files(
        files=[{"name": "watanabe.jpg", "mimeType": "image/jpeg", "buffer": passport_photo()}]
    )
    page.get_by_role("button", name=ja("Take in the application")).click()
    expect(page.get_by_role("status")).to_contain_text("P-")
    with scopes_disabled():
        application = PassportApplication.unscoped.select_related("case").get(case__person=person)
        items = list(application.checklist_items.order_by("pk"))
    reference = application.case.reference
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_role("img", name="WATANABE AOI")).to_be_visible()

    # Every document on the checklist, the family register with the date printed on it.
    for item in items:
        form = page.locator("form").filter(has=page.locator(f"input[name=item][value='{item.pk}']"))
        if item.code == ChecklistItem.Code.FAMILY_REGISTER:
            dated = application.applied_on - timedelta(days=FAMILY_REGISTER_DATED_DAYS_BEFORE)
            form.locator(f"#id_item-{item.pk}-document_dated").fill(dated.isoformat())
        form.get_by_role("button", name=ja("Mark verified")).click()
        expect(page.get_by_role("status")).to_be_visible()
        expect(page.locator(f"input[name=item][value='{item.pk}']")).to_have_count(0)

    # The fee in dollars and cents, and the receipt it gets.
    page.locator("#id_payment-amount").fill("106.67")
    page.get_by_role("button", name=ja("Record the payment")).click()
    expect(page.locator(".receipt-number")).to_contain_text("-NYC-")
    fire_step(page, "start_review", ja("Start the review"))
    expect(page.locator(".case-status")).to_have_text(ja("Under review"))
    # A clerk does not decide: the page says why instead of offering the button.
    expect(page.get_by_role("main")).to_contain_text(ja("Your role cannot do this."))
    sign_out(page)

    # The consular officer approves; the application leaves for production at HQ.
    sign_in(page, "nyc_officer")
    page.goto(f"/passports/{reference}/")
    fire_step(page, "approve", ja("Approve"))
    expect(page.locator(".case-status")).to_have_text(ja("Approved"))
    expect(page.get_by_role("main")).to_contain_text("NYC → HQ")

    with scopes_disabled():
        application.case.refresh_from_db()
        application.refresh_from_db()
        assert (application.case.status, application.case.current_office.code) == ("approved", "HQ")
        assert application.is_paid and application.paid_amount == 10667
        assert list(application.case.events.values_list("transition", "username")) == [
            ("open", "nyc_clerk"),
            ("start_review", "nyc_clerk"),
            ("approve", "nyc_officer"),
        ]

    # HQ produces and dispatches it; the New York desk receives it and hands it over.
    sign_out(page)
    produce_and_hand_over(page, application, "WATANABE AOI")
