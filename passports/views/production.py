"""HQ's production queue and batches, the collection desk and hand-over, the MRZ check and loss reports.

Each view parses its form, fetches through a scoped manager and calls one action in
`passports.actions`; nothing here writes a row itself.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop, ngettext
from django.views.decorators.http import require_http_methods

from consular.accounts.views import reauthentication_required
from consular.audit.actions import Action, Phrase, record, record_listing
from consular.documents import mrz
from consular.identity.models import IdentityDocument
from consular.offices.models import Office, Role
from consular.offices.scoping import Actor, acting_actor
from consular.paging import NEVER_DUE, PAGE_SIZE, BadCursor, keyset_page, page_links
from consular.versions import StaleVersion
from consular.workflow.actions import TransitionRefused
from consular.workflow.models import Case
from passports import actions
from passports.forms.production import (
    NUMBER_SERIES_FIELDS,
    BatchFromOldestForm,
    BatchFromSelectionForm,
    BatchStepForm,
    CancelBatchForm,
    CollectForm,
    CollectionFilterForm,
    LossReportForm,
    MrzCheckForm,
    NumberSeriesForm,
    ReceiveShipmentForm,
)
from passports.models import (
    Kind,
    LossReport,
    NumberSeries,
    Passport,
    PassportApplication,
    PassportType,
    ProductionBatch,
    Status,
)
from passports.views.applications import _visible_application

REFERENCE_PREFIX = "P-"
# What the audit log says each list page showed (stored in English, shown in the reader's language).
PRODUCTION_QUEUE_LISTING = Phrase(gettext_noop("passport production queue"))
BATCH_LISTING = Phrase(gettext_noop("production batch %(reference)s"))
COLLECTION_DESK_LISTING = Phrase(gettext_noop("passport collection desk"))


# ---------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------


# At HQ, officers run production; their supervisors and the auditors read it.
PRODUCTION_READERS = frozenset({Role.HQ_OFFICER, Role.SUPERVISOR, Role.AUDITOR})


def may_read_production(actor: Actor) -> bool:
    """The rule of the production pages, and of the navigation that links them."""
    return actor.sees_all_offices and actor.role in PRODUCTION_READERS


def _production_actor(request: HttpRequest) -> Actor:
    """Production is HQ's: other offices do not see it at all (404); at HQ, officers work and others read."""
    actor = acting_actor(request)
    # The same rule as ProductionBatch.objects, so a page and its batches appear together or not at all.
    if not actor.sees_all_offices:
        raise Http404
    if not may_read_production(actor):
        raise PermissionDenied(_("Passport production is run by HQ officers."))
    return actor


def _may_produce(actor: Actor) -> bool:
    return actor.office.kind == Office.Kind.HQ and actor.role == Role.HQ_OFFICER


def _ensure_producer(actor: Actor) -> None:
    # Readers of production (auditors, HQ supervisors) see the pages; only HQ officers post on them.
    if not _may_produce(actor):
        raise PermissionDenied(_("Passport production is run by HQ officers."))


def _ensure_writer(actor: Actor) -> None:
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors have read-only access."))


