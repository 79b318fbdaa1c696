from urllib.parse import urlencode

from django.conf import settings
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import include, path, reverse

from consular.accounts import passkeys
from consular.documents import views as documents_views
from consular.home import views as home_views
from consular.offices.scoping import request_actor


def admin_login(request, extra_context=None):
    """The admin signs in through the same password + second factor as every page."""
    if request.user.is_authenticated and request.user.is_verified():
        raise PermissionDenied("The admin is for administrators.")
    return redirect(f"{reverse('accounts:sign_in')}?{urlencode({'next': request.get_full_path()})}")


def admin_has_permission(request) -> bool:
    """Staff flag, a verified second factor, and acting as an administrator right now."""
    actor = request_actor(request)
    return bool(request.user.is_active and request.user.is_verified() and actor is not None and actor.may_use_admin)


admin.site.login = admin_login
admin.site.has_permission = admin_has_permission
admin.site.site_header = "consular"


def health(request):
    """Liveness for the load balancer: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


def bench_bare(request):
    """The baseline for bench/case_list.py: the same middleware and auth, no query, no serializer."""
    return JsonResponse({"results": [], "next": None})


urlpatterns = [
    path("", home_views.home, name="home"),
    path("health/", health, name="health"),
    path("seals/", include("consular.documents.urls")),
    path("verify/", documents_views.verify, name="verify"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("consular.accounts.urls")),
    path("offices/", include("consular.offices.urls")),
    path("audit/", include("consular.audit.urls")),
    path("persons/", include("consular.identity.urls")),
    path("cases/", include("consular.workflow.urls")),
    path("screening/", include("consular.screening.hit_urls")),
    path("passports/", include("passports.urls")),
    path("visas/", include("visas.urls")),
    path("screening/", include("consular.screening.urls")),
    path("residency/", include("residency.urls")),
    # Our rules on four of django-otp-webauthn's endpoints (consular/accounts/passkeys.py: re-authentication,
    # audit, bounded JSON bodies); they shadow the library's routes of the same path, which its scripts reverse.
    path("webauthn/registration/begin/", passkeys.BeginPasskeyRegistration.as_view(),
         name="passkey_registration_begin"),
    path("webauthn/registration/complete/", passkeys.CompletePasskeyRegistration.as_view(),
         name="passkey_registration_complete"),
    path("webauthn/authentication/begin/", passkeys.BeginPasskeySignIn.as_view(),
         name="passkey_authentication_begin"),
    path("webauthn/authentication/complete/", passkeys.CompletePasskeySignIn.as_view(),
         name="passkey_authentication_complete"),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    # Each domain's API under its own prefix, before the core's catch-all 404 for /api/.
    path("api/v1/passports/", include("passports.api_urls")),
    path("api/v1/visas/", include("visas.api_urls")),
    path("api/v1/", include("consular.api.urls")),
    path("admin/", admin.site.urls),
]

if settings.BENCH_BARE_VIEW:
    # Only when bench/case_list.py starts the server: never part of a deployment.
    urlpatterns.insert(0, path("api/v1/bench-bare/", bench_bare, name="bench_bare"))
