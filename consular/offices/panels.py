"""Home-page panels of the offices floor: the acting office's staff and holidays, the network at HQ."""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consular.offices.models import ApiClient, Holiday, Membership, Office, Role
from consular.offices.scoping import Actor
from consular.panels import Figure, Panel


def panels(actor: Actor) -> list[Panel]:
    office_page = reverse("offices:office_detail", kwargs={"code": actor.office.code})
    found = [
        Panel("office", _("My office"), [
            # Each to its own list on the office page, which shows exactly what the figure counts.
            Figure(_("Staff"), Membership.objects.current().filter(office=actor.office).count(),
                   f"{office_page}#staff-heading"),
            Figure(_("Upcoming holidays"),
                   Holiday.objects.filter(office=actor.office, date__gte=actor.office.local_today()).count(),
                   f"{office_page}#holidays-heading"),
        ], order=80, links=[(_("Staff and holidays"), office_page)]),
    ]
    if actor.sees_all_offices:
        counts = Office.objects.aggregate(offices=Count("pk"), missions=Count("pk", filter=Q(kind=Office.Kind.MISSION)))
        found.append(Panel("network", _("All offices"), [
            Figure(_("Offices"), counts["offices"]), Figure(_("Missions"), counts["missions"]),
        ], order=85))
    if actor.role == Role.ADMINISTRATOR:
        found.append(Panel("system", _("System"), [
            Figure(_("Active API clients"), ApiClient.objects.filter(revoked_at__isnull=True).count()),
        ], order=90))
    return found