def _add_action_errors(form, error: ValidationError, fields: dict[str, str] | None = None) -> None:
    """An action's ValidationError next to the form's fields; anything it names that the form lacks goes on top."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        field = (fields or {}).get(name, name)
        form.add_error(field if field in form.fields else None, errors)


# ---------------------------------------------------------------------------------------
# Production queue
# ---------------------------------------------------------------------------------------

QUEUE_FIELDS = (
    "id",
    "kind",
    "passport_type",
    "validity_years",
    "collecting_office__code",
    "case__reference",
    "case__person_id",
    "case__person__family_name",
    "case__person__given_names",
    "case__updated_at",
    "case__due_at",
)


def _queue_page(after: str) -> tuple[list[dict], str]:
    """One page of the production queue, oldest due first, and the cursor of the next page ("" on the last)."""
    queue = actions.production_queue().annotate(due_key=Coalesce("case__due_at", Value(NEVER_DUE)))
    rows, next_cursor = keyset_page(queue.values(*QUEUE_FIELDS, "due_key"), ("due_key", "id"), after)
    kinds, types = dict(Kind.choices), dict(PassportType.choices)
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
        row["passport_type_label"] = types.get(row["passport_type"], row["passport_type"])
    return rows, next_cursor


@require_http_methods(["GET", "POST"])
def production_queue(request: HttpRequest) -> HttpResponse:
    """Approved applications waiting at HQ; a batch from the ticked ones or the oldest; number series."""
    actor = _production_actor(request)
    selection_form, oldest_form = BatchFromSelectionForm(), BatchFromOldestForm()
    series_form = NumberSeriesForm()
    if request.method == "POST":
        _ensure_producer(actor)
        which = request.POST.get("form", "")
        if which == "selection":
            selection_form = BatchFromSelectionForm(request.POST)
            if selection_form.is_valid():
                ids = selection_form.cleaned_data["applications"]
                done = _create_batch(request, actor, selection_form, application_ids=ids)
                if done is not None:
                    return done
        elif which == "oldest":
            oldest_form = BatchFromOldestForm(request.POST)
            if oldest_form.is_valid():
                done = _create_batch(request, actor, oldest_form, limit=oldest_form.cleaned_data["count"])
                if done is not None:
                    return done
        elif which == "series":
            series_form = NumberSeriesForm(request.POST)
            if series_form.is_valid():
                data = series_form.cleaned_data
                try:
                    series = actions.open_number_series(
                        by=actor, prefix=data["prefix"], first=data["first"], last=data["last"]
                    )
                except ValidationError as error:
                    _add_action_errors(series_form, error, NUMBER_SERIES_FIELDS)
                else:
                    messages.success(request, _("Number series %(series)s opened.") % {"series": series})
                    return redirect("passports:production_queue")
        else:
            return HttpResponse(_("That form is not one of this page's."), status=400, content_type="text/plain")

    after = request.GET.get("after", "")
    status = 200 if request.method == "GET" else 400
    try:
        rows, next_cursor = _queue_page(after)
    except BadCursor:
        rows, next_cursor, status = [], "", 400
        messages.error(request, _("That page link is not valid any more. Start again from the first page."))
    record_listing(
        by=actor, request=request, what=PRODUCTION_QUEUE_LISTING(), person_ids=(row["case__person_id"] for row in rows)
    )
    posted = selection_form.data.getlist("applications") if selection_form.is_bound else []
    context = {
        "rows": rows,
        "next_query": f"after={next_cursor}" if next_cursor else "",
        "first_page": not after,
        "selection_form": selection_form,
        "oldest_form": oldest_form,
        "series_form": series_form,
        "selected": {int(value) for value in posted if value.isdigit()},
        "series": list(NumberSeries.objects.filter(next_number__lte=F("last_number")).order_by("opened_at", "pk")),
        "may_produce": _may_produce(actor),
    }
    return render(request, "passports/production_queue.html", context, status=status)


def _create_batch(request: HttpRequest, actor: Actor, form, **choice) -> HttpResponse | None:
    """The batch, or None with the reason on `form` (nothing waiting, no numbers left): nothing is saved then."""
    try:
        batch = actions.create_batch(by=actor, **choice)
    except ValidationError as error:
        _add_action_errors(form, error)
        return None
    messages.success(
        request,
        ngettext(
            "Batch %(reference)s created with %(size)s passport and sent to the printer.",
            "Batch %(reference)s created with %(size)s passports and sent to the printer.",
            batch.size,
        )
        % {"reference": batch.reference, "size": batch.size},
    )
    wanted = choice.get("application_ids")
    if wanted is not None and batch.size < len(wanted):
        messages.warning(
            request,
            ngettext(
                "%(missing)s of the ticked applications was no longer waiting (another batch took it or it "
                "changed); the batch holds the others.",
                "%(missing)s of the ticked applications were no longer waiting (another batch took them or they "
                "changed); the batch holds the others.",
                len(wanted) - batch.size,
            )
            % {"missing": len(wanted) - batch.size},
        )
    return redirect("passports:batch_detail", reference=batch.reference)


# ---------------------------------------------------------------------------------------
# Batches
# ---------------------------------------------------------------------------------------

BATCH_FIELDS = (
    "id",
    "reference",
    "state",
    "size",
    "created_at",
    "created_by",
    "export_sha256",
    "printed_at",
    "dispatched_at",
)


def batch_list(request: HttpRequest) -> HttpResponse:
    actor = _production_actor(request)
    state = request.GET.get("state", "")
    states = dict(ProductionBatch.State.choices)
    batches = ProductionBatch.objects.all()
    if state in states:
        batches = batches.filter(state=state)
    status = 200
    try:
        rows, next_cursor = keyset_page(batches.values(*BATCH_FIELDS), ("-id",), request.GET.get("after", ""))
    except BadCursor:
        rows, next_cursor, status = [], "", 400
    for row in rows:
        row["state_label"] = states[row["state"]]
    first_query, next_query = page_links(request.GET, "after", next_cursor)
    context = {
        "rows": rows,
        "states": ProductionBatch.State.choices,
        "state": state if state in states else "",
        "next_query": next_query,
        "first_query": first_query,
        "first_page": not request.GET.get("after"),
        "bad_cursor": status == 400,
        "may_produce": _may_produce(actor),
    }
    return render(request, "passports/batch_list.html", context, status=status)


BATCH_STEPS = {
    "printed": (BatchStepForm, actions.mark_batch_printed),
    "dispatch": (BatchStepForm, actions.dispatch_batch),
    "cancel": (CancelBatchForm, actions.cancel_batch),
}


def _visible_batch(reference: str) -> ProductionBatch:
    # ProductionBatch.objects is HQ's and the auditors' only: anyone else gets a 404.
    return get_object_or_404(ProductionBatch.objects, reference=reference)


@require_http_methods(["GET", "POST"])
def batch_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = _production_actor(request)
    batch = _visible_batch(reference)
    if request.method == "GET":
        return _batch_page(request, actor, batch)
    _ensure_producer(actor)
    step = request.POST.get("step", "")
    if step not in BATCH_STEPS:
        return _batch_page(request, actor, batch, problem=_("That step is not one a batch has."), status=400)
    form_class, action = BATCH_STEPS[step]
    form = form_class(request.POST)
    forms = {step: form}
    if not form.is_valid():
        return _batch_page(request, actor, batch, forms=forms, status=400)
    data = form.cleaned_data
    extra = {"reason": data["reason"]} if step == "cancel" else {}
    try:
        action(batch, by=actor, expected_version=data["version"], **extra)
    except StaleVersion:
        # Keep what the user typed and show the batch as it is now: nothing is lost or overwritten.
        return _batch_page(request, actor, _visible_batch(reference), forms=forms, stale=True, status=409)
    except TransitionRefused as refused:
        current = _visible_batch(reference)
        if current.version != data["version"]:
            # The step is refused because someone moved the batch since the page was read: that is the news.
            return _batch_page(request, actor, current, forms=forms, stale=True, status=409)
        return _batch_page(request, actor, current, forms=forms, problem=refused.reason, status=400)
    except ValidationError as error:
        _add_action_errors(form, error)
        return _batch_page(request, actor, _visible_batch(reference), forms=forms, status=400)
    done = {
        "printed": _("Batch %(reference)s is marked printed."),
        "dispatch": _("Batch %(reference)s is dispatched: each passport is on its way to its collecting office."),
        "cancel": _(
            "Batch %(reference)s is cancelled: its passport numbers are void and the applications are back "
            "in the production queue."
        ),
    }
    messages.success(request, done[step] % {"reference": batch.reference})
    return redirect("passports:batch_detail", reference=batch.reference)


PASSPORT_FIELDS = (
    "id",
    "number",
    "application__case__reference",
    "application__case__person_id",
    "application__case__person__family_name",
    "application__case__person__given_names",
    "application__collecting_office__code",
    "document__status",
)


def _batch_page(
    request: HttpRequest,
    actor: Actor,
    batch: ProductionBatch,
    *,
    forms: dict | None = None,
    problem: str = "",
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    passports = list(Passport.objects.filter(batch=batch).order_by("number").values(*PASSPORT_FIELDS))
    document_statuses = dict(IdentityDocument.Status.choices)
    for row in passports:
        row["status_label"] = document_statuses.get(row["document__status"], row["document__status"])
    record_listing(
        by=actor,
        request=request,
        what=BATCH_LISTING(reference=batch.reference),
        person_ids=(row["application__case__person_id"] for row in passports),
    )
    forms = forms or {}
    State = ProductionBatch.State
    may_produce = _may_produce(actor)
    context = {
        "batch": batch,
        "passports": passports,
        "problem": problem,
        "stale": stale,
        "may_print": may_produce and batch.state == State.CREATED,
        "may_dispatch": may_produce and batch.state == State.PRINTED,
        "may_cancel": may_produce and batch.state in (State.CREATED, State.PRINTED),
        "may_export": may_produce and bool(batch.export) and batch.state != State.CANCELLED,
        "printed_form": forms.get("printed") or BatchStepForm(),
        "dispatch_form": forms.get("dispatch") or BatchStepForm(),
        "cancel_form": forms.get("cancel") or CancelBatchForm(),
    }
    return render(request, "passports/batch_detail.html", context, status=status)


def _batch_exporter(view):
    """HQ officers only, checked before re-authentication, so nobody else is even asked for their password."""

    @wraps(view)
    def wrapper(request: HttpRequest, reference: str) -> HttpResponse:
        actor = _production_actor(request)
        if not _may_produce(actor):
            raise PermissionDenied(_("The printer's file is for HQ officers."))
        return view(request, reference)

    return wrapper


@_batch_exporter
@reauthentication_required
def batch_export(request: HttpRequest, reference: str) -> HttpResponse:
    """The printer's file of one batch: personal data for every booklet, so re-authenticated and audited."""
    actor = acting_actor(request)
    batch = _visible_batch(reference)
    if not batch.export or batch.state == ProductionBatch.State.CANCELLED:
        # A cancelled batch's booklets are void: its file must never reach a printer again.
        raise Http404
    record(
        by=actor, action=Action.EXPORT, target=batch, request=request, changes={"sha256": [None, batch.export_sha256]}
    )
    response = FileResponse(
        batch.export.open("rb"), as_attachment=True, filename=f"{batch.reference}.json", content_type="application/json"
    )
    response["Cache-Control"] = "no-store"
    return response


