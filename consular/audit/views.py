"""The audit log, for auditors: search and export."""

import csv
from datetime import datetime, time, timedelta
from functools import wraps

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import render
from django.utils import timezone

from consular.accounts.views import reauthentication_required
from consular.audit.actions import Action, record
from consular.audit.forms import AuditSearchForm
from consular.audit.models import AuditEntry
from consular.offices.scoping import Actor, request_actor

PAGE_SIZE = 50


def _auditor(request: HttpRequest) -> Actor:
    actor = request_actor(request)
    if actor is None or not actor.is_read_only:
        raise PermissionDenied
    return actor


def auditor_required(view):
    """Checked before re-authentication, so nobody else is even asked for their password."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        _auditor(request)
        return view(request, *args, **kwargs)

    return wrapper


def _search(form: AuditSearchForm):
    entries = AuditEntry.objects.all()
    if not form.is_valid():
        return entries.none()
    data = form.cleaned_data
    zone = timezone.get_current_timezone()
    since = datetime.combine(data["since"], time.min, zone) if data["since"] else None
    until = datetime.combine(data["until"] + timedelta(days=1), time.min, zone) if data["until"] else None
    return entries.search(text=data["text"], office=data["office"], action=data["action"], since=since, until=until)


@auditor_required
def entry_list(request: HttpRequest) -> HttpResponse:
    form = AuditSearchForm(request.GET or None)
    entries = _search(form) if request.GET else AuditEntry.objects.all()
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "audit/entry_list.html", {"form": form, "page": page, "query": query.urlencode()})


class _Echo:
    def write(self, value: str) -> str:
        return value


@auditor_required
@reauthentication_required
def entry_export(request: HttpRequest) -> HttpResponse:
    actor = _auditor(request)
    form = AuditSearchForm(request.GET or None)
    entries = _search(form) if request.GET else AuditEntry.objects.all()
    record(by=actor, action=Action.EXPORT, object_repr=f"audit log export {request.GET.urlencode()}"[:300],
           request=request)
    writer = csv.writer(_Echo())
    header = ["at", "username", "office", "role", "action", "object_type", "object_id", "object", "changes", "address"]
    rows = (
        [e.at.isoformat(), e.username, e.office_code, e.role, e.action, e.object_type, e.object_id, e.object_repr,
         e.changes, e.ip_address]
        for e in entries.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_header(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    return response


def _with_header(header, rows):
    yield header
    yield from rows
