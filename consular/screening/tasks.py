"""Screening's background work: each task takes an id and calls one function."""

from celery import shared_task
from django_scopes import scopes_disabled

from consular.screening import uploads


@shared_task
def run_import_job(job_id: int) -> str:
    """Import an uploaded watchlist file; a second delivery of the same job does nothing."""
    # Watchlists are HQ's reference data for every office: no one office's scope applies.
    with scopes_disabled():
        job = uploads.run_import_job(job_id)
    return job.status if job is not None else "taken"
