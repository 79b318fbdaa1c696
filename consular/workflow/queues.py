"""Which cases each work queue holds, and each person's caseload: one definition for the pages and the home page.

A figure on a home page links to the queue behind it. Both read their cases from here, so
the number on the card and the rows of the list it opens cannot disagree. Every queue is a
plain filter on the case table (office, status, assignee, due), which its indexes serve.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor
from consular.workflow.models import Case, CaseQuerySet, OutboxMessage
from consular.workflow.transitions import CASE_TYPES

QUEUES = {
    "queue": _("My office's queue"),
    "mine": _("My cases"),
    "overdue": _("Overdue cases"),
    "referred": _("Referred to us"),
    "answered": _("Answered by HQ"),
}
# Queues whose cases are open by definition: the open/closed choice does not apply to them.
OPEN_ONLY = frozenset({"overdue", "referred", "answered"})


class Show(models.TextChoices):
    OPEN = "open", _("Open cases")
    CLOSED = "closed", _("Closed cases")
    ALL = "all", _("Open and closed cases")


ANY_OFFICE = "*"


def in_statuses(attribute: str) -> Q:
    """Cases in the statuses each case type declares under `attribute` (e.g. "referral_statuses")."""
    condition = Q(pk__in=[])
    for code, case_type in CASE_TYPES.items():
        statuses = getattr(case_type, attribute)
        if statuses:
            condition |= Q(case_type=code, status__in=sorted(statuses))
    return condition


def queue_cases(kind: str, actor: Actor, *, held_by: Office | str | None = None,
                show: str = Show.OPEN, now: datetime | None = None) -> CaseQuerySet:
    """The cases of one queue as `actor` sees them, from the scoped manager (another office's case never appears).

    `held_by` is the acting office unless a viewer who sees every office picks another one
    (or ANY_OFFICE); `show` keeps open cases (the default), closed ones, or both.
    """
    cases = Case.objects.all()
    if held_by is None:
        held_by = actor.office
    if held_by != ANY_OFFICE:
        cases = cases.filter(current_office=held_by)
    if kind == "mine":
        cases = cases.filter(assignee=actor.user) if actor.user is not None else cases.none()
    elif kind == "overdue":
        cases = cases.filter(due_at__lt=now or timezone.now())
    elif kind == "referred":
        cases = cases.filter(in_statuses("referral_statuses"))
    elif kind == "answered":
        cases = cases.filter(in_statuses("answered_statuses"))
    elif kind != "queue":
        raise ValueError(kind)
    if kind in OPEN_ONLY or show == Show.OPEN:
        return cases.filter(closed_at__isnull=True)
    if show == Show.CLOSED:
        return cases.filter(closed_at__isnull=False)
    return cases


@dataclass(frozen=True)
class Load:
    """One person's open cases at an office, and how many of them are overdue."""

    user_id: int
    name: str
    username: str
    open: int
    overdue: int
    member: bool  # False: assigned cases of someone who has left the office


def caseload(office: Office, *, now: datetime | None = None) -> list[Load]:
    """Every current caseworker of the office with their open cases there, busiest first; two or three queries."""
    counts = {
        row["assignee"]: row
        for row in Case.objects.filter(current_office=office, closed_at__isnull=True, assignee__isnull=False)
        .values("assignee").annotate(open=Count("pk"), overdue=Count("pk", filter=Q(due_at__lt=now or timezone.now())))
    }
    users = {
        membership.user.pk: membership.user
        for membership in Membership.objects.caseworkers().filter(office=office).select_related("user")
    }
    members = set(users)
    gone = set(counts) - members
    if gone:
        users |= {user.pk: user for user in get_user_model().objects.filter(pk__in=gone)}
    loads = [
        Load(pk, user.get_full_name() or user.get_username(), user.get_username(),
             counts.get(pk, {}).get("open", 0), counts.get(pk, {}).get("overdue", 0), pk in members)
        for pk, user in users.items()
    ]
    return sorted(loads, key=lambda load: (-load.open, load.name, load.user_id))


def failed_messages(actor: Actor):
    """Failed outbox messages of the cases the viewer may see (HQ and auditors: every one, system-wide too)."""
    failed = OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED)
    if actor.sees_all_offices:
        return failed
    # Case.objects is scoped: only messages of cases this office may read, never system-wide ones.
    return failed.filter(Exists(Case.objects.filter(pk=OuterRef("case_id"))))
