from django.urls import path

from consular.identity import views

app_name = "identity"

urlpatterns = [
    path("", views.person_search, name="person_search"),
    path("new/", views.person_create, name="person_create"),
    path("reviews/", views.review_list, name="review_list"),
    path("reviews/<int:pk>/", views.review_detail, name="review_detail"),
    path("<int:pk>/", views.person_detail, name="person_detail"),
    path("<int:pk>/edit/", views.person_edit, name="person_edit"),
    path("<int:pk>/documents/new/", views.document_add, name="document_add"),
    path("<int:pk>/merge/", views.person_merge, name="person_merge"),
]
