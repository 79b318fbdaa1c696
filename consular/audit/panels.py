"""Home-page panel of the audit floor: what auditors read first."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.audit.models import AuditEntry
from consular.offices.scoping import Actor
from consular.panels import Figure, Panel


def panels(actor: Actor) -> list[Panel]:
    if not actor.is_read_only:
        return []
    log = reverse("audit:entry_list")
    today = AuditEntry.objects.filter(at__date=timezone.localdate()).count()
    return [Panel("audit", _("Audit"), [Figure(_("Audit entries today"), today, log)], order=20,
                  links=[(_("Open the audit log"), log)])]
