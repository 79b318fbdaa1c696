"""Person pages: search, create (duplicates first), detail, edit, documents, merge."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from consular.accounts.views import reauthentication_required
from consular.audit.actions import Action, record
from consular.identity import actions
from consular.identity.forms import DocumentForm, MergeForm, PersonEditForm, PersonForm, PersonSearchForm
from consular.identity.models import Person
from consular.identity.search import likely_duplicates, search_persons
from consular.offices.models import Role
from consular.offices.scoping import Actor, acting_actor
from consular.versions import StaleVersion


def record_person_read(actor: Actor, person: Person, request: HttpRequest) -> None:
    """Reads of personal data are audited (DESIGN, Access): one entry per person shown in full."""
    record(by=actor, action=Action.READ, target=person, request=request)


def person_search(request: HttpRequest) -> HttpResponse:
    actor = acting_actor(request)
    form = PersonSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = search_persons(
            actor=actor,
            q=form.cleaned_data["q"],
            date_of_birth=form.cleaned_data["date_of_birth"],
            nationality=form.cleaned_data["nationality"],
        )
        # One entry per search: who looked for whom, and which records the list showed.
        record(
            by=actor,
            action=Action.READ,
            request=request,
            object_repr="person search",
            changes={"query": form.cleaned_data["q"], "persons": " ".join(str(r.person.pk) for r in results)},
        )
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
    """First submit shows likely duplicates; the clerk opens one of them or confirms a new record."""
    actor = acting_actor(request)
    if actor.is_read_only:
        raise PermissionDenied(_("Auditors read personal data; they do not change it."))
    form = PersonForm(request.POST or None)
    duplicates = None
    then = _next_page(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if not data["confirm_new"]:
            duplicates = likely_duplicates(
                actor=actor,
                family_name=data["family_name"],
                given_names=data["given_names"],
                family_name_reading=data["family_name_reading"],
                given_names_reading=data["given_names_reading"],
                date_of_birth=form.date_of_birth(),
                nationality=data["nationalities"][0],
            )
        if not duplicates:
            try:
                person = actions.create_person(by=actor, **form.person_fields())
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Person recorded."))
                if then:
                    return redirect(f"{then}?{urlencode({'person': person.pk})}")
                return redirect("identity:person_detail", pk=person.pk)
    return render(
        request,
        "identity/person_form.html",
        {"form": form, "duplicates": duplicates, "then": then},
        status=400 if form.is_bound and form.errors else 200,
    )


def _add_errors(form, error: ValidationError) -> None:
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


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
            _add_errors(form, error)
        else:
            messages.success(request, _("Record updated."))
            return redirect("identity:person_detail", pk=person.pk)
    if form.is_bound and form.errors:
        status = 400
    record_person_read(actor, person, request)
    return render(request, "identity/person_edit.html", {"person": person, "form": form, "stale": stale}, status=status)


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
            _add_errors(form, error)
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
