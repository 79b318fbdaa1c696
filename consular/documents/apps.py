from django.apps import AppConfig


class DocumentsConfig(AppConfig):
    """ICAO 9303 machine readable zones, photo checks, file sniffing and protected storage."""

    name = "consular.documents"
    label = "documents"
