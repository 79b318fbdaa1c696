"""HQ's watchlist pages: the lists, a list's entries, an entry with its history, imports, uploads and their jobs.

Who: the lists are HQ's. Other offices do not see these pages at all (404), as with every HQ
page; at HQ everyone reads them and auditors read them too; only HQ officers switch a list on
or off and upload an edition (`actions._ensure_hq`, the same rule as the import itself).
Each view parses its form, fetches and calls one function in `actions` or `uploads`.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, OuterRef, Q, Subquery
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from consular.offices.models import Office, Role
from consular.offices.scoping import Actor, acting_actor
from consular.paging import BadCursor, keyset_page, page_links
from consular.screening import actions, uploads
from consular.screening.forms import ActivationForm, EntrySearchForm, UploadForm
from consular.screening.models import EntryName, EntryVersion, ImportJob, ListEntry, Watchlist, WatchlistImport

ENTRY_ORDERING = ("id",)  # the cursor carries an id only: no name in a "next page" link
ENTRY_FIELDS = ("id", "reference", "source_key", "kind", "primary_name", "listed_on", "delisted_on", "version")
HISTORY_SHOWN = 100
# What a version's snapshot holds, by key, as the entry page names it.
SNAPSHOT_LABELS = {
    "kind": gettext_lazy("kind"),
    "reference": gettext_lazy("reference"),
    "primary_name": gettext_lazy("name"),
    "name_parts": gettext_lazy("name parts"),
    "native_name": gettext_lazy("name in native script"),
    "reason": gettext_lazy("listing reason"),
    "list_type": gettext_lazy("source list"),
    "listed_on": gettext_lazy("listed on"),
    "names": gettext_lazy("names and aliases"),
    "birth_dates": gettext_lazy("dates of birth"),
    "birth_places": gettext_lazy("places of birth"),
    "nationalities": gettext_lazy("nationalities"),
    "documents": gettext_lazy("documents"),
    "extra": gettext_lazy("other details"),
}


# ---------------------------------------------------------------------------------------
# Who may do what
# ---------------------------------------------------------------------------------------


def _reader(request: HttpRequest) -> Actor:
    """HQ staff and auditors read the lists; to every other office these pages do not exist (404)."""
    actor = acting_actor(request)
    if not actor.sees_all_offices:
        raise Http404
    return actor


def may_manage(actor: Actor) -> bool:
    return actor.office.kind == Office.Kind.HQ and actor.role == Role.HQ_OFFICER


def _ensure_manager(actor: Actor) -> None:
    if not may_manage(actor):
        raise PermissionDenied(_("Watchlists are managed by HQ officers."))


def _watchlist(code: str) -> Watchlist:
    return get_object_or_404(Watchlist, code=code)


# ---------------------------------------------------------------------------------------
# Lists
# ---------------------------------------------------------------------------------------


@require_http_methods(["GET"])
def watchlist_list(request: HttpRequest) -> HttpResponse:
    """Every list: kind, on or off, entries in force, its last import and what it changed."""
    actor = _reader(request)
    last = WatchlistImport.objects.filter(watchlist=OuterRef("pk")).order_by("-imported_at", "-id")
    lists = Watchlist.objects.annotate(
        in_force=Count("entries", filter=Q(entries__delisted_on__isnull=True)),
        delisted=Count("entries", filter=Q(entries__delisted_on__isnull=False)),
        last_import_id=Subquery(last.values("id")[:1]),
    ).order_by("code")
    lists = list(lists)
    imports = WatchlistImport.objects.in_bulk([found.last_import_id for found in lists if found.last_import_id])
    for found in lists:
        found.last_import = imports.get(found.last_import_id)
    return render(request, "screening/watchlist_list.html", {"lists": lists, "may_manage": may_manage(actor)})


@require_http_methods(["GET", "POST"])
def watchlist_detail(request: HttpRequest, code: str) -> HttpResponse:
    """A list's entries, a page at a time; a search by name or reference is posted, never put in the URL."""
    actor = _reader(request)
    watchlist = _watchlist(code)
    entries = ListEntry.objects.filter(watchlist=watchlist)
    form = EntrySearchForm(request.POST if request.method == "POST" else None)
    status, bad_cursor, query = 200, False, ""
    if form.is_bound:
        if form.is_valid():
            query = form.cleaned_data["q"]
            named = EntryName.objects.filter(entry__watchlist=watchlist, full_name__icontains=query)
            entries = entries.filter(
                Q(reference__iexact=query) | Q(source_key__iexact=query) | Q(pk__in=named.values("entry_id"))
            )
            after = form.cleaned_data["after"]
        else:
            entries, after, status = entries.none(), "", 400
    else:
        after = request.GET.get("after", "")
    try:
        rows, next_cursor = keyset_page(entries.values(*ENTRY_FIELDS), ENTRY_ORDERING, after)
    except BadCursor:
        rows, next_cursor, status, bad_cursor = [], "", 400, True
    kinds = dict(ListEntry.Kind.choices)
    for row in rows:
        row["kind_label"] = kinds.get(row["kind"], row["kind"])
    first_query, next_query = page_links(request.GET, "after", next_cursor)
    context = {
        "watchlist": watchlist,
        "rows": rows,
        "form": form,
        "query": query,
        "next_cursor": next_cursor,
        "first_query": first_query,
        "next_query": next_query if not query else "",
        "first_page": not after,
        "bad_cursor": bad_cursor,
        "may_manage": may_manage(actor),
        "activation_form": ActivationForm(initial={"active": "off" if watchlist.active else "on"}),
    }
    return render(request, "screening/watchlist_detail.html", context, status=status)


