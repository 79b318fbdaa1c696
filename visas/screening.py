"""The one place visas meet the screening core: register the applicant, read what blocks a decision.

Screening itself (lists, matching, hits and their adjudication) is `consular.screening`; a visa
case is a screening subject from submission until it is decided. When the worker has screened
the applicant, the case moves from "being screened" to "under review" (`on_screened`).
"""

from __future__ import annotations

from django.dispatch import receiver

from consular.offices.scoping import Actor
from consular.screening import screening_actions as queries
from consular.screening.screening_actions import close_subject, register_subject
from consular.screening.signals import subject_screened
from consular.workflow.models import Case


def register(case: Case, *, passport, by: Actor) -> None:
    """Screen the applicant and the passport they travel on, after the submission commits."""
    documents = [{"kind": "passport", "issuing_state": passport.issuing_state, "number": passport.number}]
    register_subject(case, documents=documents, by=by)


def close(case: Case, *, by: Actor) -> None:
    """A decided case is no longer re-screened when a list changes."""
    close_subject(case, by=by)


def blockers(case: Case) -> list[str]:
    return queries.decision_blockers(case)


def has_confirmed_hit(case: Case) -> bool:
    return queries.has_confirmed_hit(case)


def hits(case: Case):
    return queries.hits_for(case)


@receiver(subject_screened, dispatch_uid="visas.screened")
def on_screened(sender, subject, **kwargs) -> None:
    if subject.case.case_type == "visa":
        from visas.actions import screening_finished

        screening_finished(subject.case)
