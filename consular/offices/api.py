"""Offices and their holidays over REST: the pattern every later endpoint follows."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import OpenApiExample, extend_schema, inline_serializer
from rest_framework import generics, serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from consular.api.conditional import etag_for, expected_version
from consular.api.fields import Text
from consular.api.idempotency import idempotent
from consular.api.pagination import CursorPagination
from consular.api.problems import Conflict, PreconditionFailed
from consular.api.schema import IDEMPOTENCY_KEY, IF_MATCH
from consular.offices import actions
from consular.offices.models import Holiday, Office
from consular.offices.scoping import acting_actor
from consular.versions import StaleVersion


class OfficeSerializer(serializers.ModelSerializer):
    class Meta:
        model = Office
        fields = ["code", "kind", "name_ja", "name_en", "country", "timezone", "currency", "district"]


class HolidaySerializer(serializers.ModelSerializer):
    office = serializers.SlugRelatedField(slug_field="code", read_only=True)
    name = Text(max_length=200)

    class Meta:
        model = Holiday
        fields = ["id", "office", "date", "name", "version"]
        read_only_fields = ["id", "office", "version"]



class DateTaken(Conflict):
    default_detail = "The office already has a holiday on this date."
    default_code = "date_taken"


def _date_taken(taken: actions.DateTaken) -> DateTaken:
    """A well-formed holiday on a date the office already has: the state conflicts, not the request (409)."""
    conflict = DateTaken()
    conflict.errors = [{"field": "date", "message": str(taken.message), "code": "unique"}]
    return conflict


class MeView(APIView):
    for_accredited_agencies = True  # who and which office it acts for: its own facts

    @extend_schema(
        summary="Who am I acting as",
        responses=inline_serializer("Me", {
            "name": serializers.CharField(), "office": OfficeSerializer(), "role": serializers.CharField(),
            "read_only": serializers.BooleanField(),
        }),
    )
    def get(self, request):
        actor = acting_actor(request)
        return Response({
            "name": actor.name, "office": OfficeSerializer(actor.office).data,
            "role": actor.role, "read_only": actor.is_read_only,
        })


class OfficeList(generics.ListAPIView):
    """Offices the caller may see: its own, or all for HQ and auditors."""

    serializer_class = OfficeSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Office.objects.all()


class OfficeDetail(generics.RetrieveAPIView):
    serializer_class = OfficeSerializer
    lookup_field = "code"

    def get_queryset(self):
        return Office.objects.all()


class HolidayList(APIView):
    # A plain APIView has no pagination_class of its own (only GenericAPIView does).
    pagination_class = CursorPagination

    def get_office(self) -> Office:
        return get_object_or_404(Office.objects.all(), code=self.kwargs["code"])

    @extend_schema(summary="An office's holidays", responses=HolidaySerializer(many=True))
    def get(self, request, code):
        office = self.get_office()
        paginator = self.pagination_class()
        paginator.ordering = ("date", "pk")
        # select_related: the serializer names each row's office, else one query per row.
        holidays = Holiday.objects.filter(office=office).select_related("office")
        page = paginator.paginate_queryset(holidays, request, view=self)
        return paginator.get_paginated_response(HolidaySerializer(page, many=True).data)

    @extend_schema(
        summary="Add a holiday",
        parameters=[IDEMPOTENCY_KEY],
        request=HolidaySerializer,
        responses={201: HolidaySerializer},
        examples=[OpenApiExample("New Year", value={"date": "2027-01-01", "name": "New Year's Day"},
                                 request_only=True)],
    )
    @idempotent
    def post(self, request, code):
        office = self.get_office()
        actor = acting_actor(request)
        if not actions.may_manage_office(actor, office):
            raise PermissionDenied("Only the office's supervisors and administrators may add holidays.")
        serializer = HolidaySerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            holiday = actions.add_holiday(office=office, by=actor, **serializer.validated_data)
        except actions.DateTaken as taken:
            raise _date_taken(taken) from taken
        return Response(
            HolidaySerializer(holiday).data, status=status.HTTP_201_CREATED,
            headers={"ETag": etag_for(holiday), "Location": request.build_absolute_uri(f"{holiday.pk}/")},
        )


class HolidayDetail(APIView):
    def get_holiday(self) -> Holiday:
        return get_object_or_404(
            Holiday.objects.select_related("office"), office__code=self.kwargs["code"], pk=self.kwargs["pk"]
        )

    @extend_schema(summary="One holiday", responses=HolidaySerializer)
    def get(self, request, code, pk):
        holiday = self.get_holiday()
        etag = etag_for(holiday)
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            return Response(status=status.HTTP_304_NOT_MODIFIED, headers={"ETag": etag})
        return Response(HolidaySerializer(holiday).data, headers={"ETag": etag})

    def _write(self, request, partial: bool):
        holiday = self.get_holiday()
        actor = acting_actor(request)
        if not actions.may_manage_office(actor, holiday.office):
            raise PermissionDenied("Only the office's supervisors and administrators may change holidays.")
        # The body's shape first: a malformed request is a 400 whatever version it names.
        serializer = HolidaySerializer(holiday, data=request.data, partial=partial)
        serializer.is_valid(raise_exception=True)
        version = expected_version(request, holiday)
        data = {"date": holiday.date, "name": holiday.name, **serializer.validated_data}
        try:
            actions.change_holiday(holiday, expected_version=version, by=actor, **data)
        except StaleVersion as stale:
            raise PreconditionFailed() from stale
        except actions.DateTaken as taken:
            raise _date_taken(taken) from taken
        return Response(HolidaySerializer(holiday).data, headers={"ETag": etag_for(holiday)})

    @extend_schema(summary="Replace a holiday", parameters=[IF_MATCH], request=HolidaySerializer,
                   responses=HolidaySerializer)
    def put(self, request, code, pk):
        return self._write(request, partial=False)

    @extend_schema(summary="Change a holiday", parameters=[IF_MATCH], request=HolidaySerializer,
                   responses=HolidaySerializer)
    def patch(self, request, code, pk):
        return self._write(request, partial=True)

    @extend_schema(summary="Remove a holiday", parameters=[IF_MATCH], responses={204: None})
    def delete(self, request, code, pk):
        holiday = self.get_holiday()
        actor = acting_actor(request)
        if not actions.may_manage_office(actor, holiday.office):
            raise PermissionDenied("Only the office's supervisors and administrators may remove holidays.")
        version = expected_version(request, holiday)
        try:
            actions.remove_holiday(holiday, expected_version=version, by=actor)
        except StaleVersion as stale:
            raise PreconditionFailed() from stale
        return Response(status=status.HTTP_204_NO_CONTENT)
