import base64
from collections.abc import Callable
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.pagination import CursorPagination as BaseCursorPagination
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param


class CursorPagination(BaseCursorPagination):
    """Opaque next/previous links, no COUNT over the whole table."""

    ordering = "pk"
    page_size_query_param = "page_size"
    max_page_size = 200


class KeysetPagination:
    """Newest first by (a timestamp, id), forward only: one indexed range read, no COUNT, no OFFSET.

    For the hottest lists (office systems polling their cases). DRF's CursorPagination
    gives previous links and any ordering, at several times the Python cost per request;
    this one encodes the last row's (timestamp, id) in the `next` link and reads the rows
    after it through the matching descending index.
    """

    page_size = 50
    max_page_size = 200

    def __init__(self, time_field: str) -> None:
        self.time_field = time_field
        self.next_link: str | None = None

    def paginate(self, request: Request, fetch: Callable[[int, tuple[datetime, int] | None], list[dict]]) -> list[dict]:
        """`fetch(limit, after)` returns up to `limit` rows, newest first, after the (time, id) given."""
        size = self._page_size(request)
        rows = fetch(size + 1, self._decode(request.query_params.get("cursor")))
        if len(rows) > size:
            rows = rows[:size]
            last = rows[-1]
            self.next_link = replace_query_param(
                request.build_absolute_uri(), "cursor", self._encode(last[self.time_field], last["id"])
            )
        return rows

    def response(self, results: list[dict]) -> Response:
        return Response({"next": self.next_link, "results": results})

    def _page_size(self, request: Request) -> int:
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            return self.page_size
        return min(max(size, 1), self.max_page_size)

    @staticmethod
    def _encode(moment: datetime, pk: int) -> str:
        return base64.urlsafe_b64encode(f"{moment.isoformat()}|{pk}".encode()).decode().rstrip("=")

    @staticmethod
    def _decode(cursor: str | None) -> tuple[datetime, int] | None:
        if not cursor:
            return None
        try:
            text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
            moment, pk = text.split("|")
            parsed = datetime.fromisoformat(moment)
            if parsed.tzinfo is None:
                raise ValueError("naive time")
            return parsed, int(pk)
        except ValueError as invalid:
            raise NotFound(_("Invalid cursor.")) from invalid
