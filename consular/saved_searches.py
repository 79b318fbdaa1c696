"""Searches kept on the server under an opaque id, so what was searched for never goes in a URL.

A search form whose text may be a name, a date of birth or a document number is POSTed;
the view keeps the form's data in the session and redirects to `?search=<id>`. Paging,
going back and coming back after re-authentication then carry only that id: the access
log, proxies and the browser's history never see the search, and an id means nothing
outside the session that made it.
"""

from __future__ import annotations

import secrets

from django.http import HttpRequest

SESSION_KEY = "saved_searches"
KEPT_PER_KIND = 20  # older searches of the same kind are forgotten: the back button goes this far


def save_search(request: HttpRequest, kind: str, data: dict[str, str]) -> str:
    """Keep `data` (a form's fields as strings) for this session; returns the id to put in links."""
    searches = request.session.get(SESSION_KEY, {})
    of_kind = searches.get(kind, {})
    # The same search again gets its old id, so paging links and the history stay stable.
    for search_id, kept in of_kind.items():
        if kept == data:
            return search_id
    search_id = secrets.token_urlsafe(12)
    of_kind[search_id] = data
    while len(of_kind) > KEPT_PER_KIND:
        of_kind.pop(next(iter(of_kind)))
    searches[kind] = of_kind
    request.session[SESSION_KEY] = searches
    return search_id


def saved_search(request: HttpRequest, kind: str, search_id: str) -> dict[str, str] | None:
    """The data kept under `search_id`, or None when this session never made it (or forgot it)."""
    return request.session.get(SESSION_KEY, {}).get(kind, {}).get(search_id)
