"""Person pages: search, create (duplicates first), detail, edit, documents, merge."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, gettext_noop
from django.views.decorators.http import require_http_methods

from consular.accounts.views import reauthentication_required, recently_reauthenticated
from consular.audit.actions import Action, Phrase, record, record_listing
from consular.error_summary import add_errors
from consular.identity import actions
from consular.identity.forms import (
    DocumentForm,
    MergeForm,
    PersonEditForm,
    PersonForm,
    PersonSearchForm,
    ReviewDecisionForm,
)
from consular.identity.models import DuplicateReview, Person
from consular.identity.search import PERSON_SEARCH, search_persons
from consular.offices.models import Role
from consular.offices.scoping import Actor, acting_actor
from consular.versions import StaleVersion


def record_person_read(actor: Actor, person: Person, request: HttpRequest) -> None:
    """Reads of personal data are audited (DESIGN, Access): one entry per person shown in full."""
    record(by=actor, action=Action.READ, target=person, request=request)


def find_persons(request: HttpRequest, actor: Actor, form) -> list | None:
    """Run a person search form (q, date_of_birth, optionally nationality) POSTed by a page; None if not searched.

    Every page that looks a person up goes through here: the search is audited as one read
    (who looked for whom, and which records the list showed), and it is never a GET, so a
    name or a date of birth never lands in a URL, an access log or the browser's history.
    """
    if not form.is_bound or not form.is_valid():
        return None
    data = form.cleaned_data
    results = search_persons(
        actor=actor, q=data["q"], date_of_birth=data["date_of_birth"], nationality=data.get("nationality", "")
    )
    record(
        by=actor,
        action=Action.READ,
        request=request,
        object_repr=PERSON_SEARCH(),
        changes={"query": data["q"], "persons": " ".join(str(r.person.pk) for r in results)},
    )
    return results


@require_http_methods(["GET", "POST"])
def person_search(request: HttpRequest) -> HttpResponse:
    actor = acting_actor(request)
    form = PersonSearchForm(request.POST if request.method == "POST" else None)
    results = find_persons(request, actor, form)
    return render(
        request,
        "identity/person_search.html",
        {"form": form, "results": results},
        status=400 if form.is_bound and not form.is_valid() else 200,
    )


def _next_page(request: HttpRequest) -> str:
    """Where a clerk came from to record a person (e.g. passport intake), if it is a path on this site."""
    then = request.GET.get("next", "")
    if then.startswith("/") and url_has_allowed_host_and_scheme(then, allowed_hosts={request.get_host()}):
        return then.split("?")[0]
    return ""


def person_create(request: HttpRequest) -> HttpResponse:
    """First submit shows likely duplicates the office may read; the clerk opens one of them or confirms a new record.

    Possible duplicates at offices this one may not read are never shown in any form: they go
    to HQ's review queue with the new record, and the clerk is told only that a review is pending.
    """
    actor = acting_actor(request)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors read personal data; they do not change it."))
    form = PersonForm(request.POST or None)
    duplicates = None
    status = 200
    then = _next_page(request)
    if request.method == "POST" and form.is_valid():
        try:
            recorded = actions.record_new_person(
                by=actor, fields=form.person_fields(), confirm_new=form.cleaned_data["confirm_new"], request=request
            )
        except actions.TooManyProbes as stopped:
            form.add_error(None, stopped.message)
            status = 429
        except ValidationError as error:
            add_errors(form, error)
        else:
            if recorded.person is None:
                duplicates = recorded.duplicates
            else:
                messages.success(request, _("Person recorded."))
                if recorded.review_pending:
                    messages.info(request, PENDING_REVIEW_MESSAGE)
                if then:
                    return redirect(f"{then}?{urlencode({'person': recorded.person.pk})}")
                return redirect("identity:person_detail", pk=recorded.person.pk)
    if status == 200 and form.is_bound and form.errors:
        status = 400
    return render(
        request,
        "identity/person_form.html",
        {"form": form, "duplicates": duplicates, "then": then},
        status=status,
    )


PENDING_REVIEW_MESSAGE = gettext_lazy(
    "HQ will check whether this person is already on file at another office. You may carry on with the new record."
)


def _visible_person(pk: int) -> Person:
    # Person.objects is scoped to the acting office: another office's person is a 404.
    return get_object_or_404(Person.objects.select_related("created_by_office", "merged_into"), pk=pk)


def person_detail(request: HttpRequest, pk: int) -> HttpResponse:
    actor = acting_actor(request)
    person = _visible_person(pk)
    record_person_read(actor, person, request)
    context = {
        "person": person,
        "documents": person.documents.all(),
        "merged_persons": Person.objects.filter(merged_into=person),
        "review_pending": actions.has_pending_review(person),
        "may_merge": actor.role == Role.SUPERVISOR and person.merged_into_id is None,
        "may_change": not actor.is_read_only and person.merged_into_id is None,
    }
    return render(request, "identity/person_detail.html", context)


def person_merge(request: HttpRequest, pk: int) -> HttpResponse:
    """Supervisors fold a duplicate into this person, after confirming password and code again."""
    actor = acting_actor(request)
    person = _visible_person(pk)
    if actor.role != Role.SUPERVISOR:
        raise PermissionDenied(_("Only a supervisor merges persons."))
    return _merge_page(request, person, actor)


@reauthentication_required
def _merge_page(request: HttpRequest, person: Person, actor: Actor) -> HttpResponse:
    form = MergeForm(request.POST or None, initial={"version": person.version})
    duplicate, problem, status = None, "", 200
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicate = Person.objects.current().filter(pk=data["duplicate"]).exclude(pk=person.pk).first()
        if duplicate is None:
            form.add_error("duplicate", _("No other current record with this number is visible to your office."))
        elif data["duplicate_version"] is None:
            # Typed by number: show it, and merge on the next submit with the version seen now.
            record_person_read(actor, duplicate, request)
        else:
            try:
                actions.merge_persons(
                    keep=person,
                    merge=duplicate,
                    by=actor,
                    expected_versions=(data["version"], data["duplicate_version"]),
                )
            except StaleVersion:
                problem = _("One of the records changed while you were looking. Check both and merge again.")
                status = 409
                person.refresh_from_db()
                duplicate.refresh_from_db()
            except actions.MergeRefused as refused:
                problem, status = refused.message, 409
            else:
                messages.success(request, _("Records merged."))
                return redirect("identity:person_detail", pk=person.pk)
    if form.errors:
        status = 400
    candidates = [
        result
        for result in search_persons(
            actor=actor, q=f"{person.family_name}, {person.given_names}", date_of_birth=None, limit=10
        )
        if result.person.pk != person.pk
    ]
    context = {"person": person, "form": form, "duplicate": duplicate, "candidates": candidates, "problem": problem}
    return render(request, "identity/person_merge.html", context, status=status)


def _writable_person(request: HttpRequest, pk: int) -> tuple[Actor, Person]:
    """The person to change, if the actor may change persons: another office's is a 404, an auditor a 403."""
    actor = acting_actor(request)
    person = _visible_person(pk)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors read personal data; they do not change it."))
    return actor, person


