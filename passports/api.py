"""Passport applications over REST, for prefectural offices' systems, and the invalidated-passport feed.

One version for everything the application resource shows: the application row and its
case each keep a version that only ever goes up, and every write bumps one of them
(checklist, upload, payment and photo the application's; every move of the case the
case's). Their sum therefore goes up on every change and never repeats, so it is the
`version` clients see and the ETag is `"<id>-<sum>"`. A write checks If-Match against it
and hands each action the part it checks itself.

"Changed since" is the case's `updated_at`: every transition sets it, and every passport
action on the application's own rows (checklist, upload, payment, photo) touches it, so
the change list reads cases of this type in (`updated_at`, id) order.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError as ModelValidationError
from django.db import transaction
from django.db.models import F, OuterRef, Subquery
from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from consular.api.conditional import not_modified
from consular.api.fields import Base64File, Choice, Integer, QueryParameters, Text
from consular.api.idempotency import idempotent
from consular.api.pagination import CURSOR, CursorPagination, page_size_from, page_size_parameter
from consular.api.problems import PROBLEM_CONTENT_TYPE, Unprocessable, field_errors, problem
from consular.audit.actions import Action, record
from consular.documents.photos import PHOTO_RULES
from consular.identity.api import NO_SUCH_PERSON, NewPerson, record_new_applicant, require_one_applicant
from consular.identity.models import IdentityDocument, Person
from consular.offices.api import IDEMPOTENCY_KEY
from consular.offices.models import Office
from consular.offices.scoping import Actor, acting_actor
from consular.payments.rates import format_money
from consular.workflow.actions import SecondOpenCase, fire
from consular.workflow.api import (
    case_data,
    case_row_etag,
    case_row_version,
    expected_case_row_versions,
    refusals_as_problems,
)
from consular.workflow.forms import NOTE_MAX_LENGTH
from consular.workflow.models import Case
from passports import actions
from passports.api_schema import (
    APPLICATION,
    APPLICATION_CONFLICT,
    APPLICATION_EXAMPLE,
    APPLICATION_PAGE,
    CREATE_EXAMPLE,
    INVALIDATED_PAGE,
    ISSUED_EXAMPLE,
    PROBLEM,
    PROBLEM_EXAMPLES,
    ROW_EXAMPLE,
    WRITE_RESPONSES,
)
from passports.models import (
    ChecklistItem,
    Invalidation,
    Kind,
    Passport,
    PassportApplication,
    PassportType,
    ReplacementReason,
)
from passports.transitions import CASE_TYPE, PASSPORT

INVALIDATED_PAGE_SIZE = 500
INVALIDATED_MAX_PAGE_SIZE = 1000
IF_MATCH = OpenApiParameter(
    "If-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    required=True,
    description="The application's ETag from your last read. Stale: 412; missing: 428.",
)
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match",
    OpenApiTypes.STR,
    OpenApiParameter.HEADER,
    description="The ETag you hold: 304 while the application is unchanged.",
)


# ---------------------------------------------------------------------------------------
# Versions and ETags
# ---------------------------------------------------------------------------------------


def application_version(application: PassportApplication) -> int:
    """Goes up whenever the application or its case changes (see the module docstring)."""
    return case_row_version(application)


def application_etag(application: PassportApplication) -> str:
    return case_row_etag(application)


def expected_versions(request, application: PassportApplication) -> tuple[int, int]:
    """(application version, case version) the client read, from If-Match; it must be the current ETag."""
    return expected_case_row_versions(request, application)


# ---------------------------------------------------------------------------------------
# Representations: plain functions over `values()` rows and instances (DESIGN: no ModelSerializer)
# ---------------------------------------------------------------------------------------

# The list reads cases, not applications: Case.updated_at moves with every transition and every
# action on the application (workflow `touch`), and the `case_changed` index serves the range read.
CASE_FIELDS = ("id", "reference", "status", "person", "version", "updated_at")
APPLICATION_FIELDS = ("kind", "passport_type", "validity_years", "fee_amount", "fee_currency", "paid_at")


def list_values() -> dict:
    """`values()` expressions for a list row besides CASE_FIELDS: the application's fields, offices by code."""
    latest_number = Passport.unscoped.filter(application__case=OuterRef("pk")).order_by("-pk").values("number")[:1]
    return {
        **{name: F(f"passport_application__{name}") for name in APPLICATION_FIELDS},
        "application_version": F("passport_application__version"),
        "collecting_office_code": F("passport_application__collecting_office__code"),
        "current_office_code": F("current_office__code"),
        # The booklet of the latest batch, as `current_passport` picks it.
        "passport_number": Subquery(latest_number),
    }


