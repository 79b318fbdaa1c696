"""Keyset pages for staff lists: "the rows after the last one shown", so no COUNT and no OFFSET.

A page costs one query whatever the page number; the cursor in the "next" link carries
the sort values of the last row shown. Every queue page (cases, passport applications,
production) pages this way.
"""

from __future__ import annotations

import base64
import binascii
import json
from datetime import UTC, datetime

from django.db.models import Q, QuerySet
from django.http import QueryDict

PAGE_SIZE = 50
# Rows with no due date sort after every dated one (Coalesce("due_at", Value(NEVER_DUE))).
NEVER_DUE = datetime(9999, 12, 31, tzinfo=UTC)


class BadCursor(ValueError):
    """A cursor that was not made here (edited or truncated): the page answers 400."""


def encode_cursor(row: dict, ordering: tuple[str, ...]) -> str:
    """The sort values of `row`, tagged with their type so decoding needs no knowledge of the fields."""
    values = []
    for field in ordering:
        value = row[field.lstrip("-")]
        values.append(["t", value.isoformat()] if isinstance(value, datetime) else ["v", value])
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def decode_cursor(cursor: str, ordering: tuple[str, ...]) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        if not isinstance(values, list) or len(values) != len(ordering):
            raise BadCursor(cursor)
        decoded = []
        for tag, value in values:
            if tag == "t":
                moment = datetime.fromisoformat(value)
                if moment.tzinfo is None:
                    raise BadCursor(cursor)
                decoded.append(moment)
            elif tag == "v" and isinstance(value, int | str):
                decoded.append(value)
            else:
                raise BadCursor(cursor)
        return decoded
    except (binascii.Error, json.JSONDecodeError, TypeError, ValueError, UnicodeDecodeError) as error:
        raise BadCursor(cursor) from error


def rows_after(ordering: tuple[str, ...], values: list) -> Q:
    """Rows sorting strictly after `values` in `ordering`: (a > x) or (a = x and b > y) …"""
    condition = Q(pk__in=[])
    equal = Q()
    for field, value in zip(ordering, values, strict=True):
        name = field.lstrip("-")
        lookup = "lt" if field.startswith("-") else "gt"
        condition |= equal & Q(**{f"{name}__{lookup}": value})
        equal &= Q(**{name: value})
    return condition


def keyset_page(rows: QuerySet, ordering: tuple[str, ...], cursor: str, size: int = PAGE_SIZE) -> tuple[list, str]:
    """One page of `values()` rows in `ordering` (ending in a unique field) and the next cursor ("" on the last)."""
    if cursor:
        rows = rows.filter(rows_after(ordering, decode_cursor(cursor, ordering)))
    page = list(rows.order_by(*ordering)[: size + 1])
    if len(page) <= size:
        return page, ""
    page = page[:size]
    return page, encode_cursor(page[-1], ordering)


def page_links(query: QueryDict, cursor_param: str, next_cursor: str) -> tuple[str, str]:
    """The query strings of the first page and of the next one ("" on the last) for includes/pagination.html."""
    query = query.copy()
    query.pop(cursor_param, None)
    first_query = query.urlencode()
    if not next_cursor:
        return first_query, ""
    query[cursor_param] = next_cursor
    return first_query, query.urlencode()
