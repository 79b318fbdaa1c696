"""Forms as a clerk meets them: errors shown and focused at the top, choices beside their labels, the MRZ and
digests readable, irreversible steps confirmed, persons edited and given documents, a used code explained."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.identity.models import IdentityDocument, Person
from consular.offices import demo as demo_data
from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor
from passports.models import Fee, ProductionBatch
from tests.browser.conftest import enter_password, in_language, on_home_page, sign_in, sign_out
from tests.identity.factories import PersonFactory
from tests.passports.factories import fee_schedule, submit

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def in_new_york(username: str) -> Actor:
    membership = Membership.unscoped.select_related("office", "user").get(user__username=username, office__code="NYC")
    return Actor(office=membership.office, role=membership.role, user=membership.user, membership=membership)


def new_yorker(**fields) -> Person:
    with scopes_disabled():
        return PersonFactory(created_by_office=Office.directory.get(code="NYC"), **fields)


def test_a_failed_submit_shows_a_focused_summary_at_the_top_that_leads_to_each_field(staff_page: Page):
    page = staff_page
    sign_in(page, "nyc_clerk")
    page.goto("/persons/new/")
    # The sex is not chosen for the clerk: every radio starts empty.
    for radio in page.locator("input[name=sex]").all():
        expect(radio).not_to_be_checked()
    # Values the browser lets through but the rules refuse.
    page.get_by_label(ja("Family name"), exact=True).fill("OTA1")
    page.get_by_label(ja("Female"), exact=True).check()
    page.get_by_label(ja("Year of birth")).fill("1980")
    page.get_by_label(ja("Nationalities")).fill("XX")
    page.get_by_role("button", name=ja("Check for duplicates and save")).click()

    summary = page.get_by_role("alert").filter(has_text=ja("There is a problem"))
    expect(summary).to_be_focused()
    box = summary.bounding_box()
    assert box is not None and box["y"] < 400, "the summary is at the top of the page, where it reloads"
    expect(summary.get_by_role("link")).to_have_count(2)  # the name's letters and the nationality
    # Each field keeps its own error beside it.
    expect(page.locator("#id_family_name_error")).to_be_visible()
    expect(page.locator("#id_nationalities_error")).to_be_visible()
    summary.locator('a[href="#id_nationalities"]').click()
    expect(page.locator("#id_nationalities")).to_be_focused()
    with scopes_disabled():
        assert not Person.unscoped.filter(family_name__startswith="OTA").exists()


def test_radios_sit_right_before_their_own_labels(staff_page: Page):
    page = staff_page
    sign_in(page, "nyc_clerk")
    page.goto("/persons/new/")
    for value in ("F", "M", "X"):
        radio = page.locator(f"input[name=sex][value={value}]")
        label = page.locator(f"label[for={radio.get_attribute('id')}]")
        radio_box, label_box = radio.bounding_box(), label.bounding_box()
        assert radio_box["width"] < 30, "a radio is a small box, not a full-width block"
        assert label_box["x"] <= radio_box["x"] + 1 and label_box["width"] < 200, "the label holds its radio"
        assert abs((radio_box["y"] + radio_box["height"] / 2) - (label_box["y"] + label_box["height"] / 2)) < 8


def test_the_mrz_box_is_fixed_width_and_never_wraps(staff_page: Page):
    page = staff_page
    sign_in(page, "nyc_clerk")
    page.goto("/passports/mrz/")
    box = page.get_by_label(ja("Machine readable zone"))
    style = box.evaluate("(element) => [getComputedStyle(element).fontFamily, getComputedStyle(element).whiteSpace]")
    assert "monospace" in style[0] and style[1] == "pre"
    expect(box).to_have_attribute("wrap", "off")
    widths = page.evaluate("""() => {
        const context = document.createElement("canvas").getContext("2d");
        context.font = getComputedStyle(document.querySelector("textarea.mrz")).font;
        return [context.measureText("WWWWWWWWWW").width, context.measureText("<<<<<<<<<<").width];
    }""")
    assert abs(widths[0] - widths[1]) < 1, "every character of the MRZ is as wide as the others"


def test_a_digest_stays_inside_a_narrow_page(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        ProductionBatch.unscoped.create(reference="B-2026-000777", created_by="hq_officer", size=0,
                                        export_sha256="9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08")
    sign_in(page, "hq_officer")
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto("/passports/batches/B-2026-000777/")
    digest = page.locator("code").filter(has_text="9f86d081")
    assert digest.bounding_box()["x"] + digest.bounding_box()["width"] <= 375
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 375


def test_the_audit_log_shows_each_action_on_one_line_in_japanese(staff_page: Page):
    page = staff_page
    person = new_yorker(family_name="NAKAMURA", given_names="REI")
    sign_in(page, "nyc_clerk")
    page.goto(f"/persons/{person.pk}/edit/")
    page.get_by_label(ja("Address abroad")).fill("A long address, " * 12)
    page.get_by_role("button", name=ja("Save the changes")).click()
    expect(page.get_by_role("status")).to_be_visible()
    sign_out(page)
    sign_in(page, "auditor")
    page.goto("/audit/")
    column = page.locator("table thead th").all_inner_texts().index(ja("Action")) + 1
    cells = page.locator(f"table tbody td:nth-child({column})")
    assert cells.count() > 3
    lines = cells.evaluate_all("""(cells) => cells.map((cell) => {
        const range = document.createRange();
        range.selectNodeContents(cell);
        return new Set([...range.getClientRects()].map((rect) => Math.round(rect.top))).size;
    })""")
    assert set(lines) == {1}, f"lines per action cell: {lines}"


def test_withdrawing_is_red_and_asks_to_confirm_before_anything_happens(staff_page: Page):
    page = staff_page
    person = new_yorker(family_name="ISHII", given_names="MAO", birth_year=1990)
    with scopes_disabled():
        if not Fee.objects.exists():
            fee_schedule()
        application = submit(in_new_york("nyc_clerk"), person, photo=None)
    sign_in(page, "nyc_clerk")
    page.goto(f"/passports/{application.case.reference}/")
    form = page.locator("form").filter(has=page.locator("input[name=transition][value=withdraw]"))
    button = form.get_by_role("button", name=ja("Withdrawn by the applicant"))
    expect(button).to_have_class("button button--danger")
    form.locator("textarea[name=note]").fill("The applicant phoned to withdraw.")
    button.click()
    # The box is required: the browser does not send the form, and nothing changes.
    expect(form.locator("input[name=confirm]")).to_have_js_property("validity.valueMissing", True)
    with scopes_disabled():
        application.case.refresh_from_db()
        assert application.case.status == "submitted"
    form.get_by_label(ja("I confirm “%(step)s”: this cannot be undone.") % {"step": ja("Withdrawn by the applicant")}
                      ).check()
    button.click()
    expect(page.get_by_role("status")).to_be_visible()
    with scopes_disabled():
        application.case.refresh_from_db()
        assert application.case.status == "withdrawn"


def test_a_clerk_corrects_a_persons_details_and_adds_a_document(staff_page: Page):
    page = staff_page
    person = new_yorker(family_name="MORI", given_names="KEN", sex="M")
    sign_in(page, "nyc_clerk")
    page.goto(f"/persons/{person.pk}/")
    page.get_by_role("link", name=ja("Change the record")).click()
    expect(page.get_by_label(ja("Male"), exact=True)).to_be_checked()
    page.get_by_label(ja("Phone")).fill("+1 212 555 0147")
    page.get_by_label(ja("Email")).fill("ken.mori@example.com")
    page.get_by_role("button", name=ja("Save the changes")).click()
    expect(page.get_by_role("status")).to_contain_text(ja("Record updated."))
    expect(page.get_by_role("main")).to_contain_text("+12125550147")
    expect(page.get_by_role("link", name="ken.mori@example.com")).to_be_visible()

    page.get_by_role("link", name=ja("Add an identity document")).click()
    page.get_by_label(ja("Kind of document")).select_option("passport")
    page.get_by_label(ja("Document number")).fill("TR 765 4321")
    page.get_by_label(ja("Issuing state")).fill("jpn")
    page.get_by_label(ja("Date of issue")).fill("2018-06-01")
    page.get_by_label(ja("Date of expiry"), exact=False).fill("2028-06-01")
    page.get_by_role("button", name=ja("Add the document")).click()
    expect(page.get_by_role("status")).to_be_visible()
    expect(page.get_by_role("table")).to_contain_text("TR7654321")
    with scopes_disabled():
        assert IdentityDocument.unscoped.get(person=person).issuing_state == "JPN"


def test_reauthenticating_with_the_code_just_used_says_to_wait_for_the_next_one(staff_page: Page):
    page = staff_page
    enter_password(page, "nyc_supervisor")
    code = demo_data.demo_code("nyc_supervisor")
    page.locator("input[name=code]").fill(code)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(on_home_page)
    page.goto("/accounts/security/passkeys/")
    page.wait_for_url("**/accounts/reauthenticate/**")
    page.get_by_label(in_language("ja", "Password")).fill(demo_data.DEMO_PASSWORD)
    page.get_by_label(in_language("ja", "Code")).fill(code)
    page.get_by_role("button", name=ja("Continue")).click()
    expect(page.locator("#id_code_error")).to_contain_text(ja(
        "That code was just used. Wait for the next code from your authenticator app (a new one appears every "
        "30 seconds) and enter that."))
    expect(page.get_by_role("alert")).to_be_focused()
