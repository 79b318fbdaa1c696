"""Uploading a watchlist file: checked by its bytes, kept in protected storage, imported by a task, reported."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from consular.audit.models import AuditEntry
from consular.screening import uploads
from consular.screening.models import ImportJob, ListEntry, WatchlistImport
from tests.screening.conftest import EXCERPT, import_un

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english(settings):
    settings.LANGUAGE_CODE = "en"


def upload_url(code: str = "un-sc") -> str:
    return reverse("screening:upload", kwargs={"code": code})


def excerpt_file(name: str = "consolidated.xml") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, EXCERPT.read_bytes(), content_type="text/xml")


def test_an_upload_of_the_excerpt_is_imported_and_its_report_shown(
    signed_in, hq_officer, un_list, settings, django_capture_on_commit_callbacks
):
    client = signed_in(hq_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(), {"file_format": "un-sc", "file": excerpt_file()})

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "screening:job_detail", kwargs={"pk": job.pk}
    )
    assert job.status == ImportJob.Status.DONE, job.error
    run = WatchlistImport.objects.get()
    assert job.made_import == run and run.imported_by == "hq_officer" and run.file_name == "consolidated.xml"
    assert job.report["added"] == ListEntry.objects.filter(watchlist=un_list).count() > 0
    assert job.progress_done == job.progress_total == job.report["added"]
    # Kept under its own name, in protected storage, never under the sender's name.
    stored = Path(settings.PROTECTED_MEDIA_ROOT) / job.stored_as
    assert stored.read_bytes() == EXCERPT.read_bytes() and "consolidated" not in job.stored_as

    page = client.get(response["Location"])
    text = page.content.decode()
    assert "Imported: the list is now at the edition of" in text
    assert f"<td>{job.report['added']}</td>" in text
    assert "hx-get" not in text  # finished: no more polling
    assert "no-store" in page["Cache-Control"]


def test_the_upload_is_audited_with_the_file_digest(signed_in, hq_officer, un_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(hq_officer).post(upload_url(), {"file_format": "un-sc", "file": excerpt_file()})
    job = ImportJob.objects.get()
    entry = AuditEntry.objects.get(object_type="screening.importjob")
    assert entry.changes["source_sha256"] == [None, job.source_sha256] and entry.username == "hq_officer"


def test_a_running_job_page_polls_and_shows_the_live_count(signed_in, hq_officer, un_list):
    job = ImportJob.objects.create(
        watchlist=un_list,
        format="un-sc",
        stored_as="x.xml",
        source_sha256="0" * 64,
        requested_by="hq_officer",
        office_code="HQ",
        status=ImportJob.Status.RUNNING,
        progress_total=700,
    )
    from django.core.cache import cache

    cache.set(uploads._progress_key(job.pk), (500, 700))
    client = signed_in(hq_officer)
    url = reverse("screening:job_detail", kwargs={"pk": job.pk})

    page = client.get(url)
    fragment = client.get(url, headers={"HX-Request": "true", "HX-Target": "job-status"})

    assert 'hx-trigger="every 2s"' in page.content.decode()
    assert "500 of 700 entries compared" in page.content.decode()
    assert fragment.status_code == 200
    assert fragment.content.decode().lstrip().startswith('<div id="job-status"')
    assert "<html" not in fragment.content.decode()


def test_the_same_file_again_says_nothing_changed(
    signed_in, hq_officer, un_list, hq_actor, excerpt_xml, django_capture_on_commit_callbacks
):
    import_un(excerpt_xml, un_list, hq_actor)
    client = signed_in(hq_officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(), {"file_format": "un-sc", "file": excerpt_file()})
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE and job.report["already_imported"] is True
    assert "This file was already imported: nothing changed" in client.get(response["Location"]).content.decode()


def test_an_excerpt_of_the_edition_imported_fails_with_the_clear_message_and_changes_nothing(
    signed_in, hq_officer, un_list, hq_actor, full_xml, django_capture_on_commit_callbacks
):
    import_un(full_xml, un_list, hq_actor)  # the whole edition; the excerpt is a part of it
    entries = ListEntry.objects.count()
    client = signed_in(hq_officer)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(upload_url(), {"file_format": "un-sc", "file": excerpt_file()})

    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    text = client.get(response["Location"]).content.decode()
    assert "The import failed; nothing was changed." in text
    assert "A different file of this edition" in job.error and "is refused" in job.error
    assert job.error.replace("'", "&#x27;") in text
    assert ListEntry.objects.count() == entries and WatchlistImport.objects.count() == 1


@pytest.mark.parametrize(
    ("content", "file_format", "message"),
    [
        (b"%PDF-1.7 not a list", "un-sc", "This is not a text file"),
        (b"\x89PNG\r\n\x1a\n....", "un-sc", "This is not a text file"),
        (b"source_reference,family_name\nA,B\n", "un-sc", "This is not an XML file"),
        (b"<?xml version='1.0'?><CONSOLIDATED_LIST/>", "csv-national", "This looks like an XML file"),
        (b"a,b\n", "csv-documents", "Select a valid choice."),
        (b"", "un-sc", "The submitted file is empty."),
    ],
)
def test_a_file_that_cannot_be_the_list_is_refused_and_nothing_is_saved(
    signed_in, hq_officer, un_list, settings, content, file_format, message
):
    response = signed_in(hq_officer).post(
        upload_url(), {"file_format": file_format, "file": SimpleUploadedFile("list.xml", content)}
    )

    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ImportJob.objects.exists()
    assert not (Path(settings.PROTECTED_MEDIA_ROOT) / "screening").exists()


def test_xml_sent_as_the_national_csv_is_refused(signed_in, hq_officer):
    response = signed_in(hq_officer).post(
        upload_url("national"), {"file_format": "csv-national", "file": excerpt_file("list.csv")}
    )
    assert response.status_code == 400
    assert "This looks like an XML file, not a CSV file." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_an_xml_file_that_is_not_the_un_list_fails_in_the_job_with_the_reason(
    signed_in, hq_officer, un_list, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(hq_officer).post(
            upload_url(), {"file_format": "un-sc", "file": SimpleUploadedFile("x.xml", b"<html><body/></html>")}
        )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED and job.error
    assert not WatchlistImport.objects.exists()


def test_a_national_csv_takes_the_edition_date_given(signed_in, hq_officer, django_capture_on_commit_callbacks):
    csv = (
        "source_reference,family_name,given_names,reason,listed_on,dates_of_birth\n"
        "NL-2024-00017,DOE,John,Refused entry,2024-01-02,1970-05-17\n"
    )
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(hq_officer).post(
            upload_url("national"),
            {
                "file_format": "csv-national",
                "edition_date": "2024-03-01",
                "file": SimpleUploadedFile("national.csv", csv.encode()),
            },
        )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.made_import.edition.date().isoformat() == "2024-03-01" and job.report["added"] == 1


def test_the_un_list_takes_no_edition_date(signed_in, hq_officer):
    response = signed_in(hq_officer).post(
        upload_url(), {"file_format": "un-sc", "edition_date": "2024-03-01", "file": excerpt_file()}
    )
    assert response.status_code == 400
    assert "The UN list gives its own edition date" in response.content.decode()
    assert not ImportJob.objects.exists()


@pytest.mark.parametrize("who", ["auditor", "hq_admin", "hq_supervisor"])
def test_only_hq_officers_upload(request, signed_in, un_list, who):
    client = signed_in(request.getfixturevalue(who))
    assert client.post(upload_url(), {"file_format": "un-sc", "file": excerpt_file()}).status_code == 403
    assert not ImportJob.objects.exists()


def test_a_mission_clerk_cannot_upload_or_see_a_job(signed_in, nyc_clerk, un_list):
    client = signed_in(nyc_clerk)
    assert client.post(upload_url(), {"file_format": "un-sc", "file": excerpt_file()}).status_code == 404
    job = ImportJob.objects.create(
        watchlist=un_list,
        format="un-sc",
        stored_as="x.xml",
        source_sha256="0" * 64,
        requested_by="hq_officer",
        office_code="HQ",
    )
    assert client.get(reverse("screening:job_detail", kwargs={"pk": job.pk})).status_code == 404


def test_a_job_delivered_twice_is_imported_once(signed_in, hq_officer, un_list, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in(hq_officer).post(upload_url(), {"file_format": "un-sc", "file": excerpt_file()})
    job = ImportJob.objects.get()

    assert uploads.run_import_job(job.pk) is None
    assert WatchlistImport.objects.count() == 1


def test_import_watchlist_reports_its_progress_to_the_caller(excerpt_xml, un_list, hq_actor):
    import hashlib

    from consular.screening import un_sc
    from consular.screening.actions import import_watchlist

    edition = un_sc.read(excerpt_xml)
    calls = []
    import_watchlist(
        un_list,
        edition.records,
        by=hq_actor,
        edition=edition.generated,
        source_sha256=hashlib.sha256(excerpt_xml).hexdigest(),
        file_format="un-sc",
        progress=lambda done, total: calls.append((done, total)),
    )
    total = len(edition.records)
    assert calls[0] == (0, total) and calls[-1] == (total, total)
