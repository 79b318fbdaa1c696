"""The papers of a visa: the sticker to print, the e-visa grant notice with its seal, the refusal letter, the receipt.

Rendering, language and auditing: `consular.documents.papers`. The refusal letter does not
state the reason (the ministry's practice); the reason code stays on file.
"""

from __future__ import annotations

from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from consular.documents import qr
from consular.documents.papers import (
    applicant_on_paper,
    audit_paper,
    paper_language,
    refuse_language,
    register_papers,
    render_paper,
)
from consular.offices.scoping import acting_actor
from consular.offices.staff import staff_name
from consular.payments.rates import format_money
from visas.models import Status, Visa
from visas.views import issued_visa, visible_application


class Paper(models.TextChoices):
    STICKER = "visa_sticker", gettext_lazy("Visa")
    GRANT_NOTICE = "visa_grant_notice", gettext_lazy("Electronic visa: grant notice")
    REFUSAL = "visa_refusal", gettext_lazy("Notice of refusal of a visa application")
    RECEIPT = "visa_receipt", gettext_lazy("Receipt for the visa fee")


register_papers(Paper.choices)


def _paper(request: HttpRequest, reference: str, paper: str, template: str, facts) -> HttpResponse:
    actor = acting_actor(request)
    application = visible_application(reference)
    language = paper_language(request)
    if language is None:
        return refuse_language()
    context_of = facts(application)  # raises Http404 when this paper does not exist for the application
    case = application.case
    audit_paper(request, actor, case.person, paper, language, case.reference)
    with translation.override(language):
        context = {"case": case, "application": application, "applicant": applicant_on_paper(case.person),
                   "category": application.category.name, **context_of()}
    return render_paper(request, template, context, paper=paper, office=case.originating_office, language=language,
                        back=reverse("visas:application_detail", kwargs={"reference": reference}))


def _visa_facts(visa: Visa) -> dict:
    return {"visa": visa, "entries": visa.get_entries_display(), "mrz": (visa.mrz_line1, visa.mrz_line2)}


@require_GET
def sticker(request: HttpRequest, reference: str) -> HttpResponse:
    """The MRV-A sticker's data and its two MRZ lines, laid out for the sticker printer."""
    def facts(application):
        visa = issued_visa(application)
        if visa.form != Visa.Form.STICKER:
            raise Http404(_("This visa was issued as an e-visa; print its grant notice."))
        return lambda: _visa_facts(visa)

    return _paper(request, reference, Paper.STICKER, "visas/paper_sticker.html", facts)


@require_GET
def grant_notice(request: HttpRequest, reference: str) -> HttpResponse:
    """The e-visa: its data, and the visible digital seal as a QR code and as text, verifiable offline."""
    def facts(application):
        visa = issued_visa(application)
        if visa.form != Visa.Form.EVISA:
            raise Http404(_("This visa was issued as a sticker; print the sticker."))
        seal = bytes(visa.seal)
        return lambda: _visa_facts(visa) | {"qr": qr.qr_svg(seal), "seal_text": qr.payload_text(seal),
                                            "verify_url": request.build_absolute_uri(reverse("verify"))}

    return _paper(request, reference, Paper.GRANT_NOTICE, "visas/paper_grant_notice.html", facts)


@require_GET
def refusal_letter(request: HttpRequest, reference: str) -> HttpResponse:
    def facts(application):
        if application.case.status != Status.REFUSED:
            raise Http404(_("This application was not refused."))
        return lambda: {"decided_at": application.case.closed_at}

    return _paper(request, reference, Paper.REFUSAL, "visas/paper_refusal.html", facts)


@require_GET
def receipt(request: HttpRequest, reference: str) -> HttpResponse:
    def facts(application):
        if not application.is_paid:
            raise Http404(_("This application has no payment yet, so no receipt."))
        return lambda: {
            "receipt_number": application.receipt_number, "paid_at": application.paid_at,
            "amount_paid": format_money(application.paid_amount, application.paid_currency),
            "fee_jpy": format_money(application.fee_jpy, "JPY"),
            "received_by": str(staff_name(application.received_by)),
        }

    return _paper(request, reference, Paper.RECEIPT, "visas/paper_receipt.html", facts)
