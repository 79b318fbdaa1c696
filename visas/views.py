"""Visa pages: the office's queue, intake, the application with its checks, screening hits and decision, the photo."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import get_currency_precision
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from consular.audit.actions import Action, Phrase, record, record_listing
from consular.documents.mrz import CannotWrite
from consular.error_summary import add_errors
from consular.identity.forms import ApplicantSearchForm
from consular.identity.models import Person
from consular.identity.views import find_persons
from consular.offices.models import Office, Role
from consular.offices.scoping import Actor, acting_actor
from consular.paging import BadCursor, keyset_page, page_links
from consular.payments.forms import PaymentForm
from consular.payments.rates import format_money
from consular.versions import StaleVersion
from consular.workflow.actions import TransitionRefused
from consular.workflow.case_pages import Kept, Outcome, Posted, shared_context, shared_post
from consular.workflow.transitions import case_type_of
from visas import actions, screening
from visas.forms import (
    ApplicationForm,
    ApproveForm,
    EndVisaForm,
    InstructForm,
    IssueForm,
    QueueForm,
    ReferForm,
    RefuseForm,
    VerifyItemForm,
)
from visas.models import Status, Visa, VisaApplication
from visas.referral import describe, referral_reasons

QUEUE_LISTING = Phrase(gettext_noop("visa queue"))
PHOTO_CONTENT_TYPES = frozenset({"image/jpeg", "image/png"})
# Steps with their own form on the page (they need more than a note); the rest are the shared step buttons.
OWN_FORMS = frozenset({"refer", "instruct", "approve", "issue", "refuse", "revoke", "cancel"})
# The application's documents, photo and fee can change until the decision (actions.OPEN_FOR_CHECKS).
CHECKS_OPEN = frozenset(actions.OPEN_FOR_CHECKS)
ROW_FIELDS = ("id", "reference", "submitted_at", "due_at", "status", "category__name_en", "category__name_ja",
              "entries", "paid_at", "person_pk", "family_name", "given_names", "nationalities", "group_reference")


# ---------------------------------------------------------------------------------------
# The queue
# ---------------------------------------------------------------------------------------


@require_GET
def application_queue(request: HttpRequest) -> HttpResponse:
    """The visa applications the acting office holds: the officer's decisions at a mission, the referrals at HQ."""
    actor = acting_actor(request)
    form = QueueForm(request.GET or None)
    rows, next_cursor, status = [], "", 200
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        applications = VisaApplication.objects.filter(case__current_office=actor.office).annotate(
            reference=F("case__reference"), submitted_at=F("case__submitted_at"), due_at=F("case__due_at"),
            status=F("case__status"), person_pk=F("case__person_id"), family_name=F("case__person__family_name"),
            given_names=F("case__person__given_names"), nationalities=F("case__person__nationalities"),
        )
        if data.get("status"):
            applications = applications.filter(case__status=data["status"])
        else:
            applications = applications.filter(case__closed_at__isnull=True)
        try:
            rows, next_cursor = keyset_page(applications.values(*ROW_FIELDS), ("submitted_at", "id"),
                                            data.get("after", ""))
        except BadCursor:
            form.add_error(None, _("That page link is not valid any more. Start again from the first page."))
            status = 400
        labels = dict(Status.choices)
        japanese = request.LANGUAGE_CODE.startswith("ja")
        for row in rows:
            row["status_label"] = labels.get(row["status"], row["status"])
            row["category"] = row["category__name_ja"] if japanese else row["category__name_en"]
        record_listing(by=actor, request=request, what=QUEUE_LISTING(), person_ids=(row["person_pk"] for row in rows))
    first_query, next_query = page_links(request.GET, "after", next_cursor)
    context = {
        "form": form, "rows": rows, "first_query": first_query, "next_query": next_query,
        "first_page": not (form.is_bound and form.data.get("after")),
        "may_take_in": actor.handles_cases,
        "at_hq": actor.office.kind == Office.Kind.HQ,
        "statuses": [(Status.UNDER_REVIEW, Status.UNDER_REVIEW.label), (Status.INSTRUCTED, Status.INSTRUCTED.label),
                     (Status.REFERRED, Status.REFERRED.label), (Status.APPROVED, Status.APPROVED.label)],
    }
    response = render(request, "visas/application_queue.html", context, status=status)
    response["Cache-Control"] = "no-store, private"
    return response


