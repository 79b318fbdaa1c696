"""The audit log, for auditors: search and export, in the reader's language.

What an auditor searches for is often a person's name, so it never goes in a URL (issue 8,
finding 3): the search form is POSTed and kept in the session under an opaque id
(`consular.saved_searches`); the list, its pages and the export carry only that id.
"""

import csv
import json
from datetime import datetime, time, timedelta
from functools import wraps

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django.views.decorators.http import require_http_methods, require_POST

from consular.accounts.views import reauthentication_redirect, recently_reauthenticated
from consular.audit.actions import Action, Phrase, describe_change, record
from consular.audit.display import present
from consular.audit.forms import AuditSearchForm
from consular.audit.models import AuditEntry
from consular.offices.scoping import Actor, request_actor
from consular.saved_searches import save_search, saved_search

PAGE_SIZE = 50
SEARCH_KIND = "audit"
EXPORT = Phrase(gettext_noop("audit log export"))
# The export's own entry records the search it exported, one change per filter, labelled as the form labels them.
SEARCH_KEYS = [describe_change(f"search.{name}", field.label) for name, field in AuditSearchForm.base_fields.items()]
# Characters that make a spreadsheet read a cell as a formula (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


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


def _form_data(form: AuditSearchForm) -> dict[str, str]:
    return {name: form.data.get(name, "") for name in form.fields}


def _list_url(search_id: str) -> str:
    url = reverse("audit:entry_list")
    return f"{url}?search={search_id}" if search_id else url


def _saved_form(request: HttpRequest, search_id: str) -> AuditSearchForm | None:
    data = saved_search(request, SEARCH_KIND, search_id)
    return AuditSearchForm(data) if data is not None else None


@auditor_required
@require_http_methods(["GET", "POST"])
def entry_list(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        form = AuditSearchForm(request.POST)
        if form.is_valid():
            # Post, redirect, get: the result has a URL to page through and go back to, with only an id in it.
            return redirect(_list_url(save_search(request, SEARCH_KIND, _form_data(form))), permanent=False)
        return _list_page(request, form, AuditEntry.objects.none(), search_id="", status=400)
    searched = set(request.GET) - {"search", "page"}
    if searched:
        # An old bookmark or a hand-made link with the search in it: refused, so none is ever made to work.
        messages.error(request, _("Searches are sent with the form, never in a link. Search again below."))
        return _list_page(request, AuditSearchForm(), AuditEntry.objects.none(), search_id="", status=400)
    search_id = request.GET.get("search", "")
    if not search_id:
        return _list_page(request, AuditSearchForm(), AuditEntry.objects.all(), search_id="")
    form = _saved_form(request, search_id)
    if form is None:
        messages.error(request, _("That search is no longer available: searches last as long as you stay signed in. "
                                  "Search again below."))
        return _list_page(request, AuditSearchForm(), AuditEntry.objects.none(), search_id="", status=400)
    return _list_page(request, form, _search(form), search_id=search_id)


def _list_page(request: HttpRequest, form: AuditSearchForm, entries, *, search_id: str, status: int = 200):
    page = Paginator(entries, PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page": page,
        "entries": present(list(page.object_list)),
        "search_id": search_id,
        "page_query": f"search={search_id}&" if search_id else "",
    }
    response = render(request, "audit/entry_list.html", context, status=status)
    response["Cache-Control"] = "no-store, private"
    return response


class _Echo:
    def write(self, value: str) -> str:
        return value


def _cell(value: str) -> str:
    """A text cell a spreadsheet shows as text, never runs as a formula."""
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


@auditor_required
@require_POST
def entry_export(request: HttpRequest) -> HttpResponse:
    """The entries of the search on the page as CSV: re-authenticated, audited, never cached.

    POSTed with the search's id (or none, for everything), so the export's URL holds no
    search text either; it stays in English and codes, as stored, for other tools to read.
    """
    actor = _auditor(request)
    search_id = request.POST.get("search", "")
    form = _saved_form(request, search_id) if search_id else AuditSearchForm()
    if form is None:
        messages.error(request, _("That search is no longer available: searches last as long as you stay signed in. "
                                  "Search again below."))
        return redirect("audit:entry_list")
    if not recently_reauthenticated(request):
        # Back to the same search afterwards (a POST cannot be replayed): then the export is one click again.
        return reauthentication_redirect(_list_url(search_id))
    entries = _search(form) if form.is_bound else AuditEntry.objects.all()
    filters = {f"search.{name}": [None, value] for name, value in _form_data(form).items() if value}
    record(by=actor, action=Action.EXPORT, object_repr=EXPORT(), changes=filters, request=request)
    writer = csv.writer(_Echo())
    header = ["at", "username", "office", "role", "action", "object_type", "object_id", "object", "changes", "address"]
    rows = (
        [e.at.isoformat(), _cell(e.username), e.office_code, e.role, e.action, e.object_type, _cell(e.object_id),
         _cell(e.object_repr), json.dumps(e.changes or {}, ensure_ascii=False, sort_keys=True), e.ip_address]
        for e in entries.iterator(chunk_size=2000)
    )
    response = StreamingHttpResponse(
        (writer.writerow(row) for row in _with_header(header, rows)), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="audit-log.csv"'
    response["Cache-Control"] = "no-store, private"
    return response


def _with_header(header, rows):
    yield header
    yield from rows
