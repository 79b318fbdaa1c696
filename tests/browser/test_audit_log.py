"""An auditor reading, searching and exporting the audit log, in Japanese, with no search text in any URL."""

import csv
import io
import json
import re
from pathlib import Path
from urllib.parse import unquote_plus

import pytest
from django.utils import translation
from playwright.sync_api import Page, Request, expect

from consular.audit.actions import record
from consular.audit.models import AuditEntry
from consular.identity.actions import create_person
from consular.offices import demo as demo_data
from tests.browser.conftest import allow_code_reuse, in_language, sign_in
from tests.browser.test_passport_production import acting

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


def test_auditor_searches_the_audit_log(staff_page: Page):
    page = staff_page
    # Earlier today, two clerks signed in.
    for username in ("nyc_clerk", "london_clerk"):
        record(by=None, username=username, action=AuditEntry.Action.SIGN_IN)
    sign_in(page, "auditor")
    with translation.override("ja"):
        signed_in = str(AuditEntry.Action.SIGN_IN.label)

    page.get_by_role("navigation").get_by_role("link", name=ja("Audit log"), exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Audit log"))
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(3)
    # People by name, the username on hover.
    expect(rows.filter(has_text="Naomi Clark")).to_contain_text(signed_in)
    expect(rows.locator('[title="london_clerk"]')).to_have_text("Liam Hughes (london_clerk)")
    # Newest first: the auditor's own sign-in, made through the browser, with office and role in words.
    expect(rows.first).to_contain_text("Mei Kansa")
    expect(rows.first).to_contain_text("HQ")
    expect(rows.first).to_contain_text(ja("Auditor"))

    page.get_by_label(ja("Who or what")).fill("nyc_clerk")
    page.get_by_role("button", name=ja("Search"), exact=True).click()
    expect(page).to_have_url(re.compile(r"/audit/\?search=[\w-]+$"))
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Naomi Clark")
    expect(rows.first).to_contain_text(signed_in)
    expect(page.get_by_label(ja("Who or what"))).to_have_value("nyc_clerk")

    page.get_by_label(ja("Who or what")).fill("nobody_by_that_name")
    page.get_by_role("button", name=ja("Search"), exact=True).click()
    expect(page.get_by_text(ja("No audit entries match."))).to_be_visible()


def test_a_name_searched_for_never_reaches_a_url_not_even_through_paging_and_export(staff_page: Page):
    page = staff_page
    name = "TAKAHASHI MIDORI"
    person = create_person(by=acting("nyc_clerk", "NYC"), family_name="TAKAHASHI", given_names="MIDORI", sex="F",
                           birth_year=1979, birth_month=11, birth_day=3, nationalities=["JPN"])
    for _reading in range(55):
        record(by=acting("nyc_clerk", "NYC"), action=AuditEntry.Action.READ, target=person)
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    redirects: list[str] = []

    def note_redirect(request: Request) -> None:
        if request.redirected_from is not None:
            redirects.append(request.redirected_from.response().headers.get("location", ""))

    page.on("request", note_redirect)
    sign_in(page, "auditor")
    page.goto("/audit/")

    page.get_by_label(ja("Who or what")).fill(name)
    page.get_by_role("button", name=ja("Search"), exact=True).click()
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(50)
    page.get_by_role("link", name=ja("Next")).click()
    expect(rows).to_have_count(6)
    # The oldest entry, the person's creation, reads in Japanese: fields by their names, sex in words.
    created = rows.filter(has_text=ja("Create"))
    expect(created).to_contain_text("性別: 女性")
    expect(created).to_contain_text("人物:")
    expect(page.get_by_label(ja("Who or what"))).to_have_value(name)

    # The export asks for the password and a code first, then comes back to the same search.
    page.get_by_role("button", name=ja("Export these entries as CSV")).click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/\?next=%2Faudit%2F%3Fsearch%3D[\w-]+$"))
    allow_code_reuse("auditor")
    page.get_by_label(ja("Password")).fill(demo_data.DEMO_PASSWORD)
    page.get_by_label(ja("Code")).fill(demo_data.demo_code("auditor"))
    page.get_by_role("button", name=ja("Continue")).click()
    expect(page.get_by_label(ja("Who or what"))).to_have_value(name)
    with page.expect_download() as download:
        page.get_by_role("button", name=ja("Export these entries as CSV")).click()
    rows_exported = list(csv.DictReader(io.StringIO(Path(download.value.path()).read_text(encoding="utf-8"))))
    assert len(rows_exported) == 56
    assert all(row["object"] == name for row in rows_exported)
    assert json.loads(next(row["changes"] for row in rows_exported if row["action"] == "create"))["sex"] == [None, "F"]

    seen = [unquote_plus(unquote_plus(url)).upper() for url in requested + redirects]
    assert seen and not [url for url in seen if "TAKAHASHI" in url or "MIDORI" in url]


def test_the_audit_log_prints_without_its_search_and_export_forms(staff_page: Page):
    page = staff_page
    sign_in(page, "auditor")
    page.goto("/audit/")
    page.emulate_media(media="print")
    for hidden in (".site-header", ".search-form", ".export-form", "button"):
        for element in page.locator(hidden).all():
            expect(element).to_be_hidden()
    expect(page.locator("main table")).to_be_visible()
