from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from consular.paging import BadCursor, decode_cursor, encode_cursor


class CursorPagination(BaseCursorPagination):
    """Opaque next/previous links, no COUNT over the whole table."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination:
    """Newest first by (a timestamp, id), forward only: one indexed range read, no COUNT, no OFFSET.

    For the hottest lists (office systems polling their cases). DRF's CursorPagination
    gives previous links and any ordering, at several times the Python cost per request;
    this one encodes the last row's (timestamp, id) in the `next` link (consular.paging's
    cursor, as the staff queues use) and reads the rows after it through the matching
    descending index.
    """

    page_size = 50
    max_page_size = 200

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
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            return self.page_size
        return min(max(size, 1), self.max_page_size)

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
