from django.urls import path

from residency import views

app_name = "residency"

urlpatterns = [
    path("", views.index, name="index"),
]
