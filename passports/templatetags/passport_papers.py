"""`{% passport_papers application %}`: links to the papers the clerk can hand over now, for the application page."""

from django import template
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from passports.models import PassportApplication, Status

register = template.Library()


@register.inclusion_tag("passports/includes/papers.html")
def passport_papers(application: PassportApplication) -> dict:
    reference = application.case.reference
    papers = [(_("Acknowledgement of the application"), reverse("passports:acknowledgement", args=[reference]))]
    if application.is_paid:
        papers.append((_("Receipt for the fee"), reverse("passports:receipt", args=[reference])))
    if application.identity_checked_at is not None and application.case.status == Status.ISSUED:
        papers.append((_("Record of collection, to sign"), reverse("passports:handover_record", args=[reference])))
    return {"papers": papers}
