from django.urls import path

from visas import views

app_name = "visas"

urlpatterns = [
    path("", views.index, name="index"),
]