def application_row(row: dict, labels: dict[str, str] | None = None) -> dict:
    """One application in the change list, from a `values()` row of its case (office codes joined: tiny table)."""
    labels = labels if labels is not None else PASSPORT.status_labels()
    return {
        "reference": row["reference"],
        "status": row["status"],
        "status_label": labels.get(row["status"], row["status"]),
        "person": row["person"],
        "kind": row["kind"],
        "passport_type": row["passport_type"],
        "validity_years": row["validity_years"],
        "collecting_office": row["collecting_office_code"],
        "current_office": row["current_office_code"],
        "fee_amount": row["fee_amount"],
        "fee_currency": row["fee_currency"],
        "paid": row["paid_at"] is not None,
        "passport_number": row["passport_number"],
        "updated_at": row["updated_at"],
        "version": row["version"] + row["application_version"],
    }


def passport_data(passport: Passport | None) -> dict | None:
    if passport is None:
        return None
    return {
        "number": passport.number,
        "passport_type": passport.passport_type,
        "surname": passport.surname,
        "given_names": passport.given_names,
        "issued_on": passport.issued_on,
        "expires_on": passport.expires_on,
        "authority": passport.authority,
        "mrz": [passport.mrz_line1, passport.mrz_line2],
    }


def checklist_data(item: ChecklistItem) -> dict:
    return {
        "item": item.code,
        "label": str(item.get_code_display()),
        "verified": item.verified,
        "verified_at": item.verified_at,
        "verified_by": item.verified_by,
        "document_dated": item.document_dated,
        "upload": bool(item.upload),
    }


def application_data(application: PassportApplication, actor: Actor) -> dict:
    """One application in full: the list fields, the case's history and next steps, checklist, fee, passport."""
    case = application.case
    passport = application.current_passport
    shown_case = case_data(case, actor)
    data = application_row(
        {
            "reference": case.reference,
            "status": case.status,
            "person": case.person_id,
            "current_office_code": case.current_office.code,
            "version": case.version,
            "updated_at": case.updated_at,
            "kind": application.kind,
            "passport_type": application.passport_type,
            "validity_years": application.validity_years,
            "collecting_office_code": application.collecting_office.code,
            "fee_amount": application.fee_amount,
            "fee_currency": application.fee_currency,
            "paid_at": application.paid_at,
            "passport_number": passport.number if passport else None,
            "application_version": application.version,
        }
    )
    previous = application.previous_passport
    collected = application.identity_checked_at is not None
    data |= {
        "person": shown_case["person"],
        "replacement_reason": application.replacement_reason,
        "previous_passport": {"id": previous.pk, "number": previous.number} if previous else None,
        "originating_office": case.originating_office.code,
        "submitted_at": case.submitted_at,
        "due_at": case.due_at,
        "closed_at": case.closed_at,
        "applied_on": application.applied_on,
        "age_on_application": application.age_on_application,
        "photo": bool(application.photo),
        "fee_jpy": application.fee_jpy,
        "fee_display": format_money(application.fee_amount, application.fee_currency),
        "paid_amount": application.paid_amount,
        "paid_currency": application.paid_currency,
        "paid_at": application.paid_at,
        "receipt_number": application.receipt_number,
        "checklist": [checklist_data(item) for item in application.checklist_items.all()],
        "history": shown_case["events"],
        "transitions": shown_case["transitions"],
        "passport": passport_data(passport),
        "collection": {
            "at": application.identity_checked_at,
            "by": application.identity_checked_by,
            "identity_evidence": application.identity_evidence,
        }
        if collected
        else None,
    }
    return data


