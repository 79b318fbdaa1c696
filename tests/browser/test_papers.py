"""A clerk prints the papers an applicant takes home, in the applicant's language, and every page prints bare."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.workflow.models import Case
from passports import actions
from passports.models import PassportApplication
from tests.browser.conftest import in_language, sign_in
from tests.browser.test_passport_production import acting, approved_in_new_york
from tests.identity.factories import IdentityDocumentFactory

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def en(message: str) -> str:
    return in_language("en", message)


def handed_over_in_new_york() -> PassportApplication:
    application = approved_in_new_york()
    clerk, hq = acting("nyc_clerk", "NYC"), acting("hq_officer", "HQ")
    batch = actions.create_batch(by=hq)
    batch = actions.mark_batch_printed(batch, by=hq, expected_version=batch.version)
    actions.dispatch_batch(batch, by=hq, expected_version=batch.version)
    actions.receive_shipment([Case.unscoped.get(pk=application.case_id)], by=clerk)
    application = PassportApplication.unscoped.select_related("case").get(pk=application.pk)
    actions.collect_passport(application, by=clerk, expected_version=application.case.version,
                             identity_evidence="New York State driver licence")
    return application


def expect_printed_bare(page: Page) -> None:
    """As the printer sees it: the content, and no header, navigation, form or button."""
    page.emulate_media(media="print")
    # Every navigation: the site's, a section's tabs (passports, queues), pagination, the paper's toolbar.
    for hidden in (".site-header", ".site-footer", "nav", "form", "button", ".papers"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator("main")).to_be_visible()
    page.emulate_media(media="screen")


def test_a_clerk_prints_each_paper_in_the_language_the_applicant_chooses(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        application = handed_over_in_new_york()
    reference = application.case.reference
    sign_in(page, "nyc_clerk")
    page.goto(f"/passports/{reference}/")
    # The history reads in Japanese: steps, statuses and roles in words, people by name.
    timeline = page.get_by_role("region", name=ja("Timeline"))
    for words in (ja("Start the review"), ja("Approve"), ja("Hand over to the applicant"), ja("Consular officer")):
        expect(timeline).to_contain_text(words)
    expect(timeline.locator('[title="nyc_officer"]').first).to_contain_text("Kenji Ota")
    expect(timeline).not_to_contain_text("start_review")
    expect_printed_bare(page)
    papers = page.get_by_role("region", name=ja("Papers for the applicant"))

    for link, title in (
        ("Acknowledgement of the application", "Acknowledgement of a passport application"),
        ("Receipt for the fee", "Receipt for the passport fee"),
        ("Record of collection, to sign", "Record of passport collection"),
    ):
        papers.get_by_role("link", name=ja(link)).click()
        paper = page.locator("article.paper")
        # In the clerk's language first (Japanese), the controls too.
        expect(page.get_by_role("heading", level=1)).to_have_text(ja(title))
        expect(paper).to_have_attribute("lang", "ja")
        expect(paper).to_contain_text("在ニューヨーク日本国総領事館")
        expect(paper).to_contain_text("299 Park Avenue")
        expect(paper).to_contain_text(reference)
        # The applicant reads English: the paper changes, the clerk's controls do not.
        page.get_by_role("link", name="English").click()
        expect(page.get_by_role("heading", level=1)).to_have_text(en(title))
        expect(paper).to_have_attribute("lang", "en")
        expect(paper).to_contain_text("Consulate-General of Japan in New York")
        expect(page.get_by_role("button", name=ja("Print"))).to_be_visible()
        expect(page.get_by_role("link", name="English")).to_have_attribute("aria-current", "true")
        expect_printed_bare(page)
        page.get_by_role("link", name=ja("Back")).click()
        expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def test_a_loss_report_ends_with_an_acknowledgement_to_print(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        application = approved_in_new_york()
        IdentityDocumentFactory(person=application.case.person, number="TK7654321")
    sign_in(page, "london_clerk")
    page.goto("/passports/lost/")
    page.get_by_label(ja("Passport number")).fill("TK7654321")
    page.get_by_label(ja("Holder's family name")).fill("SATO")
    page.get_by_label(ja("Holder's date of birth")).fill("1990-05-17")
    page.get_by_role("radio", name=ja("Stolen")).check()
    page.get_by_label(ja("What happened")).fill("Bag taken on the Underground")
    page.locator("input[name=police_reference]").fill("MET-2026-0412")
    page.locator("input[name=confirm]").check()  # irreversible: the clerk confirms it
    page.get_by_role("button", name=ja("Report and invalidate the passport")).click()
    expect(page.get_by_role("status")).to_contain_text("TK7654321")

    page.get_by_role("link", name=ja("Print the acknowledgement for the holder")).click()
    paper = page.locator("article.paper")
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Acknowledgement of a report of loss or theft"))
    expect(paper).to_contain_text("TK7654321")
    expect(paper).to_contain_text("MET-2026-0412")
    expect(paper).to_contain_text("在英国日本国大使館")
    # London may not read SATO's record (New York's person): the family name the holder gave, no more.
    expect(paper).not_to_contain_text("KENJI")
    page.get_by_role("link", name="English").click()
    expect(paper).to_contain_text("This passport is invalid from the time of this report.")
    expect_printed_bare(page)


def test_every_staff_page_prints_without_header_navigation_forms_or_buttons(staff_page: Page):
    page = staff_page
    sign_in(page, "nyc_clerk")
    for url in ("/", "/cases/", "/persons/", "/passports/", "/passports/mrz/", "/passports/lost/"):
        page.goto(url)
        expect_printed_bare(page)
