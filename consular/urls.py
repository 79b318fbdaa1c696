from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

from consular.accounts import passkeys
from consular.offices import views as office_views

# The admin signs in through the same password + second factor as every page.
admin.site.login = lambda request, extra_context=None: redirect(f"/accounts/sign-in/?next={request.get_full_path()}")
admin.site.site_header = "consular"


def health(request):
    """Liveness for the load balancer: no database, no session."""
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [
    path("", office_views.home, name="home"),
    path("health/", health, name="health"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("accounts/", include("consular.accounts.urls")),
    path("offices/", include("consular.offices.urls")),
    path("audit/", include("consular.audit.urls")),
    path("passports/", include("passports.urls")),
    path("visas/", include("visas.urls")),
    path("residency/", include("residency.urls")),
    # Our rules on three of django-otp-webauthn's endpoints (consular/accounts/passkeys.py);
    # they shadow the library's routes of the same path, which its scripts reverse.
    path("webauthn/registration/begin/", passkeys.BeginPasskeyRegistration.as_view(),
         name="passkey_registration_begin"),
    path("webauthn/registration/complete/", passkeys.CompletePasskeyRegistration.as_view(),
         name="passkey_registration_complete"),
    path("webauthn/authentication/complete/", passkeys.CompletePasskeySignIn.as_view(),
         name="passkey_authentication_complete"),
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("api/v1/", include("consular.api.urls")),
    path("admin/", admin.site.urls),
]