# ---------------------------------------------------------------------------------------
# Collection desk and hand-over
# ---------------------------------------------------------------------------------------

DESK_FIELDS = (
    "id",
    "case_id",
    "case__reference",
    "case__person_id",
    "case__person__family_name",
    "case__person__given_names",
    "case__person__family_name_native",
    "case__person__given_names_native",
    "case__updated_at",
    "passport_number",
)


def _at_the_desk(actor: Actor, status: str):
    """Applications of this office at one step of collection, with the number of their newest booklet."""
    newest_number = Passport.unscoped.filter(application=OuterRef("pk")).order_by("-pk").values("number")[:1]
    return PassportApplication.objects.held_by(actor.office).filter(case__status=status).annotate(
        passport_number=Subquery(newest_number)
    )


def _matching(applications, text: str):
    """A case reference exactly, or every word the start of the family or given names (Latin or native)."""
    text = text.strip()
    if not text:
        return applications
    if text.upper().startswith(REFERENCE_PREFIX):
        return applications.filter(case__reference=text.upper())
    for word in text.split():
        applications = applications.filter(
            Q(case__person__family_name__startswith=word.upper())
            | Q(case__person__given_names__startswith=word.upper())
            | Q(case__person__given_names__contains=f" {word.upper()}")
            | Q(case__person__family_name_native__startswith=word)
            | Q(case__person__given_names_native__startswith=word)
        )
    return applications


