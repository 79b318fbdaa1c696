"""The visa API's response shapes for the OpenAPI schema (drf-spectacular); nothing here runs per request.

An agency learns the state of its applications, never the screening behind it: `screening` is
"pending" or "screened", and a refusal is "refused" with no reason.
"""

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers

from consular.api.schema import DUPLICATES_PROBLEM, ETAG, PROBLEM_BODY, link
from visas.models import Entries, Visa

SCREENING_STATES = [("pending", "Not screened yet"), ("screened", "Screened")]

ROW_FIELDS = {
    "reference": serializers.CharField(),
    "status": serializers.CharField(),
    "status_label": serializers.CharField(),
    "person": serializers.IntegerField(),
    "category": serializers.CharField(),
    "entries": serializers.ChoiceField(Entries.choices),
    "arrival_on": serializers.DateField(),
    "stay_days": serializers.IntegerField(),
    "group_reference": serializers.CharField(),
    "fee_amount": serializers.IntegerField(help_text="Minor units of `fee_currency`."),
    "fee_currency": serializers.CharField(),
    "paid": serializers.BooleanField(),
    "screening": serializers.ChoiceField(SCREENING_STATES, help_text="Whether screening has run; nothing more."),
    "visa_number": serializers.CharField(allow_null=True),
    "updated_at": serializers.DateTimeField(),
    "version": serializers.IntegerField(help_text="Goes up on every change; the ETag is built from it."),
}
APPLICATION_ROW = inline_serializer("VisaApplicationSummary", ROW_FIELDS)
APPLICATION_PAGE = inline_serializer(
    "VisaApplicationPage",
    {
        "next": serializers.URLField(allow_null=True),
        "previous": serializers.URLField(allow_null=True),
        "results": APPLICATION_ROW.__class__(many=True),
    },
)
VISA = inline_serializer(
    "VisaIssued",
    {
        "number": serializers.CharField(),
        "form": serializers.ChoiceField(Visa.Form.choices),
        "state": serializers.ChoiceField(Visa.State.choices),
        "valid_from": serializers.DateField(),
        "valid_until": serializers.DateField(),
        "entries": serializers.ChoiceField(Entries.choices),
        "stay_days": serializers.IntegerField(),
        "mrz": serializers.ListField(child=serializers.CharField()),
        "seal": serializers.CharField(
            allow_null=True,
            help_text="An e-visa's visible digital seal (ICAO 9303 Part 13), RFC 4648 base32 without padding: "
            "the QR code's content on the grant notice. Null for a sticker.",
        ),
    },
    allow_null=True,
)
APPLICATION = inline_serializer(
    "VisaApplication",
    {
        **ROW_FIELDS,
        "person": inline_serializer(
            "VisaApplicant",
            {
                "id": serializers.IntegerField(),
                "family_name": serializers.CharField(),
                "given_names": serializers.CharField(),
            },
        ),
        "purpose": serializers.CharField(),
        "coe_number": serializers.CharField(),
        "host_name": serializers.CharField(),
        "host_address": serializers.CharField(),
        "host_relationship": serializers.CharField(),
        "host_phone": serializers.CharField(),
        "itinerary": serializers.CharField(),
        "passport": inline_serializer(
            "VisaApplicantPassport",
            {
                "number": serializers.CharField(),
                "issuing_state": serializers.CharField(),
                "expires_on": serializers.DateField(allow_null=True),
            },
        ),
        "photo": serializers.BooleanField(help_text="A photo is on file."),
        "office": serializers.CharField(),
        "applied_on": serializers.DateField(),
        "submitted_at": serializers.DateTimeField(),
        "closed_at": serializers.DateTimeField(allow_null=True),
        "fee_jpy": serializers.IntegerField(),
        "fee_display": serializers.CharField(),
        "paid_amount": serializers.IntegerField(allow_null=True),
        "paid_currency": serializers.CharField(),
        "paid_at": serializers.DateTimeField(allow_null=True),
        "receipt_number": serializers.CharField(),
        "checklist": inline_serializer(
            "VisaChecklistItem",
            {"item": serializers.CharField(), "label": serializers.CharField(), "verified": serializers.BooleanField()},
            many=True,
        ),
        "decision": inline_serializer(
            "VisaDecision",
            {
                "outcome": serializers.ChoiceField([("issued", "Issued"), ("refused", "Refused")]),
                "visa": VISA,
            },
            allow_null=True,
            help_text="Null until decided (and for a withdrawn application). A refusal states no reason.",
        ),
    },
)
PROBLEM = PROBLEM_BODY
LikelyDuplicate = type(DUPLICATES_PROBLEM.fields["duplicates"].child)
APPLICATION_CONFLICT = inline_serializer(
    "VisaApplicationConflict",
    {
        "type": serializers.URLField(),
        "title": serializers.CharField(),
        "status": serializers.IntegerField(),
        "detail": serializers.CharField(),
        "duplicates": LikelyDuplicate(many=True, help_text="Likely duplicates of `new_person`."),
    },
)
WRITE_RESPONSES = {
    200: APPLICATION,
    400: OpenApiResponse(PROBLEM, description="The body does not match this schema; `errors` lists the fields."),
    404: OpenApiResponse(PROBLEM, description="No such application among those you submitted."),
    412: OpenApiResponse(PROBLEM, description="If-Match is stale: read the application again."),
    422: OpenApiResponse(PROBLEM, description="The application can no longer be withdrawn (`detail` says why)."),
    428: OpenApiResponse(PROBLEM, description="If-Match is missing."),
}

