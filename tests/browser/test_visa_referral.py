"""A diplomatic visa goes to HQ: the officer refers it with a recommendation, HQ instructs, the officer approves."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tests.browser.conftest import allow_code_reuse, sign_in, sign_out
from tests.browser.test_visa_screening import (
    applicant,
    case_status,
    check_and_take_fee,
    ja,
    open_application,
    shot,
    take_in,
    visa_data,  # noqa: F401 (a fixture)
)
from visas.models import Status, VisaApplication

pytestmark = pytest.mark.browser


@pytest.mark.usefixtures("visa_data")
def test_a_referral_to_hq_and_back(staff_page: Page):
    page = staff_page
    person = applicant(family_name="SHARMA", given_names="ANIL", sex="M", birth_year=1968, birth_month=11,
                       birth_day=2, nationalities=["IND"])

    sign_in(page, "nyc_clerk")
    reference = take_in(page, person, name="SHARMA ANIL", passport="Z1234567", category="diplomatic")
    check_and_take_fee(page, reference)
    sign_out(page)

    # The officer may not approve: the category is HQ's. They refer it with their recommendation.
    sign_in(page, "nyc_officer")
    open_application(page, reference)
    expect(page.get_by_role("region", name=ja("Decision"))).to_contain_text(ja("Cannot be approved yet:"))
    form = page.locator("#decide-refer")
    form.locator("input[name=refer-recommendation][value=issue]").check()
    form.locator("#id_refer-note").fill("Delegation member; the note verbale is in order.")
    form.get_by_role("button", name=ja("Refer to HQ")).click()
    expect(page.get_by_role("status").first).to_contain_text(ja("Referred to HQ with your recommendation."))
    assert case_status(reference) == Status.REFERRED
    sign_out(page)

    # HQ finds it in its visa queue and instructs the mission to issue.
    sign_in(page, "hq_officer")
    page.locator("nav.site-nav").get_by_role("link", name=ja("Visas")).click()
    expect(page.locator("main")).to_contain_text(ja("Referrals from the missions wait here for HQ's instruction."))
    page.get_by_role("link", name=reference).click()
    shot(page, "hq-instruct")
    form = page.locator("#decide-instruct")
    expect(form.locator("input[name=instruct-instruction][value=issue]")).to_be_checked()  # the recommendation
    form.locator("#id_instruct-note").fill("Issue: multiple entries for the delegation's visits.")
    form.get_by_role("button", name=ja("Instruct the mission")).click()
    expect(page.get_by_role("status").first).to_contain_text(ja("Instruction sent; the case is back with the mission."))
    with scopes_disabled():
        application = VisaApplication.unscoped.select_related("case__current_office").get(case__reference=reference)
        assert application.case.current_office.code == "NYC" and application.instruction == "issue"
        allow_code_reuse("nyc_officer")  # signing in again within the same 30-second code
    sign_out(page)

    sign_in(page, "nyc_officer")
    open_application(page, reference)
    expect(page.get_by_role("region", name=ja("Referral to HQ"))).to_contain_text(ja("Issue the visa"))
    page.locator("#decide-approve").get_by_role("button", name=ja("Approve")).click()
    expect(page.get_by_role("status").first).to_contain_text(ja("Approved. Issue the visa next."))
    assert case_status(reference) == Status.APPROVED
    shot(page, "referral-approved")
