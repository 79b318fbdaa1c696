"""Screening's background work: each task takes an id and calls one function."""

from celery import shared_task
from django_scopes import scopes_disabled

from consular.screening import screening_actions, uploads


@shared_task
def screen_subject(subject_id: int) -> int:
    """Screen one applicant; idempotent (a repeat finds the same hits and writes nothing)."""
    # The system acting for HQ: lists and applicants of every office, no one office's scope.
    with scopes_disabled():
        subject = screening_actions.screen(subject_id)
        return subject.hits.count()


@shared_task
def rescreen_after_import(import_id: int) -> int:
    """Re-screen the open applicants an import can affect against the entries it changed; idempotent."""
    with scopes_disabled():
        return screening_actions.rescreen_after_import(import_id).subjects


@shared_task
def run_import_job(job_id: int) -> str:
    """Import an uploaded watchlist file; a second delivery of the same job does nothing."""
    # Watchlists are HQ's reference data for every office: no one office's scope applies.
    with scopes_disabled():
        job = uploads.run_import_job(job_id)
    return job.status if job is not None else "taken"
