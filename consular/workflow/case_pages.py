"""What every page of one case shares, the generic one and each domain's: who works on it, its next steps,
its failed messages and its history, and the POSTs that act on them.

A domain's page (the passport application page) shows its own facts and forms, includes the
shared parts from templates/workflow/includes/ with `shared_context`, and hands the shared
forms to `shared_post`; so a case has one page with everything on it, and every domain's
page takes, assigns and moves a case the same way.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from consular.offices.models import Membership, Office, Role
from consular.offices.scoping import Actor
from consular.versions import StaleVersion
from consular.workflow.actions import (
    ASSIGNERS,
    TransitionRefused,
    assign_case,
    fire,
    options_for,
    retry_message,
    take_case,
)
from consular.workflow.forms import AssignForm, FireForm, RetryForm
from consular.workflow.models import Case, OutboxMessage
from consular.workflow.queues import Load, caseload
from consular.workflow.transitions import case_type_of

RETRIERS = frozenset({Role.SUPERVISOR, Role.ADMINISTRATOR})
# The `form` value of each shared POST; a domain page's own forms use other names.
SHARED_FORMS = frozenset({"take", "assign", "retry", "transition"})


@dataclass
class Kept:
    """What a refused or stale POST carried, shown again so nothing typed or chosen is lost."""

    transition: str = ""
    note: str = ""
    assignee: int | None = None
    # The posted form (a step's, or the assignment), so that its errors show next to its fields and in the
    # page's error summary.
    fire_form: FireForm | None = None
    assign_form: AssignForm | None = None


@dataclass
class Posted:
    """A domain page's own form a POST brought back (kept on a refusal or a conflict), and which one it was."""

    name: str  # the page's name for it: "verify", "payment" …
    form: object = None  # the bound form, with what the user typed
    item_pk: int | None = None  # the row it was for, on a page with one form per row (a checklist)


@dataclass
class Outcome:
    """Why a POST shows the page again instead of moving on; the page's own view renders it."""

    problem: str = ""
    stale: bool = False  # someone moved the case meanwhile: the page says so and shows it as it is now
    refresh: bool = False  # read the case again before showing it
    status: int = 400
    kept: Kept = field(default_factory=Kept)


def may_retry(actor: Actor) -> bool:
    return actor.role in RETRIERS


def may_assign(actor: Actor, case: Case) -> bool:
    return actor.role in ASSIGNERS and case.current_office_id == actor.office.pk and case.closed_at is None


def assignee_choices(loads: list[Load]) -> list[tuple[int, str]]:
    """The office's caseworkers (from `queues.caseload`), each with their open caseload, to choose among."""
    return [
        (load.user_id, ngettext("%(name)s (%(count)s open case)", "%(name)s (%(count)s open cases)", load.open)
         % {"name": load.name, "count": load.open})
        for load in loads if load.member
    ]


def shared_context(actor: Actor, case: Case, *, kept: Kept | None = None) -> dict:
    """The context workflow/includes/{assignment,next_steps,failed_messages,timeline}.html read."""
    kept = kept or Kept()
    options = options_for(case, actor)
    allowed_names = {option.transition.name for option in options if option.allowed}
    assigning = may_assign(actor, case)
    assign_form = None
    if assigning and kept.assign_form is not None:
        assign_form = kept.assign_form
    elif assigning:
        assign_form = AssignForm(people=assignee_choices(caseload(actor.office)), prefix="assign",
                                 initial={"assignee": kept.assignee or case.assignee_id, "version": case.version})
    return {
        "events": case.timeline(),
        "options": options,
        "kept_transition": kept.transition,
        "kept_note": kept.note,
        "fire_form": kept.fire_form,
        # A note typed for a step that is no longer possible is still shown, so it can be copied.
        "orphan_note": kept.note if kept.note and kept.transition not in allowed_names else "",
        "failed_messages": case.outbox.filter(state=OutboxMessage.State.FAILED).order_by("pk"),
        "may_retry": may_retry(actor),
        "may_take": not actor.is_read_only and actor.user is not None and case.current_office_id == actor.office.pk
        and case.closed_at is None and case.assignee_id != actor.user.pk,
        "assign_form": assign_form,
        "case_page": case_type_of(case).page_url(case.reference),
    }


def shared_post(
    request: HttpRequest, actor: Actor, case: Case, *, show: Callable[[Outcome], HttpResponse]
) -> HttpResponse | None:
    """Take, assign, retry a message or fire a step from a case page; None if the POST is none of these.

    Done, it redirects to the case's page; refused or stale, `show` renders the page again
    with the outcome (the reason, and what the user chose or typed).
    """
    which = request.POST.get("form", "")
    if which not in SHARED_FORMS:
        return None
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors have read-only access."))
    page = case_type_of(case).page_url(case.reference)
    if which == "take":
        return _take(request, actor, case, page, show)
    if which == "assign":
        return _assign(request, actor, case, page, show)
    if which == "retry":
        retry_from(request, actor, OutboxMessage.objects.filter(case=case))
        return redirect(page)
    return _fire(request, actor, case, page, show)


