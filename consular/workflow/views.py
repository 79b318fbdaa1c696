"""Work queues, opening an enquiry, a case with its timeline and transitions, and failed outbox messages."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Exists, OuterRef, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from consular.audit.actions import Action, record, record_listing
from consular.identity.models import Person
from consular.offices.models import Role
from consular.offices.scoping import Actor, acting_actor
from consular.paging import NEVER_DUE, PAGE_SIZE, BadCursor, keyset_page, page_links
from consular.versions import StaleVersion
from consular.workflow.actions import TransitionRefused, fire, open_case, options_for, retry_message, take_case
from consular.workflow.forms import FireForm, OpenEnquiryForm, PersonFilterForm, QueueForm, RetryForm
from consular.workflow.models import Case, OutboxMessage
from consular.workflow.transitions import CASE_TYPES, case_type_of

PERSON_CHOICES = 100
ROW_FIELDS = (
    "id", "reference", "case_type", "status", "submitted_at", "due_at", "closed_at", "person_id",
    "person__family_name", "person__given_names", "current_office__code", "originating_office__code",
    "assignee__username",
)
QUEUES = {
    "queue": gettext_lazy("My office's queue"),
    "mine": gettext_lazy("My cases"),
    "overdue": gettext_lazy("Overdue cases"),
    "referred": gettext_lazy("Referred to us"),
}
RETRIERS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})


def _may_retry(actor: Actor) -> bool:
    return actor.role in RETRIERS


def _queue_cases(kind: str, actor: Actor):
    """The cases of one queue, from the scoped manager (another office's case never appears)."""
    cases = Case.objects.all()
    if kind == "queue":
        return cases.filter(current_office=actor.office)
    if kind == "mine":
        return cases.filter(assignee=actor.user) if actor.user is not None else cases.none()
    if kind == "overdue":
        overdue = cases.open().filter(due_at__lt=timezone.now())
        # HQ and auditors watch deadlines across the network; an office, its own desk.
        return overdue if actor.sees_all_offices else overdue.filter(current_office=actor.office)
    if kind == "referred":
        return cases.filter(current_office=actor.office).exclude(originating_office=actor.office)
    raise ValueError(kind)


def _labelled(row: dict) -> dict:
    case_type = CASE_TYPES.get(row["case_type"])
    row["case_type_label"] = case_type.label if case_type else row["case_type"]
    row["status_label"] = case_type.status_label(row["status"]) if case_type else row["status"]
    return row


def _queue(request: HttpRequest, kind: str) -> HttpResponse:
    actor = acting_actor(request)
    form = QueueForm(request.GET or None)
    rows, next_cursor, status = [], "", 200
    if form.is_bound and not form.is_valid():
        status = 400
    else:
        cases = _queue_cases(kind, actor).annotate(due_key=Coalesce("due_at", Value(NEVER_DUE)))
        data = form.cleaned_data if form.is_bound else {}
        if data.get("status"):
            cases = cases.filter(status=data["status"])
        if data.get("case_type"):
            cases = cases.filter(case_type=data["case_type"])
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
    context = {
        "form": form, "rows": rows, "kind": kind, "title": QUEUES[kind], "queues": QUEUES,
        "first_query": first_query, "next_query": next_query, "page_size": PAGE_SIZE,
        "first_page": not (form.is_bound and form.data.get("after")),
    }
    return render(request, "workflow/case_list.html", context, status=status)


def case_queue(request: HttpRequest) -> HttpResponse:
    return _queue(request, "queue")


def my_cases(request: HttpRequest) -> HttpResponse:
    return _queue(request, "mine")


def overdue_cases(request: HttpRequest) -> HttpResponse:
    return _queue(request, "overdue")


def referred_cases(request: HttpRequest) -> HttpResponse:
    return _queue(request, "referred")


def _person_label(row: dict) -> str:
    born = "-".join(f"{part:02d}" for part in (row["birth_year"], row["birth_month"], row["birth_day"]) if part)
    return f"{row['family_name']} {row['given_names']} ({born}) · #{row['id']}".replace("  ", " ")


def _person_choices(persons) -> list[tuple[int, str]]:
    fields = ("id", "family_name", "given_names", "birth_year", "birth_month", "birth_day")
    return [(row["id"], _person_label(row)) for row in persons.values(*fields)[:PERSON_CHOICES]]


def enquiry_create(request: HttpRequest) -> HttpResponse:
    """A clerk logs a citizen's question against a person the office may see."""
    actor = acting_actor(request)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors read cases; they do not open them."))
    # Person.objects is scoped: the choices never name a person the office may not read.
    visible = Person.objects.current().order_by("family_name", "given_names", "pk")
    search = PersonFilterForm(request.GET or None)
    if request.method == "POST":
        posted = request.POST.get("person", "")
        persons = _person_choices(visible.filter(pk=int(posted))) if posted.isdigit() else []
        form = OpenEnquiryForm(request.POST, persons=persons)
        if form.is_valid():
            person = visible.get(pk=form.cleaned_data["person"])
            case = open_case("enquiry", person=person, by=actor, note=form.cleaned_data["note"].strip())
            messages.success(request, _("Enquiry %(reference)s opened.") % {"reference": case.reference})
            return redirect("workflow:case_detail", reference=case.reference)
    else:
        name = search.cleaned_data["name"].strip().upper() if search.is_valid() else ""
        listed = visible.filter(family_name__startswith=name) if name else visible
        initial = request.GET.get("person", "")
        form = OpenEnquiryForm(persons=_person_choices(listed),
                               initial={"person": int(initial)} if initial.isdigit() else {})
    context = {"form": form, "search": search, "person_limit": PERSON_CHOICES}
    return render(request, "workflow/enquiry_form.html", context, status=400 if form.errors else 200)


def _visible_case(reference: str) -> Case:
    # Case.objects is scoped to the acting office (and the offices that held the case): else 404.
    return get_object_or_404(
        Case.objects.select_related("person", "current_office", "originating_office", "assignee"),
        reference=reference,
    )


@require_http_methods(["GET", "POST"])
def case_detail(request: HttpRequest, reference: str) -> HttpResponse:
    actor = acting_actor(request)
    case = _visible_case(reference)
    if request.method == "POST":
        if actor.is_read_only:
            raise PermissionDenied(_("Auditors have read-only access."))
        if "message" in request.POST:
            return _retry(request, actor, OutboxMessage.objects.filter(case=case),
                          redirect_to=("workflow:case_detail", {"reference": case.reference}))
        if "take" in request.POST:
            return _take(request, actor, case)
        return _fire(request, actor, case)
    return _detail_page(request, actor, case)


def _take(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    version = request.POST.get("version", "")
    try:
        take_case(case, by=actor, expected_version=int(version) if version.isdigit() else -1)
    except StaleVersion:
        current = _visible_case(case.reference)
        return _detail_page(request, actor, current, status=409, problem=_(
            "Someone else changed this case while you were looking; it is now assigned to %(name)s. "
            "Take it over only if you agreed that with them."
        ) % {"name": current.assignee.get_username() if current.assignee else "—"})
    except TransitionRefused as refused:
        return _detail_page(request, actor, case, problem=refused.reason, status=400)
    messages.success(request, _("The case is now assigned to you."))
    return redirect("workflow:case_detail", reference=case.reference)


def _fire(request: HttpRequest, actor: Actor, case: Case) -> HttpResponse:
    form = FireForm(request.POST, case_type=case_type_of(case))
    if not form.is_valid():
        # The page's error summary lists the form's errors, each linking to its field.
        return _detail_page(request, actor, case, fire_form=form, status=400,
                            kept=(request.POST.get("transition", ""), request.POST.get("note", "")))
    data = form.cleaned_data
    try:
        fire(case, data["transition"], by=actor, expected_version=data["version"], note=data["note"])
    except StaleVersion:
        # Keep what the user typed and show the case as it is now: nothing is lost or overwritten.
        return _detail_page(request, actor, _visible_case(case.reference), stale=True, status=409,
                            kept=(data["transition"], data["note"]))
    except TransitionRefused as refused:
        return _detail_page(request, actor, case, problem=refused.reason, status=400,
                            kept=(data["transition"], data["note"]))
    case_type = case_type_of(case)
    transition = case_type.by_name[data["transition"]]
    messages.success(request, _("%(step)s: done. The case is now “%(status)s”.") % {
        "step": transition.label or transition.name, "status": case_type.status_label(case.status)})
    if not Case.objects.filter(pk=case.pk).exists():
        return redirect("workflow:case_queue")
    return redirect("workflow:case_detail", reference=case.reference)


def _detail_page(request: HttpRequest, actor: Actor, case: Case, *, problem: str = "", stale: bool = False,
                 fire_form: FireForm | None = None,
                 kept: tuple[str, str] = ("", ""), status: int = 200) -> HttpResponse:
    record(by=actor, action=Action.READ, target=case.person, request=request)
    case_type = case_type_of(case)
    options = options_for(case, actor)
    kept_transition, kept_note = kept
    allowed_names = {option.transition.name for option in options if option.allowed}
    context = {
        "case": case,
        "case_type": case_type,
        "status_label": case_type.status_label(case.status),
        "person": case.person,
        "events": case.timeline(),
        "options": options,
        "kept_transition": kept_transition,
        "fire_form": fire_form,
        "kept_note": kept_note,
        # A note typed for a step that is no longer possible is still shown, so it can be copied.
        "orphan_note": kept_note if kept_note and kept_transition not in allowed_names else "",
        "problem": problem,
        "stale": stale,
        "failed_messages": case.outbox.filter(state=OutboxMessage.State.FAILED).order_by("pk"),
        "may_retry": _may_retry(actor),
        "may_take": not actor.is_read_only and case.current_office_id == actor.office.pk
        and case.closed_at is None and case.assignee_id != getattr(actor.user, "pk", None),
    }
    return render(request, "workflow/case_detail.html", context, status=status)


def _retry(request: HttpRequest, actor: Actor, messages_queryset, *, redirect_to: tuple[str, dict]) -> HttpResponse:
    if not _may_retry(actor):
        raise PermissionDenied(_("Only supervisors and administrators retry messages."))
    form = RetryForm(request.POST)
    message = None
    if form.is_valid():
        message = messages_queryset.filter(pk=form.cleaned_data["message"], state=OutboxMessage.State.FAILED).first()
    if message is None:
        messages.error(request, _("That message is not waiting for a retry (someone may have retried it already)."))
    else:
        retry_message(message, by=actor)
        messages.success(request, _("Message %(id)s will be sent again.") % {"id": message.pk})
    name, kwargs = redirect_to
    return redirect(name, **kwargs)


def _visible_messages(actor: Actor):
    failed = OutboxMessage.objects.filter(state=OutboxMessage.State.FAILED)
    if actor.sees_all_offices:
        return failed
    # Case.objects is scoped: only messages of cases this office may read, never system-wide ones.
    return failed.filter(Exists(Case.objects.filter(pk=OuterRef("case_id"))))


@require_http_methods(["GET", "POST"])
def operations(request: HttpRequest) -> HttpResponse:
    """Failed outbox messages across the cases the viewer may see, with their errors; staff retry them."""
    actor = acting_actor(request)
    visible = _visible_messages(actor)
    if request.method == "POST":
        if actor.is_read_only:
            raise PermissionDenied(_("Auditors have read-only access."))
        return _retry(request, actor, visible, redirect_to=("workflow:operations", {}))
    before = request.GET.get("before", "")
    page = visible.filter(pk__lt=int(before)) if before.isdigit() else visible
    rows = list(
        page.order_by("-pk").values("id", "kind", "attempts", "last_error", "created_at", "next_attempt_at",
                                     "case__reference")[: PAGE_SIZE + 1]
    )
    more = len(rows) > PAGE_SIZE
    rows = rows[:PAGE_SIZE]
    context = {
        "rows": rows, "may_retry": _may_retry(actor),
        "next_query": urlencode({"before": rows[-1]["id"]}) if more else "",
        "first_page": not before,
    }
    return render(request, "workflow/operations.html", context)
