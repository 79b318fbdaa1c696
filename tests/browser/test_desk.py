"""The everyday desk in Chromium, in Japanese: menus that reach every page, home figures that open their lists,
a supervisor sharing out work, and a passport opening on its own page."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor
from consular.workflow.actions import open_case
from consular.workflow.models import Case
from tests.browser.conftest import in_language, sign_in, sign_out
from tests.identity.factories import PersonFactory
from tests.passports.factories import fee_schedule, submit

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def acting_at(username: str, code: str) -> Actor:
    membership = Membership.unscoped.select_related("office", "user").get(user__username=username, office__code=code)
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


def menu(page: Page, name: str):
    return page.get_by_role("navigation", name=ja(name))


def enquiries_at_new_york(*names: tuple[str, str]) -> list[Case]:
    with scopes_disabled():
        nyc = Office.directory.get(code="NYC")
        clerk = acting_at("nyc_clerk", "NYC")
        return [open_case("enquiry", person=PersonFactory(created_by_office=nyc, family_name=family,
                                                          given_names=given), by=clerk, note="Asks")
                for family, given in names]


def test_a_clerk_reaches_the_collection_desk_the_mrz_check_and_the_loss_report_from_the_menu(staff_page: Page):
    page = staff_page
    sign_in(page, "nyc_clerk")
    menu(page, "Main").get_by_role("link", name=ja("Passports"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Passport applications"))
    passports = menu(page, "Passports")
    expect(passports.get_by_role("link", name=ja("Production queue"))).to_have_count(0)  # HQ's, not New York's

    passports.get_by_role("link", name=ja("Collection desk")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Passport collection desk"))
    expect(menu(page, "Passports").get_by_role("link", name=ja("Collection desk"))).to_have_attribute(
        "aria-current", "page")
    menu(page, "Passports").get_by_role("link", name=ja("MRZ check")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Check a passport MRZ"))
    menu(page, "Passports").get_by_role("link", name=ja("Report a loss")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Report a lost or stolen passport"))


def test_hq_reaches_production_and_batches_and_an_auditor_reads_the_passports_pages(staff_page: Page):
    page = staff_page
    sign_in(page, "hq_officer")
    menu(page, "Main").get_by_role("link", name=ja("Passports"), exact=True).click()
    menu(page, "Passports").get_by_role("link", name=ja("Production queue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Passport production"))
    menu(page, "Passports").get_by_role("link", name=ja("Batches")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Production batches"))

    sign_out(page)  # and wait for the sign-in page, so that it is checked before the next sign-in
    sign_in(page, "auditor")
    menu(page, "Main").get_by_role("link", name=ja("Passports"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Passport applications"))
    expect(page.get_by_role("link", name=ja("Take in an application"))).to_have_count(0)  # auditors only read


def choose(select, name: str) -> None:
    """Pick a member of staff by name; the option also shows their open caseload."""
    option = select.locator("option", has_text=name)
    expect(option).to_contain_text(re.compile(r"\d"))
    select.select_option(label=option.text_content())


def card(page: Page, label: str):
    return page.locator(".card").filter(has=page.get_by_role("link", name=ja(label), exact=True))


def test_a_supervisor_opens_the_unassigned_cases_from_home_and_shares_them_out(staff_page: Page):
    page = staff_page
    first, second, third = enquiries_at_new_york(("KIMURA", "TARO"), ("ONO", "AI"), ("MORI", "KEN"))
    sign_in(page, "nyc_supervisor")

    unassigned = card(page, "Not assigned to anyone")
    expect(unassigned.locator("dd")).to_have_text("3")
    unassigned.get_by_role("link").click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)  # the number on the card, row for row

    page.get_by_label(ja("Tick %(reference)s") % {"reference": first.reference}).check()
    page.get_by_label(ja("Tick %(reference)s") % {"reference": third.reference}).check()
    choose(page.get_by_label(ja("Assign the ticked cases to")), "Kenji Ota")
    page.get_by_role("button", name=ja("Assign the ticked cases")).click()

    expect(page.get_by_role("status")).to_contain_text("Kenji Ota")
    expect(rows).to_have_count(1)  # still the unassigned list: only the one left
    expect(rows).to_contain_text(second.reference)

    menu(page, "Main").get_by_role("link", name=ja("Home")).click()
    caseload = page.get_by_role("region", name=ja("Caseload by person"))
    officer = caseload.get_by_role("row").filter(has_text="Kenji Ota")
    expect(officer.get_by_role("cell").nth(0)).to_have_text("2")
    officer.get_by_role("link").first.click()
    expect(page.locator("main table tbody tr")).to_have_count(2)
    with scopes_disabled():
        assert sorted(Case.unscoped.filter(assignee__username="nyc_officer").values_list("pk", flat=True)) == sorted(
            [first.pk, third.pk])


def test_a_passport_opens_on_its_application_page_where_a_supervisor_assigns_it(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        fee_schedule()
        application = submit(acting_at("nyc_clerk", "NYC"),
                             PersonFactory(created_by_office=Office.directory.get(code="NYC"), family_name="SATO",
                                           given_names="HANA"))
    reference = application.case.reference
    sign_in(page, "nyc_supervisor")
    menu(page, "Main").get_by_role("link", name=ja("Cases")).click()
    page.get_by_role("link", name=reference).click()
    expect(page).to_have_url(f"/passports/{reference}/")
    expect(page.get_by_role("heading", name=ja("Photo"))).to_be_visible()

    who = page.get_by_role("region", name=ja("Who works on it"))
    choose(who.get_by_label(ja("Assign to")), "Naomi Clark")
    who.get_by_role("button", name=ja("Assign")).click()
    expect(page.get_by_role("status")).to_contain_text("Naomi Clark")
    expect(page).to_have_url(f"/passports/{reference}/")

    page.goto(f"/cases/{reference}/")  # the generic address of the case leads to the same page
    expect(page).to_have_url(f"/passports/{reference}/")
