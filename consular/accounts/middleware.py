"""Session limits and the second factor, enforced for every page rather than view by view."""

from collections.abc import Callable
from datetime import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

SIGNED_IN_AT = "signed_in_at"
LAST_SEEN_AT = "last_seen_at"

# Paths that a visitor without a verified second factor may reach. The API
# authenticates each request itself (DRF); passkey endpoints check the user themselves;
# /seals/ publishes the certificates that verify our seals and /verify/ checks one, for anyone.
OPEN_PREFIXES = ("/static/", "/i18n/", "/api/", "/health/", "/favicon.ico", "/seals/", "/verify/")
OPEN_URL_NAMES = {"accounts:sign_in"}
HALF_SIGNED_IN_URL_NAMES = {"accounts:verify", "accounts:enrol", "accounts:sign_out"}
HALF_SIGNED_IN_PREFIXES = ("/webauthn/authentication/", "/webauthn/jsi18n/")


def _url_name(request: HttpRequest) -> str:
    match = getattr(request, "resolver_match", None)
    return match.view_name if match else ""


class SessionLimitsMiddleware:
    """30 minutes idle, 12 hours absolute: then the session ends with a clear message."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.session_expired = False
        if request.user.is_authenticated:
            now = timezone.now()
            signed_in_at = _parse(request.session.get(SIGNED_IN_AT))
            last_seen_at = _parse(request.session.get(LAST_SEEN_AT))
            too_old = signed_in_at is None or now - signed_in_at > settings.SESSION_ABSOLUTE_TIMEOUT
            idle = last_seen_at is not None and now - last_seen_at > settings.SESSION_IDLE_TIMEOUT
            if too_old or idle:
                logout(request)
                request.session_expired = True
            else:
                request.session[LAST_SEEN_AT] = now.isoformat()
        elif settings.SESSION_COOKIE_NAME in request.COOKIES and not request.session.keys():
            # A cookie for a session the server no longer has: it timed out.
            request.session_expired = True
        return self.get_response(request)


def _parse(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class SecondFactorRequiredMiddleware:
    """Every page needs a signed-in user who has passed the second factor."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(self, request: HttpRequest, view_func, view_args, view_kwargs) -> HttpResponse | None:
        path = request.path_info
        name = _url_name(request)
        if path.startswith(OPEN_PREFIXES) or name in OPEN_URL_NAMES:
            return None
        user = request.user
        if not user.is_authenticated:
            query = {"next": request.get_full_path()}
            if request.session_expired:
                messages.warning(request, _("Your session has expired. Please sign in again."))
            return HttpResponseRedirect(f"{reverse('accounts:sign_in')}?{urlencode(query)}")
        if user.is_verified():
            return None
        if name in HALF_SIGNED_IN_URL_NAMES or path.startswith(HALF_SIGNED_IN_PREFIXES):
            return None
        return HttpResponseRedirect(
            f"{reverse('accounts:verify')}?{urlencode({'next': request.get_full_path()})}"
        )
