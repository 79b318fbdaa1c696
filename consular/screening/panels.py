"""Home-page panel of screening: sanctions-list clearances awaiting a second person (supervisors, HQ, auditors)."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consular.offices.scoping import Actor
from consular.panels import Figure, Panel
from consular.screening.models import ScreeningHit
from consular.screening.screening_actions import SECOND_PERSONS


def panels(actor: Actor) -> list[Panel]:
    if actor.role not in SECOND_PERSONS and not actor.is_read_only:
        return []
    queue = reverse("screening_hits:clearances")
    waiting = ScreeningHit.objects.visible_to(actor).filter(status=ScreeningHit.Status.CLEARANCE_PROPOSED).count()
    return [
        Panel(
            "screening_clearances",
            _("Screening"),
            [Figure(_("Clearances awaiting a second person"), waiting, queue, tone="warning" if waiting else "")],
            order=40,
            links=[(_("Clearances awaiting a second person"), queue)],
        )
    ]
