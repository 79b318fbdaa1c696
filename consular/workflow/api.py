"""Cases over REST: the visible cases, one case with its history and next steps, and firing a transition.

Also what every domain's API over its cases shares: the version of a domain row together with
its case, and an action's refusals as problems.
"""

from collections.abc import Iterator
from contextlib import contextmanager

from django.core.exceptions import PermissionDenied as ModelPermissionDenied
from django.core.exceptions import ValidationError as ModelValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from consular.api.conditional import etag_for, require_if_match
from consular.api.fields import Integer, QueryParameters, Text
from consular.api.idempotency import idempotent
from consular.api.pagination import CURSOR, KeysetPagination, page_size_parameter
from consular.api.problems import Conflict, PreconditionFailed, Unprocessable, UnprocessableRequest, field_errors
from consular.api.schema import IF_NONE_MATCH, PROBLEM_BODY
from consular.audit.actions import Action, record
from consular.offices.api import IDEMPOTENCY_KEY
from consular.offices.models import Office
from consular.offices.scoping import Actor, acting_actor
from consular.versions import StaleVersion
from consular.workflow.actions import TransitionRefused, fire, options_for
from consular.workflow.forms import NOTE_MAX_LENGTH, case_type_choices, status_choices
from consular.workflow.listing import case_page
from consular.workflow.models import Case
from consular.workflow.transitions import CASE_TYPES


class StaleCase(Conflict):
    default_detail = "The case changed since you read it. Read it again and decide once more."
    default_code = "stale_version"


class TransitionNotAllowed(UnprocessableRequest):
    default_code = "transition_refused"


def case_row_version(row) -> int:
    """A domain row with its case (a passport or visa application): the sum of their versions.

    Each keeps a version that only ever goes up and every write bumps one of them, so the sum
    goes up on every change and never repeats: the `version` clients see.
    """
    return row.version + row.case.version


def case_row_etag(row) -> str:
    return f'"{row.pk}-{case_row_version(row)}"'


def expected_case_row_versions(request, row) -> tuple[int, int]:
    """(row version, case version) the client read, from If-Match; it must be the current ETag (428/412)."""
    require_if_match(request, case_row_etag(row))
    return row.version, row.case.version


@contextmanager
def refusals_as_problems() -> Iterator[None]:
    """An action's refusals as problems: fields and the rule 422, another office's case 403, stale 412."""
    try:
        yield
    except ModelValidationError as error:
        raise Unprocessable(field_errors(error)) from error
    except TransitionRefused as error:
        raise TransitionNotAllowed(error.reason) from error
    except StaleVersion as error:
        raise PreconditionFailed() from error
    except ModelPermissionDenied as error:
        raise PermissionDenied(str(error) or None) from error


def status_labels() -> dict[str, dict[str, str]]:
    """Case type → status → label, in the active language: looked up once per page, not per row."""
    return {code: case_type.status_labels() for code, case_type in CASE_TYPES.items()}


_OFFICE_CODES: dict[int, str] = {}


def office_code(office_id: int) -> str:
    """Office codes from a per-process map: a list page then needs no JOIN to offices.

    Codes are permanent (they are in every case reference), so the map only grows; an
    office added since this process started is fetched on first sight.
    """
    code = _OFFICE_CODES.get(office_id)
    if code is None:
        _OFFICE_CODES.update(Office.directory.values_list("pk", "code"))
        code = _OFFICE_CODES[office_id]
    return code


def case_row(row: dict, labels: dict[str, dict[str, str]] | None = None) -> dict:
    """One case in a list, from a `values()` row: a plain function, not a ModelSerializer (DESIGN)."""
    labels = labels if labels is not None else status_labels()
    return {
        "reference": row["reference"],
        "case_type": row["case_type"],
        "status": row["status"],
        "status_label": labels.get(row["case_type"], {}).get(row["status"], row["status"]),
        "person": row["person_id"],
        "current_office": office_code(row["current_office_id"]),
        "originating_office": office_code(row["originating_office_id"]),
        "submitted_at": row["submitted_at"],
        "due_at": row["due_at"],
        "closed_at": row["closed_at"],
        "version": row["version"],
    }


