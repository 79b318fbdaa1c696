from django.urls import path

from passports import views

app_name = "passports"

urlpatterns = [
    path("", views.index, name="index"),
]
