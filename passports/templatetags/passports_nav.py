"""`{% passports_nav "current" %}`: the passports pages a role uses, on every passports page.

Each link follows the rule of the page it opens (production is HQ's), so nobody is shown a
link that answers "not found" or "forbidden".
"""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from passports.views.production import may_read_production

register = template.Library()


@register.inclusion_tag("passports/nav.html", takes_context=True)
def passports_nav(context, current: str = "") -> dict:
    actor = context.get("actor")
    # Taking in an application starts from the applications page (its first button), not a tab of its own.
    links = [("applications", _("Applications"), reverse("passports:application_queue"))]
    links += [
        ("collection", _("Collection desk"), reverse("passports:collection_desk")),
        ("mrz", _("MRZ check"), reverse("passports:mrz_check")),
        ("lost", _("Report a loss"), reverse("passports:loss_report")),
    ]
    if actor is not None and may_read_production(actor):
        links += [
            ("production", _("Production queue"), reverse("passports:production_queue")),
            ("batches", _("Batches"), reverse("passports:batch_list")),
        ]
    return {"links": links, "current": current}
