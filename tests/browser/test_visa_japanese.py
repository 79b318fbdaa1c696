"""The visa pages in Japanese show labels, never the stored codes: statuses, categories, entries, checklist items."""

import re

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from tests.browser.conftest import sign_in
from tests.browser.test_visa_evisa import visas_demo_data  # noqa: F401 (a fixture)
from tests.browser.test_visa_screening import (
    ja,
    shot,
    visa_data,  # noqa: F401 (a fixture)
)
from visas.models import ChecklistCode, Entries, Group, Status, VisaApplication

pytestmark = pytest.mark.browser
CODES = {*Status.values, *Entries.values, *Group.values, *ChecklistCode.values}


@pytest.mark.usefixtures("visas_demo_data")
def test_the_queue_and_an_application_in_japanese_show_no_raw_codes(staff_page: Page):
    page = staff_page
    with scopes_disabled():
        application = VisaApplication.unscoped.select_related("case", "category").get(
            case__person__family_name="WANG", case__status=Status.UNDER_REVIEW)
    sign_in(page, "nyc_clerk")  # a Japanese-speaking browser (ja-JP)
    page.locator("nav.site-nav").get_by_role("link", name=ja("Visas")).click()
    pages = {"queue": page.locator("main").inner_text()}
    expect(page.locator("main")).to_contain_text(application.category.name_ja)
    page.get_by_role("link", name=application.case.reference).click()
    expect(page.locator("main")).to_contain_text(application.category.name_ja)
    expect(page.locator(".case-status")).to_have_text(ja("Under review"))
    pages["detail"] = page.locator("main").inner_text()
    shot(page, "detail-japanese")
    for name, text in pages.items():
        words = set(re.findall(r"[a-z]+(?:_[a-z]+)+|\b[a-z]+\b", text))
        raw = sorted(code for code in CODES if "_" in code and code in words)
        assert not raw, (name, raw)
