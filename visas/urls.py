from django.urls import path

from visas import papers, views

app_name = "visas"

# The fixed words come before `<reference>`, which would otherwise swallow them.
urlpatterns = [
    path("", views.application_queue, name="application_queue"),
    path("new/", views.application_create, name="application_create"),
    path("<str:reference>/", views.application_detail, name="application_detail"),
    path("<str:reference>/photo/", views.application_photo, name="application_photo"),
    path("<str:reference>/sticker/", papers.sticker, name="sticker"),
    path("<str:reference>/grant-notice/", papers.grant_notice, name="grant_notice"),
    path("<str:reference>/refusal-letter/", papers.refusal_letter, name="refusal_letter"),
    path("<str:reference>/receipt/", papers.receipt, name="receipt"),
]
