"""This app's API routes, included under /api/v1/ by consular.api.urls."""

from django.urls import path

from consular.identity import api

urlpatterns = [
    path("persons/", api.PersonList.as_view(), name="api_person_list"),
    path("persons/search/", api.PersonSearch.as_view(), name="api_person_search"),
    path("persons/<int:pk>/", api.PersonDetail.as_view(), name="api_person_detail"),
    path("persons/<int:pk>/documents/", api.PersonDocuments.as_view(), name="api_person_documents"),
]
