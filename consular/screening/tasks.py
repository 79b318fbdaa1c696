from celery import shared_task

from consular.screening import screening_actions


@shared_task
def screen_subject(subject_id: int) -> int:
    """Screen one applicant; idempotent (a repeat finds the same hits and writes nothing)."""
    subject = screening_actions.screen(subject_id)
    return subject.hits.count()


@shared_task
def rescreen_after_import(import_id: int) -> int:
    """Re-screen the open applicants an import can affect against the entries it changed; idempotent."""
    return screening_actions.rescreen_after_import(import_id).subjects
