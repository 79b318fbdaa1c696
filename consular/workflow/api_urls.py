"""This app's API routes, included under /api/v1/ by consular.api.urls."""

from django.urls import path

from consular.workflow import api

urlpatterns = [
    path("cases/", api.CaseList.as_view(), name="api_case_list"),
    path("cases/<str:reference>/", api.CaseDetail.as_view(), name="api_case_detail"),
    path("cases/<str:reference>/transitions/", api.CaseTransitions.as_view(), name="api_case_transitions"),
]
