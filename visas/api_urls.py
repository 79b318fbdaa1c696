"""Visa routes under /api/v1/visas/ (namespace `visas_api`), included by consular.urls."""

from django.urls import path

from visas import api

app_name = "visas_api"

urlpatterns = [
    path("applications/", api.ApplicationList.as_view(), name="application_list"),
    path("applications/<str:reference>/", api.ApplicationDetail.as_view(), name="application_detail"),
    path(
        "applications/<str:reference>/withdrawal/", api.ApplicationWithdrawal.as_view(), name="application_withdrawal"
    ),
]
