"""Passport application pages: the office's queue, intake, the application with its checks and steps, the photo."""

from __future__ import annotations

from dataclasses import dataclass

from babel.numbers import get_currency_precision
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_GET, require_http_methods

from consular.audit.actions import Action, Phrase, record, record_listing
from consular.error_summary import add_errors
from consular.identity.actions import TooManyProbes, check_for_duplicates
from consular.identity.forms import ApplicantSearchForm
from consular.identity.models import IdentityDocument, Person
from consular.identity.names import PartialDate
from consular.identity.views import find_persons
from consular.offices.models import Office
from consular.offices.scoping import Actor, acting_actor
from consular.paging import NEVER_DUE, BadCursor, keyset_page, page_links
from consular.payments.forms import PaymentForm
from consular.payments.rates import NoExchangeRate, format_money, in_local_currency
from consular.versions import StaleVersion
from consular.workflow.actions import SecondOpenCase, TransitionRefused
from consular.workflow.case_pages import Kept, Outcome, Posted, shared_context, shared_post
from consular.workflow.queues import Show
from consular.workflow.transitions import case_type_of
from passports import actions
from passports.forms.applications import ApplicationForm, ApplicationQueueForm, PhotoForm, VerifyItemForm
from passports.models import ChecklistItem, Kind, PassportApplication, PassportType, Status, age_on

ROW_FIELDS = (
    "id",
    "reference",
    "submitted_at",
    "due_at",
    "status",
    "kind",
    "passport_type",
    "validity_years",
    "paid_at",
    "receipt_number",
    "fee_amount",
    "fee_currency",
    "person_pk",
    "family_name",
    "given_names",
)
# Documents can be checked, paid for and re-photographed only before the decision (actions._while_open).
OPEN_STATUSES = frozenset({Status.SUBMITTED, Status.UNDER_REVIEW})
# From here on the application has a booklet: its number, data page and MRZ are shown.
PRODUCED_STATUSES = frozenset(
    {Status.IN_PRODUCTION, Status.DISPATCHED, Status.READY, Status.ISSUED, Status.LAPSED, Status.CANCELLED}
)
QUEUE_LISTING = Phrase(gettext_noop("passport queue"))
PHOTO_CONTENT_TYPES = frozenset({"image/jpeg", "image/png"})
STATUS_LABELS = dict(Status.choices)
KIND_LABELS = dict(Kind.choices)
TYPE_LABELS = dict(PassportType.choices)


def _queue_rows(actor: Actor):
    """The passport applications the acting office holds, as flat rows (PassportApplication.objects is scoped)."""
    return (
        PassportApplication.objects.held_by(actor.office)
        .annotate(
            reference=F("case__reference"),
            submitted_at=F("case__submitted_at"),
            due_at=F("case__due_at"),
            status=F("case__status"),
            person_pk=F("case__person_id"),
            family_name=F("case__person__family_name"),
            given_names=F("case__person__given_names"),
            due_key=Coalesce("case__due_at", Value(NEVER_DUE)),
        )
        .values(*ROW_FIELDS, "due_key")
    )


def _labelled(row: dict) -> dict:
    row["status_label"] = STATUS_LABELS.get(row["status"], row["status"])
    row["kind_label"] = KIND_LABELS.get(row["kind"], row["kind"])
    row["type_label"] = TYPE_LABELS.get(row["passport_type"], row["passport_type"])
    row["fee_due"] = format_money(row["fee_amount"], row["fee_currency"])
    return row


