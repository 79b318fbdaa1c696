"""Visa applications over REST, for agencies accredited to a mission (an ApiClient of that mission).

An agency submits applications, reads those it submitted (`VisaApplication.objects.visible_to`:
another agency's or another office's is a 404) and may withdraw one. It learns the status, whether
screening has run, the fee and its payment, and the decision: an issued visa's data (with an
e-visa's seal, to print the grant notice) or just "refused". Never a screening hit, score or
list, nor the internal reason for a refusal.

Versions as passports document them (consular.workflow.api.case_row_version): the application and
its case each keep a version that only goes up; `version` is their sum and the ETag `"<id>-<sum>"`.
"""

from __future__ import annotations

import base64
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from consular.api.conditional import not_modified
from consular.api.fields import Base64File, Choice, Integer, QueryParameters, Text
from consular.api.idempotency import idempotent
from consular.api.pagination import CURSOR, CursorPagination, page_size_parameter
from consular.api.problems import PROBLEM_CONTENT_TYPE, Unprocessable, field_errors, problem
from consular.api.schema import IDEMPOTENCY_KEY, IF_MATCH, IF_NONE_MATCH
from consular.audit.actions import Action, record
from consular.documents.photos import PHOTO_RULES
from consular.identity.api import NO_SUCH_PERSON, NewPerson, record_new_applicant, require_one_applicant
from consular.identity.models import Person
from consular.offices.models import Office
from consular.offices.scoping import Actor, acting_actor
from consular.payments.rates import format_money
from consular.screening.models import ScreeningSubject
from consular.workflow.actions import fire
from consular.workflow.api import case_row_etag, expected_case_row_versions, refusals_as_problems
from consular.workflow.forms import NOTE_MAX_LENGTH
from visas import actions
from visas.api_schema import (
    APPLICATION,
    APPLICATION_CONFLICT,
    APPLICATION_EXAMPLE,
    APPLICATION_PAGE,
    CREATE_EXAMPLE,
    PROBLEM,
    ROW_EXAMPLE,
    WRITE_RESPONSES,
)
from visas.models import Entries, Status, Visa, VisaApplication, VisaCategory
from visas.transitions import VISA

DECIDED_ISSUED = (Status.ISSUED, Status.REVOKED, Status.CANCELLED)
# The longest a stay may reach into the future: beyond it the dates cannot be added up.
LATEST_ARRIVAL = date(2200, 1, 1)


# ---------------------------------------------------------------------------------------
# Representations: plain functions over `values()` rows and instances (DESIGN: no ModelSerializer)
# ---------------------------------------------------------------------------------------


def list_values() -> dict:
    """`values()` expressions for a list row: the application's own fields and what it joins (one query)."""
    return {
        "reference": F("case__reference"),
        "status": F("case__status"),
        "person": F("case__person_id"),
        "category_code": F("category__code"),
        "screening_status": F("case__screening__status"),
        "visa_number": F("visa__number"),
        "updated_at": F("case__updated_at"),
        "case_version": F("case__version"),
    }


ROW_FIELDS = (
    "id",
    "entries",
    "arrival_on",
    "stay_days",
    "group_reference",
    "fee_amount",
    "fee_currency",
    "paid_at",
    "version",
)


def screening_state(subject_status: str | None) -> str:
    """Only whether screening has run: an agency learns nothing about watchlists."""
    return "screened" if subject_status == ScreeningSubject.Status.SCREENED else "pending"


def application_row(row: dict, labels: dict[str, str] | None = None) -> dict:
    labels = labels if labels is not None else VISA.status_labels()
    return {
        "reference": row["reference"],
        "status": row["status"],
        "status_label": labels.get(row["status"], row["status"]),
        "person": row["person"],
        "category": row["category_code"],
        "entries": row["entries"],
        "arrival_on": row["arrival_on"],
        "stay_days": row["stay_days"],
        "group_reference": row["group_reference"],
        "fee_amount": row["fee_amount"],
        "fee_currency": row["fee_currency"],
        "paid": row["paid_at"] is not None,
        "screening": screening_state(row["screening_status"]),
        "visa_number": row["visa_number"],
        "updated_at": row["updated_at"],
        "version": row["version"] + row["case_version"],
    }


def visa_data(visa: Visa) -> dict:
    seal = bytes(visa.seal) if visa.form == Visa.Form.EVISA and visa.seal else b""
    return {
        "number": visa.number,
        "form": visa.form,
        "state": visa.state,
        "valid_from": visa.valid_from,
        "valid_until": visa.valid_until,
        "entries": visa.entries,
        "stay_days": visa.stay_days,
        "mrz": [visa.mrz_line1, visa.mrz_line2],
        "seal": base64.b32encode(seal).decode().rstrip("=") if seal else None,
    }


