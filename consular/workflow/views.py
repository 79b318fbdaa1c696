"""Work queues, opening an enquiry, a case with its timeline and transitions, and failed outbox messages."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods

from consular.audit.actions import Action, record, record_listing
from consular.identity.forms import PersonSearchForm
from consular.identity.models import Person
from consular.identity.views import find_persons
from consular.offices.models import Membership, Office
from consular.offices.scoping import Actor, acting_actor
from consular.paging import NEVER_DUE, PAGE_SIZE, BadCursor, keyset_page, page_links
from consular.versions import StaleVersion
from consular.workflow.actions import ASSIGNERS, TransitionRefused, assign_cases, open_case
from consular.workflow.case_pages import (
    Outcome,
    assignee_choices,
    display_name,
    may_retry,
    retry_from,
    shared_context,
    shared_post,
)
from consular.workflow.forms import AssignSelectionForm, OpenEnquiryForm, QueueForm
from consular.workflow.models import Case
from consular.workflow.queues import ANY_OFFICE, OPEN_ONLY, QUEUES, Show, caseload, failed_messages, queue_cases
from consular.workflow.transitions import CASE_TYPES, case_type_of, case_url

ROW_FIELDS = (
    "id", "reference", "case_type", "status", "submitted_at", "due_at", "closed_at", "person_id",
    "person__family_name", "person__given_names", "current_office__code", "originating_office__code",
    "assignee__username", "assignee__first_name", "assignee__last_name", "version",
)


def _labelled(row: dict) -> dict:
    case_type = CASE_TYPES.get(row["case_type"])
    row["case_type_label"] = case_type.label if case_type else row["case_type"]
    row["status_label"] = case_type.status_label(row["status"]) if case_type else row["status"]
    row["url"] = case_url(row["case_type"], row["reference"])
    row["tick"] = f"{row['id']}:{row['version']}"  # what a supervisor's tick names: this case as shown
    full_name = " ".join(part for part in (row["assignee__first_name"], row["assignee__last_name"]) if part)
    row["assignee_name"] = full_name or row["assignee__username"] or ""
    return row


def _office_choices() -> list[tuple[str, str]]:
    # The directory of offices is public reference data: HQ and auditors filter by any of them.
    return [(office.code, f"{office.code} · {office.name}") for office in Office.directory.order_by("kind", "code")]


def _queue_form(request: HttpRequest, actor: Actor, kind: str, people: list[tuple[int, str]]) -> QueueForm:
    return QueueForm(request.GET or None, people=people, open_only=kind in OPEN_ONLY,
                     offices=_office_choices() if actor.sees_all_offices else None)


def _filtered(kind: str, actor: Actor, data: dict):
    """The queue's cases narrowed by the form's filters: plain filters the case indexes serve."""
    held_by = data.get("held_by") or None
    if held_by and held_by != ANY_OFFICE:
        held_by = Office.directory.get(code=held_by)
    # Open cases unless asked otherwise; a chosen status is exact (a closed one shows closed cases).
    show = Show.ALL if data.get("status") else data.get("show") or Show.OPEN
    cases = queue_cases(kind, actor, held_by=held_by, show=show)
    if data.get("status"):
        case_type, _colon, status = data["status"].partition(":")
        cases = cases.filter(case_type=case_type, status=status)
    if data.get("case_type"):
        cases = cases.filter(case_type=data["case_type"])
    if data.get("assignee") == QueueForm.UNASSIGNED:
        cases = cases.filter(assignee__isnull=True)
    elif data.get("assignee"):
        cases = cases.filter(assignee_id=int(data["assignee"]))
    if data.get("origin"):
        cases = cases.filter(originating_office__code=data["origin"])
    return cases


def _queue(request: HttpRequest, kind: str) -> HttpResponse:
    actor = acting_actor(request)
    assigning = actor.role in ASSIGNERS
    # A supervisor sees each person's caseload beside their name; the others filter by name only.
    loads = caseload(actor.office) if assigning else None
    people = assignee_choices(loads) if assigning else []
    assign_form, problem, status = AssignSelectionForm(people=people, prefix="assign"), "", 200
    if request.method == "POST":
        if not assigning:
            raise PermissionDenied(_("Only supervisors assign cases."))
        assign_form = AssignSelectionForm(request.POST, people=people, prefix="assign")
        done, problem, status = _assign_selection(request, actor, assign_form)
        if done is not None:
            return done
    form = _queue_form(request, actor, kind, people=_people_filter(loads))
    rows, next_cursor = [], ""
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        data = form.cleaned_data if form.is_bound else {}
        cases = _filtered(kind, actor, data).annotate(due_key=Coalesce("due_at", Value(NEVER_DUE)))
        ordering = form.ordering() if form.is_bound else QueueForm.SORTS["newest"][1]
        try:
            rows, next_cursor = keyset_page(cases.values(*ROW_FIELDS, "due_key"), ordering, data.get("after", ""))
        except BadCursor:
            form.add_error(None, _("That page link is not valid any more. Start again from the first page."))
            status = 400
        rows = [_labelled(row) for row in rows]
        record_listing(by=actor, request=request, what=f"case queue: {kind}",
                       person_ids=(row["person_id"] for row in rows))
    first_query, next_query = page_links(request.GET, "after", next_cursor)
    ticked = assign_form.data.getlist("assign-cases") if assign_form.is_bound else []
    context = {
        "form": form, "rows": rows, "kind": kind, "title": QUEUES[kind], "queues": QUEUES,
        "first_query": first_query, "next_query": next_query, "page_size": PAGE_SIZE,
        "first_page": not (form.is_bound and form.data.get("after")),
        "assign_form": assign_form if assigning else None, "ticked": set(ticked), "problem": problem,
    }
    return render(request, "workflow/case_list.html", context, status=status)


def _people_filter(loads) -> list[tuple[int, str]]:
    """Whose cases a supervisor can narrow a queue to: the office's caseworkers, and anyone who left the office
    with cases still assigned. Others filter by "nobody yet" only, at no extra query."""
    return sorted(((load.user_id, load.name) for load in loads or ()), key=lambda item: item[1])


def _assign_selection(
    request: HttpRequest, actor: Actor, form: AssignSelectionForm
) -> tuple[HttpResponse | None, str, int]:
    """Assign the ticked cases: a redirect back to the same list, or (None, why not, status) with nothing saved."""
    if not form.is_valid():
        return None, "", 400
    versions = form.cleaned_data["cases"]
    membership = Membership.objects.caseworkers().filter(
        office=actor.office, user_id=form.cleaned_data["assignee"]).select_related("user").first()
    # Case.objects is scoped: a case of another office is simply not among the ones found.
    found = set(Case.objects.filter(pk__in=versions, current_office=actor.office).values_list("pk", flat=True))
    if found != set(versions):
        return None, str(NOT_HERE_ANY_MORE), 409
    try:
        changed = assign_cases(versions, to=membership.user if membership else None, by=actor)
    except StaleVersion:
        return None, str(CHANGED_MEANWHILE), 409
    except TransitionRefused as refused:
        return None, refused.reason, 400
    name = display_name(membership.user)
    messages.success(request, ngettext(
        "%(count)s case assigned to %(name)s.", "%(count)s cases assigned to %(name)s.", changed,
    ) % {"count": changed, "name": name})
    return redirect(request.get_full_path()), "", 302


NOT_HERE_ANY_MORE = gettext_lazy(
    "Some of the ticked cases are no longer held by your office. Nothing was saved: "
    "the list below is as it is now, with your choice kept."
)
CHANGED_MEANWHILE = gettext_lazy(
    "Someone changed some of the ticked cases while you were looking (another assignment or a step). "
    "Nothing was saved: check the list below, as it is now, and assign again; your choice is kept."
)


@require_http_methods(["GET", "POST"])
def case_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request, "queue")


@require_http_methods(["GET", "POST"])
def my_cases(request: HttpRequest) -> HttpResponse:
    return _queue(request, "mine")


@require_http_methods(["GET", "POST"])
def overdue_cases(request: HttpRequest) -> HttpResponse:
    return _queue(request, "overdue")


@require_http_methods(["GET", "POST"])
def referred_cases(request: HttpRequest) -> HttpResponse:
    return _queue(request, "referred")


@require_http_methods(["GET", "POST"])
def answered_cases(request: HttpRequest) -> HttpResponse:
    return _queue(request, "answered")


def enquiry_create(request: HttpRequest) -> HttpResponse:
    """A clerk finds the person with the name-aware search (POSTed), then logs the citizen's question."""
    actor = acting_actor(request)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors read cases; they do not open them."))
    if request.method == "POST" and "find" in request.POST:
        finder = PersonSearchForm(request.POST)
        results = find_persons(request, actor, finder)
        return render(request, "workflow/enquiry_form.html", {"finder": finder, "results": results},
                      status=400 if finder.errors else 200)
    chosen = request.POST.get("person", "") if request.method == "POST" else request.GET.get("person", "")
    if not chosen.isdigit():
        if request.method == "POST":
            return redirect("workflow:enquiry_create")
        return render(request, "workflow/enquiry_form.html", {"finder": PersonSearchForm(), "results": None})
    # Person.objects is scoped: another office's person is a 404, never a form for them.
    person = get_object_or_404(Person.objects.current(), pk=int(chosen))
    form = OpenEnquiryForm(request.POST if request.method == "POST" else None, initial={"person": person.pk})
    if request.method == "POST" and form.is_valid():
        case = open_case("enquiry", person=person, by=actor, note=form.cleaned_data["note"].strip())
        messages.success(request, _("Enquiry %(reference)s opened.") % {"reference": case.reference})
        return redirect("workflow:case_detail", reference=case.reference)
    record(by=actor, action=Action.READ, target=person, request=request)
    return render(request, "workflow/enquiry_form.html", {"form": form, "person": person},
                  status=400 if form.errors else 200)