@require_GET
def application_queue(request: HttpRequest) -> HttpResponse:
    """The acting office's passport applications (open ones unless asked), filtered by status and kind, 50 a page."""
    actor = acting_actor(request)
    form = ApplicationQueueForm(request.GET or None)
    rows, next_cursor, status = [], "", 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        applications = _queue_rows(actor)
        data = form.cleaned_data if form.is_bound else {}
        # Open applications unless asked otherwise: what the office still has to do. A chosen status
        # is exact (asking for "issued" shows the issued ones, which are closed).
        show = Show.ALL if data.get("status") else data.get("show") or Show.OPEN
        if show != Show.ALL:
            applications = applications.filter(case__closed_at__isnull=show == Show.OPEN)
        if data.get("status"):
            applications = applications.filter(case__status=data["status"])
        if data.get("kind"):
            applications = applications.filter(kind=data["kind"])
        ordering = form.ordering() if form.is_bound else ApplicationQueueForm.SORTS["newest"][1]
        try:
            rows, next_cursor = keyset_page(applications, ordering, data.get("after", ""))
        except BadCursor:
            form.add_error(None, _("That page link is not valid any more. Start again from the first page."))
            status = 400
        rows = [_labelled(row) for row in rows]
        record_listing(by=actor, request=request, what=QUEUE_LISTING(), person_ids=(row["person_pk"] for row in rows))
    first_query, next_query = page_links(request.GET, "after", next_cursor)
    context = {
        "form": form,
        "rows": rows,
        "first_query": first_query,
        "next_query": next_query,
        "first_page": not (form.is_bound and form.data.get("after")),
        "may_take_in": actor.handles_cases,
    }
    return render(request, "passports/application_queue.html", context, status=status)


# ---------------------------------------------------------------------------------------
# Intake
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeeLine:
    passport_type: str  # its label, in the page's language
    validity_years: int
    amount: str


def _passport_types(actor: Actor) -> list[tuple[str, str]]:
    # Official and diplomatic passports are applied for at HQ only (actions.submit_application says so too).
    if actor.office.kind == Office.Kind.HQ:
        return list(PassportType.choices)
    return [(PassportType.ORDINARY, PassportType.ORDINARY.label)]


def _collecting_offices() -> list[tuple[int | str, str]]:
    # The directory of offices is public reference data: every mission and prefectural office may collect.
    offices = Office.directory.filter(kind__in=[Office.Kind.MISSION, Office.Kind.PREFECTURE]).order_by("kind", "code")
    return [("", _("Choose")), *((office.pk, f"{office.name} ({office.code})") for office in offices)]


def _passport_label(document: IdentityDocument) -> str:
    return _("%(number)s (%(state)s, issued %(issued)s, expires %(expires)s, %(status)s)") % {
        "number": document.number,
        "state": document.issuing_state,
        "issued": document.issued_on.isoformat(),
        "expires": document.expires_on.isoformat() if document.expires_on else "—",
        "status": document.get_status_display(),
    }


def _previous_passports(person: Person) -> list[tuple[int, str]]:
    # person.documents reads through the scoped manager: the person is visible, so are their documents.
    passports = person.documents.filter(kind=IdentityDocument.Kind.PASSPORT).order_by("-issued_on", "-pk")
    return [(document.pk, _passport_label(document)) for document in passports]


def _application_form(actor: Actor, person: Person, data=None, files=None) -> ApplicationForm:
    offices = _collecting_offices()
    own_office = actor.office.pk if any(pk == actor.office.pk for pk, _label in offices) else None
    return ApplicationForm(
        data,
        files,
        passport_types=_passport_types(actor),
        previous_passports=_previous_passports(person),
        collecting_offices=offices,
        initial={"person": person.pk, "passport_type": PassportType.ORDINARY, "collecting_office": own_office},
    )


def _fee_lines(actor: Actor, person: Person) -> list[FeeLine]:
    """What the applicant would pay today for each passport the office takes in, at HQ's schedule and rate."""
    today = actor.office.local_today()
    age = age_on((person.birth_year, person.birth_month, person.birth_day), today)
    if age is None:
        return []
    currency = actor.office.currency or "JPY"
    lines = []
    for passport_type, label in _passport_types(actor):
        for validity in (10, 5):
            try:
                amount = in_local_currency(
                    actions.fee_in_yen(passport_type, validity, age, today), currency, today
                )
            except (actions.FeeNotSet, NoExchangeRate):
                continue  # not offered at this age (10 years from 18), or no rate set: the form says why on submit
            lines.append(FeeLine(str(label), validity, format_money(amount, currency)))
    return lines


def _other_records(actor: Actor, person: Person, request: HttpRequest) -> list:
    """Records the office may read that may be the same human as the chosen person (the check is audited).

    Possible duplicates at offices it may not read are not shown in any form (HQ reviews those).
    """
    try:
        check = check_for_duplicates(
            by=actor,
            family_name=person.family_name,
            given_names=person.given_names,
            family_name_reading=person.family_name_reading,
            given_names_reading=person.given_names_reading,
            date_of_birth=PartialDate(person.birth_year, person.birth_month, person.birth_day),
            nationality=(person.nationalities or [""])[0],
            request=request,
        )
    except TooManyProbes:
        return []  # the intake goes on; the clerk's checks are paused, which person pages say
    return [duplicate for duplicate in check.visible if duplicate.person.pk != person.pk]


