from django.urls import path

from consular.workflow import views

app_name = "workflow"

# The fixed words come before `<reference>`, which would otherwise swallow them.
urlpatterns = [
    path("", views.case_queue, name="case_queue"),
    path("mine/", views.my_cases, name="my_cases"),
    path("overdue/", views.overdue_cases, name="overdue_cases"),
    path("referred/", views.referred_cases, name="referred_cases"),
    path("answered/", views.answered_cases, name="answered_cases"),
    path("operations/", views.operations, name="operations"),
    path("new/enquiry/", views.enquiry_create, name="enquiry_create"),
    path("<str:reference>/", views.case_detail, name="case_detail"),
]