# ---------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------


def _intake_page(request, actor: Actor, person: Person, form: ApplicationForm, *, status: int = 200) -> HttpResponse:
    record(by=actor, action=Action.READ, target=person, request=request)
    context = {"person": person, "form": form,
               "photo_not_kept": bool(form.is_bound and form.errors and request.FILES.get("photo"))}
    response = render(request, "visas/application_form.html", context, status=status)
    response["Cache-Control"] = "no-store, private"
    return response


@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    """Step 1 finds the applicant (the shared person search, or ?person=<id>); step 2 takes in the application."""
    actor = acting_actor(request)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors read applications; they do not take them in."))
    persons = Person.objects.select_related("merged_into")  # scoped: another office's person is a 404
    if request.method == "POST" and "find" in request.POST:
        return _applicant_search(request, actor)
    if request.method == "POST":
        posted = request.POST.get("person", "")
        person = get_object_or_404(persons, pk=int(posted)) if posted.isdigit() else None
        if person is None:
            return redirect("visas:application_create")
        form = ApplicationForm(request.POST, request.FILES)
        if form.is_valid():
            application = _submit(actor, person, form)
            if application is not None:
                messages.success(request, _("Application %(reference)s taken in. Fee due: %(fee)s. "
                                            "The applicant is being screened.") % {
                    "reference": application.case.reference,
                    "fee": format_money(application.fee_amount, application.fee_currency)})
                return redirect("visas:application_detail", reference=application.case.reference)
        return _intake_page(request, actor, person, form, status=400)
    chosen = request.GET.get("person", "")
    if chosen.isdigit():
        person = get_object_or_404(persons, pk=int(chosen))
        return _intake_page(request, actor, person, ApplicationForm(initial={"person": person.pk}))
    return _applicant_search(request, actor)


def _submit(actor: Actor, person: Person, form: ApplicationForm) -> VisaApplication | None:
    data = form.cleaned_data
    upload = data["photo"]
    intake = actions.Intake(
        category=data["category"], entries=data["entries"], purpose=data["purpose"], arrival_on=data["arrival_on"],
        stay_days=data["stay_days"], passport_mrz=data["passport_mrz"], passport_issued_on=data["passport_issued_on"],
        coe_number=data["coe_number"], host_name=data["host_name"], host_address=data["host_address"],
        host_relationship=data["host_relationship"], host_phone=data["host_phone"], itinerary=data["itinerary"],
        group_reference=data["group_reference"], photo=upload.read() if upload else None, note=data["note"],
    )
    try:
        return actions.submit_application(by=actor, person=person, intake=intake)
    except ValidationError as error:
        add_errors(form, error)
        return None


def _applicant_search(request: HttpRequest, actor: Actor) -> HttpResponse:
    form = ApplicantSearchForm(request.POST if request.method == "POST" else None)
    results = find_persons(request, actor, form)
    return render(request, "visas/application_search.html", {"form": form, "results": results},
                  status=400 if form.is_bound and not form.is_valid() else 200)


# ---------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------


def visible_application(reference: str) -> VisaApplication:
    # VisaApplication.objects is scoped to the offices that hold or held the case: else 404.
    return get_object_or_404(
        VisaApplication.objects.prefetch_related("checklist_items").select_related(
            "case", "case__person", "case__current_office", "case__originating_office", "case__assignee",
            "category", "passport", "visa",
        ),
        case__reference=reference,
    )


DECISION_FORMS = {
    "refer": ReferForm, "instruct": InstructForm, "approve": ApproveForm, "refuse": RefuseForm,
    "issue": IssueForm, "end": EndVisaForm,
}


@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_actor(request)
    application = visible_application(reference)
    if request.method == "GET":
        return _detail_page(request, actor, application)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors have read-only access."))
    which = request.POST.get("form", "")
    if which == "verify":
        return _verify(request, actor, application)
    if which == "payment":
        return _pay(request, actor, application)
    if which in DECISION_FORMS:
        return _decide(request, actor, application, which)

    def show(outcome: Outcome) -> HttpResponse:
        shown = visible_application(reference) if outcome.refresh else application
        return _detail_page(request, actor, shown, problem=outcome.problem, stale=outcome.stale,
                            status=outcome.status, kept=outcome.kept)

    done = shared_post(request, actor, application.case, show=show)
    if done is not None:
        return done
    return _detail_page(request, actor, application, problem=_("That form is not known on this page."), status=400)


