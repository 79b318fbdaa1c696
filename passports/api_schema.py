"""The passport API's response shapes and examples for the OpenAPI schema (drf-spectacular).

Kept apart from passports/api.py so the views read as views; nothing here runs per request.
"""

from drf_spectacular.utils import OpenApiExample, OpenApiResponse, inline_serializer
from rest_framework import serializers

from consular.api.schema import DUPLICATES_PROBLEM, ETAG, PROBLEM_BODY, link
from passports.models import Invalidation

ROW_FIELDS = {
    "reference": serializers.CharField(),
    "status": serializers.CharField(),
    "status_label": serializers.CharField(),
    "person": serializers.IntegerField(),
    "kind": serializers.CharField(),
    "passport_type": serializers.CharField(),
    "validity_years": serializers.IntegerField(),
    "collecting_office": serializers.CharField(),
    "current_office": serializers.CharField(),
    "fee_amount": serializers.IntegerField(help_text="Minor units of `fee_currency`."),
    "fee_currency": serializers.CharField(),
    "paid": serializers.BooleanField(),
    "passport_number": serializers.CharField(allow_null=True),
    "updated_at": serializers.DateTimeField(),
    "version": serializers.IntegerField(help_text="Goes up on every change; the ETag is built from it."),
}
APPLICATION_ROW = inline_serializer("PassportApplicationSummary", ROW_FIELDS)
APPLICATION_PAGE = inline_serializer(
    "PassportApplicationPage",
    {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": APPLICATION_ROW.__class__(many=True),
    },
)
APPLICATION = inline_serializer(
    "PassportApplication",
    {
        **ROW_FIELDS,
        "person": inline_serializer(
            "PassportApplicant",
            {
                "id": serializers.IntegerField(),
                "family_name": serializers.CharField(),
                "given_names": serializers.CharField(),
            },
        ),
        "replacement_reason": serializers.CharField(),
        "previous_passport": inline_serializer(
            "PassportPrevious", {"id": serializers.IntegerField(), "number": serializers.CharField()}, allow_null=True
        ),
        "originating_office": serializers.CharField(),
        "submitted_at": serializers.DateTimeField(),
        "due_at": serializers.DateTimeField(allow_null=True),
        "closed_at": serializers.DateTimeField(allow_null=True),
        "applied_on": serializers.DateField(),
        "age_on_application": serializers.IntegerField(),
        "photo": serializers.BooleanField(help_text="A photo is on file."),
        "fee_jpy": serializers.IntegerField(),
        "fee_display": serializers.CharField(),
        "paid_amount": serializers.IntegerField(allow_null=True),
        "paid_currency": serializers.CharField(),
        "paid_at": serializers.DateTimeField(allow_null=True),
        "receipt_number": serializers.CharField(),
        "checklist": inline_serializer(
            "PassportChecklistItem",
            {
                "item": serializers.CharField(),
                "label": serializers.CharField(),
                "verified": serializers.BooleanField(),
                "verified_at": serializers.DateTimeField(allow_null=True),
                "verified_by": serializers.CharField(),
                "document_dated": serializers.DateField(allow_null=True),
                "upload": serializers.BooleanField(help_text="A scan has been uploaded."),
            },
            many=True,
        ),
        "history": inline_serializer(
            "PassportCaseEvent",
            {
                "at": serializers.DateTimeField(),
                "transition": serializers.CharField(),
                "from_status": serializers.CharField(),
                "to_status": serializers.CharField(),
                "from_office": serializers.CharField(),
                "to_office": serializers.CharField(),
                "by": serializers.CharField(),
                "role": serializers.CharField(),
                "note": serializers.CharField(),
            },
            many=True,
        ),
        "transitions": inline_serializer(
            "PassportTransitionOption",
            {
                "name": serializers.CharField(),
                "label": serializers.CharField(),
                "to_status": serializers.CharField(),
                "note_required": serializers.BooleanField(),
                "allowed": serializers.BooleanField(),
                "refused_because": serializers.CharField(allow_null=True),
            },
            many=True,
        ),
        "passport": inline_serializer(
            "PassportProduced",
            {
                "number": serializers.CharField(),
                "passport_type": serializers.CharField(),
                "surname": serializers.CharField(),
                "given_names": serializers.CharField(),
                "issued_on": serializers.DateField(),
                "expires_on": serializers.DateField(),
                "authority": serializers.CharField(),
                "mrz": serializers.ListField(child=serializers.CharField()),
            },
            allow_null=True,
        ),
        "collection": inline_serializer(
            "PassportCollection",
            {
                "at": serializers.DateTimeField(),
                "by": serializers.CharField(),
                "identity_evidence": serializers.CharField(),
            },
            allow_null=True,
        ),
    },
)
# One problem component for the whole API (consular.api.schema), so examples below attach to it.
PROBLEM = PROBLEM_BODY
# A new application's 409 is one of two conflicts: likely duplicates of `new_person` (as POST /persons/ lists
# them), or an open application of the same passport type. One body for both, each conflict's fields optional.
LikelyDuplicate = type(DUPLICATES_PROBLEM.fields["duplicates"].child)
APPLICATION_CONFLICT = inline_serializer(
    "PassportApplicationConflict",
    {
        "type": serializers.URLField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "duplicates": LikelyDuplicate(many=True, required=False, help_text="Likely duplicates of `new_person`."),
        "open_application": serializers.CharField(
            required=False, allow_null=True,
            help_text="The person's open application of this type; null when an office you cannot read holds it.",
        ),
        "office": serializers.CharField(required=False, help_text="The office holding the open application."),
    },
)
INVALIDATED_PAGE = inline_serializer(
    "PassportInvalidatedPage",
    {
        "results": inline_serializer(
            "PassportInvalidated",
            {
                "id": serializers.IntegerField(),
                "number": serializers.CharField(),
                "issuing_state": serializers.CharField(),
                "reason": serializers.ChoiceField(Invalidation.Reason.choices),
                "invalidated_at": serializers.DateTimeField(),
            },
            many=True,
        ),
        "next_since": serializers.IntegerField(help_text="Send as `since` next time."),
    },
)