def _visible_application(reference: str, *, for_update: bool = False) -> PassportApplication:
    # PassportApplication.objects is scoped to the caller's office: another office's application is a 404.
    # The checklist is read by the response and by the approval guards: fetched once for both.
    applications = PassportApplication.objects.prefetch_related("checklist_items").select_related(
        "case",
        "case__person",
        "case__current_office",
        "case__originating_office",
        "collecting_office",
        "previous_passport",
    )
    if for_update:
        # The ETag covers two rows: hold both while checking it and writing, so neither moves in between.
        applications = applications.select_for_update(of=("self", "case"))
    application = applications.filter(case__reference=reference).first()
    if application is None:
        raise Http404
    return application


def _write(request, reference: str, body_class: type[serializers.Serializer]):
    """What every write on an application starts with: the locked application (404 if not the caller's),
    the actor, the validated body (400) and the versions If-Match names (428/412)."""
    application = _visible_application(reference, for_update=True)
    # The body's shape first: a malformed request is a 400 whatever version it names.
    body = body_class(data=request.data)
    body.is_valid(raise_exception=True)
    versions = expected_versions(request, application)
    return application, acting_actor(request), versions, body


def _respond(request, reference: str, *, status_code: int = status.HTTP_200_OK, headers: dict | None = None):
    """The application as it is now (actions may have moved other instances of its rows)."""
    application = _visible_application(reference)
    return Response(
        application_data(application, acting_actor(request)),
        status=status_code,
        headers={"ETag": application_etag(application), **(headers or {})},
    )


# ---------------------------------------------------------------------------------------
# Request bodies
# ---------------------------------------------------------------------------------------


class ApplicationRequest(serializers.Serializer):
    person = Integer(
        required=False, allow_null=True, min_value=1, help_text="Id of an existing person your office may read."
    )
    new_person = NewPerson(
        required=False,
        allow_null=True,
        help_text="Record the applicant first (as POST /api/v1/persons/ takes); 409 lists likely duplicates "
        "unless `confirm_new` is true.",
    )
    kind = Choice(choices=Kind.choices)
    passport_type = Choice(choices=PassportType.choices, default=PassportType.ORDINARY)
    validity_years = Choice(choices=[(5, "5"), (10, "10")])
    replacement_reason = Choice(choices=ReplacementReason.choices, required=False, allow_blank=True, default="")
    previous_passport = Integer(
        required=False, allow_null=True, min_value=1, help_text="Id of the applicant's passport this one replaces."
    )
    collecting_office = Text(
        required=False, allow_blank=True, max_length=8, help_text="Office code; your own office by default."
    )
    photo = Base64File(required=False, allow_null=True, help_text=PHOTO_RULES)
    note = Text(max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="")
    second_application_reason = Text(
        max_length=NOTE_MAX_LENGTH,
        required=False,
        allow_blank=True,
        default="",
        help_text="Only when the person already has an open application of this passport type (a 409 said so): "
        "why a second one is needed. Supervisors only; recorded on the case and in the audit log.",
    )


class DocumentRequest(serializers.Serializer):
    item = Choice(choices=ChecklistItem.Code.choices, help_text="A code from the checklist.")
    file = Base64File(help_text="The scan: PDF, JPEG or PNG, up to 10 MB.")


class VerificationRequest(serializers.Serializer):
    document_dated = serializers.DateField(
        required=False, allow_null=True, default=None,
        help_text="The date printed on the document; required for the family register extract (within 6 months).",
    )


class PaymentRequest(serializers.Serializer):
    amount = Integer(min_value=0, max_value=10**12, help_text="In minor units of `currency` (JPY has none).")
    currency = Text(pattern=r"^[A-Z]{3}\Z", max_length=3, help_text="ISO 4217; the office's fee currency.")


class TransitionRequest(serializers.Serializer):
    transition = Text(max_length=48, help_text="A name from the application's `transitions`.")
    note = Text(
        max_length=NOTE_MAX_LENGTH, required=False, allow_blank=True, default="", help_text="Why; refusing requires it."
    )


class CollectionRequest(serializers.Serializer):
    identity_evidence = Text(max_length=200, help_text="How the applicant's identity was checked at the desk.")


class ChangedSince(QueryParameters):
    changed_since = serializers.DateTimeField(required=False)


