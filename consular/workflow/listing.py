"""The case list API's page query, written out in SQL: the API's hottest read.

Office systems poll their case list all day. Built, compiled and iterated through the
ORM, this one query costs about 3 ms of Python per request on our 2-core machines,
several times what PostgreSQL needs to answer it (bench/case_list.py). So it is written
once here, with the same visibility rule as `CaseQuerySet.visible_to`;
tests/workflow/test_listing.py checks that both give the same rows for every member of
the cast, so the rule cannot drift apart.

HQ and auditors read every case: the newest from `case_newest`. Every other office reads
its own `CaseAccess` rows (one per case it holds or held) newest first from
`case_access_newest`, so a page costs the same for an office with a thousand cases as for
one with a million, whatever the rest of the table holds. Filtering the whole table by
"held here or held before" instead walked it all for a small office whose cases are old
(issue 8, finding 19).
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db import connection
from django.utils.dateparse import parse_datetime

from consular.offices.scoping import Actor
from consular.workflow.models import Case, CaseAccess

COLUMNS = (
    "id", "reference", "case_type", "status", "person_id", "current_office_id", "originating_office_id",
    "submitted_at", "due_at", "closed_at", "version",
)
TIMES = ("submitted_at", "due_at", "closed_at")


def case_page(
    actor: Actor,
    *,
    size: int,
    status: str = "",
    case_type: str = "",
    after: tuple[datetime, int] | None = None,
) -> list[dict]:
    """Up to `size` visible cases, newest first, after the (submitted_at, id) of the previous page's last row."""
    if actor is None:
        return []
    sql, params = page_query(actor, size=size, status=status, case_type=case_type, after=after)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = [dict(zip(COLUMNS, row, strict=True)) for row in cursor.fetchall()]
    if connection.vendor == "sqlite":  # SQLite hands back naive UTC; PostgreSQL aware datetimes
        for row in rows:
            for name in TIMES:
                row[name] = _aware(row[name])
    return rows


def page_query(
    actor: Actor, *, size: int, status: str = "", case_type: str = "", after: tuple[datetime, int] | None = None
) -> tuple[str, list]:
    """The SQL and parameters of `case_page` (the tests and bench/case_list.py EXPLAIN it)."""
    quote = connection.ops.quote_name
    clauses: list[str] = []
    params: list = []
    if actor.sees_all_offices:
        joined, time_column, id_column = "", "c.submitted_at", "c.id"
    else:
        # = CaseQuerySet.visible_to: the office has an access row. The page is read in the order of the
        # office's access rows (their submitted_at and case_id are the case's), stopping after `size` rows.
        joined = f"JOIN {quote(CaseAccess._meta.db_table)} a ON a.case_id = c.id"
        time_column, id_column = "a.submitted_at", "a.case_id"
        clauses.append("a.office_id = %s")
        params.append(actor.office.pk)
    if status:
        clauses.append("c.status = %s")
        params.append(status)
    if case_type:
        clauses.append("c.case_type = %s")
        params.append(case_type)
    if after is not None:
        moment = connection.ops.adapt_datetimefield_value(after[0])
        clauses.append(f"({time_column} < %s OR ({time_column} = %s AND {id_column} < %s))")
        params += [moment, moment, after[1]]
    where = f"WHERE {' AND '.join(clauses)}" if clauses else ""
    # Only our own quoted table and column names are formatted in; every value is a parameter.
    columns = ", ".join(f"c.{quote(column)}" for column in COLUMNS)
    table = quote(Case._meta.db_table)
    sql = (
        f"SELECT {columns} FROM {table} c {joined} {where} "  # noqa: S608
        f"ORDER BY {time_column} DESC, {id_column} DESC LIMIT %s"
    )
    params.append(size)
    return sql, params


def _aware(value: str | datetime | None) -> datetime | None:
    if value is None:
        return None
    moment = value if isinstance(value, datetime) else parse_datetime(value)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