def _intake_page(
    request: HttpRequest,
    actor: Actor,
    person: Person,
    form: ApplicationForm,
    *,
    second_open: SecondOpenCase | None = None,
    status: int = 200,
) -> HttpResponse:
    record(by=actor, action=Action.READ, target=person, request=request)
    context = {
        # The open application that refused this one, and (for a supervisor) the reason field to go ahead.
        "second_open": second_open,
        "open_application": second_open.existing if second_open and second_open.visible_to(actor) else None,
        "person": person,
        "form": form,
        "duplicates": _other_records(actor, person, request),
        "fee_lines": _fee_lines(actor, person),
        # A chosen file is never sent back to the browser: say so when the form comes back with errors.
        "photo_not_kept": bool(form.is_bound and form.errors and request.FILES.get("photo")),
    }
    return render(request, "passports/application_form.html", context, status=status)


@require_http_methods(["GET", "POST"])
def application_create(request: HttpRequest) -> HttpResponse:
    """Step 1 finds the applicant (ranked search, or ?person=<id>); step 2 takes in the application."""
    actor = acting_actor(request)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors read applications; they do not take them in."))
    # Person.objects is scoped: another office's person is a 404, never a form for them.
    persons = Person.objects.select_related("merged_into")
    if request.method == "POST" and "find" in request.POST:
        return _applicant_search(request, actor)
    if request.method == "POST":
        posted = request.POST.get("person", "")
        person = get_object_or_404(persons, pk=int(posted)) if posted.isdigit() else None
        if person is None:
            return redirect("passports:application_create")
        form = _application_form(actor, person, request.POST, request.FILES)
        second_open = None
        if form.is_valid():
            try:
                application = _submit(actor, person, form)
            except SecondOpenCase as refused:
                second_open, application = refused, None
                if refused.may_confirm:
                    # A supervisor may go ahead: the reason is now asked for, and the error sits next to it.
                    form.fields["second_application_reason"].required = True
                    form.add_error("second_application_reason", refused.explanation(actor))
                else:
                    form.add_error(None, refused.explanation(actor))
            if application is not None:
                messages.success(
                    request,
                    _("Application %(reference)s taken in. Fee due: %(fee)s.")
                    % {
                        "reference": application.case.reference,
                        "fee": format_money(application.fee_amount, application.fee_currency),
                    },
                )
                return redirect("passports:application_detail", reference=application.case.reference)
        return _intake_page(
            request, actor, person, form, second_open=second_open, status=409 if second_open else 400
        )
    chosen = request.GET.get("person", "")
    if chosen.isdigit():
        person = get_object_or_404(persons, pk=int(chosen))
        return _intake_page(request, actor, person, _application_form(actor, person))
    return _applicant_search(request, actor)


def _submit(actor: Actor, person: Person, form: ApplicationForm) -> PassportApplication | None:
    """The one action; its ValidationError lands on the form and nothing is saved (SecondOpenCase is the caller's)."""
    data = form.cleaned_data
    previous = None
    if data["previous_passport"] is not None:
        # The choices are the applicant's own passports, read through the scoped manager.
        previous = person.documents.filter(pk=data["previous_passport"]).first()
    upload = data["photo"]
    try:
        return actions.submit_application(
            by=actor,
            person=person,
            kind=data["kind"],
            passport_type=data["passport_type"],
            validity_years=data["validity_years"],
            replacement_reason=data["replacement_reason"],
            previous_passport=previous,
            collecting_office=Office.directory.get(pk=data["collecting_office"]),
            photo=upload.read() if upload else None,
            note=data["note"],
            second_application_reason=data["second_application_reason"],
        )
    except ValidationError as error:
        add_errors(form, error)
        return None


