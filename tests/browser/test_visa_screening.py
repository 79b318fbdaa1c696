"""A visa applicant who matches the UN list: taken in by the clerk, held until the hit is adjudicated by two people.

The clerk finds the applicant and takes the application in; screening runs (in process here) and
finds the listed alias. The officer cannot approve while the hit is open, clears it as a false
match (on a sanctions list that only proposes the clearance: the officer is told a second person
must agree), a supervisor agrees from the clearances queue, and the officer approves.

The helpers here (reference data, applicants' passports, screenshots) serve every test_visa_*.py.
"""

from __future__ import annotations

import hashlib
import importlib
from datetime import date, timedelta
from pathlib import Path

import pytest
from django.apps import apps
from django.contrib.auth import get_user_model
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.documents import demo as documents_demo
from consular.documents import mrz
from consular.identity.models import Person
from consular.offices.models import Office
from consular.payments import demo as payments_demo
from consular.screening import un_sc
from consular.screening.actions import import_watchlist
from consular.screening.models import ScreeningHit, Watchlist
from tests.browser.conftest import allow_code_reuse, in_language, sign_in, sign_out
from tests.identity.factories import PersonFactory, actor_for
from tests.screening.conftest import EXCERPT
from visas.models import Status, VisaApplication, VisaCategory

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/visas-shots")
# An alias of PAK HAN SE (KPi.049) on the UN list's excerpt; the list gives no date of birth.
LISTED = {"family_name": "KANG", "given_names": "MYONG CHOL", "sex": "M", "birth_year": 1970,
          "nationalities": ["PRK"]}


def ja(message: str) -> str:
    return in_language("ja", message)


