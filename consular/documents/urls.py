from django.urls import path, re_path

from consular.documents import views

app_name = "documents"
urlpatterns = [
    path("", views.seal_certificates, name="seal_certificates"),
    path("csca.pem", views.root_certificate, name="root_certificate"),
    re_path(r"^signers/(?P<reference>[0-9A-F]{2,16})\.pem$", views.signer_certificate, name="signer_certificate"),
    path("crl.pem", views.revocation_list, name="revocation_list"),
    path("revoked.json", views.revoked_documents, name="revoked_documents"),
]
