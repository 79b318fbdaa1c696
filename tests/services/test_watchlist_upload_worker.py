"""An uploaded watchlist file is imported by a real worker process, not only by an eager task."""

import time

import pytest

from consular.screening import tasks, uploads
from consular.screening.models import ImportJob, ListEntry, Watchlist
from tests.identity.factories import actor_for
from tests.screening.conftest import EXCERPT

pytestmark = pytest.mark.services

TASK_TIMEOUT_SECONDS = 60


@pytest.fixture
def shared_protected_folder(settings, monkeypatch):
    """The worker process reads the file from the same protected folder this test keeps it in."""
    monkeypatch.setenv("PROTECTED_MEDIA_ROOT", str(settings.PROTECTED_MEDIA_ROOT))


def test_a_worker_imports_an_uploaded_file(shared_protected_folder, celery_worker, hq_officer, monkeypatch):
    # Sent to this test's own worker, not the shared default queue.
    monkeypatch.setattr(
        tasks.run_import_job,
        "delay",
        lambda job_id: tasks.run_import_job.apply_async((job_id,), queue=celery_worker.queue),
    )
    # Created by migration 0002, unless an earlier transactional test's flush emptied the table.
    watchlist, _created = Watchlist.objects.get_or_create(
        code="un-sc", defaults={"kind": Watchlist.Kind.SANCTIONS, "name": "UN Security Council Consolidated List"}
    )

    job = uploads.queue_upload(
        watchlist,
        by=actor_for(hq_officer),
        content=EXCERPT.read_bytes(),
        file_name="excerpt.xml",
        file_format="un-sc",
        edition_date=None,
    )

    deadline = time.monotonic() + TASK_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        job.refresh_from_db()
        if job.is_finished:
            break
        time.sleep(0.5)
    assert job.status == ImportJob.Status.DONE, f"{job.status} {job.error}; worker log:\n{celery_worker.log()}"
    assert job.report["added"] == ListEntry.objects.filter(watchlist=watchlist).count() > 0