def shot(page: Page, name: str) -> None:
    """A full-page screenshot to look at (layout, errors beside their fields, nothing lost below the fold)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


@pytest.fixture
def visa_data(demo, settings, tmp_path) -> None:
    """Rates, seal keys and the visa reference data (an earlier browser test's flush may have emptied it)."""
    settings.SEAL_KEYS_DIR = tmp_path / "seal-keys"
    with scopes_disabled():
        payments_demo.seed()
        documents_demo.seed()
        if not VisaCategory.objects.exists():
            importlib.import_module("visas.migrations.0002_first_edition").load(apps, None)
        Watchlist.objects.get_or_create(
            code="un-sc", defaults={"kind": Watchlist.Kind.SANCTIONS, "name": "UN Security Council Consolidated List"}
        )


@pytest.fixture
def un_listed(visa_data) -> None:
    """The UN list's excerpt, imported by HQ."""
    content = EXCERPT.read_bytes()
    edition = un_sc.read(content)
    with scopes_disabled():
        hq = actor_for(get_user_model().objects.get(username="hq_officer"))
        import_watchlist(Watchlist.objects.get(code="un-sc"), edition.records, by=hq, edition=edition.generated,
                         source_sha256=hashlib.sha256(content).hexdigest(), file_format="un-sc",
                         unresolved_countries=edition.unresolved_countries)


def applicant(**fields) -> Person:
    with scopes_disabled():
        return PersonFactory(created_by_office=Office.directory.get(code="NYC"), **fields)


def passport_lines(person: Person, number: str) -> str:
    data = mrz.PassportData(
        document_code="P", issuing_state=person.nationalities[0], surname=person.family_name,
        given_names=person.given_names, number=number, nationality=person.nationalities[0], sex=person.sex,
        expiry_date=date.today() + timedelta(days=3650), birth_year=person.birth_year,
        birth_month=person.birth_month, birth_day=person.birth_day,
    )
    return "\n".join(mrz.td3_lines(data))


def take_in(page: Page, person: Person, *, name: str, passport: str, category: str = "business") -> str:
    """The clerk finds the person, fills in the intake form and submits; returns the new application's reference."""
    page.locator("nav.site-nav").get_by_role("link", name=ja("Visas")).click()
    page.get_by_role("link", name=ja("Take in a visa application")).click()
    page.get_by_label(ja("Applicant's name")).fill(name)
    page.get_by_role("button", name=ja("Search")).click()
    page.get_by_role("row").filter(has_text=name).get_by_role("link", name=ja("Apply for this person")).click()
    with scopes_disabled():
        label = VisaCategory.objects.get(code=category).name_ja
    page.locator("#id_category").select_option(label=label)
    page.locator("#id_purpose").fill("Meetings with a trading partner in Osaka")
    page.locator("#id_arrival_on").fill((date.today() + timedelta(days=30)).isoformat())
    page.locator("#id_stay_days").fill("10")
    page.locator("#id_passport_mrz").fill(passport_lines(person, passport))
    page.locator("#id_passport_issued_on").fill("2021-04-01")
    page.locator("#id_host_name").fill("Kansai Trading Co., Ltd.")
    page.locator("#id_itinerary").fill("Osaka 10 nights")
    page.locator("#id_photo").set_input_files(
        files=[{"name": "photo.jpg", "mimeType": "image/jpeg", "buffer": documents_demo.demo_photo()}])
    shot(page, f"intake-{category}")
    page.get_by_role("button", name=ja("Take in the application")).click()
    expect(page.get_by_role("status").first).to_contain_text("V-")
    with scopes_disabled():
        return VisaApplication.unscoped.select_related("case").get(case__person=person).case.reference


def check_and_take_fee(page: Page, reference: str) -> None:
    """The clerk marks every document verified and records the fee, from the application's page."""
    with scopes_disabled():
        application = VisaApplication.unscoped.get(case__reference=reference)
        items = list(application.checklist_items.order_by("pk"))
        fee = application.fee_amount / 100
    for item in items:
        form = page.locator("form").filter(has=page.locator(f"input[name=item][value='{item.pk}']"))
        form.get_by_role("button").click()
        expect(page.get_by_role("status").first).to_be_visible()
    if fee:
        page.locator("#id_payment-amount").fill(f"{fee:.2f}")
        page.get_by_role("button", name=ja("Record the payment")).click()
        expect(page.get_by_role("status").first).to_contain_text(ja("Payment recorded."))


def open_application(page: Page, reference: str) -> None:
    page.locator("nav.site-nav").get_by_role("link", name=ja("Visas")).click()
    page.get_by_role("link", name=reference).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(reference)


def case_status(reference: str) -> str:
    with scopes_disabled():
        return VisaApplication.unscoped.select_related("case").get(case__reference=reference).case.status


def test_a_listed_applicant_waits_for_two_people_to_clear_the_hit_then_is_approved(staff_page: Page, un_listed):
    page = staff_page
    person = applicant(**LISTED)

    # The clerk takes the application in; screening finds the listed alias at once.
    sign_in(page, "nyc_clerk")
    reference = take_in(page, person, name="KANG MYONG CHOL", passport="PD1234567")
    assert case_status(reference) == Status.UNDER_REVIEW
    expect(page.get_by_role("region", name=ja("Screening hits"))).to_contain_text("KPi.049")
    check_and_take_fee(page, reference)
    sign_out(page)

    # The officer sees the hit and why approval waits; approving anyway is refused with the reason.
    sign_in(page, "nyc_officer")
    open_application(page, reference)
    decision = page.get_by_role("region", name=ja("Decision"))
    expect(decision).to_contain_text(ja("Cannot be approved yet:"))
    expect(decision).to_contain_text(ja("%(count)d screening hit is not adjudicated.") % {"count": 1})
    shot(page, "detail-hit-open")
    page.locator("#decide-approve").get_by_role("button", name=ja("Approve")).click()
    expect(page.get_by_role("alert")).to_contain_text(ja("%(count)d screening hit is not adjudicated.") % {"count": 1})
    assert case_status(reference) == Status.UNDER_REVIEW

    # The hit page: applicant and list entry side by side; the officer clears it, which only proposes.
    page.get_by_role("region", name=ja("Screening hits")).get_by_role("link", name="KPi.049").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(ja("Screening hit"))
    shot(page, "hit-open")
    page.get_by_label(ja("Reason for clearing")).select_option("different_person_other_identifiers")
    page.locator("#clear-note").fill("Passport number and place of birth differ from the listed person's.")
    page.get_by_role("button", name=ja("Clear as a false match")).click()
    expect(page.get_by_role("status").first).to_contain_text(
        ja("The clearance is proposed: a supervisor or an HQ officer must agree to it."))
    # The officer cannot be the second person: the page says so and offers no way to agree.
    expect(page.locator("main")).to_contain_text(
        ja("You proposed this clearance: another supervisor or HQ officer must agree to it."))
    expect(page.get_by_role("button", name=ja("Agree to the clearance"))).to_have_count(0)
    shot(page, "hit-proposed")
    open_application(page, reference)
    expect(page.get_by_role("region", name=ja("Decision"))).to_contain_text(
        ja("%(count)d clearance of a screening hit awaits a second person.") % {"count": 1})
    sign_out(page)

    # A supervisor finds it in the clearances queue and agrees.
    sign_in(page, "nyc_supervisor")
    page.locator("nav.site-nav").get_by_role("link", name=ja("Visas")).click()
    page.get_by_role("link", name=ja("Clearances awaiting a second person")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Clearances awaiting a second person"))
    shot(page, "clearances")
    page.get_by_role("link", name=reference).click()
    page.locator("#second-note").fill("Agreed: the identifiers differ.")
    page.get_by_role("button", name=ja("Agree to the clearance")).click()
    expect(page.get_by_role("status").first).to_contain_text(ja("The hit is cleared."))
    with scopes_disabled():
        hit = ScreeningHit.objects.get(subject__case__reference=reference)
    assert hit.status == ScreeningHit.Status.CLEARED and hit.decided_by == "nyc_supervisor"
    sign_out(page)

    # Now the officer approves (signing in again within the same 30-second code).
    with scopes_disabled():
        allow_code_reuse("nyc_officer")
    sign_in(page, "nyc_officer")
    open_application(page, reference)
    expect(page.get_by_role("region", name=ja("Decision"))).not_to_contain_text(ja("Cannot be approved yet:"))
    page.locator("#decide-approve").get_by_role("button", name=ja("Approve")).click()
    expect(page.get_by_role("status").first).to_contain_text(ja("Approved. Issue the visa next."))
    assert case_status(reference) == Status.APPROVED
    shot(page, "detail-approved")
