"""London records a citizen New York already knows; London learns only that HQ will look; HQ merges the records."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.identity.models import DuplicateReview, Person
from consular.offices import demo as demo_data
from consular.offices.models import Office
from tests.browser.conftest import allow_code_reuse, in_language, sign_in, sign_out
from tests.identity.factories import PersonFactory

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def test_a_duplicate_at_another_office_is_reviewed_and_merged_at_hq(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        known = PersonFactory(created_by_office=Office.directory.get(code="NYC"), family_name="KIKUCHI",
                              given_names="HARUTO", birth_year=1992, birth_month=6, birth_day=8, nationalities=["JPN"])

    # London records him: nothing of New York's record shows, only that HQ will check.
    sign_in(page, "london_clerk")
    page.goto("/persons/new/")
    page.locator("#id_family_name").fill("KIKUCHI")
    page.locator("#id_given_names").fill("HARUTO")
    page.locator("input[name=sex][value=M]").check()  # radios, none chosen for the clerk
    page.locator("#id_birth_year").fill("1992")
    page.locator("#id_birth_month").fill("6")
    page.locator("#id_birth_day").fill("8")
    page.locator("#id_nationalities").fill("JPN")
    page.locator("main form button[type=submit]").last.click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("KIKUCHI HARUTO")
    expect(page.locator("main")).to_contain_text(
        ja("HQ is checking whether this person is already on file at another office."))
    expect(page.locator("main")).not_to_contain_text("NYC")
    sign_out(page)

    # HQ's supervisor sees it waiting on the home page and compares both records.
    sign_in(page, "hq_supervisor")
    page.get_by_role("link", name=ja("Duplicate reviews waiting")).click()
    page.get_by_role("link", name="KIKUCHI HARUTO").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Are these the same person?"))
    expect(page.get_by_role("region", name=ja("Possible duplicate"))).to_contain_text("NYC")

    # Merging needs the password and code again; what was chosen is kept while confirming.
    page.get_by_role("link", name=ja("Confirm it is you")).click()
    allow_code_reuse("hq_supervisor")
    page.get_by_label(ja("Password")).fill(demo_data.DEMO_PASSWORD)
    page.get_by_label(ja("Code")).fill(demo_data.demo_code("hq_supervisor"))
    page.get_by_role("button", name=ja("Continue")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Are these the same person?"))
    page.get_by_label(ja("Same person: merge the new record into the existing one")).check()
    page.get_by_label(ja("Reason")).fill("Same passport number in both files.")
    page.get_by_role("button", name=ja("Record the decision")).click()
    expect(page.locator(".messages")).to_contain_text(ja("Decision recorded."))
    expect(page.get_by_role("main")).to_contain_text(ja("No review is waiting."))

    with scopes_disabled():
        review = DuplicateReview.unscoped.get()
        assert review.status == DuplicateReview.Status.SAME_PERSON and review.decided_by == "hq_supervisor"
        assert Person.unscoped.get(pk=review.person_id).merged_into_id == known.pk
