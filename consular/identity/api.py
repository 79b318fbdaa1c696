"""Persons over REST: ranked search (POSTed: names and dates of birth never go in a URL), one person,
creation that checks for duplicates first, and their identity documents."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiExample, OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import MethodNotAllowed, PermissionDenied, Throttled
from rest_framework.response import Response
from rest_framework.views import APIView

from consular.api.conditional import etag_for
from consular.api.fields import Boolean, Choice, Integer, Text
from consular.api.idempotency import idempotent
from consular.api.problems import PROBLEM_CONTENT_TYPE, Conflict, Unprocessable, problem
from consular.api.schema import DUPLICATES_PROBLEM, IF_NONE_MATCH
from consular.audit.actions import Action, record
from consular.identity import actions
from consular.identity.forms import clean_date_of_birth, clean_nationality
from consular.identity.models import IdentityDocument, Person, Sex
from consular.identity.names import PartialDate
from consular.identity.search import PERSON_SEARCH, Duplicate, Result, search_persons
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
    """A likely duplicate the caller may read. Those it may not read are never listed (HQ reviews them)."""
    return {
        "score": duplicate.score,
        "office": duplicate.office_code,
        "reasons": duplicate.reasons,
        "person": person_data(duplicate.person),
    }


class SearchRequest(serializers.Serializer):
    q = Text(max_length=200, help_text="Family name first: `YAMADA HANAKO`, `YAMADA, HANAKO`, kana.")
    date_of_birth = Text(
        pattern=r"^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?\Z", max_length=10, required=False, allow_blank=True, default="",
        help_text="YYYY-MM-DD, YYYY-MM or YYYY. A date that does not exist is a 422.",
    )
    nationality = Text(
        pattern=r"^[A-Za-z]{3}\Z", max_length=3, required=False, allow_blank=True, default="",
        help_text="ISO 3166-1 alpha-3, e.g. JPN. A code no state has is a 422.",
    )
    limit = Integer(min_value=1, max_value=MAX_RESULTS, required=False, default=20)


def search_terms(data: dict) -> tuple[PartialDate | None, str]:
    """The date of birth and nationality a well-formed search names; a 422 when either names nothing real."""
    errors: dict[str, list[str]] = {}
    date_of_birth, nationality = None, ""
    try:
        date_of_birth = clean_date_of_birth(data.get("date_of_birth", ""))
    except ModelValidationError as error:
        errors["date_of_birth"] = error.messages
    try:
        nationality = clean_nationality(data.get("nationality", ""))
    except ModelValidationError as error:
        errors["nationality"] = error.messages
    if errors:
        raise Unprocessable(errors)
    return date_of_birth, nationality


class NewPerson(serializers.Serializer):
    family_name = Text(max_length=100)
    given_names = Text(max_length=100, required=False, allow_blank=True, default="")
    family_name_native = Text(max_length=100, required=False, allow_blank=True, default="")
    given_names_native = Text(max_length=100, required=False, allow_blank=True, default="")
    family_name_reading = Text(max_length=100, required=False, allow_blank=True, default="")
    given_names_reading = Text(max_length=100, required=False, allow_blank=True, default="")
    sex = Choice(choices=Sex.choices)
    birth_year = Integer(min_value=1850, max_value=2200)
    birth_month = Integer(min_value=1, max_value=12, required=False, allow_null=True, default=None)
    birth_day = Integer(min_value=1, max_value=31, required=False, allow_null=True, default=None)
    # A person holds a handful of nationalities; the model checks each is a real code (a 422 if not).
    nationalities = serializers.ListField(
        child=Text(pattern=r"^[A-Za-z]{3}\Z", max_length=3), min_length=1, max_length=10
    )
    place_of_birth = Text(max_length=200, required=False, allow_blank=True, default="")
    confirm_new = Boolean(
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


PERSON_CREATED_SCHEMA = inline_serializer(
    "PersonCreated",
    {
        **PERSON_SCHEMA.fields,
        "duplicate_review": serializers.ChoiceField(
            choices=["pending"], allow_null=True,
            help_text="`pending` when HQ will review a possible duplicate at an office you may not read.",
        ),
    },
)


SEARCH_RESULTS = inline_serializer(
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
)


class PersonSearch(APIView):
    """The search is POSTed so that names and dates of birth stay out of URLs (and so out of access logs)."""

    @extend_schema(
        summary="Search persons, best match first",
        operation_id="persons_search",
        description=(
            "Ranked, not paginated: at most `limit` (≤ 50) persons your office may see, each with a score "
            "out of 100 and the reasons for it. A POST because the terms are personal data, which never go in "
            "a URL; it is a read (audited as one) and changes nothing, so it takes no `Idempotency-Key`: "
            "repeat it freely."
        ),
        request=SearchRequest,
        responses={
            200: SEARCH_RESULTS,
            422: OpenApiResponse(description="`date_of_birth` is no real date, or `nationality` no state's code."),
        },
    )
    def post(self, request):
        actor = acting_actor(request)
        parameters = SearchRequest(data=request.data)
        parameters.is_valid(raise_exception=True)
        data = parameters.validated_data
        date_of_birth, nationality = search_terms(data)
        results = search_persons(
            actor=actor, q=data["q"], date_of_birth=date_of_birth, nationality=nationality, limit=data["limit"]
        )
        record(
            by=actor,
            action=Action.READ,
            request=request._request,
            object_repr=PERSON_SEARCH(),
            changes={"query": data["q"], "persons": " ".join(str(r.person.pk) for r in results)},
        )
        return Response({"results": [result_data(result) for result in results]})


class PersonList(APIView):
    """Recording a person. There is no GET: a search by name in the query string would put personal data in URLs."""

    def http_method_not_allowed(self, request, *args, **kwargs):
        # No get(): the 405 (Allow: POST) points to the search, and the schema lists no GET here.
        if request.method == "GET":
            raise MethodNotAllowed(
                "GET",
                detail="Search persons with POST /api/v1/persons/search/: names and dates of birth never go in a URL.",
            )
        return super().http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(
        summary="Record a new person",
        operation_id="persons_create",
        description=(
            "If likely duplicates your office may read exist, the answer is 409 listing them; send again with "
            "`confirm_new: true` to create anyway. A possible duplicate at an office you may not read is never "
            "shown: the person is created and HQ reviews the pair (`duplicate_review: \"pending\"`). Every check "
            "is audited; after 10 checks in an hour that met other offices' records, checks are paused (429). "
            "(There is no GET here: search with POST /api/v1/persons/search/, so that names and dates of birth "
            "never go in a URL.)"
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=NewPerson,
        responses={
            201: PERSON_CREATED_SCHEMA,
            409: OpenApiResponse(DUPLICATES_PROBLEM, description="Likely duplicates: use one, or send `confirm_new`."),
            422: OpenApiResponse(description="A field the model refuses (`errors` names it), or a reused key."),
            429: OpenApiResponse(description="Duplicate checks paused for the hour after too many near misses."),
        },
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
        recorded = record_new_person_or_refuse(fields, actor=actor, confirm_new=confirm_new, request=request)
        if recorded.person is None:
            return duplicates_conflict(
                recorded.duplicates,
                detail='Likely duplicates exist. Use one of them, or send again with "confirm_new": true.',
            )
        person = recorded.person
        return Response(
            {**person_data(person), "duplicate_review": "pending" if recorded.review_pending else None},
            status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(person), "Location": request.build_absolute_uri(f"{person.pk}/")},
        )


class ProbesPaused(Throttled):
    default_detail = actions.TooManyProbes.message
    default_code = "duplicate_checks_paused"


def record_new_person_or_refuse(fields: dict, *, actor, confirm_new: bool, request) -> actions.Recorded:
    """`identity.actions.record_new_person` for an API: what the rules refuse as a 422, paused checks as a 429.

    Every API that records a person (persons, passport applications) goes through here.
    """
    try:
        return actions.record_new_person(by=actor, fields=fields, confirm_new=confirm_new, request=request._request)
    except actions.TooManyProbes as stopped:
        raise ProbesPaused(wait=3600) from stopped
    except ModelValidationError as error:
        raise Unprocessable(error.message_dict) from error


def duplicates_conflict(duplicates: list[Duplicate], *, detail: str) -> Response:
    """The 409 problem listing likely duplicates the caller may read, as every API that records a person answers."""
    body = problem(409, detail, "likely_duplicates")
    body["duplicates"] = [duplicate_data(duplicate) for duplicate in duplicates]
    return Response(body, status=status.HTTP_409_CONFLICT, content_type=PROBLEM_CONTENT_TYPE)


NO_SUCH_PERSON = _("There is no person with this id at your office.")


def require_one_applicant(data: dict) -> None:
    """An application's body names its applicant by `person` (an id) or `new_person`: one of the two (else 422)."""
    if (data.get("person") is None) == (data.get("new_person") is None):
        raise Unprocessable({"person": [_("Give either `person` or `new_person`.")]})