def _run(request, actor: Actor, application: VisaApplication, kept: Posted, write, done: str) -> HttpResponse:
    """One action from a posted form: done → back to the page; refused, invalid or stale → the page with the form."""
    try:
        write()
    except StaleVersion:
        return _detail_page(request, actor, visible_application(application.case.reference), posted=kept,
                            stale=True, status=409)
    except ValidationError as error:
        add_errors(kept.form, error)
        return _detail_page(request, actor, application, posted=kept, status=400)
    except (TransitionRefused, PermissionDenied) as refused:
        reason = getattr(refused, "reason", "") or str(refused)
        return _detail_page(request, actor, application, posted=kept, problem=reason, status=400)
    messages.success(request, done)
    return redirect("visas:application_detail", reference=application.case.reference)


def _verify(request, actor: Actor, application: VisaApplication) -> HttpResponse:
    posted = request.POST.get("item", "")
    item = application.checklist_items.filter(pk=int(posted)).first() if posted.isdigit() else None
    if item is None:
        return _detail_page(request, actor, application, status=400,
                            problem=_("That document is not on this application's checklist."))
    form = VerifyItemForm(request.POST, prefix=f"item-{item.pk}")
    kept = Posted("verify", form, item_pk=item.pk)
    if not form.is_valid():
        return _detail_page(request, actor, application, posted=kept, status=400)
    return _run(request, actor, application, kept,
                lambda: actions.verify_item(item, by=actor, expected_version=form.cleaned_data["version"]),
                _("Verified: %(document)s.") % {"document": item.get_code_display()})


def _payment_form(application: VisaApplication, data=None) -> PaymentForm:
    currency = application.fee_currency
    return PaymentForm(data, currency=currency, places=get_currency_precision(currency), prefix="payment")


def _pay(request, actor: Actor, application: VisaApplication) -> HttpResponse:
    form = _payment_form(application, request.POST)
    kept = Posted("payment", form)
    if not form.is_valid():
        return _detail_page(request, actor, application, posted=kept, status=400)

    def write():
        actions.record_payment(application, by=actor, amount=form.amount_in_minor_units(),
                               currency=application.fee_currency, expected_version=form.cleaned_data["version"])

    return _run(request, actor, application, kept, write, _("Payment recorded."))


def _decide(request, actor: Actor, application: VisaApplication, which: str) -> HttpResponse:
    form = DECISION_FORMS[which](request.POST, prefix=which)
    kept = Posted(which, form)
    if not form.is_valid():
        return _detail_page(request, actor, application, posted=kept, status=400)
    data = form.cleaned_data
    # Referral and instruction write the application (its version); the other steps move the case (its version).
    version = data["version"]
    writes = {
        "refer": (lambda: actions.refer_to_hq(application, by=actor, recommendation=data["recommendation"],
                                              note=data["note"], expected_version=version),
                  _("Referred to HQ with your recommendation.")),
        "instruct": (lambda: actions.instruct(application, by=actor, instruction=data["instruction"],
                                              note=data["note"], expected_version=version),
                     _("Instruction sent; the case is back with the mission.")),
        "approve": (lambda: actions.approve(application, by=actor, expected_version=version, note=data["note"]),
                    _("Approved. Issue the visa next.")),
        "refuse": (lambda: actions.refuse(application, by=actor, reason=data["reason"], note=data["note"],
                                          expected_version=version),
                   _("Refused. Print the refusal letter for the applicant.")),
        "issue": (lambda: actions.issue_visa(application, by=actor, form=data["form"], expected_version=version),
                  _("Visa issued.")),
        "end": (lambda: actions.end_visa(application.visa, by=actor, how=data["how"], note=data["note"],
                                         expected_version=version),
                _("The visa is no longer valid; verification shows it at once.")),
    }
    write, done = writes[which]
    try:
        return _run(request, actor, application, kept, write, done)
    except CannotWrite as cannot:
        return _detail_page(request, actor, application, posted=kept, problem=str(cannot), status=400)


@dataclass
class ChecklistRow:
    item: object
    form: VerifyItemForm | None


def _form(posted: Posted, name: str, form_class, version: int, **initial):
    if posted.name == name:
        return posted.form
    return form_class(prefix=name, initial={"version": version, **initial})


