"""A supervisor editing an office holiday that someone else changes meanwhile."""

from datetime import timedelta

import pytest
from playwright.sync_api import Page, expect

from consular.offices import actions
from consular.offices.models import Holiday, Membership, Office
from consular.offices.scoping import Actor
from tests.browser.conftest import in_language, sign_in

pytestmark = pytest.mark.browser


def test_supervisor_edit_conflict_keeps_their_input(staff_page: Page):
    page = staff_page
    nyc = Office.directory.get(code="NYC")
    day = nyc.local_today() + timedelta(days=40)  # always upcoming, whenever the test runs
    holiday = Holiday.unscoped.create(office=nyc, date=day, name="Staff training day")
    sign_in(page, "nyc_supervisor")

    page.get_by_role("link", name=in_language("ja", "My office"), exact=True).click()
    row = page.get_by_role("row").filter(has_text="Staff training day")
    expect(row).to_contain_text(day.isoformat())
    row.get_by_role("link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_language("ja", "Edit holiday"))
    page.get_by_label(in_language("ja", "Name")).fill("Staff training day (morning only)")

    # Meanwhile, in another tab, the same holiday is renamed and moved.
    membership = Membership.unscoped.get(user__username="nyc_supervisor", office=nyc)
    other_tab = Actor(office=nyc, role=membership.role, user=membership.user, membership=membership)
    actions.change_holiday(
        holiday,
        date=day + timedelta(days=1),
        name="Office closed: training",
        expected_version=holiday.version,
        by=other_tab,
    )

    with page.expect_response(lambda response: response.request.method == "POST") as posted:
        page.get_by_role("button", name=in_language("ja", "Save")).click()
    assert posted.value.status == 409
    alert = page.locator("main").get_by_role("alert")
    expect(alert).to_contain_text(f"{(day + timedelta(days=1)).isoformat()} / Office closed: training")
    expect(page.get_by_label(in_language("ja", "Name"))).to_have_value("Staff training day (morning only)")
    expect(page.get_by_label(in_language("ja", "Date"))).to_have_value(day.isoformat())
    holiday.refresh_from_db()
    assert (holiday.name, holiday.date) == ("Office closed: training", day + timedelta(days=1))

    # Having seen the current values, the supervisor keeps their own.
    page.get_by_role("button", name=in_language("ja", "Save")).click()
    expect(page).to_have_url("/offices/NYC/")
    expect(page.get_by_role("status")).to_have_text(in_language("ja", "Holiday saved."))
    expect(page.get_by_role("row").filter(has_text="Staff training day (morning only)")).to_contain_text(
        day.isoformat()
    )
    expect(page.get_by_role("row").filter(has_text="Office closed: training")).to_have_count(0)
    holiday.refresh_from_db()
    assert (holiday.name, holiday.date, holiday.version) == ("Staff training day (morning only)", day, 3)