def _desk_rows(applications, after: int | None) -> tuple[list[dict], int | None]:
    if after:
        applications = applications.filter(pk__gt=after)
    rows = list(applications.order_by("pk").values(*DESK_FIELDS)[: PAGE_SIZE + 1])
    if len(rows) <= PAGE_SIZE:
        return rows, None
    rows = rows[:PAGE_SIZE]
    return rows, rows[-1]["id"]


STILL_ON_THE_WAY = gettext_lazy(
    "Some of the ticked passports are no longer on their way here: someone may have marked them received "
    "already. Tick the ones still listed below."
)


def _receive(request: HttpRequest, actor: Actor, form: ReceiveShipmentForm) -> tuple[HttpResponse | None, str, int]:
    """Mark the ticked passports received: a redirect, or (None, what went wrong, status) with nothing saved."""
    if not form.is_valid():
        return None, "", 400
    chosen = form.cleaned_data["cases"]
    # Case.objects is scoped; only passports on their way to this office can be received here.
    cases = list(
        Case.objects.filter(pk__in=chosen, status=Status.DISPATCHED, current_office=actor.office).order_by("pk")
    )
    if len(cases) != len(chosen):
        return None, str(STILL_ON_THE_WAY), 409
    try:
        received = actions.receive_shipment(cases, by=actor)
    except StaleVersion:
        return None, str(STILL_ON_THE_WAY), 409
    except TransitionRefused as refused:
        return None, refused.reason, 400
    messages.success(
        request,
        ngettext(
            "%(count)s passport marked received: it is ready for collection.",
            "%(count)s passports marked received: they are ready for collection.",
            received,
        )
        % {"count": received},
    )
    return redirect("passports:collection_desk"), "", 302