def _detail_page(request, actor: Actor, application: VisaApplication, *, posted: Posted | None = None,
                 problem: str = "", stale: bool = False, status: int = 200, kept: Kept | None = None) -> HttpResponse:
    posted = posted or Posted("")
    case = application.case
    person = case.person
    record(by=actor, action=Action.READ, target=person, request=request)
    case_type = case_type_of(case)
    here = actor.handles_cases and case.current_office_id == actor.office.pk
    may_work = here and case.status in CHECKS_OPEN
    decides = here and actor.role in (Role.OFFICER, Role.SUPERVISOR)
    checklist = []
    for item in application.checklist:
        form = None
        if may_work and not item.verified:
            brought_back = posted.name == "verify" and posted.item_pk == item.pk
            form = posted.form if brought_back else VerifyItemForm(prefix=f"item-{item.pk}",
                                                                    initial={"version": application.version})
        checklist.append(ChecklistRow(item, form))
    payment_form = None
    if may_work and application.fee_amount and not application.is_paid:
        payment_form = posted.form if posted.name == "payment" else _payment_form(application)
    shared = shared_context(actor, case, kept=kept)
    allowed = {option.transition.name: option for option in shared["options"]}
    shared["options"] = [option for option in shared["options"] if option.transition.name not in OWN_FORMS]
    forms = {}
    if decides and case.status == Status.UNDER_REVIEW:
        forms["refer"] = _form(posted, "refer", ReferForm, application.version)
    if here and actor.role == Role.HQ_OFFICER and case.status == Status.REFERRED:
        forms["instruct"] = _form(posted, "instruct", InstructForm, application.version,
                                  instruction=application.recommendation)
    if decides and case.status in (Status.UNDER_REVIEW, Status.INSTRUCTED):
        forms["approve"] = _form(posted, "approve", ApproveForm, case.version)
        forms["refuse"] = _form(posted, "refuse", RefuseForm, case.version)
    if here and case.status == Status.APPROVED:
        forms["issue"] = _form(posted, "issue", IssueForm, case.version)
    visa = getattr(application, "visa", None)
    if here and case.status == Status.ISSUED and actor.role in (Role.OFFICER, Role.SUPERVISOR, Role.HQ_OFFICER):
        forms["end"] = _form(posted, "end", EndVisaForm, case.version)
    blocked = {name: allowed[name].refused_because for name in ("approve", "refer", "refuse", "issue")
               if name in allowed and not allowed[name].allowed}
    context = {
        "application": application,
        "case": case,
        "person": person,
        "status_label": case_type.status_label(case.status),
        "fee_due": format_money(application.fee_amount, application.fee_currency),
        "amount_paid": format_money(application.paid_amount, application.paid_currency)
        if application.is_paid else "",
        "checklist": checklist,
        "payment_form": payment_form,
        "hits": screening.hits(case),
        "blockers": screening.blockers(case),
        "referral_reasons": referral_reasons(application) if case.status in CHECKS_OPEN
        else describe(application.referral_reasons),
        "forms": forms,
        "blocked": blocked,
        "visa": visa,
        "group": VisaApplication.objects.visible_to(actor).filter(group_reference=application.group_reference)
        .exclude(pk=application.pk).select_related("case", "case__person") if application.group_reference else [],
        "posted": posted.name,
        "problem": problem,
        "stale": stale,
        **shared,
    }
    response = render(request, "visas/application_detail.html", context, status=status)
    response["Cache-Control"] = "no-store, private"
    return response


@require_GET
def application_photo(request: HttpRequest, reference: str) -> FileResponse:
    """The stored photo, only for viewers who may see the case; never cached, never sniffed."""
    actor = acting_actor(request)
    application = get_object_or_404(VisaApplication.objects.select_related("case__person"),
                                    case__reference=reference)
    if not application.photo:
        raise Http404(_("This application has no photo."))
    record(by=actor, action=Action.READ, target=application.case.person, request=request,
           changes={"photo": [None, application.case.reference]})
    try:
        handle = application.photo.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("This application has no photo.")) from missing
    content_type = application.photo_content_type
    response = FileResponse(
        handle, content_type=content_type if content_type in PHOTO_CONTENT_TYPES else "application/octet-stream")
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


def issued_visa(application: VisaApplication) -> Visa:
    visa = getattr(application, "visa", None)
    if visa is None:
        raise Http404(_("No visa has been issued on this application."))
    return visa
