"""Passport routes under /api/v1/passports/ (namespace `passports_api`), included by consular.urls."""

from django.urls import path

from passports import api

app_name = "passports_api"

urlpatterns = [
    path("applications/", api.ApplicationList.as_view(), name="application_list"),
    path("applications/<str:reference>/", api.ApplicationDetail.as_view(), name="application_detail"),
    path("applications/<str:reference>/documents/", api.ApplicationDocuments.as_view(), name="application_documents"),
    path(
        "applications/<str:reference>/checklist/<str:code>/verification/",
        api.ApplicationVerification.as_view(),
        name="application_verification",
    ),
    path("applications/<str:reference>/payment/", api.ApplicationPayment.as_view(), name="application_payment"),
    path(
        "applications/<str:reference>/transitions/",
        api.ApplicationTransitions.as_view(),
        name="application_transitions",
    ),
    path(
        "applications/<str:reference>/collection/", api.ApplicationCollection.as_view(), name="application_collection"
    ),
    path("invalidated/", api.InvalidatedPassports.as_view(), name="invalidated"),
]
