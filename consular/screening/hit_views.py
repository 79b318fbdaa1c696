"""Hit pages: a hit with the applicant and the list entry side by side and its adjudication; the clearances queue."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from consular.audit.actions import Action, record
from consular.offices.scoping import Actor, acting_actor
from consular.screening import screening_actions
from consular.screening.hit_forms import AdjudicateForm
from consular.screening.models import ScreeningHit
from consular.screening.screening_actions import ADJUDICATORS, SECOND_PERSONS, AdjudicationRefused
from consular.versions import StaleVersion

Status = ScreeningHit.Status
QUEUE_LIMIT = 200


def _visible_hit(actor: Actor, pk: int) -> ScreeningHit:
    # Scoped through the case: another office's hit is a 404.
    return get_object_or_404(
        ScreeningHit.objects.visible_to(actor).select_related(
            "entry__watchlist", "subject__case__person", "subject__case__current_office"
        ),
        pk=pk,
    )


def _decide(hit: ScreeningHit, actor: Actor, form: AdjudicateForm) -> str:
    data = form.cleaned_data
    decision, version, note = data["decision"], data["version"], data["note"]
    if decision == "confirm":
        screening_actions.confirm_hit(hit, by=actor, note=note, expected_version=version)
        return _("The hit is confirmed.")
    if decision == "clear":
        screening_actions.clear_hit(hit, by=actor, reason=data["reason"], note=note, expected_version=version)
        if hit.status == Status.CLEARANCE_PROPOSED:
            return _("The clearance is proposed: a supervisor or an HQ officer must agree to it.")
        return _("The hit is cleared.")
    if decision == "agree":
        screening_actions.agree_clearance(hit, by=actor, note=note, expected_version=version)
        return _("The hit is cleared.")
    screening_actions.reject_clearance(hit, by=actor, note=note, expected_version=version)
    return _("The clearance is rejected: the hit is open again.")


@require_http_methods(["GET", "POST"])
def hit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_actor(request)
    hit = _visible_hit(actor, pk)
    if request.method != "POST":
        return _page(request, actor, hit)
    if actor.is_read_only or actor.role not in ADJUDICATORS:
        raise PermissionDenied(_("Only officers, supervisors and HQ officers adjudicate screening hits."))
    form = AdjudicateForm(request.POST)
    if not form.is_valid():
        return _page(request, actor, hit, form=form, status=400)
    try:
        said = _decide(hit, actor, form)
    except StaleVersion:
        return _page(
            request,
            actor,
            _visible_hit(actor, pk),
            form=form,
            status=409,
            problem=_(
                "Someone else adjudicated this hit, or screening updated it, while you were reading it. "
                "Nothing was saved: read it again and decide."
            ),
        )
    except AdjudicationRefused as refused:
        return _page(request, actor, hit, form=form, status=403, problem=str(refused))
    except ValidationError as error:
        for field, problems in error.message_dict.items():
            form.add_error(field if field in form.fields else None, problems)
        return _page(request, actor, hit, form=form, status=400)
    messages.success(request, said)
    return redirect("screening_hits:hit_detail", pk=hit.pk)


def _page(request, actor: Actor, hit: ScreeningHit, *, form=None, status: int = 200, problem: str = "") -> HttpResponse:
    case = hit.subject.case
    person = case.person
    record(by=actor, action=Action.READ, target=person, request=request)
    entry = hit.entry
    proposer = screening_actions.proposed_by(hit, actor)
    context = {
        "hit": hit,
        "case": case,
        "person": person,
        "applicant_documents": hit.subject.documents,
        "entry": entry,
        "entry_names": list(entry.names.all()),
        "entry_birth_dates": list(entry.birth_dates.all()),
        "entry_nationalities": list(entry.nationalities.all()),
        "entry_documents": list(entry.documents.all()),
        "entry_places": list(entry.birth_places.all()),
        "applicant_name": f"{person.given_names} {person.family_name}",
        "may_adjudicate": hit.status == Status.OPEN and not actor.is_read_only and actor.role in ADJUDICATORS,
        "may_second": (
            hit.status == Status.CLEARANCE_PROPOSED
            and not actor.is_read_only
            and actor.role in SECOND_PERSONS
            and not proposer
        ),
        "awaits_other": hit.status == Status.CLEARANCE_PROPOSED and proposer,
        "clear_reasons": ScreeningHit.ClearReason.choices,
        "form": form,
        "problem": problem,
    }
    return render(request, "screening/hits/hit_detail.html", context, status=status)


@require_GET
def clearances(request: HttpRequest) -> HttpResponse:
    """Sanctions-list clearances awaiting a second person, oldest first, at the offices the viewer sees."""
    actor = acting_actor(request)
    if actor.role not in SECOND_PERSONS and not actor.is_read_only:
        raise PermissionDenied(_("The clearances queue is for supervisors and HQ officers."))
    hits = list(
        ScreeningHit.objects.visible_to(actor)
        .filter(status=Status.CLEARANCE_PROPOSED)
        .select_related("entry__watchlist", "subject__case__current_office")
        .order_by("proposed_at", "pk")[:QUEUE_LIMIT]
    )
    return render(request, "screening/hits/clearances.html", {"hits": hits, "limit": QUEUE_LIMIT})