def record_new_applicant(new_person: dict, *, actor, request) -> Person | Response:
    """An application's `new_person` recorded (inside the caller's transaction), or the 409 of likely duplicates.

    What the rules refuse is a 422 naming `new_person.<field>`.
    """
    fields = {name: value for name, value in new_person.items() if name != "confirm_new"}
    try:
        recorded = record_new_person_or_refuse(fields, actor=actor, confirm_new=new_person["confirm_new"],
                                               request=request)
    except Unprocessable as error:
        raise Unprocessable({"new_person": error.detail}) from error
    if recorded.person is None:
        return duplicates_conflict(
            recorded.duplicates,
            detail='Likely duplicates exist. Use one of them as "person", or send again with '
            '"new_person": {…, "confirm_new": true}.',
        )
    return recorded.person


class PersonDetail(APIView):
    @extend_schema(
        summary="One person",
        operation_id="persons_retrieve",
        parameters=[IF_NONE_MATCH],
        responses={200: PERSON_SCHEMA, 304: OpenApiResponse(description="Not modified (If-None-Match matched).")},
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
    kind = Choice(choices=IdentityDocument.Kind.choices)
    number = Text(
        max_length=40,
        help_text="As printed; spaces and hyphens are dropped, and what remains must be letters A–Z and digits "
        "(else a 422).",
    )
    issuing_state = Text(
        pattern=r"^[A-Za-z]{3}\Z", max_length=3, help_text="ISO 3166-1 alpha-3, e.g. JPN. A code no state has is a 422."
    )
    issued_on = serializers.DateField()
    expires_on = serializers.DateField(
        required=False, allow_null=True, default=None, help_text="Before `issued_on` is a 422."
    )
    status = Choice(
        # "pending" is the state of a passport this system produced and has not handed over yet.
        choices=[choice for choice in IdentityDocument.Status.choices if choice[0] != IdentityDocument.Status.PENDING],
        required=False,
        default=IdentityDocument.Status.VALID,
    )


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
            404: OpenApiResponse(description="No such person at your office."),
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
            "issues a number once per kind of document: a number already on file, an unknown issuing state or "
            "an expiry before the issue is a 422, nothing saved. A person your office may not read is a 404; "
            "a merged record is a 409 (add it to the record it was merged into)."
        ),
        parameters=[IDEMPOTENCY_KEY],
        request=NewDocument,
        responses={
            201: DOCUMENT_SCHEMA,
            403: OpenApiResponse(description="Auditors read documents; they do not add them."),
            404: OpenApiResponse(description="No such person at your office."),
            409: OpenApiResponse(
                description="The person was merged into another record, or a request with the same Idempotency-Key "
                "is still running."
            ),
            422: OpenApiResponse(
                description="A field the rules refuse (`errors` names it: a number already on file, a code no state "
                "has, an expiry before the issue), or an Idempotency-Key already used for another request."
            ),
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
                status_codes=["422"],
                value={
                    "type": "https://consular.example/problems/unprocessable-content",
                    "title": "Unprocessable Content",
                    "status": 422,
                    "detail": "The request is well-formed but cannot be processed.",
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
            # The schema allowed the request: what the rules refuse is a 422, naming the field.
            errors = {
                "non_field_errors" if name == "__all__" else name: messages
                for name, messages in error.message_dict.items()
            }
            raise Unprocessable(errors) from error
        return Response(document_data(document), status=status.HTTP_201_CREATED, headers={"ETag": etag_for(document)})