def _visible_case(reference: str) -> Case:
    # Case.objects is scoped to the acting office (and the offices that held the case): else 404.
    return get_object_or_404(
        Case.objects.select_related("person", "current_office", "originating_office", "assignee"),
        reference=reference,
    )


@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    """The page of a case whose type has no page of its own; a domain's case is sent to its domain's page."""
    actor = acting_actor(request)
    case = _visible_case(reference)
    case_type = case_type_of(case)
    if case_type.page:
        # One page per case: the domain's shows the photo, checklist and fee a decision needs.
        if request.method == "POST":
            messages.error(request, _("This case is worked on its own page, shown here. Nothing was saved."))
        return redirect(case_type.page_url(case.reference))
    if request.method == "POST":
        def show(outcome: Outcome) -> HttpResponse:
            return _detail_page(request, actor, _visible_case(reference) if outcome.refresh else case, outcome)

        done = shared_post(request, actor, case, show=show)
        if done is not None:
            return done
        if actor.is_read_only:
            raise PermissionDenied(_("Auditors have read-only access."))
        return _detail_page(request, actor, case, Outcome(problem=_("That form is not known on this page.")))
    return _detail_page(request, actor, case)


def _detail_page(request: HttpRequest, actor: Actor, case: Case, outcome: Outcome | None = None) -> HttpResponse:
    outcome = outcome or Outcome(status=200)
    record(by=actor, action=Action.READ, target=case.person, request=request)
    case_type = case_type_of(case)
    context = {
        "case": case,
        "case_type": case_type,
        "status_label": case_type.status_label(case.status),
        "person": case.person,
        "problem": outcome.problem,
        "stale": outcome.stale,
        **shared_context(actor, case, kept=outcome.kept),
    }
    return render(request, "workflow/case_detail.html", context, status=outcome.status)


@require_http_methods(["GET", "POST"])
def operations(request: HttpRequest) -> HttpResponse:
    """Failed outbox messages across the cases the viewer may see, with their errors; staff retry them."""
    actor = acting_actor(request)
    visible = failed_messages(actor)
    if request.method == "POST":
        if actor.is_read_only:
            raise PermissionDenied(_("Auditors have read-only access."))
        retry_from(request, actor, visible)
        return redirect("workflow:operations")
    before = request.GET.get("before", "")
    page = visible.filter(pk__lt=int(before)) if before.isdigit() else visible
    rows = list(
        page.order_by("-pk").values("id", "kind", "attempts", "last_error", "created_at", "next_attempt_at",
                                     "case__reference", "case__case_type")[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    for row in rows:
        row["case_url"] = case_url(row["case__case_type"], row["case__reference"]) if row["case__reference"] else ""
    context = {
        "rows": rows, "may_retry": may_retry(actor),
        "next_query": urlencode({"before": rows[-1]["id"]}) if more else "",
        "first_page": not before,
    }
    return render(request, "workflow/operations.html", context)