def _applicant_search(request: HttpRequest, actor: Actor) -> HttpResponse:
    """Step 1: the shared, POSTed person search, each result with "Apply for this person"."""
    form = ApplicantSearchForm(request.POST if request.method == "POST" else None)
    results = find_persons(request, actor, form)
    return render(
        request,
        "passports/application_search.html",
        {"form": form, "results": results},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


# ---------------------------------------------------------------------------------------
# The application
# ---------------------------------------------------------------------------------------


def _visible_application(reference: str) -> PassportApplication:
    # PassportApplication.objects is scoped to the offices that hold or held the case: else 404.
    return get_object_or_404(
        # The checklist is read by the page and by the approval guards: fetched once for both.
        PassportApplication.objects.prefetch_related("checklist_items").select_related(
            "case",
            "case__person",
            "case__current_office",
            "case__originating_office",
            "case__assignee",
            "collecting_office",
            "previous_passport",
            "batch",
        ),
        case__reference=reference,
    )


@require_http_methods(["GET", "POST"])
def application_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_actor(request)
    application = _visible_application(reference)
    if request.method == "GET":
        return _detail_page(request, actor, application)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors have read-only access."))
    which = request.POST.get("form", "")
    if which == "verify":
        return _verify(request, actor, application)
    if which == "payment":
        return _pay(request, actor, application)
    if which == "photo":
        return _replace_photo(request, actor, application)

    def show(outcome: Outcome) -> HttpResponse:
        shown = _visible_application(reference) if outcome.refresh else application
        return _detail_page(request, actor, shown, problem=outcome.problem, stale=outcome.stale,
                            status=outcome.status, kept=outcome.kept)

    # Taking, assigning, retrying and the steps themselves: the same on every case's page.
    done = shared_post(request, actor, application.case, show=show)
    if done is not None:
        return done
    return _detail_page(request, actor, application, problem=_("That form is not known on this page."), status=400)


def _verify(request: HttpRequest, actor: Actor, application: PassportApplication) -> HttpResponse:
    posted = request.POST.get("item", "")
    item = application.checklist_items.filter(pk=int(posted)).first() if posted.isdigit() else None
    if item is None:
        return _detail_page(
            request, actor, application, status=400, problem=_("That document is not on this application's checklist.")
        )
    form = VerifyItemForm(request.POST, prefix=f"item-{item.pk}")
    kept = Posted("verify", form, item_pk=item.pk)
    if not form.is_valid():
        return _detail_page(request, actor, application, posted=kept, status=400)
    try:
        actions.verify_item(
            item,
            by=actor,
            expected_version=form.cleaned_data["version"],
            document_dated=form.cleaned_data["document_dated"],
        )
    except StaleVersion:
        return _conflict(request, actor, application, kept)
    except ValidationError as error:
        add_errors(form, error)
        return _detail_page(request, actor, application, posted=kept, status=400)
    except TransitionRefused as refused:
        return _detail_page(request, actor, application, posted=kept, problem=refused.reason, status=400)
    messages.success(request, _("Verified: %(document)s.") % {"document": item.get_code_display()})
    return redirect("passports:application_detail", reference=application.case.reference)


def _payment_form(application: PassportApplication, data=None) -> PaymentForm:
    currency = application.fee_currency
    return PaymentForm(data, currency=currency, places=get_currency_precision(currency), prefix="payment")


def _pay(request: HttpRequest, actor: Actor, application: PassportApplication) -> HttpResponse:
    form = _payment_form(application, request.POST)
    kept = Posted("payment", form)
    if not form.is_valid():
        return _detail_page(request, actor, application, posted=kept, status=400)
    try:
        actions.record_payment(
            application,
            by=actor,
            amount=form.amount_in_minor_units(),
            currency=application.fee_currency,
            expected_version=form.cleaned_data["version"],
        )
    except StaleVersion:
        return _conflict(request, actor, application, kept)
    except ValidationError as error:
        add_errors(form, error)
        return _detail_page(request, actor, application, posted=kept, status=400)
    except TransitionRefused as refused:
        return _detail_page(request, actor, application, posted=kept, problem=refused.reason, status=400)
    messages.success(request, _("Payment recorded. Receipt %(receipt)s.") % {"receipt": application.receipt_number})
    return redirect("passports:application_detail", reference=application.case.reference)


def _replace_photo(request: HttpRequest, actor: Actor, application: PassportApplication) -> HttpResponse:
    form = PhotoForm(request.POST, request.FILES, prefix="photo")
    kept = Posted("photo", form)
    if not form.is_valid():
        return _detail_page(request, actor, application, posted=kept, status=400)
    try:
        actions.attach_photo(
            application,
            by=actor,
            photo=form.cleaned_data["photo"].read(),
            expected_version=form.cleaned_data["version"],
        )
    except StaleVersion:
        return _conflict(request, actor, application, kept)
    except ValidationError as error:
        add_errors(form, error)
        return _detail_page(request, actor, application, posted=kept, status=400)
    except TransitionRefused as refused:
        return _detail_page(request, actor, application, posted=kept, problem=refused.reason, status=400)
    messages.success(request, _("Photo replaced. Check it against the applicant again."))
    return redirect("passports:application_detail", reference=application.case.reference)


def _conflict(request: HttpRequest, actor: Actor, application: PassportApplication, kept: Posted) -> HttpResponse:
    """Someone changed the application first: show it as it is now, with what this user typed, as a 409."""
    return _detail_page(
        request, actor, _visible_application(application.case.reference), posted=kept, stale=True, status=409
    )


@dataclass
class ChecklistRow:
    item: ChecklistItem
    form: VerifyItemForm | None
    needs_date: bool


def _detail_page(
    request: HttpRequest,
    actor: Actor,
    application: PassportApplication,
    *,
    posted: Posted | None = None,
    problem: str = "",
    stale: bool = False,
    status: int = 200,
    kept: Kept | None = None,
) -> HttpResponse:
    posted = posted or Posted("")
    case = application.case
    person = case.person
    record(by=actor, action=Action.READ, target=person, request=request)
    case_type = case_type_of(case)
    # Checks, payment and photo belong to the office holding the case, until the decision.
    may_work = actor.handles_cases and case.current_office_id == actor.office.pk and case.status in OPEN_STATUSES
    checklist = []
    for item in application.checklist:
        form = None
        if may_work and not item.verified:
            brought_back = posted.name == "verify" and posted.item_pk == item.pk
            form = posted.form if brought_back else VerifyItemForm(prefix=f"item-{item.pk}")
        checklist.append(ChecklistRow(item, form, item.code == ChecklistItem.Code.FAMILY_REGISTER))
    payment_form = photo_form = None
    if may_work and not application.is_paid:
        payment_form = posted.form if posted.name == "payment" else _payment_form(application)
    if may_work:
        photo_form = posted.form if posted.name == "photo" else PhotoForm(prefix="photo")
    passport = application.current_passport if case.status in PRODUCED_STATUSES else None
    context = {
        "application": application,
        "case": case,
        "person": person,
        "status_label": case_type.status_label(case.status),
        "fee_due": format_money(application.fee_amount, application.fee_currency),
        "amount_paid": format_money(application.paid_amount, application.paid_currency)
        if application.is_paid
        else "",
        "checklist": checklist,
        "payment_form": payment_form,
        "photo_form": photo_form,
        "photo_not_kept": posted.name == "photo" and bool(request.FILES.get("photo-photo")),
        "posted": posted.name,
        "problem": problem,
        "stale": stale,
        "passport": passport,
        # Who works on it, the next steps, failed messages and the timeline: as on every case's page.
        **shared_context(actor, case, kept=kept),
    }
    return render(request, "passports/application_detail.html", context, status=status)


@require_GET
def application_photo(request: HttpRequest, reference: str) -> FileResponse:
    """The stored photo, only for viewers who may see the case; never cached, never sniffed."""
    actor = acting_actor(request)
    application = get_object_or_404(
        PassportApplication.objects.select_related("case__person"), case__reference=reference
    )
    if not application.photo:
        raise Http404(_("This application has no photo."))
    # A face is personal data in its own right: each fetch is a read of the person, whoever scripts it.
    record(by=actor, action=Action.READ, target=application.case.person, request=request,
           changes={"photo": [None, application.case.reference]})
    try:
        handle = application.photo.open("rb")
    except FileNotFoundError as missing:
        raise Http404(_("This application has no photo.")) from missing
    content_type = application.photo_content_type
    response = FileResponse(
        handle, content_type=content_type if content_type in PHOTO_CONTENT_TYPES else "application/octet-stream"
    )
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response
