from django.urls import path

from consular.offices import views

app_name = "offices"

urlpatterns = [
    path("switch/", views.switch_office, name="switch_office"),
    path("<str:code>/", views.office_detail, name="office_detail"),
    path("<str:code>/holidays/new/", views.holiday_add, name="holiday_add"),
    path("<str:code>/holidays/<int:pk>/", views.holiday_edit, name="holiday_edit"),
]
