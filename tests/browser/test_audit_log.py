"""An auditor reading and searching the audit log."""

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from consular.audit.actions import record
from consular.audit.models import AuditEntry
from tests.browser.conftest import in_language, sign_in

pytestmark = pytest.mark.browser


def test_auditor_searches_the_audit_log(staff_page: Page):
    page = staff_page
    # Earlier today, two clerks signed in.
    for username in ("nyc_clerk", "london_clerk"):
        record(by=None, username=username, action=AuditEntry.Action.SIGN_IN)
    sign_in(page, "auditor")
    with translation.override("ja"):
        signed_in = str(AuditEntry.Action.SIGN_IN.label)

    page.get_by_role("navigation").get_by_role("link", name=in_language("ja", "Audit log"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(in_language("ja", "Audit log"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    for username in ("auditor", "nyc_clerk", "london_clerk"):
        expect(rows.filter(has_text=username)).to_contain_text(signed_in)
    # Newest first: the auditor's own sign-in, made through the browser, with office and role.
    expect(rows.first).to_contain_text("auditor")
    expect(rows.first).to_contain_text("HQ")

    page.get_by_label(in_language("ja", "Who or what")).fill("nyc_clerk")
    page.get_by_role("button", name=in_language("ja", "Search")).click()
    expect(page).to_have_url("/audit/?text=nyc_clerk&office=&action=&since=&until=")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("nyc_clerk")
    expect(rows.first).to_contain_text(signed_in)
    expect(page.get_by_label(in_language("ja", "Who or what"))).to_have_value("nyc_clerk")

    page.get_by_label(in_language("ja", "Who or what")).fill("nobody_by_that_name")
    page.get_by_role("button", name=in_language("ja", "Search")).click()
    expect(page.get_by_text(in_language("ja", "No audit entries match."))).to_be_visible()