def _version(request: HttpRequest, name: str = "version") -> int:
    posted = request.POST.get(name, "")
    return int(posted) if posted.isdigit() else -1


def display_name(user) -> str:
    """A member of staff as colleagues know them: their name, else their username."""
    return user.get_full_name() or user.get_username()


def _assignee_now(case: Case) -> str:
    current = Case.objects.select_related("assignee").get(pk=case.pk)
    return display_name(current.assignee) if current.assignee else "—"


def _take(request, actor, case, page, show) -> HttpResponse:
    try:
        take_case(case, by=actor, expected_version=_version(request))
    except StaleVersion:
        return show(Outcome(status=409, refresh=True, problem=_(
            "Someone else changed this case while you were looking; it is now assigned to %(name)s. "
            "Take it over only if you agreed that with them."
        ) % {"name": _assignee_now(case)}))
    except TransitionRefused as refused:
        return show(Outcome(problem=refused.reason))
    messages.success(request, _("The case is now assigned to you."))
    return redirect(page)


def _assign(request, actor, case, page, show) -> HttpResponse:
    if not may_assign(actor, case):
        return show(Outcome(problem=_("Only supervisors of the office holding the case assign it."), status=403))
    form = AssignForm(request.POST, people=assignee_choices(caseload(actor.office)), prefix="assign")
    if not form.is_valid():
        # The page's error summary lists the form's errors, each linking to its field.
        return show(Outcome(kept=Kept(assign_form=form)))
    data = form.cleaned_data
    kept = Kept(assignee=data["assignee"])
    membership = _member(actor.office, data["assignee"])
    chosen = membership.user if membership is not None else None
    try:
        assign_case(case, to=chosen, by=actor, expected_version=data["version"])
    except StaleVersion:
        return show(Outcome(status=409, refresh=True, kept=kept, problem=_(
            "Someone else changed this case while you were looking; it is now assigned to %(name)s. "
            "Nothing was saved: your choice is kept below, assign again if it still stands."
        ) % {"name": _assignee_now(case)}))
    except TransitionRefused as refused:
        return show(Outcome(problem=refused.reason, kept=kept))
    messages.success(request, _("The case is now assigned to %(name)s.") % {"name": display_name(chosen)})
    return redirect(page)


def _member(office: Office, user_id: int) -> Membership | None:
    # The form's choices are the office's caseworkers; None only if the membership ended meanwhile.
    return Membership.objects.caseworkers().filter(office=office, user_id=user_id).select_related("user").first()


def _fire(request, actor, case, page, show) -> HttpResponse:
    form = FireForm(request.POST, case_type=case_type_of(case))
    kept = Kept(transition=request.POST.get("transition", ""), note=request.POST.get("note", ""), fire_form=form)
    if not form.is_valid():
        # The page's error summary lists the form's errors, each linking to its field beside the step.
        return show(Outcome(kept=kept))
    data = form.cleaned_data
    kept.note = data["note"]
    try:
        fire(case, data["transition"], by=actor, expected_version=data["version"], note=data["note"])
    except StaleVersion:
        # Keep what the user typed and show the case as it is now: nothing is lost or overwritten.
        return show(Outcome(stale=True, refresh=True, status=409, kept=kept))
    except TransitionRefused as refused:
        return show(Outcome(problem=refused.reason, kept=kept))
    case_type = case_type_of(case)
    transition = case_type.by_name[data["transition"]]
    messages.success(request, _("%(step)s: done. The case is now “%(status)s”.") % {
        "step": transition.label or transition.name, "status": case_type.status_label(case.status)})
    return redirect(page)


def retry_from(request: HttpRequest, actor: Actor, failed_messages) -> None:
    """Send one failed message (chosen among `failed_messages`) round again; the outcome goes to the messages."""
    if not may_retry(actor):
        raise PermissionDenied(_("Only supervisors and administrators retry messages."))
    form = RetryForm(request.POST)
    message = None
    if form.is_valid():
        message = failed_messages.filter(pk=form.cleaned_data["message"], state=OutboxMessage.State.FAILED).first()
    if message is None:
        messages.error(request, _("That message is not waiting for a retry (someone may have retried it already)."))
    else:
        retry_message(message, by=actor)
        messages.success(request, _("Message %(id)s will be sent again.") % {"id": message.pk})
