"""The papers a clerk hands to an applicant: fee receipt, acknowledgement of the application, record of
hand-over and acknowledgement of a loss or theft report.

How a paper is rendered, in which language, audited and never cached: `consular.documents.papers`.
"""

from __future__ import annotations

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from consular.documents.papers import (
    applicant_on_paper,
    audit_paper,
    paper_language,
    refuse_language,
    register_papers,
    render_paper,
)
from consular.identity.models import IdentityDocument, Person
from consular.offices.scoping import acting_actor
from consular.offices.staff import staff_name
from consular.payments.rates import format_money
from passports import actions
from passports.models import ChecklistItem, LossReport, PassportApplication, Status
from passports.views.applications import _visible_application


class Paper(models.TextChoices):
    """The papers, as the audit log's "paper" change names them, with their titles."""

    RECEIPT = "receipt", gettext_lazy("Receipt for the passport fee")
    ACKNOWLEDGEMENT = "acknowledgement", gettext_lazy("Acknowledgement of a passport application")
    HANDOVER = "handover", gettext_lazy("Record of passport collection")
    LOSS_REPORT = "loss_report", gettext_lazy("Acknowledgement of a report of loss or theft")


register_papers(Paper.choices)


def _application_facts(application: PassportApplication) -> dict:
    return {
        "kind": application.get_kind_display(),
        "replacement_reason": application.get_replacement_reason_display() if application.replacement_reason else "",
        "passport_type": application.get_passport_type_display(),
        "validity_years": application.validity_years,
        "collecting_office": application.collecting_office.name,
    }


@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    """The numbered receipt for the fee, from the page where the payment was recorded."""
    actor = acting_actor(request)
    application = _visible_application(reference)
    if not application.is_paid:
        raise Http404(_("This application has no payment yet, so no receipt."))
    language = paper_language(request)
    if language is None:
        return refuse_language()
    case = application.case
    office = case.originating_office  # payment is taken where the application was made, before the decision
    audit_paper(request, actor, case.person, Paper.RECEIPT, language, case.reference)
    with translation.override(language):
        context = {
            "case": case,
            "applicant": applicant_on_paper(case.person),
            "application": _application_facts(application),
            "receipt_number": application.receipt_number,
            "paid_at": application.paid_at,
            "amount_paid": format_money(application.paid_amount, application.paid_currency),
            "fee_jpy": format_money(application.fee_jpy, "JPY"),
            "received_by": str(staff_name(application.received_by)),
        }
    return render_paper(
        request,
        "passports/paper_receipt.html",
        context,
        paper=Paper.RECEIPT,
        office=office,
        language=language,
        back=reverse("passports:application_detail", kwargs={"reference": reference}),
    )


@require_GET
def acknowledgement(request: HttpRequest, reference: str) -> HttpResponse:
    """What the applicant handed in, the fee and what happens next: from the page where the application was taken in."""
    actor = acting_actor(request)
    application = _visible_application(reference)
    language = paper_language(request)
    if language is None:
        return refuse_language()
    case = application.case
    office = case.originating_office
    audit_paper(request, actor, case.person, Paper.ACKNOWLEDGEMENT, language, case.reference)
    with translation.override(language):
        checklist = [
            {"label": str(item.get_code_display()), "checked": item.verified}
            for item in application.checklist
            if item.code != ChecklistItem.Code.PHOTO
        ]
        context = {
            "case": case,
            "applicant": applicant_on_paper(case.person),
            "application": _application_facts(application),
            "received_at": case.submitted_at,
            "checklist": checklist,
            "photo": bool(application.photo),
            "fee_due": format_money(application.fee_amount, application.fee_currency),
            "paid": application.is_paid,
            "receipt_number": application.receipt_number,
            "lapse_months": actions.UNCOLLECTED_LAPSE_MONTHS,
            "closed": case.closed_at is not None,
            "status_label": str(Status(case.status).label) if case.status in Status.values else case.status,
        }
    return render_paper(
        request,
        "passports/paper_acknowledgement.html",
        context,
        paper=Paper.ACKNOWLEDGEMENT,
        office=office,
        language=language,
        back=reverse("passports:application_detail", kwargs={"reference": reference}),
    )


@require_GET
def handover_record(request: HttpRequest, reference: str) -> HttpResponse:
    """The record of collection, signed at the desk: from the page the clerk lands on after the hand-over."""
    actor = acting_actor(request)
    application = _visible_application(reference)
    passport = application.current_passport
    if application.identity_checked_at is None or passport is None or application.case.status != Status.ISSUED:
        raise Http404(_("This passport has not been handed over."))
    language = paper_language(request)
    if language is None:
        return refuse_language()
    case = application.case
    office = application.collecting_office
    audit_paper(request, actor, case.person, Paper.HANDOVER, language, case.reference)
    previous = application.previous_passport
    with translation.override(language):
        context = {
            "case": case,
            "applicant": applicant_on_paper(case.person),
            "application": _application_facts(application),
            "passport": passport,
            "handed_over_at": application.identity_checked_at,
            "handed_over_by": str(staff_name(application.identity_checked_by)),
            "identity_shown": application.identity_evidence,
            "previous": previous
            if previous is not None and previous.status == IdentityDocument.Status.CANCELLED
            else None,
        }
    return render_paper(
        request,
        "passports/paper_handover.html",
        context,
        paper=Paper.HANDOVER,
        office=office,
        language=language,
        back=reverse("passports:application_detail", kwargs={"reference": reference}),
    )


@require_GET
def loss_acknowledgement(request: HttpRequest, report: int) -> HttpResponse:
    """The holder's proof that the passport was reported and is invalid: from the report's confirmation.

    The report is read through its scoped manager (the reporting office, HQ, auditors). The holder
    may be a person the reporting office may not read: the paper names only what the holder gave
    at the desk (number, family name, date of birth), and the given names only where the office
    may read the person.
    """
    actor = acting_actor(request)
    found = get_object_or_404(LossReport.objects.select_related("document__person", "office"), pk=report)
    language = paper_language(request)
    if language is None:
        return refuse_language()
    person = found.document.person
    readable = Person.unscoped.visible_to(actor).filter(pk=person.pk).exists()
    audit_paper(request, actor, person, Paper.LOSS_REPORT, language, found.reference or str(found.pk))
    office = found.office
    with translation.override(language):
        context = {
            "report": found,
            "reference": found.reference or f"#{found.pk}",
            "kind": found.get_kind_display(),
            "reported_at": found.reported_at,
            "reported_by": str(staff_name(found.reported_by)),
            "holder_name": f"{person.family_name} {person.given_names}".strip() if readable else person.family_name,
            "holder_born": person.date_of_birth_display,
            "number": found.document.number,
        }
    return render_paper(
        request,
        "passports/paper_loss_report.html",
        context,
        paper=Paper.LOSS_REPORT,
        office=office,
        language=language,
        back=f"{reverse('passports:loss_report')}?report={found.pk}",
    )