def watchlist_activation(request: HttpRequest, code: str) -> HttpResponse:
    """Switch screening against a list on or off; the form says which, so a second officer's click is refused."""
    actor = _reader(request)  # before the method: to other offices this URL does not exist either
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    _ensure_manager(actor)
    watchlist = _watchlist(code)
    form = ActivationForm(request.POST)
    if not form.is_valid():
        return HttpResponse(_("Say whether to switch the list on or off."), status=400, content_type="text/plain")
    try:
        actions.set_watchlist_active(watchlist, active=form.cleaned_data["active"], by=actor)
    except actions.WatchlistStateChanged as error:
        messages.error(request, " ".join(error.messages))
    else:
        if watchlist.active:
            messages.success(request, _("Applicants are now screened against %(list)s.") % {"list": watchlist.name})
        else:
            messages.success(
                request, _("Applicants are no longer screened against %(list)s.") % {"list": watchlist.name}
            )
    return redirect("screening:watchlist_detail", code=watchlist.code)


# ---------------------------------------------------------------------------------------
# Entries
# ---------------------------------------------------------------------------------------


def _changed_parts(versions: list[EntryVersion]) -> None:
    """Give each version `changed_labels`: what its snapshot says differently from the version before."""
    previous: dict = {}
    for version in versions:
        if version.change == EntryVersion.Change.CHANGED:
            keys = [key for key in version.snapshot if version.snapshot.get(key) != previous.get(key)]
            version.changed_labels = [SNAPSHOT_LABELS.get(key, key) for key in keys if key != "source_key"]
        else:
            version.changed_labels = []
        previous = version.snapshot


@require_http_methods(["GET"])
def entry_detail(request: HttpRequest, code: str, pk: int) -> HttpResponse:
    """One entry as the latest edition gives it, and every version with the import that made it."""
    _reader(request)
    watchlist = _watchlist(code)
    entry = get_object_or_404(
        ListEntry.objects.filter(watchlist=watchlist).prefetch_related(
            "names", "birth_dates", "birth_places", "nationalities", "documents"
        ),
        pk=pk,
    )
    versions = list(
        EntryVersion.objects.filter(entry=entry).select_related("made_by").order_by("version")[:HISTORY_SHOWN]
    )
    _changed_parts(versions)
    return render(
        request,
        "screening/entry_detail.html",
        {"watchlist": watchlist, "entry": entry, "versions": list(reversed(versions))},
    )


# ---------------------------------------------------------------------------------------
# Imports, uploads and their jobs
# ---------------------------------------------------------------------------------------

IMPORTS_SHOWN = 100


@require_http_methods(["GET"])
def import_list(request: HttpRequest, code: str) -> HttpResponse:
    """A list's imports with what each changed, and its recent uploads with their state."""
    actor = _reader(request)
    watchlist = _watchlist(code)
    imports = list(watchlist.imports.order_by("-imported_at", "-id")[:IMPORTS_SHOWN])
    jobs = list(watchlist.jobs.order_by("-requested_at", "-id")[:IMPORTS_SHOWN])
    return render(
        request,
        "screening/import_list.html",
        {"watchlist": watchlist, "imports": imports, "jobs": jobs, "may_manage": may_manage(actor)},
    )


@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest, code: str) -> HttpResponse:
    """An HQ officer uploads an edition; the import runs in the background and its job page follows it."""
    actor = _reader(request)
    _ensure_manager(actor)
    watchlist = _watchlist(code)
    form = UploadForm(request.POST or None, request.FILES or None, watchlist=watchlist)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            sent = form.cleaned_data["file"]
            if sent.size > uploads.UPLOAD_MAX_BYTES:
                form.add_error("file", _too_large())
            else:
                try:
                    job = uploads.queue_upload(
                        watchlist,
                        by=actor,
                        content=sent.read(),
                        file_name=sent.name or "",
                        file_format=form.cleaned_data["file_format"],
                        edition_date=form.cleaned_data["edition_date"],
                    )
                except ValidationError as error:
                    _add_errors(form, error)
                else:
                    return redirect("screening:job_detail", pk=job.pk)
    return render(request, "screening/upload.html", {"watchlist": watchlist, "form": form}, status=status)


def _too_large() -> str:
    return _("The file is larger than %(size)d MB.") % {"size": uploads.UPLOAD_MAX_BYTES // (1024 * 1024)}


def _add_errors(form, error: ValidationError) -> None:
    if not hasattr(error, "error_dict"):
        form.add_error(None, error)
        return
    for name, errors in error.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@require_http_methods(["GET"])
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """An upload's progress, asked again by htmx every few seconds until it is done; then its report."""
    _reader(request)
    job = get_object_or_404(ImportJob.objects.select_related("watchlist", "made_import"), pk=pk)
    done, total = uploads.live_progress(job)
    context = {
        "job": job,
        "watchlist": job.watchlist,
        "done": done,
        "total": total,
        "percent": int(100 * done / total) if total else 0,
        "counts": [(label, job.report.get(key, 0)) for key, label in REPORT_LABELS],
    }
    template = "screening/import_job_detail.html"
    if request.htmx and request.htmx.target == "job-status":
        template += "#job-status"
    return render(request, template, context)


REPORT_LABELS = [
    ("added", gettext_lazy("Added")),
    ("changed", gettext_lazy("Changed")),
    ("delisted", gettext_lazy("Delisted")),
    ("relisted", gettext_lazy("Listed again")),
    ("unchanged", gettext_lazy("Unchanged")),
]