ROW_EXAMPLE = {
    "reference": "P-2026-OSA-000123",
    "status": "under_review",
    "status_label": "Under review",
    "person": 42,
    "kind": "new",
    "passport_type": "ordinary",
    "validity_years": 10,
    "collecting_office": "OSA",
    "current_office": "OSA",
    "fee_amount": 16000,
    "fee_currency": "JPY",
    "paid": True,
    "passport_number": None,
    "updated_at": "2026-11-20T05:10:00Z",
    "version": 5,
}
APPLICATION_EXAMPLE = ROW_EXAMPLE | {
    "person": {"id": 42, "family_name": "YAMADA", "given_names": "HANAKO"},
    "replacement_reason": "",
    "previous_passport": None,
    "originating_office": "OSA",
    "submitted_at": "2026-11-20T05:03:00Z",
    "due_at": "2026-11-27T15:00:00Z",
    "closed_at": None,
    "applied_on": "2026-11-20",
    "age_on_application": 42,
    "photo": True,
    "fee_jpy": 16000,
    "fee_display": "JPY 16,000",
    "paid_amount": 16000,
    "paid_currency": "JPY",
    "paid_at": "2026-11-20T05:08:00Z",
    "receipt_number": "R-2026-OSA-000031",
    "checklist": [
        {
            "item": "application_form",
            "label": "Signed application form",
            "verified": True,
            "verified_at": "2026-11-20T05:05:00Z",
            "verified_by": "Osaka prefectural system",
            "document_dated": None,
            "upload": False,
        },
        {
            "item": "family_register",
            "label": "Family register extract (issued within 6 months)",
            "verified": False,
            "verified_at": None,
            "verified_by": "",
            "document_dated": None,
            "upload": True,
        },
    ],
    "history": [
        {
            "at": "2026-11-20T05:03:00Z",
            "transition": "open",
            "from_status": "",
            "to_status": "submitted",
            "from_office": "OSA",
            "to_office": "OSA",
            "by": "Osaka prefectural system",
            "role": "officer",
            "note": "",
        },
        {
            "at": "2026-11-20T05:04:00Z",
            "transition": "start_review",
            "from_status": "submitted",
            "to_status": "under_review",
            "from_office": "OSA",
            "to_office": "OSA",
            "by": "Osaka prefectural system",
            "role": "officer",
            "note": "",
        },
    ],
    "transitions": [
        {
            "name": "approve",
            "label": "Approve",
            "to_status": "approved",
            "note_required": False,
            "allowed": False,
            "refused_because": "Not every document is verified: Family register extract (issued within 6 months).",
        },
        {
            "name": "refuse",
            "label": "Refuse",
            "to_status": "refused",
            "note_required": True,
            "allowed": True,
            "refused_because": None,
        },
    ],
    "passport": None,
    "collection": None,
}
ISSUED_EXAMPLE = APPLICATION_EXAMPLE | {
    "status": "issued",
    "status_label": "Issued",
    "passport_number": "TZ0000123",
    "version": 14,
    "closed_at": "2027-01-12T02:30:00Z",
    "transitions": [],
    "passport": {
        "number": "TZ0000123",
        "passport_type": "ordinary",
        "surname": "YAMADA",
        "given_names": "HANAKO",
        "issued_on": "2026-12-01",
        "expires_on": "2036-12-01",
        "authority": "MINISTRY OF FOREIGN AFFAIRS",
        "mrz": ["P<JPNYAMADA<<HANAKO<<<<<<<<<<<<<<<<<<<<<<<<<<", "TZ00001236JPN8407034F3612016<<<<<<<<<<<<<<04"],
    },
    "collection": {
        "at": "2027-01-12T02:30:00Z",
        "by": "Osaka prefectural system",
        "identity_evidence": "Driving licence 123456789012",
    },
}
CREATE_EXAMPLE = {
    "person": 42,
    "kind": "new",
    "passport_type": "ordinary",
    "validity_years": 10,
    # Truncated for the page (a real photo is some 100 KB); still valid base64, so the example is a well-formed request.
    "photo": "/9j/4AAQSkZJRgABAQEBLAEsAAD/2wBDAAgGBgcGBQgHBwcJCQgKDA==",
    "note": "Counter 3",
}
PROBLEM_EXAMPLES = [
    OpenApiExample(
        "Invalid fields",
        response_only=True,
        status_codes=["400"],
        value={
            "type": "https://consular.example/problems/validation-error",
            "title": "Bad Request",
            "status": 400,
            "detail": "The request has invalid fields.",
            "errors": [
                {
                    "field": "validity_years",
                    "message": "A 10-year passport is issued from age 18; the applicant is 15.",
                    "code": "invalid",
                }
            ],
        },
    ),
    OpenApiExample(
        "Stale ETag",
        response_only=True,
        status_codes=["412"],
        value={
            "type": "https://consular.example/problems/precondition-failed",
            "title": "Precondition Failed",
            "status": 412,
            "detail": "The resource changed since you read it. Read it again and retry.",
        },
    ),
    OpenApiExample(
        "No If-Match",
        response_only=True,
        status_codes=["428"],
        value={
            "type": "https://consular.example/problems/precondition-required",
            "title": "Precondition Required",
            "status": 428,
            "detail": "This write needs an If-Match header with the ETag from your last read.",
        },
    ),
    OpenApiExample(
        "Refused",
        response_only=True,
        status_codes=["422"],
        value={
            "type": "https://consular.example/problems/transition-refused",
            "title": "Unprocessable Content",
            "status": 422,
            "detail": "The fee has not been paid.",
        },
    ),
]
WRITE_RESPONSES = {
    200: APPLICATION,
    400: OpenApiResponse(PROBLEM, description="The body does not match this schema; `errors` lists the fields."),
    403: OpenApiResponse(PROBLEM, description="The application is held by another office now."),
    404: OpenApiResponse(PROBLEM, description="No such application at your office."),
    412: OpenApiResponse(PROBLEM, description="If-Match is stale: read the application again."),
    422: OpenApiResponse(PROBLEM, description="The rule refuses the step (`detail` says why), or a field the "
                         "application's state refuses (`errors`)."),
    428: OpenApiResponse(PROBLEM, description="If-Match is missing."),
}


WRITES = (
    "passport_application_documents_create",
    "passport_application_checklist_verify",
    "passport_application_payment_create",
    "passport_application_transitions_create",
    "passport_application_collection_create",
)


def link_operations(result: dict, generator, request, public) -> dict:
    """Postprocessing hook (SPECTACULAR_SETTINGS): an application as a chain of reads and writes.

    Every answer that shows an application (its creation, a read, each write) hands its reference and
    ETag to every write, so the next step can always name the version it read.
    """
    reference = {"path.reference": "$response.body#/reference"}
    link(result, "persons_create", 201, "passport_applications_create", {}, {"person": "$response.body#/id"})
    link(result, "passport_applications_list", 200, "passport_applications_retrieve",
         {"path.reference": "$response.body#/results/0/reference"})
    sources = [("passport_applications_create", 201), ("passport_applications_retrieve", 200)]
    sources += [(write, 200) for write in WRITES]
    for source, status in sources:
        link(result, source, status, "passport_applications_retrieve", reference)
        for write in WRITES:
            parameters = reference | {"header.If-Match": ETAG}
            if write == "passport_application_checklist_verify":
                parameters["path.code"] = "$response.body#/checklist/0/item"
            link(result, source, status, write, parameters)
    return result