def decision_data(application: VisaApplication) -> dict | None:
    """Issued (the visa's data) or refused (no reason: the ministry does not give one); else None."""
    status_now = application.case.status
    if status_now == Status.REFUSED:
        return {"outcome": "refused", "visa": None}
    visa = getattr(application, "visa", None) if status_now in DECIDED_ISSUED else None
    if visa is None:
        return None
    return {"outcome": "issued", "visa": visa_data(visa)}


def _subject_status(application: VisaApplication) -> str | None:
    try:
        return application.case.screening.status
    except ScreeningSubject.DoesNotExist:
        return None


def application_data(application: VisaApplication) -> dict:
    case, passport = application.case, application.passport
    visa = getattr(application, "visa", None)
    data = application_row(
        {
            "reference": case.reference,
            "status": case.status,
            "person": case.person_id,
            "category_code": application.category.code,
            "entries": application.entries,
            "arrival_on": application.arrival_on,
            "stay_days": application.stay_days,
            "group_reference": application.group_reference,
            "fee_amount": application.fee_amount,
            "fee_currency": application.fee_currency,
            "paid_at": application.paid_at,
            "screening_status": _subject_status(application),
            "visa_number": visa.number if visa else None,
            "updated_at": case.updated_at,
            "version": application.version,
            "case_version": case.version,
        }
    )
    person = case.person
    return data | {
        "person": {"id": person.pk, "family_name": person.family_name, "given_names": person.given_names},
        "purpose": application.purpose,
        "coe_number": application.coe_number,
        "host_name": application.host_name,
        "host_address": application.host_address,
        "host_relationship": application.host_relationship,
        "host_phone": application.host_phone,
        "itinerary": application.itinerary,
        "passport": {
            "number": passport.number,
            "issuing_state": passport.issuing_state,
            "expires_on": passport.expires_on,
        },
        "photo": bool(application.photo),
        "office": case.originating_office.code,
        "applied_on": application.applied_on,
        "submitted_at": case.submitted_at,
        "closed_at": case.closed_at,
        "fee_jpy": application.fee_jpy,
        "fee_display": format_money(application.fee_amount, application.fee_currency),
        "paid_amount": application.paid_amount,
        "paid_currency": application.paid_currency,
        "paid_at": application.paid_at,
        "receipt_number": application.receipt_number,
        "checklist": [
            {"item": item.code, "label": str(item.get_code_display()), "verified": item.verified}
            for item in application.checklist_items.all()
        ],
        "decision": decision_data(application),
    }


def _visible_application(reference: str, *, for_update: bool = False) -> VisaApplication:
    # VisaApplication.objects is scoped: an agency reads only what it submitted, anything else is a 404.
    applications = VisaApplication.objects.prefetch_related("checklist_items").select_related(
        "case",
        "case__person",
        "case__originating_office",
        "case__screening",
        "category",
        "passport",
        "visa",
    )
    if for_update:
        # The ETag covers two rows: hold both while checking it and writing.
        applications = applications.select_for_update(of=("self", "case"))
    application = applications.filter(case__reference=reference).first()
    if application is None:
        raise Http404
    return application


def _respond(request, reference: str, *, status_code: int = status.HTTP_200_OK, headers: dict | None = None):
    application = _visible_application(reference)
    return Response(
        application_data(application),
        status=status_code,
        headers={"ETag": case_row_etag(application), **(headers or {})},
    )


# ---------------------------------------------------------------------------------------
# Request bodies
# ---------------------------------------------------------------------------------------