@require_http_methods(["GET", "POST"])
def collection_desk(request: HttpRequest) -> HttpResponse:
    """Passports dispatched to the acting office (to mark received) and those ready for collection."""
    actor = acting_actor(request)
    receive_form = ReceiveShipmentForm()
    problem, status = "", 200
    if request.method == "POST":
        _ensure_writer(actor)
        receive_form = ReceiveShipmentForm(request.POST)
        done, problem, status = _receive(request, actor, receive_form)
        if done is not None:
            return done

    filter_form = CollectionFilterForm(request.GET or None)
    data = filter_form.cleaned_data if filter_form.is_valid() else {}
    dispatched, dispatched_next = _desk_rows(_at_the_desk(actor, Status.DISPATCHED), data.get("dispatched_after"))
    ready, ready_next = _desk_rows(
        _matching(_at_the_desk(actor, Status.READY), data.get("q", "")), data.get("ready_after")
    )
    record_listing(
        by=actor,
        request=request,
        what=COLLECTION_DESK_LISTING(),
        person_ids=(row["case__person_id"] for row in (dispatched + ready)),
    )

    def page_query(**cursor) -> str:
        query = request.GET.copy()
        for name, value in cursor.items():
            query.pop(name, None)
            if value:
                query[name] = value
        return query.urlencode()

    posted = receive_form.data.getlist("cases") if receive_form.is_bound else []
    context = {
        "receive_form": receive_form,
        "filter_form": filter_form,
        "dispatched": dispatched,
        "ready": ready,
        "dispatched_next": page_query(dispatched_after=dispatched_next) if dispatched_next else "",
        "ready_next": page_query(ready_after=ready_next) if ready_next else "",
        "selected": {int(value) for value in posted if value.isdigit()},
        "problem": problem,
        "may_receive": not actor.is_read_only,
        "filtered": bool(data.get("q")),
    }
    return render(request, "passports/collection_desk.html", context, status=status)


@require_http_methods(["GET", "POST"])
def collect(request: HttpRequest, reference: str) -> HttpResponse:
    """Hand-over at the desk: the applicant's identity checked against the photo, the new passport handed over."""
    actor = acting_actor(request)
    application = _visible_application(reference)
    if request.method == "GET":
        return _collect_page(request, actor, application, CollectForm())
    _ensure_writer(actor)
    form = CollectForm(request.POST)
    if not form.is_valid():
        return _collect_page(request, actor, application, form, status=400)
    data = form.cleaned_data
    try:
        passport = actions.collect_passport(
            application, by=actor, expected_version=data["version"], identity_evidence=data["identity_evidence"]
        )
    except StaleVersion:
        return _collect_page(request, actor, _visible_application(reference), form, stale=True, status=409)
    except TransitionRefused as refused:
        current = _visible_application(reference)
        if current.case.version != data["version"]:
            return _collect_page(request, actor, current, form, stale=True, status=409)
        return _collect_page(request, actor, current, form, problem=refused.reason, status=400)
    except ValidationError as error:
        _add_action_errors(form, error)
        return _collect_page(request, actor, application, form, status=400)
    person = application.case.person
    messages.success(
        request,
        _("Passport %(number)s handed over to %(name)s.")
        % {"number": passport.number, "name": f"{person.family_name} {person.given_names}".strip()},
    )
    previous = application.previous_passport
    if previous is not None and previous.status == IdentityDocument.Status.CANCELLED:
        messages.info(request, _("The previous passport %(number)s is cancelled.") % {"number": previous.number})
    return redirect("passports:application_detail", reference=application.case.reference)


