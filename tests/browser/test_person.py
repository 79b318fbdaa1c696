"""A clerk records a person, is warned of a likely duplicate, and opens the existing record instead."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.identity.models import Person
from consular.offices.models import Office
from tests.browser.conftest import in_language, sign_in
from tests.identity.factories import PersonFactory

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def fill_person(page: Page, family: str, given: str) -> None:
    page.get_by_label(ja("Family name"), exact=True).fill(family)
    page.locator("#id_given_names").fill(given)  # its label also carries "(optional)"
    page.get_by_label(ja("Female"), exact=True).check()
    page.get_by_label(ja("Year of birth")).fill("1971")
    page.locator("#id_birth_month").fill("9")
    page.locator("#id_birth_day").fill("1")
    page.get_by_label(ja("Nationalities")).fill("JPN")


def test_clerk_sees_the_duplicate_warning_and_opens_the_existing_record(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        existing = PersonFactory(created_by_office=Office.directory.get(code="NYC"), family_name="OTA",
                                 given_names="YUKO", birth_year=1971, birth_month=9, birth_day=1, nationalities=["JPN"])
    sign_in(page, "nyc_clerk")

    page.get_by_role("link", name=ja("Persons"), exact=True).click()
    page.goto("/persons/new/")
    # The same woman, typed with another romanisation of her long vowels.
    fill_person(page, "OHTA", "YUUKO")
    page.get_by_role("button", name=ja("Check for duplicates and save")).click()

    warning = page.get_by_role("alert").filter(has_text=ja("This person may already be on file"))
    expect(warning).to_be_visible()
    expect(warning.get_by_role("link", name="OTA YUKO")).to_be_visible()
    with scopes_disabled():
        assert Person.unscoped.count() == 1, "nothing is saved before the clerk decides"

    warning.get_by_role("link", name="OTA YUKO").click()
    expect(page).to_have_url(f"/persons/{existing.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("OTA")


def test_clerk_confirms_a_different_person_with_a_similar_name(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        PersonFactory(created_by_office=Office.directory.get(code="NYC"), family_name="OTA", given_names="YUKO",
                      birth_year=1971, birth_month=9, birth_day=1, nationalities=["JPN"])
    sign_in(page, "nyc_clerk")
    page.goto("/persons/new/")
    fill_person(page, "OHTA", "YUUKO")
    page.get_by_role("button", name=ja("Check for duplicates and save")).click()
    page.get_by_role("button", name=ja("None of these: create a new record anyway")).click()

    expect(page.get_by_role("heading", level=1)).to_contain_text("OHTA")
    with scopes_disabled():
        assert Person.unscoped.filter(family_name="OHTA", given_names="YUUKO").count() == 1
