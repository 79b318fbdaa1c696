"""An enquiry opened in New York, handed over to HQ, answered there and back on the mission's desk."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.offices.models import Office
from consular.workflow.models import Case
from tests.browser.conftest import allow_code_reuse, in_language, sign_in, sign_out
from tests.identity.factories import PersonFactory

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def fire_step(page: Page, transition: str, label: str, note: str = "") -> None:
    """Type the note for one step and press its button; the case page comes back with a confirmation."""
    if note:
        page.locator(f"#note-{transition}").fill(note)
    form = page.locator("form").filter(has=page.locator(f"input[name=transition][value={transition}]"))
    form.get_by_role("button", name=label).click()
    expect(page.get_by_role("status")).to_be_visible()


def test_enquiry_is_opened_referred_to_hq_answered_and_back_at_the_mission(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        person = PersonFactory(created_by_office=Office.directory.get(code="NYC"), family_name="KOBAYASHI",
                               given_names="YUKI")

    # The New York clerk logs the question and starts on it.
    sign_in(page, "nyc_clerk")
    page.goto("/cases/new/enquiry/")
    page.get_by_label(ja("Name"), exact=True).fill("KOBAYASHI YUKI")
    page.get_by_role("button", name=ja("Search")).click()
    # The search went as a POST: the name is in no address the browser keeps.
    assert "KOBAYASHI" not in page.url
    row = page.get_by_role("row").filter(has_text="KOBAYASHI YUKI")
    row.get_by_role("link", name=ja("Open an enquiry for this person")).click()
    page.get_by_label(ja("What the citizen asks")).fill("Can my child's passport be renewed by post?")
    page.get_by_role("button", name=ja("Open the enquiry")).click()
    expect(page.get_by_role("status")).to_contain_text("E-")
    reference = Case.unscoped.get(person=person).reference
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)
    expect(page.get_by_role("main")).to_contain_text("KOBAYASHI YUKI")
    fire_step(page, "start", ja("Start work"))
    expect(page.locator(".case-status")).to_have_text(ja("In progress"))
    # A clerk may not refer: the page says why instead of offering the button.
    expect(page.get_by_role("main")).to_contain_text(ja("Your role cannot do this."))
    sign_out(page)

    # Their supervisor refers it to HQ with a note.
    sign_in(page, "nyc_supervisor")
    page.goto(f"/cases/{reference}/")
    fire_step(page, "refer_to_hq", ja("Refer to HQ"), note="Parent abroad, other parent in Japan: HQ to advise.")
    expect(page.locator(".case-status")).to_have_text(ja("Referred to HQ"))
    expect(page.get_by_role("main")).to_contain_text(ja("The case is held by another office."))
    sign_out(page)

    # HQ finds it among the cases referred to it and answers.
    sign_in(page, "hq_officer")
    page.goto("/cases/referred/")
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("main")).to_contain_text("Parent abroad, other parent in Japan: HQ to advise.")
    fire_step(page, "instruct", ja("Answer the referral"), note="Both parents' consent is needed; post is fine.")
    expect(page.locator(".case-status")).to_have_text(ja("HQ has answered"))
    sign_out(page)

    # Back in New York, the clerk sees HQ's answer on the desk (perhaps within the same 30-second code).
    with scopes_disabled():
        allow_code_reuse("nyc_clerk")
    sign_in(page, "nyc_clerk")
    page.goto("/cases/")
    row = page.get_by_role("row").filter(has_text=reference)
    expect(row).to_contain_text(ja("HQ has answered"))
    row.get_by_role("link", name=reference).click()
    expect(page.get_by_role("main")).to_contain_text("Both parents' consent is needed; post is fine.")

    case = Case.unscoped.get(reference=reference)
    assert (case.status, case.current_office.code, case.version) == ("instructed", "NYC", 4)
    assert list(case.events.values_list("username", flat=True)) == [
        "nyc_clerk", "nyc_clerk", "nyc_supervisor", "hq_officer"]
