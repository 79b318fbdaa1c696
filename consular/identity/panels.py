"""Home-page panel of the identity floor: HQ's duplicate reviews waiting for a decision."""

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consular.identity.models import DuplicateReview
from consular.offices.scoping import Actor
from consular.panels import Figure, Panel


def panels(actor: Actor) -> list[Panel]:
    if not actor.sees_all_offices or actor.is_read_only:
        return []
    queue = reverse("identity:review_list")
    waiting = DuplicateReview.objects.pending()
    oldest = waiting.order_by("raised_at").values_list("raised_at", flat=True).first()
    figures = [Figure(_("Duplicate reviews waiting"), waiting.count(), queue, tone="warning" if oldest else "")]
    if oldest is not None:
        days = (timezone.now() - oldest).days
        figures.append(Figure(_("Oldest waiting (days)"), days, queue))
    return [Panel("duplicate_reviews", _("Duplicate persons"), figures, order=30)]
