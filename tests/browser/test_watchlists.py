"""An HQ officer uploads the UN list's excerpt on the watchlist pages and reads what the import changed."""

import pytest
from django_scopes import scopes_disabled
from playwright.sync_api import Page, expect

from consular.screening.models import ImportJob, ListEntry, Watchlist
from tests.browser.conftest import in_language, sign_in
from tests.screening.conftest import EXCERPT

pytestmark = pytest.mark.browser


def ja(message: str) -> str:
    return in_language("ja", message)


@pytest.fixture
def un_list(transactional_db) -> Watchlist:
    """The list migration 0002 creates; an earlier browser test's flush may have emptied the table."""
    found, _created = Watchlist.objects.get_or_create(
        code="un-sc", defaults={"kind": Watchlist.Kind.SANCTIONS, "name": "UN Security Council Consolidated List"}
    )
    return found


def test_an_hq_officer_uploads_the_un_list_and_sees_the_report(staff_page: Page, un_list: Watchlist):
    page = staff_page

    sign_in(page, "hq_officer")
    page.locator("nav.site-nav").get_by_role("link", name=ja("Watchlists")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Watchlists"))
    page.get_by_role("link", name=un_list.name).click()
    expect(page.locator("main")).to_contain_text(ja("This list has no entries yet."))

    page.get_by_role("link", name=ja("Upload an edition")).click()
    page.locator("input[name=file_format][value=un-sc]").check()
    page.locator("input[name=file]").set_input_files(str(EXCERPT))
    page.get_by_role("button", name=ja("Upload and import")).click()

    # The task ran (in process here; tests/services has a real worker): the job page shows the report.
    expect(page.get_by_role("heading", level=1)).to_have_text(ja("Import of an uploaded file"))
    expect(page.get_by_role("table", name=ja("What the import changed"))).to_be_visible()
    with scopes_disabled():
        job = ImportJob.objects.get()
        added = ListEntry.objects.filter(watchlist=un_list).count()
    assert job.status == ImportJob.Status.DONE and job.report["added"] == added > 0
    expect(page.get_by_role("table", name=ja("What the import changed"))).to_contain_text(str(added))

    # The entries are there, and one opens with its names and history.
    page.get_by_role("link", name=un_list.name).click()
    page.get_by_role("link", name=ja("Entries")).click()
    page.locator("main table tbody tr a").first.click()
    expect(page.get_by_role("heading", name=ja("Version history"))).to_be_visible()


def test_the_job_page_follows_a_running_import_until_its_report(staff_page: Page, un_list: Watchlist):
    page = staff_page
    with scopes_disabled():
        job = ImportJob.objects.create(
            watchlist=un_list,
            format="un-sc",
            file_name="consolidated.xml",
            stored_as="x.xml",
            source_sha256="0" * 64,
            requested_by="hq_officer",
            office_code="HQ",
            status=ImportJob.Status.RUNNING,
            progress_total=700,
        )

    sign_in(page, "hq_officer")
    page.goto(f"/screening/imports/{job.pk}/")
    expect(page.locator("#job-status")).to_contain_text(
        ja("Importing: %(done)s of %(total)s entries compared.") % {"done": 0, "total": 700})

    with scopes_disabled():
        ImportJob.objects.filter(pk=job.pk).update(
            status=ImportJob.Status.DONE, progress_done=700, report={"added": 700, "unchanged": 0}
        )
    # htmx asks again every two seconds and swaps the report in, with no reload.
    expect(page.get_by_role("table", name=ja("What the import changed"))).to_contain_text("700", timeout=8000)
    expect(page.locator("#job-status")).not_to_have_attribute("hx-get", f"/screening/imports/{job.pk}/")