class InvalidatedSince(QueryParameters):
    since = serializers.IntegerField(
        min_value=0, max_value=2**63 - 1, required=False, default=0,
        help_text="The last `id` you have; 0 for everything.",
    )


# ---------------------------------------------------------------------------------------
# Views
# ---------------------------------------------------------------------------------------


class ApplicationList(APIView):
    """The caller's applications, oldest change first; and taking in a new one."""

    pagination_class = CursorPagination
    # A new application may carry the photo, base64-encoded (consular.api.parsers).
    max_body_bytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @extend_schema(
        summary="Passport applications, by last change",
        operation_id="passport_applications_list",
        description=(
            "Applications your office holds or has held, ordered by (`updated_at`, id) ascending. Follow `next` "
            "until it is null; next time send `changed_since` = the last row's `updated_at` (inclusive, so that "
            "row comes again). Allow a few minutes' overlap: a change committed late can carry an earlier time."
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
                "A page of changes",
                response_only=True,
                value={
                    "next": "https://consular.example/api/v1/passports/applications/?cursor=cD0yMDI2LTExLTIw",
                    "previous": None,
                    "results": [ROW_EXAMPLE],
                },
            )
        ],
    )
    def get(self, request):
        filters = ChangedSince(data=request.query_params)
        filters.is_valid(raise_exception=True)
        cases = Case.objects.filter(case_type=CASE_TYPE)
        since = filters.validated_data.get("changed_since")
        if since is not None:
            cases = cases.filter(updated_at__gte=since)
        paginator = self.pagination_class()
        paginator.ordering = ("updated_at", "id")
        page = paginator.paginate_queryset(cases.values(*CASE_FIELDS, **list_values()), request, view=self)
        labels = PASSPORT.status_labels()
        return paginator.get_paginated_response([application_row(row, labels) for row in page])

    @extend_schema(
        summary="Submit a passport application",
        operation_id="passport_applications_create",
        description=(
            "For an existing person (`person`) or one recorded with it (`new_person`). Checked field by field "
            "(400 with `errors`, nothing saved), priced, and opened as a case at your office."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=ApplicationRequest,
        responses={
            201: APPLICATION,
            400: OpenApiResponse(PROBLEM, description="The body does not match this schema; nothing was saved."),
            409: OpenApiResponse(
                APPLICATION_CONFLICT,
                description="`new_person` has likely duplicates: "
                "use one as `person`, or send again with `new_person.confirm_new: true`. Or the person already "
                "has an open application of this passport type (`open_application`: its reference, or null when "
                "it is held by an office you cannot read; `office`): continue that one; nothing was saved.",
            ),
            422: OpenApiResponse(
                PROBLEM,
                description="Well-formed but refused, nothing saved: neither or both of `person` and `new_person`, "
                "an id or office code that names nothing you may use, a field the rules refuse (`errors`), or an "
                "Idempotency-Key used for a different request.",
            ),
        },
        examples=[
            OpenApiExample("A new passport for a known person", request_only=True, value=CREATE_EXAMPLE),
            OpenApiExample(
                "A renewal, recording the applicant",
                request_only=True,
                value={
                    "new_person": {
                        "family_name": "TANAKA",
                        "given_names": "AOI",
                        "family_name_native": "田中",
                        "given_names_native": "葵",
                        "sex": "F",
                        "birth_year": 2011,
                        "birth_month": 2,
                        "birth_day": 14,
                        "nationalities": ["JPN"],
                        "confirm_new": False,
                    },
                    "kind": "renewal",
                    "validity_years": 5,
                    "previous_passport": 981,
                    "collecting_office": "OSA",
                    "photo": "iVBORw0KGgoAAAANSUhEUgAAAZ0AAAITCAIAAAA=",
                },
            ),
            OpenApiExample(
                "Submitted",
                response_only=True,
                status_codes=["201"],
                value=APPLICATION_EXAMPLE
                | {
                    "status": "submitted",
                    "status_label": "Submitted",
                    "paid": False,
                    "paid_amount": None,
                    "paid_currency": "",
                    "paid_at": None,
                    "receipt_number": "",
                    "version": 2,
                    "history": APPLICATION_EXAMPLE["history"][:1],
                },
            ),
            OpenApiExample(
                "Likely duplicates",
                response_only=True,
                status_codes=["409"],
                value={
                    "type": "https://consular.example/problems/likely-duplicates",
                    "title": "Conflict",
                    "status": 409,
                    "detail": 'Likely duplicates exist. Use one of them, or send again with "confirm_new": true.',
                    "duplicates": [
                        {
                            "score": 92.0,
                            "office": "OSA",
                            "reasons": ["same name", "same date of birth"],
                            "person": {"id": 42, "family_name": "TANAKA", "given_names": "AOI"},
                        }
                    ],
                },
            ),
            OpenApiExample(
                "Already an open application",
                response_only=True,
                status_codes=["409"],
                value={
                    "type": "https://consular.example/problems/second-open-application",
                    "title": "Conflict",
                    "status": 409,
                    "detail": "This person already has an open passport application of this type: "
                    "P-2026-OSA-000041 (Under review). Continue that one, or withdraw it first. Only a supervisor "
                    "may take in a second one, giving the reason.",
                    "open_application": "P-2026-OSA-000041",
                    "office": "OSA",
                },
            ),
            *PROBLEM_EXAMPLES[:1],
        ],
    )
    @idempotent
    def post(self, request):
        actor = acting_actor(request)
        body = ApplicationRequest(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        require_one_applicant(data)
        person, previous_passport, collecting_office = self._references(data, actor)
        new_person = data.get("new_person")
        rename = {"person": "new_person"} if new_person is not None else {}
        with transaction.atomic():
            if new_person is not None:
                person = record_new_applicant(new_person, actor=actor, request=request)
                if isinstance(person, Response):
                    return person
            try:
                application = actions.submit_application(
                    by=actor,
                    person=person,
                    kind=data["kind"],
                    validity_years=data["validity_years"],
                    collecting_office=collecting_office,
                    passport_type=data["passport_type"],
                    replacement_reason=data["replacement_reason"],
                    previous_passport=previous_passport,
                    photo=data.get("photo"),
                    note=data["note"].strip(),
                    second_application_reason=data["second_application_reason"],
                )
            except ModelValidationError as error:
                # Raised inside the atomic block: a person recorded with it is rolled back too.
                raise Unprocessable(field_errors(error, rename)) from error
            except SecondOpenCase as refused:
                answer = self._second_open(refused, actor)
                transaction.set_rollback(True)  # as for a refusal of the rules: nothing of this request is kept
                return answer
        reference = application.case.reference
        location = request.build_absolute_uri(reverse("passports_api:application_detail", args=[reference]))
        return _respond(request, reference, status_code=status.HTTP_201_CREATED, headers={"Location": location})

    @staticmethod
    def _references(data: dict, actor: Actor) -> tuple[Person | None, IdentityDocument | None, Office]:
        """The person, previous passport and collecting office the body names, each as the caller may see it."""
        errors: dict[str, list[str]] = {}
        person = previous = None
        if data.get("person") is not None:
            # Person.objects is scoped: another office's person is "no such person", never a hint it exists.
            person = Person.objects.filter(pk=data["person"]).first()
            if person is None:
                errors["person"] = [NO_SUCH_PERSON]
        if data.get("previous_passport") is not None:
            previous = IdentityDocument.objects.filter(pk=data["previous_passport"]).first()
            if previous is None:
                errors["previous_passport"] = [_("There is no document with this id at your office.")]
        code = (data.get("collecting_office") or "").strip().upper()
        collecting_office = actor.office
        if code:
            collecting_office = Office.directory.filter(code=code).first()
            if collecting_office is None:
                errors["collecting_office"] = [_("There is no office with this code.")]
        if errors:
            raise Unprocessable(errors)
        return person, previous, collecting_office

    @staticmethod
    def _second_open(refused: SecondOpenCase, actor: Actor) -> Response:
        """409: the person has an open application of this type; its reference only if the caller may read it."""
        body = problem(409, refused.explanation(actor), "second_open_application")
        body["open_application"] = refused.existing.reference if refused.visible_to(actor) else None
        body["office"] = refused.existing.current_office.code
        return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)


class ApplicationDetail(APIView):
    @extend_schema(
        summary="One passport application",
        operation_id="passport_applications_retrieve",
        description=(
            "Status, history, checklist, fee and payment, and the passport once produced. The ETag changes "
            "whenever anything here changes (the application or its case); send it as If-Match on writes."
        ),
        parameters=[IF_NONE_MATCH],
        responses={
            200: APPLICATION,
            304: OpenApiResponse(description="Not modified (If-None-Match matched)."),
            404: OpenApiResponse(PROBLEM, description="No such application at your office."),
        },
        examples=[
            OpenApiExample("Under review", response_only=True, value=APPLICATION_EXAMPLE),
            OpenApiExample("Issued", response_only=True, value=ISSUED_EXAMPLE),
        ],
    )
    def get(self, request, reference):
        application = _visible_application(reference)
        etag = application_etag(application)
        if (unchanged := not_modified(request, etag)) is not None:
            return unchanged
        actor = acting_actor(request)
        record(by=actor, action=Action.READ, target=application.case.person, request=request._request)
        return Response(application_data(application, actor), headers={"ETag": etag})


class ApplicationDocuments(APIView):
    # A scan of up to 10 MB, base64-encoded (consular.api.parsers).
    max_body_bytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE

    @extend_schema(
        summary="Upload a document for a checklist item",
        operation_id="passport_application_documents_create",
        description="A scan of what the checklist is missing, while the application is undecided.",
        parameters=[IDEMPOTENCY_KEY, IF_MATCH],
        request=DocumentRequest,
        responses=WRITE_RESPONSES,
        examples=[
            OpenApiExample(
                "A family register extract",
                request_only=True,
                value={"item": "family_register", "file": "JVBERi0xLjcKJcOkw7zDtsOfCjIgMCBvYmoK"},
            ),
            *PROBLEM_EXAMPLES,
        ],
    )
    @idempotent
    def post(self, request, reference):
        application, actor, (application_version, _case_version), body = _write(request, reference, DocumentRequest)
        item = application.checklist_items.filter(code=body.validated_data["item"]).first()
        if item is None:
            raise Unprocessable({"item": [_("This application's checklist has no such item.")]})
        item.application = application
        with refusals_as_problems():
            actions.upload_document(
                item, by=actor, data=body.validated_data["file"], expected_version=application_version
            )
        return _respond(request, reference)


class ApplicationVerification(APIView):
    @extend_schema(
        summary="Record that a checklist document was verified",
        operation_id="passport_application_checklist_verify",
        description="The office's staff checked the document named by `code` (see the application's `checklist`).",
        parameters=[IDEMPOTENCY_KEY, IF_MATCH],
        request=VerificationRequest,
        responses=WRITE_RESPONSES,
        examples=[
            OpenApiExample("A family register extract", request_only=True, value={"document_dated": "2026-11-02"}),
            *PROBLEM_EXAMPLES,
        ],
    )
    @idempotent
    def post(self, request, reference, code):
        application, actor, (application_version, _case_version), body = _write(request, reference, VerificationRequest)
        item = application.checklist_items.filter(code=code).first()
        if item is None:
            raise Http404
        item.application = application
        with refusals_as_problems():
            actions.verify_item(item, by=actor, expected_version=application_version,
                                document_dated=body.validated_data["document_dated"])
        return _respond(request, reference)


class ApplicationPayment(APIView):
    @extend_schema(
        summary="Record the fee as paid",
        operation_id="passport_application_payment_create",
        description="The fee due, in full and in the office's currency; the response carries the receipt number.",
        parameters=[IDEMPOTENCY_KEY, IF_MATCH],
        request=PaymentRequest,
        responses=WRITE_RESPONSES,
        examples=[
            OpenApiExample("Paid in yen at Osaka", request_only=True, value={"amount": 16000, "currency": "JPY"}),
            *PROBLEM_EXAMPLES,
        ],
    )
    @idempotent
    def post(self, request, reference):
        application, actor, (application_version, _case_version), body = _write(request, reference, PaymentRequest)
        with refusals_as_problems():
            actions.record_payment(application, by=actor, amount=body.validated_data["amount"],
                                   currency=body.validated_data["currency"], expected_version=application_version)
        return _respond(request, reference)


class ApplicationTransitions(APIView):
    @extend_schema(
        summary="Fire a transition",
        operation_id="passport_application_transitions_create",
        description=(
            "The prefecture decides its own applications (`start_review`, `approve`, `refuse`, `withdraw`) "
            "and marks dispatched passports received (`receive`). The application's `transitions` lists "
            "the steps and why one is refused."
        ),
        parameters=[IDEMPOTENCY_KEY, IF_MATCH],
        request=TransitionRequest,
        responses=WRITE_RESPONSES,
        examples=[
            OpenApiExample("Approve", request_only=True, value={"transition": "approve"}),
            OpenApiExample(
                "Refuse",
                request_only=True,
                value={"transition": "refuse", "note": "The family register extract is 8 months old."},
            ),
            *PROBLEM_EXAMPLES,
        ],
    )
    @idempotent
    def post(self, request, reference):
        application, actor, (_application_version, case_version), body = _write(request, reference, TransitionRequest)
        with refusals_as_problems():
            fire(
                application.case,
                body.validated_data["transition"],
                by=actor,
                expected_version=case_version,
                note=body.validated_data["note"].strip(),
            )
        return _respond(request, reference)


class ApplicationCollection(APIView):
    @extend_schema(
        summary="Record collection at the desk",
        operation_id="passport_application_collection_create",
        description=(
            "The applicant's identity was checked and the passport handed over: the new passport becomes valid, "
            "the one it replaces is cancelled, and the application is issued."
        ),
        parameters=[IDEMPOTENCY_KEY, IF_MATCH],
        request=CollectionRequest,
        responses=WRITE_RESPONSES,
        examples=[
            OpenApiExample("Collected", request_only=True, value={"identity_evidence": "Driving licence 123456789012"}),
            OpenApiExample("Issued", response_only=True, status_codes=["200"], value=ISSUED_EXAMPLE),
            *PROBLEM_EXAMPLES,
        ],
    )
    @idempotent
    def post(self, request, reference):
        application, actor, (_application_version, case_version), body = _write(request, reference, CollectionRequest)
        with refusals_as_problems():
            actions.collect_passport(
                application,
                by=actor,
                expected_version=case_version,
                identity_evidence=body.validated_data["identity_evidence"],
            )
        return _respond(request, reference)


class InvalidatedPassports(APIView):
    @extend_schema(
        summary="Passports to refuse at the border: the incremental feed",
        operation_id="passport_invalidations_list",
        description=(
            "Every passport number invalidated (lost, stolen, cancelled, revoked, not collected) after the row "
            "`since`, oldest first. Start at 0; send `next_since` back each time; an empty `results` means "
            "you are up to date."
        ),
        parameters=[
            InvalidatedSince,
            page_size_parameter(default=INVALIDATED_PAGE_SIZE, maximum=INVALIDATED_MAX_PAGE_SIZE),
        ],
        responses={200: INVALIDATED_PAGE, 400: OpenApiResponse(PROBLEM, description="A bad `since` or size.")},
        examples=[
            OpenApiExample(
                "Two new invalidations",
                response_only=True,
                value={
                    "results": [
                        {
                            "id": 1041,
                            "number": "TZ0000123",
                            "issuing_state": "JPN",
                            "reason": "lost",
                            "invalidated_at": "2027-03-02T11:20:04Z",
                        },
                        {
                            "id": 1042,
                            "number": "TR1234567",
                            "issuing_state": "JPN",
                            "reason": "cancelled",
                            "invalidated_at": "2027-03-02T11:31:40Z",
                        },
                    ],
                    "next_since": 1042,
                },
            )
        ],
    )
    def get(self, request):
        parameters = InvalidatedSince(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        since = parameters.validated_data["since"]
        size = page_size_from(request, default=INVALIDATED_PAGE_SIZE, maximum=INVALIDATED_MAX_PAGE_SIZE)
        # Ordered by id. PostgreSQL hands out ids at insert, not at commit: the writer (actions._invalidate)
        # must serialize its inserts, or a slow transaction's row could land behind a `since` already given out.
        feed = Invalidation.objects.filter(pk__gt=since).order_by("pk")
        rows = list(feed.values("id", "number", "issuing_state", "reason", "invalidated_at")[:size])
        return Response({"results": rows, "next_since": rows[-1]["id"] if rows else since})