class VisaApplicationRequest(serializers.Serializer):
    person = Integer(
        required=False, allow_null=True, min_value=1, help_text="Id of an existing person your mission may read."
    )
    new_person = NewPerson(
        required=False,
        allow_null=True,
        help_text="Record the applicant first (as POST /api/v1/persons/ takes); 409 lists "
        "likely duplicates unless `confirm_new` is true.",
    )
    category = Text(max_length=40, pattern=r"^[-a-zA-Z0-9_]+\Z", help_text="A visa category's code, e.g. `tourism`.")
    entries = Choice(choices=Entries.choices)
    purpose = Text(max_length=500)
    arrival_on = serializers.DateField()
    stay_days = Integer(min_value=1, max_value=3650)
    passport_mrz = Text(
        max_length=200,
        pattern=r"^[A-Za-z0-9< \r\n]+\Z",
        help_text="The two 44-character lines of the passport's machine-readable zone (TD3).",
    )
    passport_issued_on = serializers.DateField()
    coe_number = Text(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="The Certificate of Eligibility number, where the category requires one.",
    )
    host_name = Text(
        max_length=200, required=False, allow_blank=True, default="", help_text="The inviter or guarantor in Japan."
    )
    host_address = Text(max_length=300, required=False, allow_blank=True, default="")
    host_relationship = Text(max_length=100, required=False, allow_blank=True, default="")
    host_phone = Text(max_length=32, required=False, allow_blank=True, default="")
    itinerary = Text(max_length=5000, required=False, allow_blank=True, default="")
    group_reference = Text(
        max_length=32,
        required=False,
        allow_blank=True,
        default="",
        help_text="The same value for every member of a family or group applying together.",
    )
    photo = Base64File(required=False, allow_null=True, help_text=PHOTO_RULES)
    note = Text(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")


class VisaWithdrawalRequest(serializers.Serializer):
    note = Text(max_length=NOTE_MAX_LENGTH, help_text="Why the applicant withdraws.")


class VisaListFilters(QueryParameters):
    changed_since = serializers.DateTimeField(required=False)


def no_visa_needed(error: actions.NoVisaNeeded) -> Response:
    """422 with the exemption's message: the stay needs no visa, so no application was taken."""
    messages = [message for values in error.message_dict.values() for message in values]
    body = problem(422, " ".join(messages), "no_visa_needed")
    return Response(body, status=status.HTTP_422_UNPROCESSABLE_ENTITY, content_type=PROBLEM_CONTENT_TYPE)


# ---------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------


class ApplicationList(APIView):
    """The agency's own applications, oldest change first; and submitting a new one."""

    for_accredited_agencies = True  # it sees only its own (VisaApplication.objects.visible_to)

    pagination_class = CursorPagination
    # A new application may carry the photo, base64-encoded (consular.api.parsers).
    max_body_bytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @extend_schema(
        summary="Visa applications you submitted, by last change",
        operation_id="visa_applications_list",
        description=(
            "Ordered by (`updated_at`, id) ascending. Follow `next` until it is null; next time send "
            "`changed_since` = the last row's `updated_at` (inclusive, so that row comes again)."
        ),
        parameters=[
            OpenApiParameter(
                "changed_since",
                OpenApiTypes.DATETIME,
                description="Only applications changed at or after this time (ISO 8601).",
            ),
            CURSOR,
            page_size_parameter(),
        ],
        responses={200: APPLICATION_PAGE, 400: OpenApiResponse(PROBLEM, description="A bad `changed_since`.")},
        examples=[
            OpenApiExample(
                "A page", response_only=True, value={"next": None, "previous": None, "results": [ROW_EXAMPLE]}
            )
        ],
    )
    def get(self, request):
        filters = VisaListFilters(data=request.query_params)
        filters.is_valid(raise_exception=True)
        applications = VisaApplication.objects.all()
        since = filters.validated_data.get("changed_since")
        if since is not None:
            applications = applications.filter(case__updated_at__gte=since)
        paginator = self.pagination_class()
        paginator.ordering = ("updated_at", "id")
        page = paginator.paginate_queryset(applications.values(*ROW_FIELDS, **list_values()), request, view=self)
        labels = VISA.status_labels()
        return paginator.get_paginated_response([application_row(row, labels) for row in page])

    @extend_schema(
        summary="Submit a visa application",
        operation_id="visa_applications_create",
        description=(
            "For an existing person (`person`) or one recorded with it (`new_person`). Checked field by field "
            "(nothing saved on any error), priced, opened as a case at your mission and screened. A stay the "
            "applicant's nationality needs no visa for is a 422 `no-visa-needed` saying so."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=VisaApplicationRequest,
        responses={
            201: APPLICATION,
            400: OpenApiResponse(PROBLEM, description="The body does not match this schema; nothing was saved."),
            403: OpenApiResponse(PROBLEM, description="Only a mission's accredited agencies submit visa applications."),
            409: OpenApiResponse(
                APPLICATION_CONFLICT,
                description="`new_person` has likely duplicates: use one as "
                "`person`, or send again with `new_person.confirm_new: true`; nothing was saved.",
            ),
            422: OpenApiResponse(
                PROBLEM,
                description="Well-formed but refused, nothing saved: the rules refuse a "
                "field (`errors`), no visa is needed (`detail`), or an Idempotency-Key was used "
                "for a different request.",
            ),
        },
        examples=[
            OpenApiExample("A tourist visa for a known person", request_only=True, value=CREATE_EXAMPLE),
            OpenApiExample(
                "Submitted",
                response_only=True,
                status_codes=["201"],
                value=APPLICATION_EXAMPLE
                | {"status": "screening", "status_label": "Being screened", "screening": "pending"},
            ),
            OpenApiExample(
                "No visa needed",
                response_only=True,
                status_codes=["422"],
                value={
                    "type": "https://consular.example/problems/no-visa-needed",
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "Nationals of USA need no visa for a stay of up to 90 days: no application is needed.",
                },
            ),
        ],
    )
    @idempotent
    def post(self, request):
        actor = acting_actor(request)
        if actor.office.kind != Office.Kind.MISSION:
            raise PermissionDenied(_("Visa applications are taken at missions and by the agencies accredited to one."))
        body = VisaApplicationRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        require_one_applicant(data)
        person, category = self._references(data)
        rename = {"person": "new_person"} if data.get("new_person") is not None else {}
        with transaction.atomic():
            if data.get("new_person") is not None:
                person = record_new_applicant(data["new_person"], actor=actor, request=request)
                if isinstance(person, Response):
                    return person
            try:
                application = actions.submit_application(by=actor, person=person, intake=self._intake(data, category))
            except actions.NoVisaNeeded as exempt:
                transaction.set_rollback(True)  # a person recorded with it is not kept either
                return no_visa_needed(exempt)
            except ModelValidationError as error:
                # Raised inside the atomic block: a person recorded with it is rolled back too.
                raise Unprocessable(field_errors(error, rename)) from error
        reference = application.case.reference
        location = request.build_absolute_uri(reverse("visas_api:application_detail", args=[reference]))
        return _respond(request, reference, status_code=status.HTTP_201_CREATED, headers={"Location": location})

    @staticmethod
    def _references(data: dict) -> tuple[Person | None, VisaCategory]:
        errors: dict[str, list[str]] = {}
        person = None
        if data.get("person") is not None:
            # Person.objects is scoped: another office's person is "no such person", never a hint it exists.
            person = Person.objects.filter(pk=data["person"]).first()
            if person is None:
                errors["person"] = [NO_SUCH_PERSON]
        category = VisaCategory.objects.filter(code=data["category"]).first()
        if category is None:
            errors["category"] = [_("There is no visa category with this code.")]
        if data["arrival_on"] >= LATEST_ARRIVAL:
            errors["arrival_on"] = [_("The arrival date is too far ahead.")]
        if errors:
            raise Unprocessable(errors)
        return person, category

    @staticmethod
    def _intake(data: dict, category: VisaCategory) -> actions.Intake:
        text = (
            "purpose",
            "passport_mrz",
            "coe_number",
            "host_name",
            "host_address",
            "host_relationship",
            "host_phone",
            "itinerary",
            "group_reference",
            "note",
        )
        return actions.Intake(
            category=category,
            entries=data["entries"],
            arrival_on=data["arrival_on"],
            stay_days=data["stay_days"],
            passport_issued_on=data["passport_issued_on"],
            photo=data.get("photo"),
            **{name: data[name] for name in text},
        )


class ApplicationDetail(APIView):
    for_accredited_agencies = True

    @extend_schema(
        summary="One visa application you submitted",
        operation_id="visa_applications_retrieve",
        description=(
            "Status, whether screening has run, fee and payment, checklist, and the decision: the visa (with an "
            "e-visa's seal to print the grant notice) or `refused`. The ETag changes whenever anything here "
            "changes; send it as If-Match on writes."
        ),
        parameters=[IF_NONE_MATCH],
        responses={
            200: APPLICATION,
            304: OpenApiResponse(description="Not modified (If-None-Match matched)."),
            404: OpenApiResponse(PROBLEM, description="No such application among those you submitted."),
        },
        examples=[OpenApiExample("Under review", response_only=True, value=APPLICATION_EXAMPLE)],
    )
    def get(self, request, reference):
        application = _visible_application(reference)
        etag = case_row_etag(application)
        if (unchanged := not_modified(request, etag)) is not None:
            return unchanged
        actor = acting_actor(request)
        record(by=actor, action=Action.READ, target=application.case.person, request=request._request)
        return Response(application_data(application), headers={"ETag": etag})


class ApplicationWithdrawal(APIView):
    for_accredited_agencies = True

    @extend_schema(
        summary="Withdraw an application",
        operation_id="visa_application_withdrawal_create",
        description="The applicant withdraws, while the application is undecided; the case is closed.",
        parameters=[IDEMPOTENCY_KEY, IF_MATCH],
        request=VisaWithdrawalRequest,
        responses=WRITE_RESPONSES,
        examples=[OpenApiExample("Withdrawn", request_only=True, value={"note": "The trip is cancelled."})],
    )
    @idempotent
    def post(self, request, reference):
        application = _visible_application(reference, for_update=True)
        body = VisaWithdrawalRequest(data=request.data)
        body.is_valid(raise_exception=True)
        _application_version, case_version = expected_case_row_versions(request, application)
        actor: Actor = acting_actor(request)
        with refusals_as_problems():
            fire(
                application.case,
                "withdraw",
                by=actor,
                expected_version=case_version,
                note=body.validated_data["note"].strip(),
            )
        return _respond(request, reference)