def case_data(case: Case, actor: Actor) -> dict:
    """One case in full: the list fields, the person, the events and the transitions for this caller."""
    person = case.person
    data = case_row({
        "reference": case.reference, "case_type": case.case_type, "status": case.status, "person_id": person.pk,
        "current_office_id": case.current_office_id, "originating_office_id": case.originating_office_id,
        "submitted_at": case.submitted_at, "due_at": case.due_at, "closed_at": case.closed_at,
        "version": case.version,
    })
    data["person"] = {"id": person.pk, "family_name": person.family_name, "given_names": person.given_names}
    data["events"] = [
        {"at": event.at, "transition": event.transition, "from_status": event.from_status,
         "to_status": event.to_status, "from_office": event.from_office.code, "to_office": event.to_office.code,
         "by": event.username, "role": event.role, "note": event.note}
        for event in case.events.select_related("from_office", "to_office")
    ]
    data["transitions"] = [
        {"name": option.transition.name, "label": str(option.transition.label or option.transition.name),
         "to_status": option.transition.target, "note_required": option.transition.note_required,
         "allowed": option.allowed, "refused_because": option.refused_because}
        for option in options_for(case, actor)
    ]
    return data


CASE_ROW = inline_serializer("CaseSummary", {
    "reference": serializers.CharField(), "case_type": serializers.CharField(), "status": serializers.CharField(),
    "status_label": serializers.CharField(), "person": serializers.IntegerField(),
    "current_office": serializers.CharField(), "originating_office": serializers.CharField(),
    "submitted_at": serializers.DateTimeField(), "due_at": serializers.DateTimeField(allow_null=True),
    "closed_at": serializers.DateTimeField(allow_null=True), "version": serializers.IntegerField(),
})
CASE_PAGE = inline_serializer("CasePage", {
    "next": serializers.URLField(allow_null=True),
    "results": CASE_ROW.__class__(many=True),
})
CASE = inline_serializer("Case", {
    "reference": serializers.CharField(), "case_type": serializers.CharField(), "status": serializers.CharField(),
    "status_label": serializers.CharField(),
    "person": inline_serializer("CasePerson", {"id": serializers.IntegerField(),
                                               "family_name": serializers.CharField(),
                                               "given_names": serializers.CharField()}),
    "current_office": serializers.CharField(), "originating_office": serializers.CharField(),
    "submitted_at": serializers.DateTimeField(), "due_at": serializers.DateTimeField(allow_null=True),
    "closed_at": serializers.DateTimeField(allow_null=True), "version": serializers.IntegerField(),
    "events": inline_serializer("CaseEvent", {
        "at": serializers.DateTimeField(), "transition": serializers.CharField(),
        "from_status": serializers.CharField(), "to_status": serializers.CharField(),
        "from_office": serializers.CharField(), "to_office": serializers.CharField(), "by": serializers.CharField(),
        "role": serializers.CharField(), "note": serializers.CharField(),
    }, many=True),
    "transitions": inline_serializer("CaseTransitionOption", {
        "name": serializers.CharField(), "label": serializers.CharField(), "to_status": serializers.CharField(),
        "note_required": serializers.BooleanField(), "allowed": serializers.BooleanField(),
        "refused_because": serializers.CharField(allow_null=True),
    }, many=True),
})
CASE_EXAMPLE = {
    "reference": "E-2026-NYC-000123", "case_type": "enquiry", "status": "in_progress", "status_label": "In progress",
    "person": {"id": 42, "family_name": "YAMADA", "given_names": "HANAKO"}, "current_office": "NYC",
    "originating_office": "NYC", "submitted_at": "2026-11-20T14:03:00Z", "due_at": None, "closed_at": None,
    "version": 2,
    "events": [
        {"at": "2026-11-20T14:03:00Z", "transition": "open", "from_status": "", "to_status": "received",
         "from_office": "NYC", "to_office": "NYC", "by": "nyc_clerk", "role": "clerk",
         "note": "Asks about renewing a passport abroad"},
        {"at": "2026-11-20T14:10:00Z", "transition": "start", "from_status": "received",
         "to_status": "in_progress", "from_office": "NYC", "to_office": "NYC", "by": "nyc_clerk", "role": "clerk",
         "note": ""},
    ],
    "transitions": [
        {"name": "refer_to_hq", "label": "Refer to HQ", "to_status": "referred", "note_required": True,
         "allowed": False, "refused_because": "Your role cannot do this."},
        {"name": "answer", "label": "Record the answer", "to_status": "answered", "note_required": True,
         "allowed": True, "refused_because": None},
    ],
}


