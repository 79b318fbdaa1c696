"""Home-page panels of the workflow floor: the acting office's open cases, and the worker for administrators."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.offices.models import Role
from consular.offices.scoping import Actor
from consular.panels import Figure, Panel
from consular.workflow.models import Case, WorkerHeartbeat


def panels(actor: Actor) -> list[Panel]:
    found = []
    if actor.handles_cases:
        # One query over this office's open cases (the case_queue index), not the whole table.
        counts = Case.objects.filter(current_office=actor.office, closed_at__isnull=True).aggregate(
            open_cases=Count("pk"),
            my_cases=Count("pk", filter=Q(assignee=actor.user)),
            overdue_cases=Count("pk", filter=Q(due_at__lt=timezone.now())),
        )
        found.append(Panel("cases", _("Cases"), [
            Figure(_("Cases in my office's queue"), counts["open_cases"], reverse("workflow:case_queue")),
            Figure(_("Assigned to me"), counts["my_cases"], reverse("workflow:my_cases")),
            Figure(_("Overdue"), counts["overdue_cases"], reverse("workflow:overdue_cases"),
                   tone="warning" if counts["overdue_cases"] else ""),
        ], order=10))
    if actor.role == Role.ADMINISTRATOR:
        latest = WorkerHeartbeat.objects.order_by("-beat_at").values_list("beat_at", flat=True).first()
        found.append(Panel("worker", _("Background worker"), [
            Figure(_("Worker last seen"), latest, is_time=True, tone="" if latest else "warning"),
        ], order=91))
    return found
