from django.urls import path

from consular.screening import hit_views

app_name = "screening_hits"

urlpatterns = [
    path("hits/<int:pk>/", hit_views.hit_detail, name="hit_detail"),
    path("clearances/", hit_views.clearances, name="clearances"),
]
