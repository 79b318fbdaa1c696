"""Persons over REST: ranked search, one person, and creation that checks for duplicates first."""

from django.core.exceptions import ValidationError as ModelValidationError
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from consular.api.conditional import etag_for
from consular.api.idempotency import idempotent
from consular.api.problems import PROBLEM_CONTENT_TYPE, problem
from consular.audit.actions import Action, record
from consular.identity import actions
from consular.identity.forms import clean_date_of_birth, clean_nationality
from consular.identity.models import Person, Sex
from consular.identity.names import PartialDate
from consular.identity.search import PERSON_SEARCH, Duplicate, Result, likely_duplicates, search_persons
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
            object_repr=PERSON_SEARCH(),
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