def _collect_page(
    request: HttpRequest,
    actor: Actor,
    application: PassportApplication,
    form: CollectForm,
    *,
    problem: str = "",
    stale: bool = False,
    status: int = 200,
) -> HttpResponse:
    case = application.case
    record(by=actor, action=Action.READ, target=case.person, request=request)
    passport = application.current_passport
    previous = application.previous_passport
    ready = case.status == Status.READY and passport is not None
    held_here = case.current_office_id == actor.office.pk
    if stale:
        # The form shows the case as it is now; what the clerk typed is kept.
        form = CollectForm(initial={"identity_evidence": form.data.get("identity_evidence", "")})
    context = {
        "application": application,
        "case": case,
        "person": case.person,
        "passport": passport,
        "previous": previous,
        "previous_will_be_cancelled": previous is not None
        and previous.status in (IdentityDocument.Status.VALID, IdentityDocument.Status.EXPIRED),
        "status_label": Status(case.status).label if case.status in Status.values else case.status,
        "ready": ready,
        "held_here": held_here,
        "may_hand_over": ready and held_here and not actor.is_read_only,
        "form": form,
        "problem": problem,
        "stale": stale,
    }
    return render(request, "passports/collection_collect.html", context, status=status)


# ---------------------------------------------------------------------------------------
# MRZ check
# ---------------------------------------------------------------------------------------

# Problems with the text as a whole: shown with the text box, not with a field.
MRZ_WHOLE_TEXT = frozenset({"line_count", "line_length", "characters"})


def _mrz_rows(parsed: mrz.ParsedMrz) -> list[tuple[str, str, str, str]]:
    """(field MrzError names, label, value as read, its check digit) for each row of the result, in MRZ order."""
    born = ""
    if parsed.birth_date is not None:
        born = "-".join("??" if part is None else f"{part:02d}" for part in parsed.birth_date)
    expires = parsed.expiry_date.isoformat() if parsed.expiry_date else ""
    return [
        ("document_code", _("Document code"), parsed.document_code, ""),
        ("issuing_state", _("Issuing state"), parsed.issuing_state, ""),
        ("name", _("Surname"), parsed.surname, ""),
        ("", _("Given names"), parsed.given_names, ""),
        ("number", _("Document number"), parsed.number, parsed.number_check_digit),
        ("nationality", _("Nationality"), parsed.nationality, ""),
        ("birth_date", _("Date of birth"), born, parsed.birth_date_check_digit),
        ("sex", _("Sex"), parsed.sex, ""),
        ("expiry_date", _("Date of expiry"), expires, parsed.expiry_date_check_digit),
        ("optional_data", _("Personal number"), parsed.optional_data, parsed.optional_data_check_digit),
        ("composite", _("Composite check digit"), "", parsed.composite_check_digit),
    ]


def _mrz_result(parsed: mrz.ParsedMrz) -> tuple[list[dict], list[str]]:
    """Each field as read with the problems about it next to it, and the problems no row names."""
    problems: dict[str, list[str]] = {}
    for error in parsed.errors:
        problems.setdefault(error.field, []).append(str(error.message))
    rows = [
        {
            "field": field,
            "label": label,
            "value": value,
            "check_digit": check_digit,
            "problems": problems.pop(field, []) if field else [],
        }
        for field, label, value, check_digit in _mrz_rows(parsed)
    ]
    return rows, [message for messages_of_field in problems.values() for message in messages_of_field]


