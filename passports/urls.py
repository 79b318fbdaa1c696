from django.urls import path

from passports.views import applications, papers, production

app_name = "passports"

# The fixed words come before `<reference>`, which would otherwise swallow them.
urlpatterns = [
    path("", applications.application_queue, name="application_queue"),
    path("new/", applications.application_create, name="application_create"),
    path("production/", production.production_queue, name="production_queue"),
    path("batches/", production.batch_list, name="batch_list"),
    path("batches/<str:reference>/", production.batch_detail, name="batch_detail"),
    path("batches/<str:reference>/export/", production.batch_export, name="batch_export"),
    path("collection/", production.collection_desk, name="collection_desk"),
    path("mrz/", production.mrz_check, name="mrz_check"),
    path("lost/", production.loss_report, name="loss_report"),
    path("lost/<int:report>/acknowledgement/", papers.loss_acknowledgement, name="loss_acknowledgement"),
    path("<str:reference>/", applications.application_detail, name="application_detail"),
    path("<str:reference>/photo/", applications.application_photo, name="application_photo"),
    path("<str:reference>/collect/", production.collect, name="collect"),
    # Papers handed to the applicant, print-ready (templates/paper.html).
    path("<str:reference>/receipt/", papers.receipt, name="receipt"),
    path("<str:reference>/acknowledgement/", papers.acknowledgement, name="acknowledgement"),
    path("<str:reference>/collection-record/", papers.handover_record, name="handover_record"),
]
