from django.contrib import admin
from django.http import HttpResponse
from django.shortcuts import redirect
from django.urls import include, path

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
    path("webauthn/", include("django_otp_webauthn.urls", namespace="otp_webauthn")),
    path("api/v1/", include("consular.api.urls")),
    path("admin/", admin.site.urls),
]