def _register_check(actor: Actor, parsed: mrz.ParsedMrz, rows: list[dict]):
    """(what the register says, or None, and why it was not asked); the number must read right first."""
    number_row = next(row for row in rows if row["field"] == "number")
    state_row = next(row for row in rows if row["field"] == "issuing_state")
    if not parsed.number or number_row["problems"] or state_row["problems"]:
        # A number whose check digit is wrong may be misread: asking would answer about someone else's passport.
        return None, _("The register was not asked: the issuing state, the number or its check digit is wrong.")
    try:
        return actions.check_in_register(parsed, by=actor), ""
    except actions.TooManyLookups as stopped:
        return None, str(stopped)


@require_http_methods(["GET", "POST"])
def mrz_check(request: HttpRequest) -> HttpResponse:
    """Any member of staff reads an MRZ back field by field, and what the register says of that passport."""
    actor = acting_actor(request)
    form = MrzCheckForm(request.POST if request.method == "POST" else None)
    rows, status = [], 200
    register, not_asked = None, ""
    if form.is_bound and form.is_valid():
        parsed = mrz.parse_td3(form.cleaned_data["mrz"], today=actor.office.local_today())
        whole = [error for error in parsed.errors if error.field in MRZ_WHOLE_TEXT]
        if whole and not parsed.document_code:
            # Not two lines of 44: there are no fields to show, only what is wrong with the text.
            for error in whole:
                form.add_error("mrz", str(error.message))
        else:
            rows, unplaced = _mrz_result(parsed)
            for message in unplaced:
                form.add_error("mrz", message)
            register, not_asked = _register_check(actor, parsed, rows)
    if form.is_bound and not form.is_valid():
        status = 400
    checked = form.is_bound and bool(rows)
    digits_right = checked and not any(row["problems"] for row in rows) and form.is_valid()
    context = {
        "form": form,
        "rows": rows,
        "checked": checked,
        "digits_right": digits_right,
        "register": register,
        "register_not_asked": not_asked,
        # "All correct" only when the check digits are right and the register has the passport as valid.
        "valid": digits_right and register is not None and register.acceptable and not register.differences,
    }
    return render(request, "passports/mrz_check.html", context, status=status)


# ---------------------------------------------------------------------------------------
# Loss and theft
# ---------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def loss_report(request: HttpRequest) -> HttpResponse:
    """A passport reported lost or stolen at any mission is invalid at once; the confirmation names the number."""
    actor = acting_actor(request)
    if request.method == "GET":
        report = None
        report_id = request.GET.get("report", "")
        if report_id.isdigit():
            # LossReport.objects is scoped: an office reads back its own reports (HQ and auditors all).
            report = LossReport.objects.select_related("document", "office").filter(pk=int(report_id)).first()
            if report is None:
                raise Http404
            record(by=actor, action=Action.READ, target=report, request=request)
        return render(
            request,
            "passports/loss_report.html",
            {"form": LossReportForm(), "report": report, "may_report": not actor.is_read_only},
        )
    _ensure_writer(actor)
    form = LossReportForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            document = actions.find_passport_to_report(
                by=actor, number=data["number"], family_name=data["family_name"], date_of_birth=data["date_of_birth"]
            )
        except actions.TooManyLookups as stopped:
            form.add_error(None, str(stopped))
            return render(
                request, "passports/loss_report.html", {"form": form, "report": None, "may_report": True}, status=429
            )
        if document is None:
            form.add_error(
                None,
                _(
                    "No passport matches these details. Check the number, the family name and the "
                    "date of birth against what the holder gives you."
                ),
            )
        else:
            details = actions.LossDetails(
                kind=data["kind"],
                circumstances=data["circumstances"],
                police_reference=data["police_reference"],
                happened_on=data["happened_on"],
            )
            try:
                report = actions.report_loss(document, by=actor, details=details)
            except ValidationError as error:
                _add_action_errors(form, error)
            else:
                return redirect(f"{request.path}?report={report.pk}")
    return render(request, "passports/loss_report.html", {"form": form, "report": None, "may_report": True}, status=400)
