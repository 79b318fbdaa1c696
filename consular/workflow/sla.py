"""SLA timers: when a case is due in its status, and the periodic job that flags the overdue ones.

The business-day rule (one rule for every case type and office):
- a business day is Monday to Friday, in the timezone of the office holding the case,
  that is not one of that office's `Holiday` rows;
- the day the case enters the status never counts, whatever the hour: the clock starts
  on the next business day (a case received in New York on Friday at 18:00, or on a
  Saturday, has Monday as its first day);
- a target of N business days is due at the end of the Nth business day, office local
  time (23:59:59.999999), stored in UTC.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone, translation
from django.utils.translation import gettext

from consular.offices.models import Holiday, Membership, Office, Role
from consular.workflow.models import Case, SlaBreach
from consular.workflow.transitions import CASE_TYPES, CaseType, case_url

logger = logging.getLogger(__name__)

SATURDAY = 5
# Calendar days of holidays read at once: enough for any real target, re-read if not.
HOLIDAY_WINDOW_DAYS = 62


def due_at(case_type: CaseType, status: str, office: Office, start: datetime) -> datetime | None:
    """When a case entering `status` at `office` at `start` is due; None if the status has no target."""
    days = case_type.sla.get(status)
    if days is None:
        return None
    last_day = add_business_days(office, start.astimezone(office.zone).date(), days)
    return datetime.combine(last_day, time.max, tzinfo=office.zone)


def add_business_days(office: Office, day: date, days: int) -> date:
    """The `days`-th business day of `office` after `day` (which itself never counts)."""
    holidays: set[date] = set()
    window_end = day
    while days > 0:
        day += timedelta(days=1)
        if day > window_end:
            window_end = day + timedelta(days=HOLIDAY_WINDOW_DAYS)
            holidays |= set(
                Holiday.unscoped.filter(office=office, date__gte=day, date__lte=window_end)
                .values_list("date", flat=True)
            )
        if day.weekday() < SATURDAY and day not in holidays:
            days -= 1
    return day


def due_for(case_type: CaseType, status: str, office: Office, *, closes: bool) -> datetime | None:
    """The due time a transition into `status` sets now: none once the case is closed."""
    if closes:
        return None
    return due_at(case_type, status, office, timezone.now())


def overdue_cases(now: datetime):
    """Open cases past their due time in their current status that have no breach row yet."""
    flagged = SlaBreach.objects.filter(case=OuterRef("pk"), status=OuterRef("status"), due_at=OuterRef("due_at"))
    return Case.unscoped.open().filter(due_at__lt=now).exclude(Exists(flagged))


def flag_overdue(now: datetime | None = None) -> int:
    """Record a breach for each newly overdue case and tell its office's supervisors, once per breach.

    Returns how many breaches were notified. The unique (case, status, due) row makes a
    second run, or two runs at once, a no-op; a run whose mail fails rolls back its
    notice marks, so the next run sends them again (at least once, never lost).
    A constant number of queries, however many cases are overdue.
    """
    now = now or timezone.now()
    SlaBreach.objects.bulk_create(
        [
            SlaBreach(case_id=case_id, status=status, due_at=due, detected_at=now)
            for case_id, status, due in overdue_cases(now).values_list("pk", "status", "due_at")
        ],
        ignore_conflicts=True,
    )
    with transaction.atomic():
        # Rows another run is notifying are skipped on PostgreSQL; SQLite runs one writer at a time.
        breaches = list(
            SlaBreach.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(notified_at__isnull=True)
            .select_related("case", "case__current_office")
            .order_by("case__current_office_id", "due_at", "id")
        )
        if not breaches:
            return 0
        by_office: dict[int, list[SlaBreach]] = defaultdict(list)
        for breach in breaches:
            by_office[breach.case.current_office_id].append(breach)
        recipients = supervisor_addresses(by_office)
        for office_breaches in by_office.values():
            office = office_breaches[0].case.current_office
            emails = recipients.get(office.pk)
            if emails:
                _send_notice(office, office_breaches, sorted(emails))
            else:
                logger.warning("SLA breaches at %s but no supervisor to tell", office.code)
        SlaBreach.objects.filter(pk__in=[b.pk for b in breaches]).update(notified_at=timezone.now())
    return len(breaches)


def supervisor_addresses(offices) -> dict[int, set[str]]:
    """{office id: e-mail addresses of its current supervisors with an active account}, in one query.

    Supervisors only, HQ's included: they share out their office's work, so an overdue or newly
    arrived case is theirs to see to. Officers hear of it from them, not from every notice.
    """
    rows = (
        Membership.unscoped.current().filter(office__in=offices, role=Role.SUPERVISOR, user__is_active=True)
        .exclude(user__email="").values_list("office_id", "user__email")
    )
    recipients: dict[int, set[str]] = defaultdict(set)
    for office_id, email in rows:
        recipients[office_id].add(email)
    return recipients


def _send_notice(office: Office, breaches: list[SlaBreach], recipients: list[str]) -> None:
    """One e-mail per office and run, listing its new breaches, in Japanese and English."""
    sections = []
    for language in ("ja", "en"):
        with translation.override(language):
            lines = [
                gettext("These cases at %(office)s are past their due time:") % {"office": office.name}
            ]
            for breach in breaches:
                case_type = CASE_TYPES.get(breach.case.case_type)
                status = case_type.status_label(breach.status) if case_type else breach.status
                lines.append(
                    gettext("%(reference)s — %(status)s, due %(due)s")
                    % {"reference": breach.case.reference, "status": status,
                       "due": f"{breach.due_at.astimezone(office.zone):%Y-%m-%d %H:%M %Z}"}
                )
                # The case's own page: a passport opens on its application page, an enquiry on the case page.
                lines.append(f"  {settings.SITE_URL}{case_url(breach.case.case_type, breach.case.reference)}")
            sections.append("\n".join(lines))
    with translation.override("en"):
        subject = gettext("[consular] Overdue cases at %(office)s") % {"office": office.code}
    send_mail(subject, "\n\n".join(sections), None, recipients)
