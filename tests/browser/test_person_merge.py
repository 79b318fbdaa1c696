"""A New York supervisor folds a duplicate person record, with its passport and enquiry, into the other."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.identity.models import IdentityDocument, Person
from consular.offices import demo as demo_data
from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor
from consular.workflow.actions import open_case
from consular.workflow.models import Case
from tests.browser.conftest import allow_code_reuse, in_language, sign_in
from tests.identity.factories import IdentityDocumentFactory, PersonFactory

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def acting_in_new_york(username: str) -> Actor:
    """The demo member of staff at NYC (nyc_clerk also has a Bangkok posting, so pick the office)."""
    membership = Membership.unscoped.select_related("office", "user").get(user__username=username, office__code="NYC")
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


def test_supervisor_merges_a_duplicate_and_its_passport_and_case_move_to_the_kept_record(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        nyc = Office.directory.get(code="NYC")
        # The same woman, recorded twice: once as SATO, once with the long vowel spelt out.
        kept = PersonFactory(created_by_office=nyc, family_name="SATO", given_names="MICHIKO", birth_year=1979,
                             birth_month=4, birth_day=12)
        duplicate = PersonFactory(created_by_office=nyc, family_name="SATOU", given_names="MICHIKO",
                                  birth_year=1979, birth_month=4, birth_day=12)
        passport = IdentityDocumentFactory(person=duplicate, number="TZ7654321")
        enquiry = open_case("enquiry", person=duplicate, by=acting_in_new_york("nyc_clerk"))

    sign_in(page, "nyc_supervisor")
    page.get_by_role("link", name=ja("Persons"), exact=True).click()
    page.get_by_label(ja("Name"), exact=True).fill("SATO MICHIKO")
    page.get_by_role("button", name=ja("Search")).click()
    page.get_by_role("link", name="SATO MICHIKO", exact=True).click()
    expect(page).to_have_url(f"/persons/{kept.pk}/")
    expect(page.get_by_text(ja("No documents recorded."))).to_be_visible()

    # Merging needs the password and a fresh code again, then comes back to the merge page.
    page.get_by_role("link", name=ja("Merge a duplicate into this record")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Confirm it is you"))
    allow_code_reuse("nyc_supervisor")  # the code used to sign in may still be the current one
    page.get_by_label(ja("Password")).fill(demo_data.DEMO_PASSWORD)
    page.get_by_label(ja("Code")).fill(demo_data.demo_code("nyc_supervisor"))
    page.get_by_role("button", name=ja("Continue")).click()
    expect(page).to_have_url(f"/persons/{kept.pk}/merge/")

    candidates = page.get_by_role("region", name=ja("Likely duplicates"))
    candidates.get_by_role("listitem").filter(has_text="SATOU MICHIKO").get_by_role(
        "button", name=ja("Review this merge")).click()
    confirmation = page.get_by_role("region", name=ja("Confirm the merge"))
    expect(confirmation).to_contain_text(
        ja("Merge %(name)s (record %(number)s, born %(year)s) into this record?")
        % {"name": "SATOU MICHIKO", "number": duplicate.pk, "year": 1979})
    confirmation.get_by_role("button", name=ja("Merge"), exact=True).click()

    # Back on the kept record: the passport is here now, and the duplicate is listed as merged into it.
    expect(page).to_have_url(f"/persons/{kept.pk}/")
    expect(page.get_by_role("status")).to_have_text(ja("Records merged."))
    documents = page.get_by_role("region", name=ja("Identity documents"))
    expect(documents.locator("tbody tr")).to_have_count(1)
    expect(documents.locator("tbody tr")).to_contain_text("TZ7654321")
    expect(page.get_by_role("link", name=ja("Merge a duplicate into this record"))).to_be_visible()
    merged = page.get_by_role("region", name=ja("Records merged into this one"))
    merged.get_by_role("link", name=f"SATOU MICHIKO ({duplicate.pk})").click()

    # The duplicate still opens, says where it went, and cannot take part in another merge.
    expect(page).to_have_url(f"/persons/{duplicate.pk}/")
    expect(page.get_by_role("status")).to_contain_text(ja("This record was merged into another one."))
    expect(page.get_by_role("link", name=ja("Merge a duplicate into this record"))).to_have_count(0)
    page.get_by_role("link", name=ja("Open the current record")).click()
    expect(page).to_have_url(f"/persons/{kept.pk}/")

    # The enquiry is the kept person's now: its page names and links to them.
    page.goto(f"/cases/{enquiry.reference}/")
    person = page.get_by_role("region", name=ja("Person"))
    expect(person.get_by_role("link", name="SATO MICHIKO", exact=True)).to_have_attribute(
        "href", f"/persons/{kept.pk}/")

    with scopes_disabled():
        duplicate = Person.unscoped.get(pk=duplicate.pk)
        assert duplicate.merged_into_id == kept.pk
        assert IdentityDocument.unscoped.get(pk=passport.pk).person_id == kept.pk
        assert Case.unscoped.get(pk=enquiry.pk).person_id == kept.pk
        assert Person.unscoped.get(pk=kept.pk).merged_into_id is None
