"""The papers a clerk hands to an applicant: fee receipt, acknowledgement of the application, record of
hand-over and acknowledgement of a loss or theft report.

Each is a print-ready A4 page (templates/paper.html) in the language the applicant chooses
(`?lang=`), whatever the clerk's own: the page's controls stay in the clerk's language and the
paper is rendered under `translation.override`. A paper shows personal data, so it is read
through the same scoped fetch as the page it is linked from (another office's is a 404), each
read is audited, and it is never cached.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from consular.audit.actions import Action, describe_change, record
from consular.identity.models import IdentityDocument, Person
from consular.offices.models import Office
from consular.offices.scoping import Actor, acting_actor
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


describe_change("paper", gettext_lazy("paper printed for the applicant"), values=dict(Paper.choices))
describe_change("reference", gettext_lazy("reference on the paper"), model="identity.person")
describe_change("language", gettext_lazy("language of the paper"), values=dict(settings.LANGUAGES))


def _language(request: HttpRequest) -> str | None:
    """The applicant's choice (`?lang=ja|en`), else the clerk's language; None for a language we do not print."""
    wanted = request.GET.get("lang", "") or translation.get_language()
    return wanted if wanted in dict(settings.LANGUAGES) else None


@dataclass(frozen=True)
class LanguageChoice:
    code: str
    name: str  # in that language, as a switch between languages is labelled
    current: bool


def _render(
    request: HttpRequest, template: str, context: dict, *, paper: str, office: Office, language: str, back: str
) -> HttpResponse:
    """The paper in `language` (body) inside the clerk's page (controls), never cached."""
    choices = [
        LanguageChoice(code, translation.get_language_info(code)["name_local"], code == language)
        for code, _name in settings.LANGUAGES
    ]
    with translation.override(language):
        # Dates and the office's name and address in the paper's language, in the office's time zone.
        context = context | {
            "paper_title": str(Paper(paper).label),
            "office_name": office.name,
            "office_address": office.address,
            "now": timezone.now(),
        }
    context |= {
        "paper": paper,
        "paper_language": language,
        "office": office,
        "languages": choices,
        "back": back,
    }
    response = render(request, template, context)
    response["Cache-Control"] = "no-store, private"
    return response


def _refuse_language() -> HttpResponse:
    return HttpResponseBadRequest(_("Papers are printed in Japanese or English."), content_type="text/plain")


def _audit(request: HttpRequest, actor: Actor, person: Person, paper: str, language: str, reference: str) -> None:
    record(
        by=actor,
        action=Action.READ,
        target=person,
        request=request,
        changes={"paper": [None, paper], "reference": [None, reference], "language": [None, language]},
    )


def _applicant(person: Person) -> dict:
    return {
        "name": f"{person.family_name} {person.given_names}".strip(),
        "name_native": f"{person.family_name_native} {person.given_names_native}".strip(),
        "born": person.date_of_birth_display,
    }


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
    language = _language(request)
    if language is None:
        return _refuse_language()
    case = application.case
    office = case.originating_office  # payment is taken where the application was made, before the decision
    _audit(request, actor, case.person, Paper.RECEIPT, language, case.reference)
    with translation.override(language):
        context = {
            "case": case,
            "applicant": _applicant(case.person),
            "application": _application_facts(application),
            "receipt_number": application.receipt_number,
            "paid_at": application.paid_at,
            "amount_paid": format_money(application.paid_amount, application.paid_currency),
            "fee_jpy": format_money(application.fee_jpy, "JPY"),
            "received_by": str(staff_name(application.received_by)),
        }
    return _render(
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
    language = _language(request)
    if language is None:
        return _refuse_language()
    case = application.case
    office = case.originating_office
    _audit(request, actor, case.person, Paper.ACKNOWLEDGEMENT, language, case.reference)
    with translation.override(language):
        checklist = [
            {"label": str(item.get_code_display()), "checked": item.verified}
            for item in application.checklist
            if item.code != ChecklistItem.Code.PHOTO
        ]
        context = {
            "case": case,
            "applicant": _applicant(case.person),
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
    return _render(
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
    language = _language(request)
    if language is None:
        return _refuse_language()
    case = application.case
    office = application.collecting_office
    _audit(request, actor, case.person, Paper.HANDOVER, language, case.reference)
    previous = application.previous_passport
    with translation.override(language):
        context = {
            "case": case,
            "applicant": _applicant(case.person),
            "application": _application_facts(application),
            "passport": passport,
            "handed_over_at": application.identity_checked_at,
            "handed_over_by": str(staff_name(application.identity_checked_by)),
            "identity_shown": application.identity_evidence,
            "previous": previous
            if previous is not None and previous.status == IdentityDocument.Status.CANCELLED
            else None,
        }
    return _render(
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
    language = _language(request)
    if language is None:
        return _refuse_language()
    person = found.document.person
    readable = Person.unscoped.visible_to(actor).filter(pk=person.pk).exists()
    _audit(request, actor, person, Paper.LOSS_REPORT, language, found.reference or str(found.pk))
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
    return _render(
        request,
        "passports/paper_loss_report.html",
        context,
        paper=Paper.LOSS_REPORT,
        office=office,
        language=language,
        back=f"{reverse('passports:loss_report')}?report={found.pk}",
    )