class CaseFilters(QueryParameters):
    """The list's filters; each a value the registry knows (the schema lists them), or blank for all."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # Built per instance: the registry of case types is complete only once every app is loaded.
        self.fields["status"] = serializers.ChoiceField(
            choices=sorted({value for value, _label in status_choices() if value}), required=False, allow_blank=True,
            help_text="Only cases in this status, e.g. `referred`.",
        )
        self.fields["case_type"] = serializers.ChoiceField(
            choices=sorted({value for value, _label in case_type_choices() if value}), required=False,
            allow_blank=True, help_text="Only cases of this type, e.g. `enquiry`.",
        )


class CaseList(APIView):
    """Cases the caller may read: held by their office or held by it before; HQ and auditors, all."""

    @extend_schema(
        summary="Cases",
        operation_id="cases_list",
        parameters=[CaseFilters, CURSOR, page_size_parameter()],
        responses={200: CASE_PAGE},
        examples=[OpenApiExample("A page of cases", response_only=True, value={
            "next": "https://consular.example/api/v1/cases/?cursor=MjAyNi0xMS0yMFQxNDowMzowMCswMDowMHw0Mg",
            "results": [{key: value for key, value in CASE_EXAMPLE.items() if key not in ("events", "transitions")}
                        | {"person": 42}],
        })],
    )
    def get(self, request):
        filters = CaseFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        actor = acting_actor(request)
        wanted = filters.validated_data
        paginator = KeysetPagination("submitted_at")
        rows = paginator.paginate(request, lambda limit, after: case_page(
            actor, size=limit, status=wanted.get("status", ""), case_type=wanted.get("case_type", ""), after=after,
        ))
        labels = status_labels()
        return paginator.response([case_row(row, labels) for row in rows])


def _visible_case(reference: str) -> Case:
    # Case.objects is scoped to the caller's office: another office's case is a 404.
    return get_object_or_404(
        Case.objects.select_related("person", "current_office", "originating_office"), reference=reference
    )


class CaseDetail(APIView):
    @extend_schema(
        operation_id="cases_retrieve_one",
        summary="One case, with its history and the transitions the caller may fire",
        description="The ETag changes whenever the case moves; send its version back when firing a transition.",
        parameters=[IF_NONE_MATCH],
        responses={200: CASE, 304: OpenApiResponse(description="Not modified (If-None-Match matched).")},
        examples=[OpenApiExample("An enquiry in progress", value=CASE_EXAMPLE, response_only=True)],
    )
    def get(self, request, reference):
        case = _visible_case(reference)
        etag = etag_for(case)
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        actor = acting_actor(request)
        record(by=actor, action=Action.READ, target=case.person, request=request._request)
        return Response(case_data(case, actor), headers={"ETag": etag})


class FireRequest(serializers.Serializer):
    transition = Text(max_length=48, help_text="A transition name from the case's `transitions`.")
    version = Integer(min_value=1, help_text="The case `version` you read.")
    # Control characters in the note are refused by `fire` itself (a 422 with the reason), like every rule.
    note = Text(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="",
                help_text="Why; some transitions require it.")


class CaseTransitions(APIView):
    @extend_schema(
        summary="Fire a transition",
        parameters=[IDEMPOTENCY_KEY],
        request=FireRequest,
        responses={
            200: CASE,
            400: OpenApiResponse(PROBLEM_BODY, description="A field is missing or invalid."),
            409: OpenApiResponse(PROBLEM_BODY, description="The version is stale: read the case again."),
            422: OpenApiResponse(PROBLEM_BODY, description="The rule refuses the transition; `detail` says why."),
        },
        examples=[
            OpenApiExample("Refer to HQ", request_only=True,
                           value={"transition": "refer_to_hq", "version": 2,
                                  "note": "Dual nationality question: needs HQ's ruling."}),
            OpenApiExample("Stale version", response_only=True, status_codes=["409"], value={
                "type": "https://consular.example/problems/stale-version", "title": "Conflict", "status": 409,
                "detail": "The case changed since you read it. Read it again and decide once more."}),
            OpenApiExample("Refused", response_only=True, status_codes=["422"], value={
                "type": "https://consular.example/problems/transition-refused", "title": "Unprocessable Content",
                "status": 422, "detail": "A note is required."}),
        ],
    )
    @idempotent
    def post(self, request, reference):
        case = _visible_case(reference)
        actor = acting_actor(request)
        body = FireRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            fire(case, data["transition"], by=actor, expected_version=data["version"], note=data["note"].strip())
        except StaleVersion as stale:
            raise StaleCase() from stale
        except TransitionRefused as refused:
            raise TransitionNotAllowed(refused.reason) from refused
        # fire() moved this instance along (status, office, version): no second read needed.
        return Response(case_data(case, actor), headers={"ETag": etag_for(case)})
