"""Home-page panel of the passports domain: what the office's desk, its officers or HQ's production do next.

Each figure counts with the same filter as the page it links to (the office's passport queue
by status, the collection desk, the production queue, the batches by state), so the number
on the card is the number of rows behind the link.
"""

from urllib.parse import urlencode

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from consular.offices.models import Office
from consular.offices.scoping import Actor
from consular.panels import Figure, Panel
from passports import actions
from passports.models import PassportApplication, ProductionBatch, Status
from passports.transitions import DECIDES, INTAKE


def _queue_url(status: str) -> str:
    return f"{reverse('passports:application_queue')}?{urlencode({'status': status})}"


def panels(actor: Actor) -> list[Panel]:
    if actor.role not in INTAKE | DECIDES:
        return []
    held = PassportApplication.objects.held_by(actor.office)
    # One query over the office's applications in the statuses the figures count.
    counted = (Status.SUBMITTED, Status.UNDER_REVIEW, Status.DISPATCHED, Status.READY, Status.IN_PRODUCTION)
    counts = held.aggregate(**{status: Count("pk", filter=Q(case__status=status)) for status in counted})
    desk = reverse("passports:collection_desk")
    at_hq = actor.office.kind == Office.Kind.HQ
    figures = []
    # A decision is what an officer is there for: it comes first. HQ takes in and decides only official
    # and diplomatic passports, rarely: shown there when there is one.
    if actor.role in DECIDES and (counts[Status.UNDER_REVIEW] or not at_hq):
        figures.append(Figure(_("Awaiting a decision"), counts[Status.UNDER_REVIEW], _queue_url(Status.UNDER_REVIEW),
                              tone="warning" if counts[Status.UNDER_REVIEW] else ""))
    if actor.role in INTAKE and (counts[Status.SUBMITTED] or not at_hq):
        figures.append(Figure(_("New applications to check"), counts[Status.SUBMITTED], _queue_url(Status.SUBMITTED)))
    if at_hq:
        figures += [
            Figure(_("Approved, waiting for production"), actions.production_queue().count(),
                   f"{reverse('passports:production_queue')}#queue-heading"),
            Figure(_("In production"), counts[Status.IN_PRODUCTION], _queue_url(Status.IN_PRODUCTION)),
            Figure(_("Printed batches to dispatch"),
                   ProductionBatch.objects.filter(state=ProductionBatch.State.PRINTED).count(),
                   f"{reverse('passports:batch_list')}?{urlencode({'state': ProductionBatch.State.PRINTED})}"),
        ]
    else:
        figures += [
            Figure(_("Passports on their way to us"), counts[Status.DISPATCHED], f"{desk}#dispatched-heading",
                   tone="warning" if counts[Status.DISPATCHED] else ""),
            Figure(_("Ready for collection"), counts[Status.READY], f"{desk}#ready-heading"),
        ]
    return [Panel("passports", _("Passports"), figures, order=20,
                  links=[(_("Passport applications"), reverse("passports:application_queue"))])]