ROW_EXAMPLE = {
    "reference": "V-2026-NYC-000123",
    "status": "under_review",
    "status_label": "Under review",
    "person": 42,
    "category": "tourism",
    "entries": "single",
    "arrival_on": "2027-01-10",
    "stay_days": 14,
    "group_reference": "",
    "fee_amount": 2000,
    "fee_currency": "USD",
    "paid": False,
    "screening": "screened",
    "visa_number": None,
    "updated_at": "2026-12-02T05:10:00Z",
    "version": 4,
}
APPLICATION_EXAMPLE = ROW_EXAMPLE | {
    "person": {"id": 42, "family_name": "WANG", "given_names": "LI NA"},
    "purpose": "Sightseeing in Kyoto",
    "coe_number": "",
    "host_name": "",
    "host_address": "",
    "host_relationship": "",
    "host_phone": "",
    "itinerary": "Tokyo 5 nights, Kyoto 9 nights",
    "passport": {"number": "E12345678", "issuing_state": "CHN", "expires_on": "2034-05-01"},
    "photo": True,
    "office": "NYC",
    "applied_on": "2026-12-02",
    "submitted_at": "2026-12-02T05:03:00Z",
    "closed_at": None,
    "fee_jpy": 3000,
    "fee_display": "USD 20.00",
    "paid_amount": None,
    "paid_currency": "",
    "paid_at": None,
    "receipt_number": "",
    "checklist": [{"item": "application_form", "label": "Signed visa application form", "verified": True}],
    "decision": None,
}
CREATE_EXAMPLE = {
    "person": 42,
    "category": "tourism",
    "entries": "single",
    "purpose": "Sightseeing in Kyoto",
    "arrival_on": "2027-01-10",
    "stay_days": 14,
    "passport_mrz": "P<CHNWANG<<LI<NA<<<<<<<<<<<<<<<<<<<<<<<<<<<<\nE12345678<CHN8803143F3405012<<<<<<<<<<<<<<06",
    "passport_issued_on": "2024-05-02",
    "itinerary": "Tokyo 5 nights, Kyoto 9 nights",
}

WRITES = ("visa_application_withdrawal_create",)


def link_operations(result: dict, generator, request, public) -> dict:
    """Postprocessing hook (SPECTACULAR_SETTINGS): every answer showing a visa application links to its reads
    and writes."""
    reference = {"path.reference": "$response.body#/reference"}
    link(result, "persons_create", 201, "visa_applications_create", {}, {"person": "$response.body#/id"})
    link(
        result,
        "visa_applications_list",
        200,
        "visa_applications_retrieve",
        {"path.reference": "$response.body#/results/0/reference"},
    )
    for source, status in [
        ("visa_applications_create", 201),
        ("visa_applications_retrieve", 200),
        *((write, 200) for write in WRITES),
    ]:
        link(result, source, status, "visa_applications_retrieve", reference)
        for write in WRITES:
            link(result, source, status, write, reference | {"header.If-Match": ETAG})
    return result
