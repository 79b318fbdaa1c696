"""Persons over REST: ranked search, one person, creation that checks for duplicates first, their documents."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiExample, OpenApiParameter, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from consular.api.conditional import etag_for
from consular.api.idempotency import idempotent
from consular.api.problems import PROBLEM_CONTENT_TYPE, Conflict, problem
from consular.audit.actions import Action, record
from consular.identity import actions
from consular.identity.forms import clean_date_of_birth, clean_nationality
from consular.identity.models import IdentityDocument, Person, Sex
from consular.identity.names import PartialDate
from consular.identity.search import Duplicate, Result, likely_duplicates, search_persons
from consular.offices.api import IDEMPOTENCY_KEY
from consular.offices.scoping import acting_actor

MAX_RESULTS = 50


def _date_of_birth(person: Person) -> str:
    return str(PartialDate(person.birth_year, person.birth_month, person.birth_day))


def person_data(person: Person) -> dict:
    """One person as the API shows it; a plain function, not a ModelSerializer (hot list, DESIGN)."""
    return {
        "id": person.pk,
        "family_name": person.family_name,
        "given_names": person.given_names,
        "family_name_native": person.family_name_native,
        "given_names_native": person.given_names_native,
        "family_name_reading": person.family_name_reading,
        "given_names_reading": person.given_names_reading,
        "sex": person.sex,
        "date_of_birth": _date_of_birth(person),
        "nationalities": person.nationalities,
        "place_of_birth": person.place_of_birth,
        "merged_into": person.merged_into_id,
        "version": person.version,
    }


def result_data(result: Result) -> dict:
    return {"score": result.score, "reasons": result.reasons, "person": person_data(result.person)}


def duplicate_data(duplicate: Duplicate) -> dict:
    """A person the caller may not read shows only the score and office: never a name or id."""
    if duplicate.person is None:
        return {"score": duplicate.score, "office": duplicate.office_code, "person": None, "reasons": []}
    return {
        "score": duplicate.score,
        "office": duplicate.office_code,
        "reasons": duplicate.reasons,
        "person": person_data(duplicate.person),
    }


class SearchParameters(serializers.Serializer):
    q = serializers.CharField(max_length=200, help_text="Family name first: `YAMADA HANAKO`, `YAMADA, HANAKO`, kana.")
    date_of_birth = serializers.CharField(
        max_length=10, required=False, allow_blank=True, help_text="YYYY-MM-DD, YYYY-MM or YYYY."
    )
    nationality = serializers.CharField(
        max_length=3, required=False, allow_blank=True, help_text="ISO 3166-1 alpha-3, e.g. JPN."
    )
    limit = serializers.IntegerField(min_value=1, max_value=MAX_RESULTS, required=False, default=20)

    def validate_date_of_birth(self, value: str) -> PartialDate | None:
        try:
            return clean_date_of_birth(value)
        except ModelValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate_nationality(self, value: str) -> str:
        try:
            return clean_nationality(value)
        except ModelValidationError as error:
            raise serializers.ValidationError(error.messages) from error


class NewPerson(serializers.Serializer):
    family_name = serializers.CharField(max_length=100)
    given_names = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    family_name_native = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    given_names_native = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    family_name_reading = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    given_names_reading = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    sex = serializers.ChoiceField(choices=Sex.choices)
    birth_year = serializers.IntegerField(min_value=1850, max_value=2200)
    birth_month = serializers.IntegerField(min_value=1, max_value=12, required=False, allow_null=True, default=None)
    birth_day = serializers.IntegerField(min_value=1, max_value=31, required=False, allow_null=True, default=None)
    nationalities = serializers.ListField(child=serializers.CharField(max_length=3), min_length=1)
    place_of_birth = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    confirm_new = serializers.BooleanField(
        required=False,
        default=False,
        help_text="Create even though likely duplicates exist (after a 409 listed them).",
    )


PERSON_SCHEMA = inline_serializer(
    "Person",
    {
        "id": serializers.IntegerField(),
        "family_name": serializers.CharField(),
        "given_names": serializers.CharField(),
        "family_name_native": serializers.CharField(),
        "given_names_native": serializers.CharField(),
        "family_name_reading": serializers.CharField(),
        "given_names_reading": serializers.CharField(),
        "sex": serializers.CharField(),
        "date_of_birth": serializers.CharField(),
        "nationalities": serializers.ListField(child=serializers.CharField()),
        "place_of_birth": serializers.CharField(),
        "merged_into": serializers.IntegerField(allow_null=True),
        "version": serializers.IntegerField(),
    },
)


class PersonList(APIView):
    @extend_schema(
        summary="Search persons, best match first",
        operation_id="persons_search",
        description=(
            "Ranked, not paginated: at most `limit` (≤ 50) persons your office may see, each with a score "
            "out of 100 and the reasons for it."
        ),
        parameters=[SearchParameters],
        responses=inline_serializer(
            "PersonSearch",
            {
                "results": inline_serializer(
                    "PersonSearchResult",
                    {
                        "score": serializers.FloatField(),
                        "reasons": serializers.ListField(child=serializers.CharField()),
                        "person": PERSON_SCHEMA,
                    },
                    many=True,
                ),
            },
        ),
    )
    def get(self, request):
        actor = acting_actor(request)
        parameters = SearchParameters(data=request.query_params)
        parameters.is_valid(raise_exception=True)
        data = parameters.validated_data
        results = search_persons(
            actor=actor,
            q=data["q"],
            date_of_birth=data.get("date_of_birth"),
            nationality=data.get("nationality", ""),
            limit=data["limit"],
        )
        record(
            by=actor,
            action=Action.READ,
            request=request._request,
            object_repr="person search",
            changes={"query": data["q"], "persons": " ".join(str(r.person.pk) for r in results)},
        )
        return Response({"results": [result_data(result) for result in results]})

    @extend_schema(
        summary="Record a new person",
        operation_id="persons_create",
        description=(
            "If likely duplicates exist (at any office) the answer is 409 listing them; persons at offices "
            "you cannot read show only a score and the office code. Send again with `confirm_new: true` to "
            "create anyway."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=NewPerson,
        responses={201: PERSON_SCHEMA, 409: OpenApiTypes.OBJECT},
    )
    @idempotent
    def post(self, request):
        actor = acting_actor(request)
        if actor.is_read_only:
            raise PermissionDenied("Auditors read personal data; they do not change it.")
        serializer = NewPerson(data=request.data)
        serializer.is_valid(raise_exception=True)
        fields = dict(serializer.validated_data)
        confirm_new = fields.pop("confirm_new")
        if not confirm_new:
            conflict = duplicates_conflict(
                fields, actor=actor,
                detail='Likely duplicates exist. Use one of them, or send again with "confirm_new": true.',
            )
            if conflict is not None:
                return conflict
        try:
            person = actions.create_person(by=actor, **fields)
        except ModelValidationError as error:
            raise serializers.ValidationError(error.message_dict) from error
        return Response(
            person_data(person),
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(person), "Location": request.build_absolute_uri(f"{person.pk}/")},
        )


def duplicates_conflict(fields: dict, *, actor, detail: str) -> Response | None:
    """A 409 problem listing the likely duplicates of a new person's `fields`; None when there are none.

    Every API that records a person (persons, passport applications) answers this way.
    """
    duplicates = likely_duplicates(
        actor=actor,
        family_name=fields["family_name"],
        given_names=fields["given_names"],
        family_name_reading=fields["family_name_reading"],
        given_names_reading=fields["given_names_reading"],
        date_of_birth=PartialDate(fields["birth_year"], fields["birth_month"], fields["birth_day"]),
        nationality=str(fields["nationalities"][0]),
    )
    if not duplicates:
        return None
    body = problem(409, detail, "likely_duplicates")
    body["duplicates"] = [duplicate_data(duplicate) for duplicate in duplicates]
    return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)


class PersonDetail(APIView):
    @extend_schema(
        summary="One person",
        operation_id="persons_retrieve",
        parameters=[OpenApiParameter("If-None-Match", OpenApiTypes.STR, OpenApiParameter.HEADER)],
        responses=PERSON_SCHEMA,
    )
    def get(self, request, pk):
        actor = acting_actor(request)
        # Person.objects is scoped to the caller's office: another office's person is a 404.
        person = get_object_or_404(Person.objects.all(), pk=pk)
        etag = etag_for(person)
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        record(by=actor, action=Action.READ, target=person, request=request._request)
        return Response(person_data(person), headers={"ETag": etag})


def document_data(document: IdentityDocument) -> dict:
    return {
        "id": document.pk,
        "person": document.person_id,
        "kind": document.kind,
        "number": document.number,
        "issuing_state": document.issuing_state,
        "issued_on": document.issued_on,
        "expires_on": document.expires_on,
        "status": document.status,
        "version": document.version,
    }


class NewDocument(serializers.Serializer):
    kind = serializers.ChoiceField(choices=IdentityDocument.Kind.choices)
    number = serializers.CharField(max_length=40, help_text="As printed; spaces and hyphens are dropped.")
    issuing_state = serializers.CharField(max_length=3, help_text="ISO 3166-1 alpha-3, e.g. JPN.")
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(required=False, allow_null=True, default=None)
    status = serializers.ChoiceField(
        # "pending" is the state of a passport this system produced and has not handed over yet.
        choices=[choice for choice in IdentityDocument.Status.choices if choice[0] != IdentityDocument.Status.PENDING],
        default=IdentityDocument.Status.VALID,
    )

    def validate_issuing_state(self, value: str) -> str:
        try:
            return clean_nationality(value)
        except ModelValidationError as error:
            raise serializers.ValidationError(error.messages) from error

    def validate(self, data: dict) -> dict:
        if data.get("expires_on") and data["expires_on"] < data["issued_on"]:
            raise serializers.ValidationError({"expires_on": [_("A document cannot expire before it is issued.")]})
        return data


DOCUMENT_SCHEMA = inline_serializer(
    "IdentityDocument",
    {
        "id": serializers.IntegerField(),
        "person": serializers.IntegerField(),
        "kind": serializers.ChoiceField(choices=IdentityDocument.Kind.choices),
        "number": serializers.CharField(),
        "issuing_state": serializers.CharField(),
        "issued_on": serializers.DateField(),
        "expires_on": serializers.DateField(allow_null=True),
        "status": serializers.ChoiceField(choices=IdentityDocument.Status.choices),
        "version": serializers.IntegerField(),
    },
)
DOCUMENT_EXAMPLE = {
    "id": 981,
    "person": 42,
    "kind": "passport",
    "number": "TR1234567",
    "issuing_state": "JPN",
    "issued_on": "2019-04-02",
    "expires_on": "2029-04-01",
    "status": "valid",
    "version": 1,
}


class PersonDocuments(APIView):
    """A person's identity documents, and adding one typed in from the paper."""

    @extend_schema(
        summary="A person's identity documents",
        operation_id="person_documents_list",
        description="Newest issue first. A person your office may not read is a 404.",
        responses={
            200: inline_serializer("IdentityDocumentList", {"results": DOCUMENT_SCHEMA.__class__(many=True)}),
            404: OpenApiResponse(description="No such person at your office (problem+json)."),
        },
        examples=[OpenApiExample("One passport", response_only=True, value={"results": [DOCUMENT_EXAMPLE]})],
    )
    def get(self, request, pk):
        actor = acting_actor(request)
        # Person.objects is scoped to the caller's office: another office's person is a 404.
        person = get_object_or_404(Person.objects.all(), pk=pk)
        record(by=actor, action=Action.READ, target=person, request=request._request)
        documents = IdentityDocument.objects.filter(person=person).order_by("-issued_on", "-pk")
        return Response({"results": [document_data(document) for document in documents]})

    @extend_schema(
        summary="Add an identity document",
        operation_id="person_documents_create",
        description=(
            "A document the person holds or held (an earlier passport, a foreign passport, an identity or "
            "residence card), as typed in from the paper. The number is kept as letters and digits; a state "
            "issues a number once per kind of document (else 400, nothing saved). A person your office may "
            "not read is a 404; a merged record is a 409 (add it to the record it was merged into)."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=NewDocument,
        responses={
            201: DOCUMENT_SCHEMA,
            400: OpenApiResponse(description="A field is missing or invalid; `errors` lists them (problem+json)."),
            403: OpenApiResponse(description="Auditors read documents; they do not add them (problem+json)."),
            404: OpenApiResponse(description="No such person at your office (problem+json)."),
            409: OpenApiResponse(description="The person was merged into another record (problem+json)."),
            422: OpenApiResponse(description="The Idempotency-Key was used for a different request (problem+json)."),
        },
        examples=[
            OpenApiExample(
                "An earlier Japanese passport",
                request_only=True,
                value={
                    "kind": "passport",
                    "number": "TR 1234567",
                    "issuing_state": "JPN",
                    "issued_on": "2019-04-02",
                    "expires_on": "2029-04-01",
                },
            ),
            OpenApiExample("Added", response_only=True, status_codes=["201"], value=DOCUMENT_EXAMPLE),
            OpenApiExample(
                "A number already on file",
                response_only=True,
                status_codes=["400"],
                value={
                    "type": "https://consular.example/problems/validation-error",
                    "title": "Bad Request",
                    "status": 400,
                    "detail": "The request has invalid fields.",
                    "errors": [
                        {
                            "field": "number",
                            "message": "This state has already issued a document of this kind with this number.",
                            "code": "invalid",
                        }
                    ],
                },
            ),
        ],
    )
    @idempotent
    def post(self, request, pk):
        actor = acting_actor(request)
        person = get_object_or_404(Person.objects.all(), pk=pk)
        if actor.is_read_only:
            raise PermissionDenied("Auditors read personal data; they do not change it.")
        body = NewDocument(data=request.data)
        body.is_valid(raise_exception=True)
        if person.merged_into_id is not None:
            raise Conflict(f"This person was merged into record {person.merged_into_id}: add the document there.")
        try:
            document = actions.add_document(person, by=actor, **body.validated_data)
        except ModelValidationError as error:
            errors = {
                "non_field_errors" if name == "__all__" else name: messages
                for name, messages in error.message_dict.items()
            }
            raise serializers.ValidationError(errors) from error
        return Response(document_data(document), status=status.HTTP_201_CREATED, headers={"ETag": etag_for(document)})
