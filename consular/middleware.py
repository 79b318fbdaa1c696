"""What every page and API response gets, whoever asks: no caching, and no control characters in the URL.

Both sit above the session, authentication and the views (static files are served by
WhiteNoise before them, and stay cacheable).
"""

import re
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string

from consular.api.problems import problem_response

# Case, person and passport pages and API answers carry personal data; a shared proxy or the
# browser's disk cache must never keep them. Pages without any are too few to be worth a list.
NO_STORE = "no-store, private"

# C0 controls, DEL and C1 controls. PostgreSQL refuses NUL in any text (a 500 when a path
# parameter reaches a query), and none of them belongs in a reference, a code or a cursor.
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f]")


class NoStoreMiddleware:
    """`Cache-Control: no-store, private` on every response the application renders, problems included."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        directives = {part.strip().lower() for part in response.get("Cache-Control", "").split(",")}
        if not {"no-store", "private"} <= directives:
            response["Cache-Control"] = NO_STORE
        return response


class RefuseControlCharactersMiddleware:
    """A control character in the path or query string: never reaches a view or the database.

    Under /api/ a control character in the path is a 404 problem (nothing is named so), in the
    query string a 400 problem; a page answers the plain 400 page (rendered without the
    session, which this runs before).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        api = request.path_info.startswith("/api/")
        if CONTROL_CHARACTERS.search(request.path_info):
            if api:
                return problem_response(404, "No such resource.", "not_found")
            return HttpResponseBadRequest(render_to_string("400.html"))
        if any(CONTROL_CHARACTERS.search(key) or CONTROL_CHARACTERS.search(value)
               for key, values in request.GET.lists() for value in values):
            if api:
                return problem_response(400, "The query string contains control characters.", "invalid_query")
            return HttpResponseBadRequest(render_to_string("400.html"))
        return self.get_response(request)
