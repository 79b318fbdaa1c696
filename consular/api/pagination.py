from collections.abc import Callable
from datetime import datetime

from django.core.exceptions import ValidationError as ModelValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from consular.api.fields import PLAIN_TEXT
from consular.paging import BadCursor, decode_cursor, encode_cursor

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200


def page_size_from(request: Request, *, default: int = PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> int:
    """`page_size` from the query: absent is the default; anything but a whole number from 1 to `maximum` is a 400.

    Never silently replaced: a client asking for 0, -3, 500 or "null" learns that it asked wrongly.
    """
    text = request.query_params.get("page_size")
    if text is None:
        return default
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= maximum:
        raise ValidationError({"page_size": [_("A whole number from 1 to %(maximum)s.") % {"maximum": maximum}]},
                              code="invalid")
    return int(text)


def page_size_parameter(*, default: int = PAGE_SIZE, maximum: int = MAX_PAGE_SIZE) -> OpenApiParameter:
    return OpenApiParameter(
        "page_size", {"type": "integer", "minimum": 1, "maximum": maximum}, OpenApiParameter.QUERY,
        description=f"From 1 to {maximum}; {default} by default.",
    )


CURSOR = OpenApiParameter(
    "cursor", {"type": "string", "pattern": PLAIN_TEXT.replace("\\Z", "$")}, OpenApiParameter.QUERY,
    description="From the `next` link of the previous page; a cursor that is not one is a 404.",
)


class CursorPagination(BaseCursorPagination):
    """Opaque next/previous links, no COUNT over the whole table."""

    ordering = "pk"
    page_size = PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request: Request) -> int:
        return page_size_from(request, default=self.page_size, maximum=self.max_page_size)

    def paginate_queryset(self, queryset, request, view=None):
        try:
            return super().paginate_queryset(queryset, request, view)
        except (ValueError, ModelValidationError) as garbled:
            # A cursor that decodes but whose position is not of the ordering field's type.
            raise NotFound(self.invalid_cursor_message) from garbled

    def get_schema_operation_parameters(self, view) -> list[dict]:
        return [
            {"name": "cursor", "required": False, "in": "query", "description": CURSOR.description,
             "schema": CURSOR.type},
            {"name": "page_size", "required": False, "in": "query",
             "description": f"From 1 to {self.max_page_size}; {self.page_size} by default.",
             "schema": {"type": "integer", "minimum": 1, "maximum": self.max_page_size}},
        ]


class KeysetPagination:
    """Newest first by (a timestamp, id), forward only: one indexed range read, no COUNT, no OFFSET.

    For the hottest lists (office systems polling their cases). DRF's CursorPagination
    gives previous links and any ordering, at several times the Python cost per request;
    this one encodes the last row's (timestamp, id) in the `next` link (consular.paging's
    cursor, as the staff queues use) and reads the rows after it through the matching
    descending index.
    """

    page_size = PAGE_SIZE
    max_page_size = MAX_PAGE_SIZE

    def __init__(self, time_field: str) -> None:
        self.ordering = (f"-{time_field}", "-id")
        self.next_link: str | None = None

    def paginate(self, request: Request, fetch: Callable[[int, tuple[datetime, int] | None], list[dict]]) -> list[dict]:
        """`fetch(limit, after)` returns up to `limit` rows, newest first, after the (time, id) given."""
        size = self._page_size(request)
        rows = fetch(size + 1, self._decode(request.query_params.get("cursor")))
        if len(rows) > size:
            rows = rows[:size]
            self.next_link = replace_query_param(request.build_absolute_uri(), "cursor", self._encode(rows[-1]))
        return rows

    def response(self, results: list[dict]) -> Response:
        return Response({"next": self.next_link, "results": results})

    def _page_size(self, request: Request) -> int:
        return page_size_from(request, default=self.page_size, maximum=self.max_page_size)

    def _encode(self, row: dict) -> str:
        return encode_cursor(row, self.ordering)

    def _decode(self, cursor: str | None) -> tuple[datetime, int] | None:
        if not cursor:
            return None
        try:
            moment, pk = decode_cursor(cursor, self.ordering)
        except BadCursor as invalid:
            raise NotFound(_("Invalid cursor.")) from invalid
        if not isinstance(moment, datetime) or not isinstance(pk, int):
            raise NotFound(_("Invalid cursor."))
        return moment, pk