@require_http_methods(["GET", "POST"])
def person_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """Every field of the record, saved only if nobody changed it meanwhile (a stale edit keeps the input, 409)."""
    actor, person = _writable_person(request, pk)
    if person.merged_into_id is not None:
        messages.error(request, _("This record was merged into another one: change the current record."))
        return redirect("identity:person_detail", pk=person.merged_into_id)
    form = PersonEditForm(request.POST or None, initial=PersonEditForm.initial_for(person))
    stale, status = False, 200
    if request.method == "POST" and form.is_valid():
        try:
            actions.update_person(
                person, by=actor, expected_version=form.cleaned_data["version"], **form.person_fields()
            )
        except StaleVersion:
            # Keep what was typed, show the record as it is now, and let the next submit overwrite that version.
            person.refresh_from_db()
            data = request.POST.copy()
            data["version"] = str(person.version)
            form = PersonEditForm(data, initial=PersonEditForm.initial_for(person))
            form.is_valid()
            stale, status = True, 409
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Record updated."))
            return redirect("identity:person_detail", pk=person.pk)
    if form.is_bound and form.errors:
        status = 400
    record_person_read(actor, person, request)
    return render(request, "identity/person_edit.html", {"person": person, "form": form, "stale": stale}, status=status)


@require_http_methods(["GET", "POST"])
def document_add(request: HttpRequest, pk: int) -> HttpResponse:
    """An identity document typed in from the paper the person shows (a foreign passport, a residence card …)."""
    actor, person = _writable_person(request, pk)
    if person.merged_into_id is not None:
        messages.error(request, _("This record was merged into another one: add the document to the current record."))
        return redirect("identity:person_detail", pk=person.merged_into_id)
    form = DocumentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            document = actions.add_document(person, by=actor, **form.cleaned_data)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Document %(document)s added.") % {"document": document})
            return redirect("identity:person_detail", pk=person.pk)
    record_person_read(actor, person, request)
    return render(
        request,
        "identity/document_form.html",
        {"person": person, "form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


# ---------------------------------------------------------------------------------------
# HQ's duplicate reviews
# ---------------------------------------------------------------------------------------


REVIEWS_SHOWN = 200
REVIEW_LISTING = Phrase(gettext_noop("duplicate reviews"))


def _hq_reviewer(request: HttpRequest) -> Actor:
    """HQ staff (and auditors, read-only) see the queue; to everyone else it does not exist (404)."""
    actor = acting_actor(request)
    if not actor.sees_all_offices:
        raise Http404
    return actor


@require_http_methods(["GET"])
def review_list(request: HttpRequest) -> HttpResponse:
    """Possible duplicates raised by offices that could not read the other record, oldest first."""
    actor = _hq_reviewer(request)
    show = request.GET.get("show", "pending")
    reviews = DuplicateReview.objects.select_related("person", "candidate", "raised_by_office",
                                                     "candidate__created_by_office")
    if show == "decided":
        decided = reviews.exclude(status=DuplicateReview.Status.PENDING)
        rows = list(decided.order_by("-decided_at", "-id")[:REVIEWS_SHOWN])
    else:
        rows = list(reviews.pending().order_by("raised_at", "id")[:REVIEWS_SHOWN])
    record_listing(by=actor, request=request, what=REVIEW_LISTING(),
                   person_ids=[pk for review in rows for pk in (review.person_id, review.candidate_id)])
    return render(request, "identity/review_list.html", {"reviews": rows, "show": show})


@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Both records side by side; HQ decides: the same person (merge) or different persons."""
    actor = _hq_reviewer(request)
    review = get_object_or_404(
        DuplicateReview.objects.select_related("person", "candidate", "raised_by_office", "person__created_by_office",
                                               "candidate__created_by_office"),
        pk=pk,
    )
    form = ReviewDecisionForm(request.POST or None, initial={"version": review.version})
    problem, status = "", 200
    if request.method == "POST":
        if actor.is_read_only:
            raise PermissionDenied(_("Auditors have read-only access."))
        if form.is_valid() and form.cleaned_data["decision"] == "same_person":
            if actor.role != Role.SUPERVISOR:
                raise PermissionDenied(_("Only a supervisor merges persons."))
            if not recently_reauthenticated(request):
                # Kept on the page with what was chosen and typed; the link confirms and comes back here.
                form.add_error(None, _("Confirm it is you (password and code) before merging, then record it again."))
                return _review_page(request, actor, review, form, status=403)
            return _decide(request, review, form, actor, same_person=True)
        if form.is_valid():
            return _decide(request, review, form, actor, same_person=False)
        status = 400
    return _review_page(request, actor, review, form, problem=problem, status=status)


def _review_page(request, actor, review, form, *, problem: str = "", status: int = 200) -> HttpResponse:
    for person in (review.person, review.candidate):
        record_person_read(actor, person, request)
    may_merge = actor.role == Role.SUPERVISOR
    context = {"review": review, "form": form, "problem": problem, "may_merge": may_merge,
               "must_confirm": may_merge and not recently_reauthenticated(request),
               "may_decide": not actor.is_read_only and review.status == DuplicateReview.Status.PENDING}
    return render(request, "identity/review_detail.html", context, status=status)


def _decide(request, review, form, actor, *, same_person: bool) -> HttpResponse:
    data = form.cleaned_data
    versions = (data["candidate_version"], data["person_version"]) if same_person else None
    try:
        actions.decide_duplicate_review(review, same_person=same_person, note=data["note"], by=actor,
                                        expected_version=data["version"], expected_person_versions=versions)
    except StaleVersion:
        review.refresh_from_db()
        fresh = ReviewDecisionForm(initial={"version": review.version})
        return _review_page(request, actor, review, fresh, status=409, problem=_(
            "Someone decided or changed this review while you were looking. Check it again."))
    except actions.ReviewRefused as refused:
        form.add_error("note" if not same_person else None, refused.message)
        return _review_page(request, actor, review, form, status=400)
    except actions.MergeRefused as refused:
        return _review_page(request, actor, review, form, status=409, problem=refused.message)
    messages.success(request, _("Decision recorded."))
    return redirect("identity:review_list")
