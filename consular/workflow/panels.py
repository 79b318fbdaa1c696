"""Home-page panels of the workflow floor: the office's cases, who carries them, HQ's referrals, the worker.

Every figure counts a queue from `consular.workflow.queues` and links to that same queue,
so the number on the card is the number of rows the link shows.
"""

from urllib.parse import urlencode

from django.db.models import Count, Min, OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext_lazy as _

from consular.offices.models import CASEWORK_ROLES, Office, Role
from consular.offices.scoping import Actor
from consular.panels import Cell, Figure, Panel
from consular.workflow.actions import ASSIGNERS
from consular.workflow.models import CaseEvent, WorkerHeartbeat
from consular.workflow.queues import caseload, failed_messages, queue_cases


def _queue_url(name: str, **query) -> str:
    url = reverse(name)
    return f"{url}?{urlencode(query)}" if query else url


def panels(actor: Actor) -> list[Panel]:
    found = []
    now = timezone.now()
    if actor.role in CASEWORK_ROLES:
        found.append(_cases(actor, now))
    if actor.role in ASSIGNERS:
        found.append(_caseload(actor, now))
    if actor.role in CASEWORK_ROLES and actor.office.kind == Office.Kind.HQ:
        found.append(_referrals_by_mission(actor, now))
    if actor.role == Role.ADMINISTRATOR:
        latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        failed = failed_messages(actor).count()
        found.append(Panel("worker", _("Background worker"), [
            Figure(_("Worker last seen"), latest, is_time=True, tone="" if latest else "warning"),
            Figure(_("Failed messages"), failed, reverse("workflow:operations"), tone="warning" if failed else ""),
        ], order=91))
    return found


def _cases(actor: Actor, now) -> Panel:
    """The office's open cases, the viewer's own, the overdue ones, and what waits on HQ or came back from it."""
    overdue = queue_cases("overdue", actor, now=now).count()
    figures = [
        Figure(_("Open cases in my office's queue"), queue_cases("queue", actor).count(),
               reverse("workflow:case_queue")),
        Figure(_("Assigned to me"), queue_cases("mine", actor).count(), reverse("workflow:my_cases")),
        Figure(_("Overdue"), overdue, reverse("workflow:overdue_cases"), tone="warning" if overdue else ""),
    ]
    if actor.office.kind == Office.Kind.HQ:
        figures.append(Figure(_("Referrals waiting for our answer"), queue_cases("referred", actor).count(),
                              reverse("workflow:referred_cases")))
    else:
        answered = queue_cases("answered", actor).count()
        figures.append(Figure(_("Referrals answered by HQ"), answered, reverse("workflow:answered_cases"),
                              tone="warning" if answered else ""))
    if actor.role in ASSIGNERS:
        unassigned = queue_cases("queue", actor).filter(assignee__isnull=True).count()
        figures.append(Figure(_("Not assigned to anyone"), unassigned,
                              _queue_url("workflow:case_queue", assignee="none"), tone="warning" if unassigned else ""))
        failed = failed_messages(actor).count()
        if failed:
            figures.append(Figure(_("Failed messages"), failed, reverse("workflow:operations"), tone="warning"))
    return Panel("cases", _("Cases"), figures, order=10)


def _caseload(actor: Actor, now) -> Panel:
    """Each caseworker's open cases at the office, with the overdue ones: who has room for more."""
    rows = [
        [
            Cell(load.name if load.member else _("%(name)s (left the office)") % {"name": load.name},
                 title=load.username),
            Cell(load.open, _queue_url("workflow:case_queue", assignee=load.user_id)),
            Cell(load.overdue, _queue_url("workflow:overdue_cases", assignee=load.user_id)),
        ]
        for load in caseload(actor.office, now=now)
    ]
    return Panel("caseload", _("Caseload by person"), [], order=12,
                 table=([_("Member of staff"), _("Open cases"), _("Overdue")], rows),
                 empty=_("Nobody at this office works on cases yet."))


def _referrals_by_mission(actor: Actor, now) -> Panel:
    """HQ's open referrals grouped by the mission that sent them, with how long the oldest has waited."""
    # When the case entered its present status: the newest event that moved it there.
    entered = (CaseEvent.objects.filter(case=OuterRef("pk"), to_status=OuterRef("status"))
               .order_by("-at", "-pk").values("at")[:1])
    groups = (
        queue_cases("referred", actor).annotate(entered=Subquery(entered))
        .values("originating_office__code", "originating_office__name_ja", "originating_office__name_en")
        .annotate(count=Count("pk"), oldest=Min("entered"))
        .order_by("originating_office__code")
    )
    japanese = (get_language() or "").startswith("ja")
    rows = []
    for group in groups:
        code = group["originating_office__code"]
        name = group["originating_office__name_ja" if japanese else "originating_office__name_en"]
        days = max((now - group["oldest"]).days, 0) if group["oldest"] else 0
        rows.append([
            Cell(f"{name} ({code})"),
            Cell(group["count"], _queue_url("workflow:referred_cases", origin=code)),
            Cell(ngettext("%(days)s day", "%(days)s days", days) % {"days": days}),
        ])
    return Panel("referrals", _("Referrals by mission"), [], order=14,
                 table=([_("Mission"), _("Waiting for our answer"), _("Oldest waiting")], rows),
                 empty=_("No referral is waiting for HQ."))
