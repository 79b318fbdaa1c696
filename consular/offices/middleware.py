"""Runs every request inside the scope of its acting office, in that office's time zone."""

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django_scopes import scope

from consular.offices.scoping import request_actor


class ActingOfficeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # The actor is resolved lazily from the request, so API clients authenticated
        # later by DRF are scoped by the same rules as staff.
        with scope(request=request):
            actor = request_actor(request)
            if actor is not None:
                timezone.activate(actor.office.zone)
            try:
                return self.get_response(request)
            finally:
                timezone.deactivate()
